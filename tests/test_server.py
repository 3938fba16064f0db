"""Real servers on loopback: Oxigraph (read-only and read-write), the checking front, `perr serve`, the query page.

* every library query gives the same rows on the embedded store and on an Oxigraph server queried through
  SPARQLWrapper (parameters bound by VALUES there, by substitution locally);
* `perr load` pushes the dataset to a read-write Oxigraph by Graph Store PUT, and the counts match;
* the front refuses what must be refused, before Oxigraph sees it;
* `perr serve` starts, answers, and stops cleanly on Ctrl-C;
* the query page runs the who-leads-what query in headless Chromium (marked ``browser``).

Every server is stopped by its fixture's finalizer; every wait has a deadline.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from perr_graph.cli import main
from perr_graph.remote.endpoint import remote_query
from perr_graph.serve.service import Service
from perr_graph.sparql import library as queries
from perr_graph.sparql.run import run_local
from support import browser as support_browser
from support import golden, project, servers
from support.servers import OxigraphServer, descendants, perr_serve, wait_gone
from support.servers import closed_port as _closed_port
from support.servers import graph_count as _count
from support.servers import http as _http

oxigraph_rw = servers.oxigraph_rw  # the fixtures
browser = support_browser.browser

pytestmark = pytest.mark.server

QUERY_FILES = sorted(project.QUERIES.glob("*.rq"))


@pytest.fixture(scope="module")
def oxigraph(dataset_nq):
    """A read-only Oxigraph server holding the built dataset."""
    server = OxigraphServer([dataset_nq], timeout_s=30)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def service(dataset_nq):
    """`perr serve`'s parts (Oxigraph + front) in this process, on free ports."""
    s = Service([dataset_nq], port=0, timeout=3, max_bytes=2_000_000)
    s.start()
    with servers.serving(s):
        yield s


def _local_and_remote(store, oxigraph, q, params=None):
    local = run_local(store, q, params)
    remote = remote_query(oxigraph.query_url, q, params)
    return golden.normalise(local, q.text), golden.normalise(remote, q.text)


# --- cross-engine agreement ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", QUERY_FILES, ids=[f.stem for f in QUERY_FILES])
def test_same_rows_on_pyoxigraph_and_oxigraph_server(path, store, oxigraph):
    q = queries.parse(path)
    local, remote = _local_and_remote(store, oxigraph, q)
    assert remote[0] == local[0]
    assert len(remote) == len(local)
    assert remote == local


def _param_cases():
    out = []
    for f in QUERY_FILES:
        for p in queries.parse(f).params:
            out.append(pytest.param(f, p.name, id=f"{f.stem}:{p.name}"))
    return out


@pytest.mark.parametrize("path,name", _param_cases())
def test_same_rows_with_parameters(path, name, store, oxigraph):
    """Substitution (local) and VALUES (remote) bind the same: for a value found in the data, and for a value
    that matches nothing."""
    q = queries.parse(path)
    param = next(p for p in q.params if p.name == name)
    full = run_local(store, q)
    value = None
    if name in full.variables:
        col = full.variables.index(name)
        value = next((row[col].value for row in full.rows if row[col] is not None), None)
    from_data = value is not None
    if not from_data:  # not a column, or no rows: a term of the right kind
        value = {"IRI": "https://w3id.org/perr-graph/id/protocol/loriol", "integer": "1", "literal": "x"}[
            param.kind
        ]
    local, remote = _local_and_remote(store, oxigraph, q, {name: value})
    assert remote == local
    assert len(local) > 1 or not from_data, f"{name}={value} should match some rows"
    nothing = {"IRI": "https://example.org/nothing", "integer": "-1", "literal": 'no " match'}[param.kind]
    local, remote = _local_and_remote(store, oxigraph, q, {name: nothing})
    assert remote == local


# --- perr query --endpoint ----------------------------------------------------------------------------------------


def test_cli_query_endpoint(capsys, oxigraph, dataset_nq):
    code = main(["query", "amounts", "--format", "csv", "--endpoint", oxigraph.query_url])
    remote_out, err = capsys.readouterr()
    code2 = main(["query", "amounts", "--format", "csv", "--data", str(dataset_nq)])
    local_out, _ = capsys.readouterr()
    assert code == code2 == 0, err
    assert remote_out == local_out


