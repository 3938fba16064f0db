"""perr report: a static site that opens from disk. Checked twice: on the files (every link and anchor resolves,
nothing is fetched, every commitment links to its source line) and in headless Chromium (each page opened from
disk, its DOM dumped and checked, a screenshot taken)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from perr_graph.cli import main
from perr_graph.inputs.catalogue import read_catalogue
from support import project


class Page(HTMLParser):
    """Tags (with attributes) and text of an HTML document."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    @property
    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.tags if "id" in a}

    def having(self, tag: str, cls: str | None = None) -> list[dict]:
        return [
            a for t, a in self.tags if t == tag and (cls is None or cls in (a.get("class") or "").split())
        ]

    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())


@pytest.fixture(scope="module")
def report_dir(store, dataset_nq, tmp_path_factory):
    from perr_graph.report import build_report, validation_findings

    out = tmp_path_factory.mktemp("report") / "site"
    findings = validation_findings([dataset_nq], sources=project.SOURCES, dataset=dataset_nq)
    build_report(store, out, findings, sources=project.SOURCES)
    return out


@pytest.fixture(scope="module")
def pages(report_dir):
    return {p.name: Page(p.read_text(encoding="utf-8")) for p in sorted(report_dir.glob("*.html"))}


def expected_pages(pids, partners=()) -> set[str]:
    names = {"index.html", "compare.html", "matches.html", "network.html", "validation.html", "ontology.html"}
    names |= {"commitments.html", "partners.html"} | {f"partner-{k}.html" for k in partners}
    return names | {f"protocol-{p}.html" for p in pids} | {f"source-{p}.html" for p in pids}


def involved(protocols) -> set[str]:
    """Every partner involved in a commitment or signing, and the organisations above them in the registry."""
    from perr_graph.inputs.registry import Registry

    registry = Registry.load(project.REGISTRY)
    found = {i.partner for p in protocols.values() for c in p.commitments for i in c.involvements}
    found |= {s.partner for p in protocols.values() for s in p.signatories}
    todo = list(found)
    while todo:
        parent = registry.partners[todo.pop()].parent
        if parent and parent not in found:
            found.add(parent)
            todo.append(parent)
    return found


# --- the files --------------------------------------------------------------------------------------------------


def test_every_page_is_written(pages, protocols, report_dir):
    assert set(pages) == expected_pages(protocols, involved(protocols))
    assert len(list((report_dir / "network").glob("partners-*.g*"))) == 2 * (len(protocols) + 1)
    assert (report_dir / ".perr-report").exists()
    assert not list(report_dir.parent.glob(".site.*"))  # the temporary folder is gone


SCRIPT = re.compile(r"<script([^>]*)>(.*?)</script>", re.S)
#: what a script must not do: reach anything outside the page
NETWORK = (
    "fetch(",
    "XMLHttpRequest",
    "WebSocket",
    "EventSource",
    "sendBeacon",
    "import(",
    "importScripts",
    "http://",
    "https://",
    ".src",
    "window.open",
    "location.href =",
    "location.assign",
)


#: the script files a page may load, from the report's own folder
ASSET_SCRIPTS = {"assets/tables.js", "assets/write-excel-file.min.js"}


