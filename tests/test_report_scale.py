"""What makes the report fast at national scale gives the same results as what it replaced: the table rows of
:func:`perr_graph.report.render.table_body` (the HTML of the template loop they replaced), and the partner pages
shared among worker processes (the same files). Speed itself is measured in benchmarks/report.py, not here."""

from __future__ import annotations

import os
import re

import jinja2
import pytest

from perr_graph.report.downloads import Downloads, Link
from perr_graph.report.render import environment, table_body

#: the template loop that wrote the rows before render.table_body
_OLD_ROWS = """
  {%- for row in t.shown -%}
  <tr>
    {%- for v in row -%}
      {%- if t.is_numeric(loop.index0) %}<td class="num">{% else %}<td>{% endif -%}
      {%- if v.href is defined %}<a href="{{ v.href }}">{{ v.text }}</a>{% elif t.is_numeric(loop.index0) %}{{ v|num }}{% else %}{{ v }}{% endif %}</td>
    {%- endfor -%}
  </tr>
  {%- endfor -%}
"""


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_table_body_writes_what_the_template_wrote(lang):
    env = environment(lang)
    old = env.from_string(_OLD_ROWS)
    dl = Downloads("page")
    rows = [
        [Link("Valence & co", "protocol-valence.html"), 1234, 0.5, "l'État <b>", None],
        [Link("", ""), None, 12.25, 7, {"href": "a.html?x=1&y=2", "text": "dict"}],
        ["plain", 3, 1e6, "", Link("t", "x\"y'z.html")],
    ]
    t = dl.table("t", "T", ["a", "b", "c", "d", "e"], rows, numeric=(1, 2))
    m = env.globals["table_body"]
    assert str(m(t)) == old.render(t=t)
    assert str(table_body(t, env.filters["num"])) == old.render(t=t)


def test_a_table_shows_at_most_its_limit():
    dl = Downloads("page")
    t = dl.table("t", "T", ["a"], [[i] for i in range(5)], limit=3, more="commitments.html#partner=x")
    assert t.shown == [[0], [1], [2]] and t.cut
    u = dl.table("u", "U", ["a"], [[i] for i in range(3)], limit=3)
    assert u.shown == u.rows and not u.cut


def test_strict_environment_still_strict():
    with pytest.raises(jinja2.UndefinedError):
        environment("fr").from_string("{{ nothing.here }}").render()


def test_pages_shared_among_workers_are_the_same_files(store, tmp_path, monkeypatch):
    """Partner pages and network files written by worker processes (forced here, whatever their number) are
    byte for byte those written in one process, in the same order."""
    import multiprocessing

    from perr_graph.report import build_report, write

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("the platform cannot fork: the pages are written in one process")

    def report(name: str, parallel_from: int):
        monkeypatch.setattr(write, "PARALLEL_FROM", parallel_from)
        monkeypatch.setattr(write.pool, "jobs_for", lambda jobs, n: 2)
        out = tmp_path / name
        written = build_report(store, out, None, sources=None)
        return [p.relative_to(out) for p in written], {
            p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()
        }

    order_one, one = report("one", 10**9)
    order_two, two = report("two", 0)
    assert order_one == order_two
    assert one == two and len(one) > 50


