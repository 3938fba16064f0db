"""`perr serve` as researchers use it (issue 14, point 3), on a real Oxigraph behind the front:

* what ``curl`` sees: the default graph is the union of the named graphs (``?c a perr:Commitment`` answers every
  commitment of the built dataset), the endpoint's ``GET`` without a query is a SPARQL 1.1 service description
  that parses as RDF, a dataset IRI under ``/id/`` is an HTML page to a browser and Turtle to ``Accept:
  text/turtle``, CORS headers only with ``--cors``;
* the query page: YASGUI vendored in the package (served same-origin, nothing from the web), or the plain form
  saying it is missing;
* in headless Chromium (marked ``browser``): the page runs a library query and shows its result table (sortable,
  a parameter pick list filled from the data, a chart, a shareable link), with no request leaving the server —
  on the five protocols and on 50 synthetic ones. Screenshots are kept under pytest's temporary folder, or under
  ``$PERR_SCREENSHOTS``.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import re
import threading
import urllib.parse
from pathlib import Path

import pytest
import rdflib

from perr_graph.serve import pages
from perr_graph.serve.front import Front
from perr_graph.serve.service import Service
from perr_graph.sparql import library as queries
from perr_graph.sparql.run import run_local
from support import browser as support_browser
from support import project, servers
from support.servers import http

browser = support_browser.browser
shots = support_browser.shots

pytestmark = pytest.mark.server

PERR = "https://w3id.org/perr-graph/ontology#"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
COMMITMENT = "https://w3id.org/perr-graph/id/protocol/voiron/commitment/L93"


@pytest.fixture(scope="module")
def service(dataset_nq):
    s = Service([dataset_nq], port=0, timeout=10, sources=project.SOURCES)
    s.start()
    with servers.serving(s):
        yield s


def needs_yasgui() -> None:
    """Skip when YASGUI is not vendored (npm was missing); in CI, where scripts/test.sh vendors it, fail."""
    if not pages.yasgui_vendored():
        if os.environ.get("CI"):
            pytest.fail("YASGUI is not vendored in CI: scripts/test.sh runs scripts/vendor-npm.sh")
        pytest.skip("YASGUI is not vendored (scripts/vendor-npm.sh)")


def ask(url: str, text: str) -> list[dict]:
    status, _, body = http(
        url + "/sparql",
        data=urllib.parse.urlencode({"query": text}).encode(),
        headers={"Accept": "application/sparql-results+json"},
    )
    assert status == 200, body
    return json.loads(body)["results"]["bindings"]


def _commitments_in_golden_stats() -> int:
    """The five's commitments, own and partners' contribution items, as the hand-checked golden answer of
    protocol-stats counts them."""
    with (project.ROOT / "tests" / "golden" / "queries" / "02-protocol-stats.csv").open(
        encoding="utf-8"
    ) as f:
        return sum(int(r["commitments"]) + int(r["contribution_items"]) for r in csv.DictReader(f))


# --- what curl sees ---------------------------------------------------------------------------------------------


def test_union_default_graph_answers_every_commitment(service, store):
    expected = {
        str(r["c"].value)
        for r in store.query(f"SELECT DISTINCT ?c WHERE {{ GRAPH ?g {{ ?c a <{PERR}Commitment> }} }}")
    }
    rows = ask(service.url, f"PREFIX perr: <{PERR}> SELECT ?c WHERE {{ ?c a perr:Commitment }}")
    assert len(expected) == _commitments_in_golden_stats()
    assert len(rows) == len(expected) and {r["c"]["value"] for r in rows} == expected


def test_service_description_parses_as_rdf(service, store):
    status, ctype, body = http(service.url + "/sparql")
    assert status == 200 and ctype.startswith("text/turtle")
    g = rdflib.Graph().parse(data=body, format="turtle")
    endpoint = rdflib.URIRef(service.url + "/sparql")
    assert (endpoint, rdflib.RDF.type, SD.Service) in g
    assert (endpoint, SD.endpoint, endpoint) in g
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (endpoint, SD.feature, SD.UnionDefaultGraph) in g
    formats = {str(o) for o in g.objects(endpoint, SD.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats and len(formats) == 7
    dataset = g.value(endpoint, SD.defaultDataset)
    assert g.value(dataset, SD.defaultGraph) is not None
    names = {str(g.value(n, SD.name)) for n in g.objects(dataset, SD.namedGraph)}
    held = {str(r["g"].value) for r in store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")}
    assert names == held and "https://w3id.org/perr-graph/graph/registry" in names
    status, ctype, body = http(service.url + "/sparql", headers={"Accept": BROWSER_ACCEPT})
    assert status == 200 and ctype.startswith("text/plain")  # a browser shows it
    assert len(rdflib.Graph().parse(data=body, format="turtle")) == len(g)
    status, ctype, body = http(service.url + "/sparql", headers={"Accept": "application/n-triples"})
    assert status == 200 and ctype.startswith("application/n-triples")
    assert len(rdflib.Graph().parse(data=body, format="nt")) == len(g)


def test_a_dataset_iri_is_html_to_a_browser_and_turtle_otherwise(service):
    path = "/id/" + COMMITMENT.removeprefix("https://w3id.org/perr-graph/id/")
    status, ctype, body = http(service.url + path, headers={"Accept": BROWSER_ACCEPT})
    page = body.decode("utf-8")
    assert status == 200 and ctype.startswith("text/html")
    assert "Développer les « Promeneurs du Net »." in page  # the quote
    source = re.search(r'href="(/source/([^"#]+)#L93)"', page)
    assert source and f"data/sources/{source.group(2)}:93" in page  # the link to the source line
    assert 'href="/id/org/caf-isere"' in page and "Caisse d&#39;allocations familiales de l&#39;Isère" in page
    # the ontology's French labels (the CAF commits: "partie qui s'engage")
    assert "partie qui s" in page and '<html lang="fr">' in page
    status, _, body = http(service.url + source.group(1).split("#")[0], headers={"Accept": BROWSER_ACCEPT})
    assert status == 200 and b'<li id="L93">' in body
    english = http(service.url + path + "?lang=en", headers={"Accept": BROWSER_ACCEPT})[2].decode()
    assert '<html lang="en">' in english and "committing party" in english

    for accept in ("text/turtle", "*/*", None):
        status, ctype, body = http(service.url + path, headers={"Accept": accept} if accept else {})
        assert status == 200 and ctype.startswith("text/turtle"), accept
        g = rdflib.Graph().parse(data=body, format="turtle")
        c = rdflib.URIRef(COMMITMENT)
        assert (c, rdflib.RDF.type, rdflib.URIRef(PERR + "Commitment")) in g
        assert (
            c,
            rdflib.URIRef(PERR + "committingParty"),
            rdflib.URIRef("https://w3id.org/perr-graph/id/org/caf-isere"),
        ) in g
        quote = rdflib.URIRef(COMMITMENT + "/source/quote")
        assert str(g.value(quote, rdflib.URIRef("http://www.w3.org/ns/oa#exact"))).startswith("Développer")
    status, ctype, body = http(service.url + path, headers={"Accept": "application/n-triples"})
    assert status == 200 and ctype.startswith("application/n-triples")
    status, ctype, _ = http(service.url + path + "?format=turtle", headers={"Accept": BROWSER_ACCEPT})
    assert status == 200 and ctype.startswith("text/turtle")  # the page's own "Turtle" link
    assert f'href="{path}?format=turtle"' in page

    status, _, body = http(
        service.url + "/concept/pillar/cohesion-sociale", headers={"Accept": BROWSER_ACCEPT}
    )
    assert status == 200 and "<h2>cohésion sociale</h2>" in body.decode("utf-8")
    assert 'href="/concept/pillar/cohesion-sociale"' in page  # the commitment's pillar links to it

    for missing in (
        "/id/",
        "/concept/",
        "/id/protocol/nowhere",
        "/id/../etc/passwd",
        "/id/a%3E%20%7B",
        "/source/../perr.toml",
    ):
        status, ctype, body = http(service.url + missing, headers={"Accept": BROWSER_ACCEPT})
        assert status == 404 and body.count(b"\n") == 1, missing


def test_cors_headers_only_with_cors(service, dataset_nq):
    plain = http(service.url + "/id/protocol/voiron", headers={"Origin": "https://example.org"})
    assert plain[0] == 403
    with_cors = Front(
        ("127.0.0.1", 0), service.engine, service.front.graphs, cors="https://example.org", checkers=1
    )
    thread = threading.Thread(target=with_cors.serve_forever, daemon=True)
    thread.start()
    try:
        import urllib.request

        for path in ("/sparql", "/id/protocol/voiron", "/sparql?query=ASK%7B%7D"):
            req = urllib.request.Request(with_cors.url + path, headers={"Origin": "https://example.org"})
            with urllib.request.urlopen(req, timeout=20) as r:
                assert r.status == 200 and r.headers["Access-Control-Allow-Origin"] == "https://example.org"
            with urllib.request.urlopen(with_cors.url + path, timeout=20) as r:
                assert "Access-Control-Allow-Origin" not in r.headers
            req = urllib.request.Request(service.url + path)
            with urllib.request.urlopen(req, timeout=20) as r:
                assert "Access-Control-Allow-Origin" not in r.headers
        assert http(with_cors.url + "/sparql", headers={"Origin": "https://other.example"})[0] == 403
    finally:
        with_cors.shutdown()
        with_cors.server_close()


# --- the query page ---------------------------------------------------------------------------------------------


def test_query_page_is_yasgui_served_here(service):
    needs_yasgui()
    status, ctype, body = http(service.url + "/")
    page = body.decode("utf-8")
    assert status == 200 and ctype.startswith("text/html") and '<html lang="fr">' in page
    assert re.findall(r'(?:src|href)="([^"]+)"', page)[:3] == [
        "/static/yasgui/yasgui.min.css",
        "/static/yasgui/yasgui.min.js",
        "/",
    ]
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page), "nothing from the web"
    assert "01 · Pour chaque engagement de chaque protocole" in page  # French titles
    for name, media in pages.STATIC_FILES.items():
        status, ctype, body = http(service.url + "/static/" + name)
        assert status == 200 and ctype.startswith(media.split(";")[0]), name
    css = http(service.url + "/static/yasgui/yasgui.min.css")[2]
    assert not re.search(rb"@import|url\(\s*['\"]?(?:https?:)?//", css)
    script = http(service.url + "/static/yasgui/yasgui.min.js")[2]
    assert b"lov.linkeddata.es" not in script and b"sourceMappingURL" not in script
    assert http(service.url + "/static/../front.py")[0] == 404
    assert http(service.url + "/static/index.html")[0] == 404
    english = http(service.url + "/?lang=en")[2].decode()
    assert '<html lang="en">' in english and "01 · Who leads what" in english


def test_without_yasgui_the_plain_form_says_so(service, monkeypatch, tmp_path):
    monkeypatch.setattr(pages, "YASGUI", tmp_path / "absent")
    status, _, body = http(service.url + "/")
    assert status == 200 and b'id="no-yasgui"' in body and b'id="run"' in body
    assert "YASGUI n&#39;est pas installé".encode() in body


def test_a_page_that_fails_is_one_line(service, monkeypatch, capfd):
    def broken(*args):
        raise KeyError("unforeseen")

    monkeypatch.setattr(pages, "resource_page", broken)
    status, _, body = http(service.url + "/id/protocol/voiron", headers={"Accept": BROWSER_ACCEPT})
    assert status == 500 and body == b"this page failed: KeyError\n"
    assert "Traceback" not in capfd.readouterr().err
    assert http(service.url + "/id/protocol/voiron")[0] == 200  # the server goes on


def test_library_query_with_its_parameters_bound(service):
    args = {"library": "amounts", "param.protocol": "https://w3id.org/perr-graph/id/protocol/puy"}
    status, _, body = http(service.url + "/api/bind?" + urllib.parse.urlencode(args))
    text = body.decode("utf-8")
    assert status == 200 and "VALUES ?protocol { <https://w3id.org/perr-graph/id/protocol/puy> }" in text
    rows = ask(service.url, text)
    assert rows and {r["protocol"]["value"] for r in rows} == {args["param.protocol"]}
    status, _, body = http(service.url + "/api/bind?library=../../etc/passwd&param.x=1")
    assert status == 400 and body.count(b"\n") == 1


# --- in headless Chromium ---------------------------------------------------------------------------------------

#: installed before the page's scripts: what the page's Content-Security-Policy refused (a request to the web)
WATCH = """window.__refused = []; window.__errors = [];
document.addEventListener('securitypolicyviolation', e => window.__refused.push(e.blockedURI));
window.addEventListener('error', e => window.__errors.push(String(e.message)));"""


def run_page(b, url: str, shot: Path) -> dict:
    """Open ``url`` (a library query to run), wait for its table; the page's state, and a screenshot."""
    b.send("Page.enable")
    b.send("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH})
    b.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1400, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
    )
    b.send("Page.navigate", {"url": url})
    b.wait_for("document.body && document.body.dataset.ready === '1'", 60)
    b.wait_for("document.querySelector('.yasr table.dataTable tbody tr td') !== null", 120)
    state = b.evaluate("""(() => {
        const tab = window.perrYasgui.getTab();
        return {rows: tab.yasr.results.getBindings().length,
                header: [...document.querySelectorAll('.yasr table.dataTable thead th')].map(t => t.textContent),
                shown: document.querySelectorAll('.yasr table.dataTable tbody tr').length,
                options: [...document.querySelectorAll('#params select[name=protocol] option')].map(o => o.value),
                query: tab.getQuery(), tabs: document.querySelectorAll('.tabPanel').length,
                share: tab.getShareableLink(),
                resources: performance.getEntriesByType('resource').map(e => e.name)};
    })()""")
    png = base64.b64decode(b.send("Page.captureScreenshot", {"format": "png"})["data"])
    shot.write_bytes(png)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    return state