def test_cli_query_endpoint_unreachable(capsys):
    port = _closed_port()
    code = main(["query", "amounts", "--endpoint", f"http://127.0.0.1:{port}/sparql", "--timeout", "5"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and f"cannot reach http://127.0.0.1:{port}/sparql: connection refused" in err


def test_cli_query_endpoint_answers_wrongly(capsys, oxigraph):
    code = main(["query", "amounts", "--endpoint", oxigraph.url + "/no-such-path"])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "no-such-path" in err


def test_cli_query_endpoint_that_cancels(capsys, dataset_nq, tmp_path):
    """An Oxigraph whose own time limit cuts the answer: one clear line, not a JSON parse error."""
    f = tmp_path / "heavy.rq"
    f.write_text(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?a { ?s ?p ?o } GRAPH ?b { ?s2 ?p2 ?o2 } }", encoding="utf-8"
    )
    with OxigraphServer([dataset_nq], timeout_s=1) as slow:
        code = main(["query", str(f), "--endpoint", slow.query_url, "--timeout", "20"])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "cancelled the query" in err


# --- perr load -------------------------------------------------------------------------------------------------


def test_load_then_count(capsys, oxigraph_rw, dataset_nq, store):
    import pyoxigraph as ox

    registry = "https://w3id.org/perr-graph/graph/registry"
    # something already in the store: PUT must replace it, not add to it
    stale = b'<http://example.org/stale> <http://example.org/p> "old" .\n'
    req = urllib.request.Request(
        f"{oxigraph_rw.store_url}?graph={urllib.parse.quote(registry, safe='')}",
        data=stale,
        method="PUT",
        headers={"Content-Type": "application/n-triples"},
    )
    urllib.request.urlopen(req, timeout=10).read()
    assert _count(oxigraph_rw, registry) == 1

    code = main(["load", "--endpoint", oxigraph_rw.url, "--data", str(dataset_nq)])
    out, err = capsys.readouterr()
    assert code == 0, err
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    for g in graphs:
        expected = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
        assert _count(oxigraph_rw, g) == expected, g
    assert "DIFFERS" not in out and f"loaded {len(graphs)} graphs" in out
    assert "graph:protocol/valence" in out and "graph:registry" in out

    # a second load replaces again: same counts, nothing doubled
    code = main(["load", "--endpoint", oxigraph_rw.store_url, "--data", str(dataset_nq), "--quiet"])
    assert code == 0
    assert _count(oxigraph_rw, registry) == sum(
        1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(registry))
    )


def test_load_unreachable(capsys, dataset_nq):
    port = _closed_port()
    code = main(
        ["load", "--endpoint", f"http://127.0.0.1:{port}", "--data", str(dataset_nq), "--timeout", "5"]
    )
    _out, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "cannot reach" in err and "connection refused" in err


def test_load_into_a_read_only_server_fails_cleanly(capsys, oxigraph, dataset_nq):
    code = main(["load", "--endpoint", oxigraph.url, "--data", str(dataset_nq), "--quiet"])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "refused the graph" in err


# --- the front: what it forwards and what it refuses ---------------------------------------------------------------


def _post_query(service, text, **extra):
    body = urllib.parse.urlencode({"query": text, **extra}).encode()
    return _http(
        service.url + "/sparql",
        body,
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"},
    )


def test_front_forwards_and_agrees_with_the_embedded_store(service, store):
    from SPARQLWrapper import JSON, SPARQLWrapper

    q = queries.find("who-leads-what")
    sparql = SPARQLWrapper(service.url + "/sparql")
    sparql.setQuery(q.text)
    sparql.setReturnFormat(JSON)
    sparql.setTimeout(20)
    data = sparql.query().convert()
    local = run_local(store, q)
    assert len(data["results"]["bindings"]) == len(local.rows)
    # and through perr's own client, with a parameter bound by VALUES
    remote = remote_query(
        service.url + "/sparql", q, {"protocol": "https://w3id.org/perr-graph/id/protocol/puy"}
    )
    local = run_local(store, q, {"protocol": "https://w3id.org/perr-graph/id/protocol/puy"})
    assert golden.normalise(remote, q.text) == golden.normalise(local, q.text)


