"""perr compare: every table agrees with the query library and with counts made independently from the facts the
readers produced (fixture ``protocols``), and the command writes table, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
import math
from collections import defaultdict

import pytest

from perr_graph.analysis.compare import compare
from perr_graph.analysis.compare_formats import to_csv
from perr_graph.analysis.concepts import Concepts
from perr_graph.cli import main
from perr_graph.inputs.registry import Registry
from perr_graph.sparql.library import find
from perr_graph.sparql.run import select
from support import project


@pytest.fixture(scope="module")
def tables(store):
    return {t.name: t for t in compare(store)}


@pytest.fixture(scope="module")
def registry():
    return Registry.load(project.REGISTRY)


def sparql_round_1(x: float) -> float:
    """SPARQL ROUND(1000 x) / 10: halves go up (SPARQL 1.1 Query, 17.4.4.4), unlike Python's round."""
    return math.floor(1000 * x + 0.5) / 10


def cell(table, key_cols: dict, column: str):
    for r in table.records():
        if all(r[k] == v for k, v in key_cols.items()):
            return r[column]
    return 0


def test_every_table_names_its_query_and_has_rows(tables):
    assert list(tables) == [
        "category-roles",
        "category-partners",
        "pillars",
        "themes",
        "lead-indicator",
        "lead-roles",
        "partners-everywhere",
        "partners-once",
        "matches",
        "network",
    ]
    for t in tables.values():
        assert t.rows, t.name
        assert t.query.endswith(".rq") or "37-partner-pairs.rq" in t.query
        assert all(len(r) == len(t.columns) for r in t.rows)


def test_protocol_columns_are_the_five_protocols(tables, protocols):
    assert tables["pillars"].protocol_columns == sorted(protocols)


def test_lead_share_equals_what_query_02_protocol_stats_gives(store, tables):
    cols, rows = select(store, find("02-protocol-stats"))
    stats = {r[0].value.rsplit("/", 1)[-1]: dict(zip(cols, (t.value for t in r), strict=False)) for r in rows}
    got = {r["protocol"]: r for r in tables["lead-indicator"].records()}
    assert set(got) == set(stats)
    for pid, s in stats.items():
        n, led = int(s["commitments"]), int(s["with_lead"])
        assert (got[pid]["commitments"], got[pid]["with_lead"]) == (n, led)
        assert got[pid]["lead_share"] == pytest.approx(sparql_round_1(led / n))


def test_lead_and_indicator_shares_match_the_facts(tables, protocols):
    got = {r["protocol"]: r for r in tables["lead-indicator"].records()}
    for pid, p in protocols.items():
        own = [c for c in p.commitments if not c.contribution]  # partners' contribution items counted apart
        led = sum(1 for c in own if any(i.role == "chef-de-file" for i in c.involvements))
        committed = sum(1 for c in own if any(i.role == "partie-qui-s-engage" for i in c.involvements))
        measured_objectives = {i.of_objective for i in p.indicators if i.of_objective}
        measured = {k for i in p.indicators for k in i.of_commitments}
        measured |= {c.key for c in own if c.objective and c.objective in measured_objectives}
        n = len(own)
        assert got[pid]["with_lead"] == led
        assert got[pid]["with_committing_party"] == committed
        assert got[pid]["with_indicator"] == len(measured & {c.key for c in own})
        assert got[pid]["indicator_share"] == pytest.approx(sparql_round_1(got[pid]["with_indicator"] / n))
    # Pays Voironnais names no chef de file; its commitments are its parties' own, but l.127 and l.131 (carriers)
    assert (
        got["voiron"]["lead_share"] == 0
        and got["voiron"]["with_committing_party"] == got["voiron"]["commitments"] - 2
    )
    assert got["valence"]["with_indicator"] > 0  # only Valence states indicators


def test_category_role_counts_equal_counts_from_the_facts(tables, protocols, registry, store):
    roles = Concepts.read(store).roles()
    expected: dict[tuple, set] = defaultdict(set)
    for pid, p in protocols.items():
        for c in p.commitments:
            for i in c.involvements:
                expected[(registry.partners[i.partner].category, i.role, pid)].add(c.key)
    t = tables["category-roles"]
    seen = set()
    for r in t.records():
        assert r["role"] in roles
        for pid in protocols:
            assert r[pid] == len(expected.get((r["category"], r["role"], pid), ())), (
                r["category"],
                r["role"],
                pid,
            )
            seen.add((r["category"], r["role"], pid))
        assert r["all"] == sum(r[pid] for pid in protocols)
    assert {k for k, v in expected.items() if v} <= seen


def test_category_partner_counts_equal_counts_from_the_facts(tables, protocols, registry):
    expected: dict[tuple, set] = defaultdict(set)
    for pid, p in protocols.items():
        for c in p.commitments:
            for i in c.involvements:
                expected[(registry.partners[i.partner].category, pid)].add(i.partner)
    for r in tables["category-partners"].records():
        for pid in protocols:
            assert r[pid] == len(expected.get((r["category"], pid), ()))
        assert r["all"] == len(set().union(*(expected.get((r["category"], pid), set()) for pid in protocols)))


