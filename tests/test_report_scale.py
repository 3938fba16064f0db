"""What makes the report fast at national scale gives the same results as what it replaced: the betweenness of
:mod:`perr_graph.analysis.centrality` (networkx's values), the workbooks of :mod:`perr_graph.report.xlsx` (read
back by openpyxl), the table rows of :func:`perr_graph.report.render.table_body` (the HTML of the template loop
they replaced), and the partner pages shared among worker processes (the same files). Speed itself is measured
in benchmarks/report.py, not here."""

from __future__ import annotations

import datetime
import random

import jinja2
import networkx as nx
import pytest

from perr_graph.analysis.centrality import betweenness
from perr_graph.report import xlsx
from perr_graph.report.downloads import Downloads, Link
from perr_graph.report.render import environment, table_body


def _graph(n: int, p: float, seed: int) -> nx.Graph:
    rng = random.Random(seed)
    g = nx.gnp_random_graph(n, p, seed=seed)
    g = nx.relabel_nodes(g, {i: f"org-{i:03d}" for i in g})
    for a, b in g.edges:
        g.edges[a, b]["length"] = 1.0 / rng.choice([1, 1, 1, 2, 3, 5])
    return g


@pytest.mark.parametrize("k", [None, 12])
def test_betweenness_is_networkx_bit_for_bit(k):
    for seed in range(4):
        g = _graph(60, 0.08, seed)
        expected = nx.betweenness_centrality(g, k=k, seed=7 if k else None, weight="length", normalized=True)
        assert betweenness(g, k=k, seed=7 if k else None, weight="length") == expected


def test_betweenness_of_tiny_graphs():
    for g in (nx.Graph(), nx.path_graph(1), nx.path_graph(2), nx.path_graph(3)):
        assert betweenness(g, weight="length") == nx.betweenness_centrality(g, weight="length")


def test_workbook_reads_back(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "t.xlsx"
    rows = [["Valence & <Drôme>", 3, 2.5, None], [" espace ", 0, -1, "x\x01y"], ["", 10**12, 1e-7, "z"]]
    sheet = xlsx.sheet_xml(["nom", "n", "part", "note"], rows, [12, 4, 6, 8])
    created = datetime.datetime(2022, 12, 31)
    xlsx.write(path, [("Feuille « 1 »", sheet), ('guillemets "x"', sheet)], "perr-graph", created)
    book = load_workbook(path)
    assert book.sheetnames == ["Feuille « 1 »", 'guillemets "x"']
    ws = book["Feuille « 1 »"]
    got = [list(r) for r in ws.iter_rows(values_only=True)]
    assert got[0] == ["nom", "n", "part", "note"]
    assert got[1] == ["Valence & <Drôme>", 3, 2.5, None]
    assert got[2] == [" espace ", 0, -1, "xy"]
    assert got[3] == [None, 10**12, 1e-7, "z"]
    assert ws["A1"].font.b and not ws["A2"].font.b
    assert ws.freeze_panes == "A2"
    assert book.properties.creator == "perr-graph" and book.properties.created == created
    again = tmp_path / "again.xlsx"
    xlsx.write(again, [("Feuille « 1 »", sheet), ('guillemets "x"', sheet)], "perr-graph", created)
    assert again.read_bytes() == path.read_bytes()


def test_column_names():
    assert [xlsx.column_name(j) for j in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


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