def test_pages_fetch_nothing(report_dir):
    """No page loads anything from outside the report: no external element, no script but the report's own
    (``assets/``, beside the pages), and no script makes a request (the vendored XLSX writer holds addresses only
    as XML namespaces); every page forbids any fetch by its content security policy."""
    loaded = set()
    for path in report_dir.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        for bad in (
            "<link",
            "<img",
            "<iframe",
            "<object",
            "<embed",
            "@import",
            "url(",
            "src='",
            'href="http',
            "href='http",
            "<base",
        ):
            assert bad not in text, f"{path.name}: {bad}"
        assert "default-src 'none'" in text and "Content-Security-Policy" in text, path.name
        assert "script-src 'self' 'unsafe-inline';" in text, path.name
        for attrs, body in SCRIPT.findall(text):
            if "src" in attrs:
                src = re.fullmatch(r' src="([^"]+)"', attrs)
                assert src and src.group(1) in ASSET_SCRIPTS and not body, f"{path.name}: {attrs}"
                loaded.add(src.group(1))
                continue
            if "application/json" in attrs:
                assert "<" not in body, path.name  # data only, nothing that could end the block
                continue
            for bad in NETWORK:
                assert bad not in body, f"{path.name}: {bad}"
        assert text.count('src="') == len(re.findall(r'<script src="assets/[^"]+"></script>', text)), (
            path.name
        )
    assert loaded == ASSET_SCRIPTS  # the XLSX writer is vendored in the test run (scripts/test.sh)
    for name in loaded:
        body = (report_dir / name).read_text(encoding="utf-8")
        addresses = re.findall(r"https?://[^\s\"']*", body)
        assert all(
            re.match(r"http://schemas\.(openxmlformats\.org|microsoft\.com)/", a) for a in addresses
        ), name
        for bad in NETWORK:
            if bad not in ("http://", "https://"):
                assert bad not in body, f"{name}: {bad}"
    scripts = [p.name for p in report_dir.glob("*.html") if "<script>" in p.read_text(encoding="utf-8")]
    assert scripts == ["commitments.html"]


def test_every_link_and_anchor_resolves(pages, report_dir):
    broken = []
    for name, page in pages.items():
        for _, a in page.tags:
            href = a.get("href")
            if href is None:
                continue
            target, _, fragment = href.partition("#")
            target = target or name
            if target == "commitments.html" and "=" in fragment:
                fragment = ""  # filters of the search page, not an anchor (tested in the browser)
            if not (report_dir / target).is_file() or (
                fragment and target.endswith(".html") and fragment not in pages[target].ids
            ):
                broken.append(f"{name}: {href}")
    assert broken == []


def test_every_commitment_links_to_its_source_line(pages, protocols, sources):
    for pid, p in protocols.items():
        page = pages[f"protocol-{pid}.html"]
        articles = {a["id"]: a for a in page.having("article", "c")}
        assert set(articles) == {f"c-{c.key}" for c in p.commitments}
        links = {a["href"] for a in page.having("a", "line")}
        assert links == {f"source-{pid}.html#L{c.span.start}" for c in p.commitments}
        # and each partner named links to its page
        chips = {a["href"] for a in page.having("a", "chip")}
        assert chips <= {f"partner-{i.partner}.html" for c in p.commitments for i in c.involvements}