def test_front_serves_page_library_and_formats(service):
    status, ctype, body = _http(service.url + "/simple")  # the plain form (YASGUI's page: test_querypage.py)
    assert status == 200 and ctype.startswith("text/html") and b'id="run"' in body
    assert b"<script src" not in body and b"<link" not in body, "no external resource: the page works offline"
    status, _, body = _http(service.url + "/api/queries")
    items = json.loads(body)
    assert status == 200 and {"who-leads-what", "amounts"} <= {i["name"] for i in items}
    text = "SELECT ?g WHERE { GRAPH ?g { } } ORDER BY ?g"
    status, ctype, body = _http(
        service.url + "/sparql?" + urllib.parse.urlencode({"query": text, "format": "csv"})
    )
    assert status == 200 and "csv" in ctype and b"https://w3id.org/perr-graph/graph/registry" in body
    # parameters of a library query, typed by its header, bound by VALUES in the front
    q = queries.find("amounts")
    status, _, body = _post_query(
        service,
        q.text,
        library="amounts",
        **{"param.protocol": "https://w3id.org/perr-graph/id/protocol/puy"},
    )
    rows = json.loads(body)["results"]["bindings"]
    assert (
        status == 200
        and rows
        and {r["protocol"]["value"] for r in rows} == {"https://w3id.org/perr-graph/id/protocol/puy"}
    )


@pytest.fixture()
def recorder():
    import http.server
    import threading

    class Recorder(http.server.BaseHTTPRequestHandler):
        def _hit(self):
            self.server.hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = _hit

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.hits = []
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}/x"
    server.shutdown()
    server.server_close()