def check_offline(b, origin: str, state: dict) -> None:
    assert b.evaluate("window.__refused") == [], "the page asked for something outside this server"
    assert b.evaluate("window.__errors") == []
    assert state["resources"] and all(u.startswith(origin + "/") for u in state["resources"])


@pytest.mark.browser
def test_query_page_runs_a_library_query(browser, service, store, shots):
    needs_yasgui()
    b = browser
    state = run_page(b, service.url + "/?library=who-leads-what&run=1", shots / "query-page-5.png")
    local = run_local(store, queries.find("who-leads-what"))
    assert state["rows"] == len(local.rows) == _commitments_in_golden_stats()
    assert state["header"][1:] == local.variables  # the query's columns, in order
    assert state["shown"] == 50  # a page of the table
    assert "perr:lead" in state["query"] and state["query"].startswith("#+ title: Who leads what")
    protocols = {row[0].value for row in local.rows}
    assert len(state["options"]) == 6 and set(state["options"]) == {"", *protocols}
    check_offline(b, service.url, state)

    # an IRI of the dataset in the table opens its page on this server, not on the web
    b.evaluate("window.open = (url) => { window.__opened = url; }")
    b.evaluate("document.querySelector('.yasr table.dataTable tbody a.iri').click()")
    assert b.evaluate("window.__opened") == "/id/protocol/loriol"

    # sortable: a click on the "line" header orders the rows by line
    line = 1 + local.variables.index("line")  # the table's first column numbers the rows
    first = f"document.querySelector('.yasr table.dataTable tbody tr').cells[{line}].textContent"
    b.evaluate(f"[...document.querySelectorAll('.yasr table.dataTable thead th')][{line}].click()")
    b.wait_for(f"{first} !== ''")
    ascending = b.evaluate(first)
    b.evaluate(f"[...document.querySelectorAll('.yasr table.dataTable thead th')][{line}].click()")
    b.wait_for(f"{first} !== {json.dumps(ascending)}")

    # the pick list binds the parameter: the query shown is the one run, one protocol's rows
    voiron = "https://w3id.org/perr-graph/id/protocol/voiron"
    expected = sum(1 for row in local.rows if row[0].value == voiron)
    b.evaluate(f"""(() => {{ const s = document.querySelector('#params select[name=protocol]');
        s.value = {json.dumps(voiron)}; s.dispatchEvent(new Event('change')); }})()""")
    b.wait_for(
        f"window.perrYasgui.getTab().yasr.results && window.perrYasgui.getTab().yasr.results.getBindings().length === {expected}",
        60,
    )
    assert f"VALUES ?protocol {{ <{voiron}> }}" in b.evaluate("window.perrYasgui.getTab().getQuery()")

    # a shareable link opens the same query
    link = b.evaluate("window.perrYasgui.getTab().getShareableLink()")
    assert link.startswith(service.url + "/") and urllib.parse.quote(voiron, safe="") in link
    moved = link.replace(
        urllib.parse.quote(service.url + "/sparql", safe=""), "http%3A%2F%2Felsewhere%2Fsparql"
    )
    assert moved != link  # made on another address: opens on this one all the same
    b.send("Page.navigate", {"url": moved})
    b.wait_for("document.body && document.body.dataset.ready === '1'", 60)
    assert f"VALUES ?protocol {{ <{voiron}> }}" in b.evaluate("window.perrYasgui.getTab().getQuery()")
    assert b.evaluate("window.perrYasgui.getTab().getEndpoint()") == service.url + "/sparql"

    # the chart view draws bars from a query with numbers
    b.evaluate("document.querySelector('#library button[data-name=\"protocol-stats\"]').click()")
    b.wait_for(
        "window.perrYasgui.getTab().yasr.results && window.perrYasgui.getTab().yasr.results.getBindings().length === 5",
        60,
    )
    b.evaluate("window.perrYasgui.getTab().yasr.selectPlugin('chart')")
    b.wait_for("document.querySelectorAll('.perr-chart svg rect').length === 5")
    shot = base64.b64decode(b.send("Page.captureScreenshot", {"format": "png"})["data"])
    (shots / "query-page-5-chart.png").write_bytes(shot)
    check_offline(b, service.url, state)