def test_source_pages_show_the_text_line_by_line(report_dir, sources):
    catalogue = read_catalogue(project.SOURCES / "catalogue.csv")
    for pid, src in sources.items():
        html = (report_dir / f"source-{pid}.html").read_text(encoding="utf-8")
        lines = dict(
            re.findall(
                r'<div class="ln[^"]*" id="L(\d+)"><a class="n" href="#L\d+">\d+</a>'
                r'<span class="t">(.*?)</span>',
                html,
                re.S,
            )
        )
        assert len(lines) == catalogue[pid].lines == src.line_count
        for n in (1, src.line_count // 2, src.line_count):
            assert unescape(lines[str(n)]) == src.line(n)


def test_ontology_page_documents_every_class_and_property(pages, built):
    from rdflib import OWL, RDF

    from perr_graph import namespaces as ns

    onto = built.graphs[ns.ONTOLOGY_GRAPH]
    text = pages["ontology.html"].all_text()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in onto.subjects(RDF.type, kind):
            if str(term).startswith(str(ns.PERR)):
                assert "perr:" + str(term)[len(str(ns.PERR)) :] in text
    assert "chef de file" in text and "partenaire associé" in text  # the role scheme
    assert "Schémas de concepts" in text  # French by default


def test_cli_writes_the_same_report_again(capsys, tmp_path, dataset_nq, report_dir):
    """``perr report`` from the command line, without validation: every file but validation.html is byte for
    byte the one the fixture wrote (same dataset, same report)."""
    out = tmp_path / "site"
    code = main(
        [
            "report",
            "--output",
            str(out),
            "--data",
            str(dataset_nq),
            "--sources",
            str(project.SOURCES),
            "--no-validation",
            "--quiet",
        ]
    )
    err = capsys.readouterr().err
    assert code == 0 and "index.html" in err and "\x1b" not in err
    assert not list(out.rglob("*.tmp"))

    def files(folder):  # the validation page's own tables exist only with validation
        return {
            p.relative_to(folder): p.read_bytes()
            for p in folder.rglob("*")
            if p.is_file() and not p.name.startswith("validation-") and p.name != "validation.xlsx"
        }

    again, first = files(out), files(report_dir)
    assert set(again) == set(first) and len(first) > 20
    assert [k for k in first if first[k] != again[k]] == [Path("validation.html")]
    assert b"--no-validation" in again[Path("validation.html")]


def test_two_runs_write_the_same_bytes(tmp_path, dataset_nq):
    """Two ``perr report`` processes on the same dataset write byte-identical folders. Each runs with its own
    ``PYTHONHASHSEED``: set and dict order of strings changes between processes, not within one, so the report
    must be built twice in two processes (an edge of the network once came out in either direction)."""
    runs = {}
    for seed in ("1", "2"):
        out = tmp_path / f"run-{seed}"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        cmd = [
            sys.executable,
            "-m",
            "perr_graph.cli",
            "report",
            "-o",
            str(out),
            "--data",
            str(dataset_nq),
            "--sources",
            str(project.SOURCES),
        ]
        runs[out] = subprocess.Popen([*cmd, "--no-validation"], env=env, stderr=subprocess.PIPE, text=True)
    for proc in runs.values():
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    first, second = (
        {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} for out in runs
    )
    assert set(first) == set(second) and len(first) > 20
    assert [str(k) for k in sorted(first) if first[k] != second[k]] == []


# --- what a reader sees: French, drill-down, downloads -------------------------------------------------------------


def test_french_by_default(pages, protocols):
    index = pages["index.html"].all_text()
    assert f"{len(protocols)} protocoles de la politique de la ville" in index
    assert "Les territoires, par région et département" in index and "Auvergne-Rhône-Alpes" in index
    for region_or_dept in ("Drôme", "Isère", "Haute-Loire"):
        assert region_or_dept in index
    assert "Qui porte les engagements" in index


def test_html_lang_follows_the_language(report_dir, tmp_path, store):
    from perr_graph.report import build_report

    assert '<html lang="fr">' in (report_dir / "index.html").read_text(encoding="utf-8")
    out = tmp_path / "en"
    build_report(store, out, None, sources=None, lang="en")
    text = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in text and "urban-policy protocols" in text
    assert "The source texts were not given" in text
    assert not list(out.glob("source-*.html"))
    protocol = (out / "protocol-voiron.html").read_text(encoding="utf-8")
    assert 'class="line"' in protocol and 'href="source-' not in protocol  # line numbers without a page


def test_territory_page_drills_down(pages, protocols):
    page = pages["protocol-valence.html"]
    text = page.all_text()
    for heading in (
        "Quartiers prioritaires",
        "Signataires",
        "Qui porte les engagements",
        "Partenaires par rôle",
        "Piliers et thèmes",
        "Ce qui est mesuré",
    ):
        assert heading in text, heading
    assert "Polygone" in text and "Les Hauts de Valence" in text  # its QPV
    assert "Nombre de jeunes des QPV bénéficiaires de ces dispositifs" in text  # an indicator
    hrefs = {a["href"] for _, a in page.tags if "href" in a}
    assert "partner-caf-drome.html" in hrefs
    assert any(h.startswith("commitments.html#territory=valence&pillar=") for h in hrefs)
    downloads = {a["download"] for _, a in page.tags if "download" in a}
    assert {"protocol-valence--signatories.csv", "protocol-valence.xlsx"} <= downloads


def test_partner_page_shows_roles_territories_and_sub_organisations(pages):
    etat = pages["partner-etat.html"].all_text()
    assert "Ses sous-organisations" in etat and "Sous-préfecture de Die" in etat
    caf = pages["partner-caf-drome.html"]
    text = caf.all_text()
    assert "Ses rôles" in text and "Où" in text
    assert "partie qui s'engage" in text or "partie qui s’engage" in text
    hrefs = {a["href"] for _, a in caf.tags if "href" in a}
    assert {"protocol-loriol.html", "protocol-montelimar.html"} <= hrefs
    sub = pages["partner-ars-ara-dd-haute-loire.html"]
    assert "Fait partie de" in sub.all_text() and "partner-ars-ara.html" in {
        a.get("href") for _, a in sub.tags
    }
    signer = pages["partner-academie-grenoble.html"].all_text()  # signs, leads nothing
    assert "Signe le protocole de" in signer and "Pays Voironnais" in signer


def test_heat_map_cells_link_to_the_commitments_they_count(pages):
    compare = pages["compare.html"]
    cells = [a["href"] for _, a in compare.tags if a.get("href", "").startswith("commitments.html#")]
    assert len(cells) > 100
    assert any("category=caf" in h and "role=" in h and "territory=" in h for h in cells)
    assert any("pillar=cohesion-sociale" in h for h in cells)


def tables_data(text: str) -> dict:
    """The rows a page holds for its downloads (the JSON block ``tables``)."""
    import json

    block = re.search(r'<script type="application/json" id="tables">(.*?)</script>', text, re.S)
    return json.loads(block.group(1))


def test_every_table_downloads_as_csv_and_xlsx(report_dir, pages):
    """Every table of a page holds all its rows for download (made in the browser: tests/test_report_browser.py
    makes the files), under the table's own header, with a CSV link and an XLSX link naming its sheet; the rows a
    page shows are the first rows of what it holds (all of them unless the page says it shows fewer)."""
    checked = 0
    for name in (
        "index.html",
        "protocol-montelimar.html",
        "partner-caf-drome.html",
        "compare.html",
        "partner-etat.html",
    ):
        text = (report_dir / name).read_text(encoding="utf-8")
        data = tables_data(text)
        held = {t["id"]: t for t in data["tables"]}
        assert data["xlsx"] == name.replace(".html", ".xlsx")
        shown = re.findall(
            r'<table class="data" id="t-([^"]+)"><thead><tr>(.*?)</tr></thead><tbody>(.*?)</tbody>',
            text,
            re.S,
        )
        # every table shown as a table is held; the others held are drawn otherwise (heat maps, indicators)
        assert {i for i, _, _ in shown} <= set(held) and shown, name
        for table_id, t in held.items():  # each with its links (an empty table is not shown)
            if not t["rows"]:
                continue
            links = re.search(
                rf'<a href="#" data-table="{table_id}" data-format="csv" download="{t["csv"]}">CSV</a> · '
                rf'<a href="#" data-table="{table_id}" data-format="xlsx" download="{data["xlsx"]}">XLSX</a> '
                r'<span class="muted">\(feuille « (.*?) »\)',
                text,
            )
            assert links and unescape(links.group(1)) == t["sheet"], (name, table_id)
            assert t["csv"] == f"{name[:-5]}--{table_id}.csv", (name, table_id)
            checked += 1
        for table_id, head, body in shown:
            t = held[table_id]
            assert [unescape(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", head)] == t["columns"], (
                name,
                table_id,
            )
            rows = re.findall(r"<tr>(.*?)</tr>", body)
            said = f"Les {len(rows)} premières lignes sur {len(t['rows'])}"  # what a page showing fewer says
            assert len(rows) == len(t["rows"]) or (len(rows) < len(t["rows"]) and said in text), (
                name,
                table_id,
            )
            first = [re.sub(r"<[^>]+>", "", unescape(c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", rows[0])]
            assert len(first) == len(t["rows"][0]) == len(t["columns"]), (name, table_id)
            assert first[0] == str(t["rows"][0][0]), (name, table_id)  # the first cell, as text
    assert checked >= 15


def test_search_page_holds_every_commitment(report_dir, protocols):
    import json

    text = (report_dir / "commitments.html").read_text(encoding="utf-8")
    data = json.loads(
        re.search(r'<script type="application/json" id="data">(.*?)</script>', text, re.S).group(1)
    )
    assert len(data["c"]) == sum(len(p.commitments) for p in protocols.values())
    assert [r[0] for r in data["roles"]][:2] == ["chef-de-file", "partie-qui-s-engage"]
    assert {r[0] for r in data["territories"]} == set(protocols)


# --- never outside the folder, never half-written ------------------------------------------------------------------


@pytest.fixture(scope="module")
def escaping_dataset(dataset_nq, tmp_path_factory):
    """The dataset with Le Puy's protocol IRI made into a path that climbs out of any folder."""
    bad = "https://w3id.org/perr-graph/id/protocol/x/../../../pwned"
    text = dataset_nq.read_text(encoding="utf-8").replace(
        "<https://w3id.org/perr-graph/id/protocol/puy>", f"<{bad}>"
    )
    path = tmp_path_factory.mktemp("escape") / "data.nq"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_protocol_iri_cannot_write_outside_the_report(escaping_dataset, tmp_path, capsys):
    """Issue 16, point 4: a protocol id read from --data becomes a file name only if it is a slug."""
    root = tmp_path / "a" / "b" / "c"
    out = root / "report"
    code = main(["report", "--data", str(escaping_dataset), "--no-validation", "-o", str(out), "--quiet"])
    assert code == 0, capsys.readouterr().err
    net = root / "net"
    code = main(
        ["compare", "--data", str(escaping_dataset), "-t", "pillars", "--network", str(net), "--quiet"]
    )
    assert code == 0
    outside = [
        p for p in tmp_path.rglob("*") if p.is_file() and out not in p.parents and net not in p.parents
    ]
    assert outside == []
    assert not list(tmp_path.rglob("pwned*"))
    hashed = [p.name for p in out.glob("protocol-_*.html")]
    assert len(hashed) == 1 and re.fullmatch(r"protocol-_[0-9a-f]{16}\.html", hashed[0])
    assert len(list(net.glob("partners-_*.gexf"))) == 1


def test_a_folder_that_is_not_a_report_is_never_replaced(tmp_path, dataset_nq, capsys):
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "letter.txt").write_text("keep me", encoding="utf-8")
    code = main(["report", "--data", str(dataset_nq), "--no-validation", "-o", str(mine), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "not a report folder" in err and "Traceback" not in err
    assert [p.name for p in mine.iterdir()] == ["letter.txt"]


def test_a_failed_run_leaves_the_previous_report_whole(tmp_path, store, monkeypatch):
    from perr_graph import report
    from perr_graph.report import build_report, write

    out = tmp_path / "site"
    build_report(store, out, None, sources=None)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(store, folder, *args):
        (folder / "index.html").write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    monkeypatch.setattr(write, "write_pages", broken)
    with pytest.raises(RuntimeError):
        report.build_report(store, out, None)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_bad_input_is_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.nq"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    code = main(["report", "--data", str(bad), "--no-validation", "-o", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    code = main(["report", "--sources", str(tmp_path / "none"), "-o", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert not (tmp_path / "r").exists()


def test_templates_escape_as_the_standard_library():
    """Every value a template prints is escaped by :func:`html.escape` (``&#x27;`` for a quote, as the pages have
    always been written), None prints nothing, and HTML made by code passes as it is."""
    from html import escape

    from markupsafe import Markup

    from perr_graph.report.render import environment

    text = 'L\'État & <les> "communes"'
    template = environment().from_string('<a title="{{ x }}">{{ x }}</a>{{ nothing }}{{ svg }}')
    page = template.render(x=text, nothing=None, svg=Markup("<svg></svg>"))
    assert page == f'<a title="{escape(text)}">{escape(text)}</a><svg></svg>'
