"""perr report: a static site that opens from disk. Checked twice: on the files (every link and anchor resolves,
nothing is fetched, every commitment links to its source line) and in headless Chromium (each page opened from
disk, its DOM dumped and checked, a screenshot taken)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
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
def report_dir(store, dataset_nq, corpus, tmp_path_factory):
    from perr_graph.report import build_report, validation_findings

    out = tmp_path_factory.mktemp("report")
    findings = validation_findings([dataset_nq], sources=corpus.sources, dataset=dataset_nq)
    build_report(store, out, findings, sources=corpus.sources)
    return out


@pytest.fixture(scope="module")
def pages(report_dir):
    return {p.name: Page(p.read_text(encoding="utf-8")) for p in sorted(report_dir.glob("*.html"))}


def expected_pages(pids) -> set[str]:
    names = {"index.html", "compare.html", "matches.html", "network.html", "validation.html", "ontology.html"}
    return names | {f"protocol-{p}.html" for p in pids} | {f"source-{p}.html" for p in pids}


# --- the files --------------------------------------------------------------------------------------------------


def test_every_page_is_written(pages, protocols, report_dir):
    assert set(pages) == expected_pages(protocols)
    assert len(list((report_dir / "network").glob("partners-*.g*"))) == 2 * (len(protocols) + 1)


def test_pages_fetch_nothing(report_dir):
    for path in report_dir.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        for bad in (
            "<script",
            "<link",
            "<img",
            "<iframe",
            "@import",
            "url(",
            'src="',
            'href="http',
            "href='http",
        ):
            assert bad not in text, f"{path.name}: {bad}"


def test_every_link_and_anchor_resolves(pages, report_dir):
    broken = []
    for name, page in pages.items():
        for _, a in page.tags:
            href = a.get("href")
            if href is None:
                continue
            target, _, fragment = href.partition("#")
            target = target or name
            if not (report_dir / target).exists() or (
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


def test_cli_writes_the_same_report_again(capsys, tmp_path, dataset_nq, report_dir):
    """``perr report`` from the command line, without validation: every file but validation.html is byte for
    byte the one the fixture wrote (same dataset, same report)."""
    out = tmp_path / "site"
    code = main(["report", "--output", str(out), "--data", str(dataset_nq), "--no-validation"])
    err = capsys.readouterr().err
    assert code == 0 and "index.html" in err
    assert not list(out.rglob("*.tmp"))
    again = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    first = {p.relative_to(report_dir): p.read_bytes() for p in report_dir.rglob("*") if p.is_file()}
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
        cmd = [sys.executable, "-m", "perr_graph.cli", "report", "-o", str(out), "--data", str(dataset_nq)]
        runs[out] = subprocess.Popen([*cmd, "--no-validation"], env=env, stderr=subprocess.PIPE, text=True)
    for proc in runs.values():
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    first, second = (
        {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} for out in runs
    )
    assert set(first) == set(second) and len(first) > 20
    assert [str(k) for k in sorted(first) if first[k] != second[k]] == []


# --- in the browser ---------------------------------------------------------------------------------------------


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser_pages(report_dir, tmp_path_factory):
    """Each page opened from disk in headless Chromium: {name: (dumped DOM, screenshot path)}."""
    exe = chromium()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (CI is set: browser tests must run)")
        pytest.skip("chromium is not installed")
    shots = tmp_path_factory.mktemp("screenshots")

    def open_page(path: Path):
        profile = tmp_path_factory.mktemp("chromium-profile")
        png = shots / (path.stem + ".png")
        cmd = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--hide-scrollbars",
            "--window-size=1366,1600",
            f"--screenshot={png}",
            "--dump-dom",
            path.resolve().as_uri(),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        return path.name, (done.stdout, png, done.returncode)

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        results = dict(pool.map(open_page, sorted(report_dir.glob("*.html"))))
    return results


@pytest.mark.browser
def test_browser_opens_every_page_and_takes_a_screenshot(browser_pages, protocols):
    assert set(browser_pages) == expected_pages(protocols)
    for name, (dom, png, code) in browser_pages.items():
        assert code == 0, name
        assert "</html>" in dom and "<main>" in dom, name
        assert (
            png.exists() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
        ), name


@pytest.mark.browser
def test_browser_index_shows_the_five_protocols(browser_pages, protocols):
    dom = Page(browser_pages["index.html"][0])
    cards = dom.having("div", "protocol")
    assert sorted(c["id"] for c in cards) == sorted(f"p-{pid}" for pid in protocols)
    links = {a.get("href") for _, a in dom.tags}
    for pid in protocols:
        assert f"protocol-{pid}.html" in links and f"source-{pid}.html" in links
    text = dom.all_text()
    for name in ("Val de Drôme", "Montélimar", "Puy-en-Velay", "Valence Romans", "Pays Voironnais"):
        assert name in text
    assert f"{sum(len(p.commitments) for p in protocols.values())} commitments" in text
    assert len(dom.having("svg")) == 1


@pytest.mark.browser
def test_browser_protocol_pages_list_every_commitment(browser_pages, protocols):
    for pid, p in protocols.items():
        dom = Page(browser_pages[f"protocol-{pid}.html"][0])
        assert len(dom.having("article", "c")) == len(p.commitments)
        text = dom.all_text()
        assert "How leads are read in this document" in text
        first = p.commitments[0]
        assert " ".join(first.text.split())[:60] in text


@pytest.mark.browser
def test_browser_source_pages_have_an_anchor_per_line(browser_pages, sources):
    for pid, src in sources.items():
        dom = Page(browser_pages[f"source-{pid}.html"][0])
        assert {f"L{n}" for n in range(1, src.line_count + 1)} <= dom.ids


@pytest.mark.browser
def test_browser_compare_matches_network_validation_ontology(browser_pages, built):
    from perr_graph.analysis.matching import find_matches

    compare = Page(browser_pages["compare.html"][0])
    assert len(compare.having("table", "heat")) >= 8
    assert "Agence régionale de santé Auvergne-Rhône-Alpes" in compare.all_text()

    matches = Page(browser_pages["matches.html"][0])
    n = len(find_matches(built.protocols))
    assert len(matches.having("span", "score")) == n
    assert "word for word" in matches.all_text()

    network = Page(browser_pages["network.html"][0])
    tags = [t for t, _ in network.tags]
    assert tags.count("svg") == 1 + len(built.protocols)
    assert tags.count("circle") > 40
    assert "partners-all.gexf" in network.all_text()

    validation = Page(browser_pages["validation.html"][0]).all_text()
    assert "conforms" in validation and "Commitment-lead" in validation

    ontology = Page(browser_pages["ontology.html"][0]).all_text()
    assert "perr:Commitment" in ontology and "perr:Involvement" in ontology and "Concept schemes" in ontology


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