@pytest.fixture(scope="module")
def synthetic_service(tmp_path_factory):
    from perr_graph.cli import main

    folder = tmp_path_factory.mktemp("synth50-serve")
    nq = folder / "france.nq"
    assert main(["synth", "--protocols", "50", "--seed", "1", "--output", str(nq), "--quiet"]) == 0
    s = Service([nq], port=0, timeout=60)
    s.start()
    with servers.serving(s):
        yield s


@pytest.mark.browser
@pytest.mark.slow
def test_query_page_at_50_protocols(browser, synthetic_service, shots):
    needs_yasgui()
    count = ask(
        synthetic_service.url,
        f"PREFIX perr: <{PERR}> SELECT (COUNT(?c) AS ?n) WHERE {{ ?c a perr:Commitment }}",
    )
    commitments = int(count[0]["n"]["value"])
    state = run_page(
        browser, synthetic_service.url + "/?library=who-leads-what&run=1", shots / "query-page-50.png"
    )
    assert state["rows"] == commitments > 1000
    assert len(state["options"]) == 51
    check_offline(browser, synthetic_service.url, state)


def test_yasgui_words_are_in_the_catalogue():
    """Every word of YASGUI's controls has its French; in English the page leaves YASGUI's own words alone."""
    from perr_graph.serve.pages import YASGUI_WORDS, query_page

    def strings(lang: str) -> dict:
        page = query_page(lang, []).decode("utf-8")
        if 'id="strings"' not in page:
            pytest.skip("YASGUI is not vendored (scripts/vendor-npm.sh)")
        text = page.split('id="strings"', 1)[1].split(">", 1)[1].split("</script>", 1)[0]
        return json.loads(text)

    fr, en = strings("fr"), strings("en")
    assert set(fr["ui"]) == set(YASGUI_WORDS) and all(fr["ui"][w] != w for w in YASGUI_WORDS)
    assert fr["ui"]["Share query"] == "Partager la requête"
    assert en["ui"] == {}
    assert fr["table_words"]["info"] == "Lignes _START_ à _END_ sur _TOTAL_"