@pytest.mark.parametrize("name,attr", [("pillars", "pillar"), ("themes", "theme")])
def test_pillar_and_theme_counts_equal_counts_from_the_facts(tables, protocols, name, attr):
    expected: dict[tuple, int] = defaultdict(int)
    for pid, p in protocols.items():
        for c in p.commitments:
            values = ([c.pillar] if c.pillar else [""]) if attr == "pillar" else (c.themes or [""])
            for v in set(values):
                expected[(v, pid)] += 1
    rows = tables[name].records()
    assert {(r[attr], pid) for r in rows for pid in protocols if r[pid]} == set(expected)
    for r in rows:
        for pid in protocols:
            assert r[pid] == expected.get((r[attr], pid), 0), (r[attr], pid)


def test_partners_everywhere_and_once_match_the_facts(tables, protocols):
    present: dict[str, set] = defaultdict(set)
    for pid, p in protocols.items():
        for c in p.commitments:
            for i in c.involvements:
                present[i.partner].add(pid)
    everywhere = {
        f"https://w3id.org/perr-graph/id/org/{k}" for k, v in present.items() if len(v) == len(protocols)
    }
    once = {f"https://w3id.org/perr-graph/id/org/{k}" for k, v in present.items() if len(v) == 1}
    assert {r["partner"] for r in tables["partners-everywhere"].records()} == everywhere
    assert {r["partner"] for r in tables["partners-once"].records()} == once
    assert "https://w3id.org/perr-graph/id/org/etat" in everywhere


def test_matches_table_is_query_36(store, tables):
    cols, rows = select(store, find("36-matched-commitments"))
    assert len(tables["matches"].rows) == len(rows)
    first = tables["matches"].records()[0]
    assert first["score"] == pytest.approx(float(rows[0][cols.index("score")].value))


# --- the command -----------------------------------------------------------------------------------------------


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_json(capsys, dataset_nq, tables):
    code, out, err = run(capsys, "compare", "--format", "json", "--data", str(dataset_nq))
    assert code == 0, err
    doc = json.loads(out)
    assert list(doc) == list(tables)
    lead = doc["lead-indicator"]
    assert lead["query"] == "33-lead-and-indicator-share.rq"
    assert [r["protocol"] for r in lead["rows"]] == ["loriol", "montelimar", "puy", "valence", "voiron"]


def test_cli_table_and_one_table_csv(capsys, dataset_nq):
    code, out, _ = run(capsys, "compare", "--table", "lead-indicator", "--data", str(dataset_nq))
    assert (
        code == 0
        and "Part des engagements avec un chef de file, avec une partie qui s’engage" in out
        and "Pays Voironnais" in out
    )
    code, out, _ = run(capsys, "compare", "-t", "lead-indicator", "--lang", "en", "--data", str(dataset_nq))
    assert code == 0 and "Share of commitments with a chef de file" in out and "Pays Voironnais" in out
    code, out, _ = run(capsys, "compare", "-t", "pillars", "-f", "csv", "--data", str(dataset_nq))
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == [
        "pillar",
        "pillar_label",
        "loriol",
        "montelimar",
        "puy",
        "valence",
        "voiron",
        "all",
    ]
    assert {r[0] for r in rows[1:]} >= {"cohesion-sociale", "developpement-economique-emploi"}


def test_cli_csv_sections_and_output_file(capsys, tmp_path, dataset_nq):
    target = tmp_path / "out" / "compare.csv"
    code, out, err = run(
        capsys,
        "compare",
        "-f",
        "csv",
        "-t",
        "pillars",
        "-t",
        "lead-indicator",
        "-o",
        str(target),
        "--data",
        str(dataset_nq),
        "--lang",
        "en",
    )
    assert code == 0 and out == "" and "wrote" in err
    text = target.read_text(encoding="utf-8")
    sections = text.split("\n\n")
    assert [s.splitlines()[0] for s in sections] == [
        "# pillars: Commitments by pillar and territory",
        "# lead-indicator: Share of commitments with a chef de file, with a committing party and with an indicator",
    ]
    assert not list(target.parent.glob("*.tmp"))


def test_to_csv_single_table_has_no_section_line(tables):
    assert to_csv([tables["pillars"]]).startswith("pillar,pillar_label,")


def test_cli_network_exports_for_gephi(capsys, tmp_path, dataset_nq, protocols):
    import networkx as nx

    out_dir = tmp_path / "net"
    code, _, err = run(
        capsys, "compare", "-t", "lead-indicator", "--network", str(out_dir), "--data", str(dataset_nq)
    )
    assert code == 0, err
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == sorted(f"partners-{n}.{x}" for n in ["all", *protocols] for x in ("gexf", "graphml"))
    g = nx.read_graphml(out_dir / "partners-montelimar.graphml")
    assert g.number_of_nodes() > 20 and all("weight" in d for _, _, d in g.edges(data=True))
    assert (
        nx.read_gexf(out_dir / "partners-all.gexf").number_of_nodes()
        == nx.read_graphml(out_dir / "partners-all.graphml").number_of_nodes()
    )
    first = {p.name: p.read_bytes() for p in out_dir.iterdir()}
    code, _, _ = run(
        capsys, "compare", "-t", "lead-indicator", "--network", str(out_dir), "--data", str(dataset_nq)
    )
    assert {p.name: p.read_bytes() for p in out_dir.iterdir()} == first, (
        "exports are byte-identical run to run"
    )