def test_without_the_xlsx_writer_the_pages_offer_csv_and_say_so(tmp_path, monkeypatch):
    """A copy installed without npm has no XLSX writer: a page's tables still download as CSV, the XLSX link is
    replaced by a note saying why, no page loads the missing script, and it is not copied into the report."""
    from perr_graph.report import render

    dl = Downloads("page")
    t = dl.table("t", "T", ["a", "b"], [["x", 1], ["y", 2.5]], numeric=(1,))
    frame = {"page_title": "P", "here": "page.html", "css": "", "version": "0", "with_sources": False}

    def page(folder: str) -> tuple[str, set[str]]:
        render.environment.cache_clear()
        env = render.environment("fr")
        body = env.from_string('{% from "macros.html.j2" import data_table %}{{ data_table(t) }}').render(t=t)
        frame["tables_json"] = render.inline_json(dl.payload())
        whole = env.from_string('{% extends "base.html.j2" %}{% block body %}x{% endblock %}').render(frame)
        return body + whole, {p.name for p in render.write_assets(tmp_path / folder)}

    try:
        text, assets = page("with")
        assert 'data-format="xlsx" download="page.xlsx"' in text and "write-excel-file.min.js" in assets
        assert '<script src="assets/write-excel-file.min.js"></script>' in text
        monkeypatch.setattr(render, "XLSX_SCRIPT", tmp_path / "missing.js")
        text, assets = page("without")
        assert 'data-format="csv" download="page--t.csv"' in text and 'data-format="xlsx"' not in text
        assert "XLSX : indisponible dans cette copie de perr-graph" in text
        assert re.findall(r"<script[^>]*>", text) == [
            '<script type="application/json" id="tables">',
            '<script src="assets/tables.js">',
        ]
        assert assets == {"tables.js"}
    finally:
        render.environment.cache_clear()


def test_a_later_table_is_made_once_when_first_asked_for():
    """The network's table (its measures take seconds at national scale) is made by the page that shows it, once;
    the other tables are there from the start, and an unknown name is still a KeyError."""
    from perr_graph.report.data import LazyTables

    made = []
    tables = LazyTables({"matches": "m"}, {"network": lambda: made.append(1) or "n"})
    assert list(tables) == ["matches"] and not made
    assert tables["network"] == "n" and tables["network"] == "n" and made == [1]
    with pytest.raises(KeyError):
        tables["nothing"]


def test_a_batch_on_dataset_files_loads_them_in_its_child_and_answers_the_same(store, dataset_nq):
    """Given the dataset's files instead of a store, the analyses' batch loads them in its child process and gives
    the same answers, in order, as on the store loaded here."""
    from perr_graph.analysis.answers import run_many
    from perr_graph.store import DatasetFiles

    names = ["protocols", "commitment-involvements", "partner-pairs", "concepts"]
    files = DatasetFiles((dataset_nq,), lenient=True)
    assert run_many(files, names) == run_many(store, names)


def test_a_file_that_does_not_read_is_one_line_with_its_place(tmp_path):
    """A line of the dataset that does not read, found by the child that loads it, is the same one-line error
    (InputError, file and line) as when the file is loaded here; a query refused there is a QueryError."""
    from perr_graph.analysis.answers import run_many
    from perr_graph.errors import InputError
    from perr_graph.store import DatasetFiles, open_store

    bad = tmp_path / "bad.nq"
    bad.write_text('<http://a> <http://b> "x" <http://g> .\n<http://a> <http://b> "y <http://g> .\n')
    with pytest.raises(InputError) as here:
        open_store([bad], lenient=True)
    with pytest.raises(InputError) as there:
        run_many(DatasetFiles((bad,), lenient=True), ["protocols"])
    assert str(there.value) == str(here.value) and there.value.line == 2


def test_the_report_loads_the_dataset_once(dataset_nq, tmp_path, monkeypatch):
    """``perr report --data`` loads the dataset in one child process, once: every query the report reads is in
    its one batch (a query asked apart would load the whole dataset again)."""
    from perr_graph.cli import main
    from perr_graph.store import DatasetFiles

    loads = tmp_path / "loads"
    opened = DatasetFiles.open

    def counted(self):
        with loads.open("a") as f:  # written by the child process that loads
            f.write(f"{os.getpid()}\n")
        return opened(self)

    monkeypatch.setattr(DatasetFiles, "open", counted)
    out = tmp_path / "report"
    assert main(["report", "--data", str(dataset_nq), "--no-validation", "-q", "-o", str(out)]) == 0
    assert (out / "index.html").is_file()
    pids = loads.read_text().split()
    assert len(pids) == 1 and pids[0] != str(os.getpid())