@pytest.mark.browser
def test_query_page_controls_speak_french(browser, service, shots):
    """YASGUI's own controls in French: no word of theirs left in English outside the results and the editor."""
    from perr_graph.serve.pages import YASGUI_WORDS

    needs_yasgui()
    b = browser
    run_page(b, service.url + "/?library=protocol-stats&run=1", shots / "query-page-5-fr.png")
    b.wait_for("document.querySelector('.tableFilter') !== null")
    assert b.evaluate("document.querySelector('.yasqe_share').title") == "Partager la requête"
    assert b.evaluate("document.querySelector('.tableFilter').placeholder") == "Filtrer les résultats"
    info = b.evaluate("(document.querySelector('.dt-info, .dataTables_info') || {}).textContent || ''")
    assert info.startswith("Lignes 1 à 5 sur 5"), info
    shown = b.evaluate("""(() => {
        const out = [];
        for (const el of document.querySelectorAll('#yasgui *')) {
            if (el.closest('table.dataTable tbody, .CodeMirror-lines, .CodeMirror-measure, .yasr_response, pre')) continue;
            for (const a of ['title', 'placeholder', 'aria-label']) if (el.getAttribute(a)) out.push(el.getAttribute(a).trim());
            for (const n of el.childNodes) if (n.nodeType === 3 && n.nodeValue.trim()) out.push(n.nodeValue.trim());
        }
        return out;
    })()""")
    assert "Partager la requête" in shown and "Vue simple" in shown and "Lignes par page :" in shown
    chips = b.evaluate(
        "[...document.querySelectorAll('.yasr_response_chip')].map(e => e.textContent).filter(Boolean)"
    )
    assert len(chips) == 1 and re.fullmatch(r"5 lignes en [0-9]+(,[0-9]+)? s", chips[0]), chips
    assert not set(shown) & set(YASGUI_WORDS), sorted(set(shown) & set(YASGUI_WORDS))