def test_front_refusals(service, recorder):
    rec, url = recorder
    cases = [
        (f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", 400, "SERVICE"),
        (f"SELECT * WHERE {{ # hidden?\r SERVICE <{url}> {{ ?s ?p ?o }}\n}}", 400, "SERVICE"),
        (f"LOAD <{url}>", 400, "LOAD would fetch"),
        ("INSERT DATA { <http://a/s> <http://a/p> 1 }", 400, "INSERT would change"),
        ("DELETE WHERE { GRAPH ?g { ?s ?p ?o } }", 400, "DELETE would change"),
        (f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}", 400, "only the dataset's own graphs"),
        (f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", 400, "FROM NAMED"),
        ("SELEC nothing", 400, "syntax error"),
    ]
    for text, status, needle in cases:
        code, _, body = _post_query(service, text)
        assert code == status and needle in body.decode(), (text, code, body)
        assert body.decode().count("\n") == 1, "one line"
    code, _, body = _http(
        service.url
        + "/sparql?"
        + urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": url})
    )
    assert code == 400 and b"default-graph-uri" in body
    for path, data, ctype in [
        (
            "/sparql",
            urllib.parse.urlencode({"update": f"LOAD <{url}>"}).encode(),
            "application/x-www-form-urlencoded",
        ),
        ("/update", b"CLEAR ALL", "application/sparql-update"),
        ("/sparql", b"DROP ALL", "application/sparql-update"),
    ]:
        code, _, body = _http(service.url + path, data, {"Content-Type": ctype})
        assert code == 403 and b"read-only" in body
    code, _, _ = _http(service.url + "/sparql", b"x", {"Content-Type": "text/plain"}, method="PUT")
    assert code == 403
    assert rec.hits == [], "nothing reached the outside"
    # and the data is intact
    code, _, body = _post_query(
        service, "ASK { GRAPH <https://w3id.org/perr-graph/graph/registry> { ?s ?p ?o } }"
    )
    assert code == 200 and json.loads(body)["boolean"] is True


def test_front_caps_the_answer_size(service):
    code, _, body = _post_query(service, "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert code == 413 and b"larger than 2000000 bytes" in body


def test_front_timeout(service):
    """Oxigraph cancels the query at its --timeout-s, in the middle of a 200 answer: the front says 504."""
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?a { ?s ?p ?o } GRAPH ?b { ?s2 ?p2 ?o2 } }"
    started = time.monotonic()
    code, _, body = _post_query(service, heavy)
    assert code == 504 and b"timed out after" in body and time.monotonic() - started < 15, body
    code, _, _ = _post_query(service, "ASK { }")
    assert code == 200, "the server is still there"


# --- perr serve, as a user runs it ----------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to find the child server")
def test_serve_command_answers_and_stops_on_ctrl_c(dataset_nq):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with perr_serve(dataset_nq, env, 60) as (proc, line):
        assert line, "perr serve printed nothing within 60 s"
        assert "SPARQL endpoint http://127.0.0.1:" in line, line
        base = line.split("query page ")[1].split()[0].rstrip("/")
        status, _, body = _http(
            base
            + "/sparql?"
            + urllib.parse.urlencode(
                {
                    "query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s a <https://w3id.org/perr-graph/ontology#Commitment> } }"
                }
            ),
            headers={"Accept": "application/sparql-results+json"},
        )
        assert status == 200 and int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 300
        engine_pids = descendants(proc.pid)
        assert len(engine_pids) >= 2, "Oxigraph runs behind its gate, a child of perr serve"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
        assert "stopped" in proc.stderr.read()
        for pid in engine_pids:
            assert wait_gone(pid, 10), "the engine (and the checkers) were stopped too"
        with pytest.raises(OSError):
            urllib.request.urlopen(base + "/", timeout=2)


# --- the query page in a real browser ------------------------------------------------------------------------------


@pytest.mark.browser
def test_query_page_runs_who_leads_what(browser, service, store, tmp_path):
    b = browser
    b.send("Page.enable")
    b.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1400, "height": 900, "deviceScaleFactor": 1, "mobile": False},
    )
    b.send("Page.navigate", {"url": service.url + "/simple"})
    b.wait_for("document.querySelectorAll('#library button').length > 10")
    b.evaluate("document.querySelector('#library button[data-name=\"who-leads-what\"]').click()")
    assert b.evaluate("document.getElementById('query').value.includes('perr:lead')")
    b.evaluate("document.getElementById('run').click()")
    b.wait_for("document.body.dataset.rows !== undefined && document.body.dataset.rows !== ''")
    page = b.evaluate("""(() => {
        const t = document.getElementById('results');
        return {rows: t.tBodies[0].rows.length, error: document.getElementById('error').textContent,
                header: [...t.tHead.rows[0].cells].map(c => c.textContent),
                first: [...t.tBodies[0].rows[0].cells].map(c => c.textContent),
                status: document.getElementById('status').textContent,
                text: t.tBodies[0].textContent};
    })()""")
    local = run_local(store, queries.find("who-leads-what"))
    assert page["error"] == ""
    assert page["header"] == local.variables  # the query's columns, in order
    assert page["header"][:5] == ["protocol", "section", "pillar", "commitment", "text"]
    assert page["rows"] == len(local.rows) and page["status"].startswith(f"{len(local.rows)} lignes")
    assert page["first"][0].startswith("id:protocol/")
    assert "Caisse d'allocations familiales de l'Isère" in page["text"]
    shot = base64.b64decode(b.send("Page.captureScreenshot", {"format": "png"})["data"])
    target = tmp_path / "who-leads-what.png"
    target.write_bytes(shot)
    assert shot[:8] == b"\x89PNG\r\n\x1a\n" and len(shot) > 20_000

    # a refused query shows its one-line message in the page, and no rows
    b.evaluate(
        "document.getElementById('query').value = 'SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }'"
    )
    b.evaluate("document.getElementById('run').click()")
    b.wait_for("document.body.dataset.rows === 'error'")
    assert "SERVICE <http://example.org/s> refused" in b.evaluate(
        "document.getElementById('error').textContent"
    )
    assert b.evaluate("document.getElementById('results').tBodies[0].rows.length") == 0