def test_command_lists_the_tables_and_help_runs():
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    from perr_graph.analysis.compare import TABLES
    from perr_graph.commands.compare import TABLE_NAMES

    assert list(TABLE_NAMES) == list(TABLES)
    perr = shutil.which("perr") or str(Path(sys.executable).parent / "perr")
    for command in ("compare", "report"):
        out = subprocess.run([perr, command, "--help"], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0 and f"usage: perr {command}" in out.stdout


def test_analysis_and_report_modules_import_no_cycle():
    """The modules of ``analysis/`` and ``report/`` import one another without a cycle (``compare`` once imported
    ``network``, which imported ``compare``); imports inside functions count too."""
    import ast
    from pathlib import Path

    import perr_graph

    root = Path(perr_graph.__file__).parent
    imports: dict[str, set[str]] = {}
    for room in ("analysis", "report"):
        for path in sorted((root / room).rglob("*.py")):
            parts = path.relative_to(root.parent).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found = imports.setdefault(name, set())
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module:
                    found.add(node.module)
                    found.update(f"{node.module}.{a.name}" for a in node.names)
                elif isinstance(node, ast.Import):
                    found.update(a.name for a in node.names)
    edges = {a: {b for b in found if b in imports and b != a} for a, found in imports.items()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(b == goal or (b not in seen and reaches(b, goal, seen | {b})) for b in edges[start])

    assert [m for m in sorted(edges) if reaches(m, m, set())] == []


# --- labels, languages, widths ----------------------------------------------------------------------------------


def test_terminal_tables_show_labels_not_slugs(capsys, dataset_nq):
    code, out, _ = run(capsys, "compare", "-t", "pillars", "-t", "category-roles", "--data", str(dataset_nq))
    assert code == 0
    assert "cohésion sociale" in out and "chef de file" in out and "Valence Romans Agglo" in out
    for slug in ("cohesion-sociale", "chef-de-file", "partie-qui-s-engage", "service-etat"):
        assert slug not in out
    code, out, _ = run(capsys, "compare", "-t", "pillars", "--lang", "en", "--data", str(dataset_nq))
    assert "social cohesion" in out and "Commitments by pillar and territory" in out


def test_lead_roles_split_every_commitment_once(tables, protocols):
    t = tables["lead-roles"]
    for r in t.records():
        assert r["commitments"] == len(protocols[r["protocol"]].commitments)
        assert sum(v for k, v in r.items() if k not in ("protocol", "commitments")) == r["commitments"]
    assert t.columns[2:4] == ["chef-de-file", "partie-qui-s-engage"] and t.columns[-1] == "no_partner"
    montelimar = next(r for r in t.records() if r["protocol"] == "montelimar")
    assert montelimar["chef-de-file"] == 40  # its uppercase X


def test_csv_labels_follow_the_language(capsys, dataset_nq):
    _, fr, _ = run(capsys, "compare", "-t", "pillars", "-f", "csv", "--data", str(dataset_nq))
    _, en, _ = run(capsys, "compare", "-t", "pillars", "-f", "csv", "--lang", "en", "--data", str(dataset_nq))
    assert fr.splitlines()[0] == en.splitlines()[0]  # columns are keys
    assert "cohésion sociale" in fr and "social cohesion" in en


@pytest.mark.parametrize("width", [100, 72])
def test_compare_lines_fit_columns(capsys, dataset_nq, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, _ = run(capsys, "compare", "--data", str(dataset_nq))
    assert code == 0 and len(out.splitlines()) > 100
    assert max(len(line) for line in out.splitlines()) <= width
    assert "…" in out


def test_compare_width_option_overrides_columns(capsys, dataset_nq, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run(capsys, "compare", "-t", "themes", "--width", "60", "--data", str(dataset_nq))
    assert code == 0 and max(len(line) for line in out.splitlines()) <= 60


def test_query_table_fits_columns(capsys, dataset_nq, monkeypatch):
    """``COLUMNS=100 perr query who-leads-what``: no line longer than 100 characters."""
    monkeypatch.setenv("COLUMNS", "100")
    code, out, _ = run(capsys, "query", "who-leads-what", "--data", str(dataset_nq))
    assert code == 0 and len(out.splitlines()) > 300
    assert max(len(line) for line in out.splitlines()) <= 100


def test_network_exports_name_files_by_checked_slugs(tmp_path):
    import networkx as nx

    from perr_graph.analysis.network import write_exports

    g = nx.Graph()
    g.add_node("a", label="A", category="etat", commitments=1, leads=0, protocols="x")
    written = write_exports({"../../evil": g, "fine-id": g}, tmp_path / "net")
    assert all(p.parent == tmp_path / "net" for p in written)
    assert sorted(p.name for p in written)[2:] == ["partners-fine-id.gexf", "partners-fine-id.graphml"]
