"""The query library (queries/*.rq) on the real built graph: headers, golden results, parameters, output formats.

Every file in queries/ is collected: a query without a golden file under tests/golden/queries/<stem>.csv fails.
The goldens are readable CSV (IRIs with the project prefixes, the parts of GROUP_CONCAT lists sorted, rows in the
query's own ORDER BY). To regenerate them after a deliberate change, then review the diff by eye:

    PERR_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_queries.py -k golden

The default run only compares.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from perr_graph.cli import main
from perr_graph.errors import QueryError
from perr_graph.sparql import library as queries
from perr_graph.sparql.run import Result, run_local
from support import golden, project

GOLDEN = Path(__file__).resolve().parent / "golden" / "queries"
QUERY_FILES = sorted(project.QUERIES.glob("*.rq"))
UPDATE = os.environ.get("PERR_UPDATE_GOLDEN") == "1"


def ids(files):
    return [f.stem for f in files]


@pytest.fixture(scope="session")
def library_results(store):
    """Every library query run once on the built graph, without parameters: {stem: (QueryFile, Result)}."""
    out = {}
    for f in QUERY_FILES:
        q = queries.parse(f)
        out[f.stem] = (q, run_local(store, q))
    return out


# --- headers: the parser on the real files ---------------------------------------------------------------------


def test_the_library_is_not_empty():
    assert len(QUERY_FILES) >= 15
    names = {queries.parse(f).name for f in QUERY_FILES}
    for required in (
        "who-leads-what",
        "protocol-stats",
        "partner-leads",
        "commitments-without-lead",
        "signatories",
        "qpv-statistics",
        "state-services",
        "amounts",
    ):
        assert required in names


@pytest.mark.parametrize("path", QUERY_FILES, ids=ids(QUERY_FILES))
def test_header(path):
    q = queries.parse(path)
    assert re.fullmatch(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*", path.stem), "name files NN-short-subject.rq"
    assert q.title and q.question_fr and q.question_en, "title, question_fr and question_en are required"
    assert q.columns, "#+ columns: lists the result columns"
    from perr_graph.sparql.safety import check_query

    checked = check_query(q.text, source=str(path))
    assert checked.form == "SELECT"
    if checked.projection is not None:
        assert checked.projection == q.columns, "#+ columns: must match the SELECT clause, in order"
    assert re.search(r"\bORDER\s+BY\b", q.text, re.I), "every library query orders its rows"
    for p in q.params:
        assert re.search(r"[?$]" + re.escape(p.name) + r"\b", q.text), f"parameter {p.name} is not used"
    # no union default graph: every triple pattern sits inside GRAPH (the default graph of our dataset is empty)
    assert "GRAPH" in q.text


def test_header_parser_rejects_bad_lines(tmp_path):
    bad = tmp_path / "99-bad.rq"
    bad.write_text(
        "#+ title: x\n#+ param: a | URI | optional | no\nSELECT * { ?s ?p ?o }\n", encoding="utf-8"
    )
    with pytest.raises(QueryError) as err:
        queries.parse(bad)
    assert err.value.line == 2
    bad.write_text(
        "#+ title: x\n#+ summary: grlc style is not ours\nSELECT * { ?s ?p ?o }\n", encoding="utf-8"
    )
    with pytest.raises(QueryError, match="unknown header key 'summary'"):
        queries.parse(bad)


# --- goldens -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", QUERY_FILES, ids=ids(QUERY_FILES))
def test_golden(path, library_results):
    q, result = library_results[path.stem]
    rows = golden.normalise(result, q.text)
    target = GOLDEN / f"{path.stem}.csv"
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        target.write_text(golden.to_csv(rows), encoding="utf-8")
    assert target.exists(), (
        f"no golden file {target.relative_to(project.ROOT)}: check the result by eye, then "
        "PERR_UPDATE_GOLDEN=1 pytest tests/test_queries.py -k golden"
    )
    expected = golden.read_csv(target)
    assert rows[0] == expected[0], "columns differ"
    if rows != expected:
        diff = [
            f"  row {i}: got {r!r}\n          want {e!r}"
            for i, (r, e) in enumerate(zip(rows, expected, strict=False))
            if r != e
        ][:5]
        pytest.fail(
            f"{path.name}: {len(rows) - 1} rows vs {len(expected) - 1} in the golden file\n" + "\n".join(diff)
        )


def test_no_orphan_golden_files():
    stems = {f.stem for f in QUERY_FILES}
    orphans = [p.name for p in GOLDEN.glob("*.csv") if p.stem not in stems]
    assert not orphans, f"golden files without a query: {orphans}"


def test_golden_normalisation_sorts_concatenated_lists_only():
    text = (
        'SELECT ?a (GROUP_CONCAT(?x; SEPARATOR=" ; ") AS ?xs) (GROUP_CONCAT(?y) AS ?ys) '
        "WHERE { ?a ?b ?x } GROUP BY ?a ORDER BY ?a"
    )
    assert golden.concat_columns(text) == {"xs": " ; ", "ys": " "}
    import pyoxigraph as ox

    result = Result(["a", "xs", "ys"], [[ox.Literal("b ; a"), ox.Literal("z ; y"), ox.Literal("q p")]])
    assert golden.normalise(result, text)[1] == ["b ; a", "y ; z", "p q"]


# --- what the goldens say, checked against the source texts (facts, not just stability) ---------------------


def _rows(library_results, stem):
    q, result = library_results[stem]
    header, *rows = golden.normalise(result, q.text)
    return [dict(zip(header, r, strict=False)) for r in rows]


def test_protocol_stats_match_the_facts_read(library_results, protocols):
    rows = {r["protocol"]: r for r in _rows(library_results, "02-protocol-stats")}
    assert set(rows) == set(protocols)
    for pid, facts in protocols.items():
        items = sum(1 for c in facts.commitments if c.contribution)
        assert int(rows[pid]["commitments"]) == len(facts.commitments) - items  # the protocol's own
        assert int(rows[pid]["contribution_items"]) == items


def test_who_leads_what_lists_every_commitment_once(library_results, protocols):
    rows = _rows(library_results, "01-who-leads-what")
    assert len(rows) == sum(len(p.commitments) for p in protocols.values())
    assert len({r["commitment"] for r in rows}) == len(rows)
    # Voiron: the CAF's own "s'engage à" (003 l.59 "La Caisse d'Allocations Familiales (CAF) s'engage à :") makes
    # it the committing party of the bullets at l.61 and l.85, not their chef de file
    voiron = [r for r in rows if r["protocol"] == "id:protocol/voiron"]
    caf = [r for r in voiron if r["line"] in ("61", "85")]
    assert caf and all(not r["leads"] for r in caf)
    assert all(
        r["committing_parties"] == "Caisse d'allocations familiales de l'Isère (partie qui s'engage : "
        "La Caisse d'Allocations Familiales (CAF) s'engage à :)"
        for r in caf
    )


def test_partner_leads_montelimar_health_centre(library_results):
    # 002 l.171: "Création d'un centre santé sur le centre ancien" with "X ARS" in column E: the State, acting
    # through the ARS, leads; both are recorded
    rows = _rows(library_results, "03-partner-leads")
    hit = [r for r in rows if r["commitment"] == "id:protocol/montelimar/commitment/L171"]
    assert [(r["partner"], r["role"], r["rule"], r["via"]) for r in hit] == [
        ("id:org/ars-ara", "chef-de-file", "matrix-uppercase-lead", "id:org/ars-ara"),  # category ars
        (
            "id:org/etat",
            "chef-de-file",
            "matrix-uppercase-lead",
            "id:org/ars-ara",
        ),  # category etat: the column
    ]


def test_amounts_read_as_written(library_results, sources):
    rows = _rows(library_results, "15-amounts")
    assert rows
    by_id = {r["amount"]: r for r in rows}
    valence = by_id["id:protocol/valence/amount/L65"]
    assert (valence["value"], valence["as_written"]) == ("200000000", "200 M€")
    for r in rows:
        pid = r["protocol"].split("/")[-1]
        assert r["as_written"] in sources[pid].line(int(r["line"])), (
            f"{r['amount']}: {r['as_written']!r} is not on line {r['line']}"
        )


def test_signatories_valence_has_two_spellings_of_one_person(library_results):
    rows = _rows(library_results, "08-signatories")
    hoborg = [r for r in rows if r["person"] == "id:person/bernard-hoborg"]
    assert hoborg, "Bernard HOBORG / HOBERG signs (000, the signatory list and the signature block)"
    assert any("HOBERG" in r["names"] and "HOBORG" in r["names"] for r in hoborg)


def test_commitments_naming_qpv_brunetiere(library_results):
    rows = _rows(library_results, "13-commitments-naming-qpv")
    brunetiere = {r["line"] for r in rows if r["qpv"] == "id:territory/brunetiere"}
    assert {"47", "88", "159"} <= brunetiere


def test_state_services_are_under_the_state(library_results, store):
    rows = _rows(library_results, "14-state-services")
    services = {r["service"] for r in rows}
    assert "id:org/dsden-drome" in services and "id:org/etat" not in services
    assert (
        "id:org/ars-ara" in services
    )  # under the State: 002 l.15 "l'État dans toutes ses composantes y compris l'ARS"
    assert all(r["kind"] in ("", "commitment", "signatory", "governance") for r in rows)


def test_the_violation_query_finds_violations():
    """Zero rows on the real graph (test_golden) means something only if the query can find a violation."""
    import pyoxigraph as ox

    trig = """
    @prefix perr: <https://w3id.org/perr-graph/ontology#> .
    @prefix role: <https://w3id.org/perr-graph/concept/role/> .
    <https://w3id.org/perr-graph/graph/protocol/x> {
      <urn:c1> a perr:Commitment ; perr:protocol <urn:p> ; perr:lead <urn:org> .
      <urn:c2> a perr:Commitment ; perr:protocol <urn:p> ; perr:involvement <urn:c2/i> ;
          perr:involvedPartner <urn:org> .
      <urn:c2/i> perr:partner <urn:org> ; perr:role role:partenaire-associe .
    }"""
    store = ox.Store()
    store.load(trig.encode(), ox.RdfFormat.TRIG)
    result = run_local(store, queries.find("lead-shortcut-violation"))
    problems = {(r[1].value, r[3].value) for r in result.rows}
    assert problems == {
        ("urn:c1", "perr:lead without a lead involvement"),
        ("urn:c2", "associated involvement without perr:associatedPartner"),
    }


# --- parameters ------------------------------------------------------------------------------------------------


def _param_cases():
    cases = []
    for f in QUERY_FILES:
        q = queries.parse(f)
        for p in q.params:
            cases.append(pytest.param(f, p.name, id=f"{f.stem}:{p.name}"))
    return cases


def _pick(q, result, name):
    """A value for parameter ``name``: the most frequent one in its column of the unparametrised result."""
    if name not in result.variables:
        return None
    col = result.variables.index(name)
    values = [row[col] for row in result.rows if row[col] is not None]
    if not values:
        return None
    counts = {}
    for v in values:
        counts[v.value] = counts.get(v.value, 0) + 1
    return max(sorted(counts), key=lambda k: counts[k])


@pytest.mark.parametrize("path,name", _param_cases())
def test_parameter_restricts_to_matching_rows(path, name, library_results, store):
    q, full = library_results[path.stem]
    value = _pick(q, full, name)
    if value is None:
        pytest.skip(f"{name} is not a column with values: checked in test_server's cross-engine run")
    bound = run_local(store, q, {name: value})
    col = full.variables.index(name)
    normalised = golden.normalise(full, q.text)[1:]
    expected = [
        normalised[i] for i, row in enumerate(full.rows) if row[col] is not None and row[col].value == value
    ]
    got = golden.normalise(bound, q.text)[1:]
    assert got and got == expected


def test_required_and_unknown_parameters(store):
    q = queries.find("partner-leads")
    with pytest.raises(QueryError, match="has no parameter 'nope'"):
        run_local(store, q, {"nope": "x"})
    with pytest.raises(QueryError, match="not an absolute IRI"):
        run_local(store, q, {"partner": "caf-drome"})
    with pytest.raises(QueryError, match="not an absolute IRI"):
        run_local(store, q, {"partner": "https://example.org/a b"})


def test_parameter_values_are_terms_not_text(store):
    """A literal full of SPARQL syntax binds as one literal: it matches nothing, and breaks nothing."""
    text = "SELECT ?x WHERE { GRAPH ?g { ?s ?p ?x } } ORDER BY ?x"
    evil = '" } } SELECT * WHERE { ?s ?p ?o } #'
    result = run_local(store, text, {"x": evil})
    assert result.rows == []


# --- the command ---------------------------------------------------------------------------------------------


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def data_args(dataset_nq):
    return ["--data", str(dataset_nq)]


def test_cli_formats(capsys, data_args, library_results):
    _, full = library_results["01-who-leads-what"]
    n = len(full.rows)
    code, out, err = _run(capsys, "query", "who-leads-what", "--format", "csv", *data_args)
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == [
        "protocol",
        "section",
        "pillar",
        "commitment",
        "text",
        "contribution",
        "leads",
        "committing_parties",
        "associated",
        "other_involvements",
        "line",
    ]
    assert len(rows) == n + 1 and rows[1][0].startswith("https://w3id.org/perr-graph/id/protocol/")
    code, out, _ = _run(capsys, "query", "01", "--format", "tsv", *data_args)
    assert (
        code == 0 and out.splitlines()[0].startswith("?protocol\t?section") and len(out.splitlines()) == n + 1
    )
    code, out, _ = _run(capsys, "query", "01", "--format", "json", *data_args)
    data = json.loads(out)
    assert code == 0 and data["head"]["vars"][0] == "protocol" and len(data["results"]["bindings"]) == n
    assert data["results"]["bindings"][0]["line"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    code, out, _ = _run(capsys, "query", "01", "--format", "xml", *data_args)
    root = ET.fromstring(out)
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    assert code == 0 and len(root.findall("s:results/s:result", ns)) == n
    code, out, _ = _run(capsys, "query", "amounts", *data_args)
    assert (
        code == 0
        and "200 M€" in out
        and out.rstrip().endswith(f"({len(library_results['15-amounts'][1].rows)} rows)")
    )


def test_cli_output_file_and_param(capsys, tmp_path, data_args):
    target = tmp_path / "out" / "voiron.csv"
    code, out, err = _run(
        capsys,
        "query",
        "who-leads-what",
        "--param",
        "protocol=https://w3id.org/perr-graph/id/protocol/voiron",
        "--format",
        "csv",
        "--output",
        str(target),
        *data_args,
    )
    assert code == 0 and out == "" and "wrote" in err
    rows = list(csv.reader(target.open(encoding="utf-8")))
    assert len(rows) > 1 and {r[0] for r in rows[1:]} == {"https://w3id.org/perr-graph/id/protocol/voiron"}
    assert not list(target.parent.glob("*.tmp")), "atomic write leaves no temporary file"


def test_cli_query_from_file_stdin_and_trig(capsys, tmp_path, monkeypatch, dataset_trig, dataset_nq):
    f = tmp_path / "count.rq"
    f.write_text("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }\n", encoding="utf-8")
    code, out_nq, _ = _run(capsys, "query", str(f), "--format", "csv", "--data", str(dataset_nq))
    code2, out_trig, _ = _run(capsys, "query", str(f), "--format", "csv", "--data", str(dataset_trig))
    assert code == code2 == 0 and out_nq == out_trig and int(out_nq.split()[1]) > 10000
    monkeypatch.setattr(
        "sys.stdin", io.StringIO("ASK { GRAPH ?g { ?s a <https://w3id.org/perr-graph/ontology#Protocol> } }")
    )
    code, out, _ = _run(capsys, "query", "-", "--data", str(dataset_nq))
    assert code == 0 and out.strip() == "true"


def test_cli_list(capsys):
    code, out, _ = _run(capsys, "query", "--list")
    assert code == 0 and "who-leads-what" in out and "state-services" in out


def test_stats_command_still_reads_query_02(capsys, dataset_nq, protocols):
    code, out, _ = _run(capsys, "stats", "--json", "--data", str(dataset_nq))
    records = json.loads(out)
    assert code == 0 and {r["protocol"] for r in records} == set(protocols)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_streamed_answer_is_the_held_answer_byte_for_byte(capsys, data_args, fmt):
    for name in ("who-leads-what", "category-protocol-counts", "signatories"):
        code, held, _ = _run(capsys, "query", name, "--format", fmt, *data_args)
        code2, streamed, _ = _run(capsys, "query", name, "--format", fmt, "--max-rows", "0", *data_args)
        assert code == code2 == 0 and held == streamed and len(streamed) > 100


def test_streaming_has_no_row_cap_and_writes_atomically(capsys, tmp_path, data_args, library_results):
    n = len(library_results["01-who-leads-what"][1].rows)
    code, _, err = _run(capsys, "query", "who-leads-what", "--max-rows", str(n - 1), *data_args)
    assert code == 2 and f"more than {n - 1} rows" in err
    target = tmp_path / "all.csv"
    code, out, err = _run(
        capsys,
        "query",
        "who-leads-what",
        "--format",
        "csv",
        "--max-rows",
        "0",
        "--output",
        str(target),
        *data_args,
    )
    assert code == 0 and out == "" and err.startswith(f"wrote {target} (")
    assert len(list(csv.reader(target.open(encoding="utf-8")))) == n + 1
    assert [p.name for p in tmp_path.iterdir()] == ["all.csv"]


def test_streamed_refusals_and_errors_leave_no_file(capsys, tmp_path, data_args):
    target = tmp_path / "out.csv"
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }\n", encoding="utf-8")
    code, _, err = _run(
        capsys, "query", str(bad), "--format", "csv", "--max-rows", "0", "--output", str(target), *data_args
    )
    assert code == 2 and "SERVICE" in err and len(err.strip().splitlines()) == 1
    assert not list(tmp_path.glob("*.csv")) and not list(tmp_path.glob(".*.tmp"))


def test_a_streamed_write_cancelled_by_the_timeout_is_not_renamed_into_place(tmp_path, store):
    import os
    import time

    from perr_graph.errors import QueryError
    from perr_graph.outputs import atomic_file
    from perr_graph.sparql.run import stream_local

    # twelve million rows: far more than 0.2 s of writing
    many = (
        "SELECT * WHERE { GRAPH <https://w3id.org/perr-graph/graph/protocol/loriol> { ?a ?b ?c } "
        "GRAPH <https://w3id.org/perr-graph/graph/protocol/voiron> { ?d ?e ?f } }"
    )
    target = tmp_path / "many.csv"
    me = os.getpid()
    children = Path(f"/proc/{me}/task/{me}/children")
    before = set(children.read_text().split()) if children.exists() else set()
    started = time.monotonic()
    with pytest.raises(QueryError, match=r"timed out after 0\.2 s"), atomic_file(target) as f:
        stream_local(store, many, f, "csv", timeout=0.2)
    assert list(tmp_path.iterdir()) == []
    assert time.monotonic() - started < 5
    # and the engine stopped: its process was killed (Linux: no child of this query left)
    if children.exists():
        assert set(children.read_text().split()) <= before


def test_on_disk_store_is_made_once_reused_and_remade_when_the_data_changes(capsys, tmp_path, dataset_nq):
    import os
    import shutil

    data = tmp_path / "data.nq"
    shutil.copyfile(dataset_nq, data)
    location = tmp_path / "store"
    argv = ["query", "protocol-stats", "--format", "csv", "--data", str(data)]
    code, in_memory, _ = _run(capsys, *argv)
    code2, on_disk, err = _run(capsys, *argv, "--store", str(location))
    assert code == code2 == 0 and on_disk == in_memory and (location / "perr-store.json").exists()
    assert err == f"perr query: loading {data} into {location}\n"  # progress while the store is made
    made = (location / "perr-store.json").stat().st_mtime_ns
    code, again, err = _run(capsys, *argv, "--store", str(location))
    assert code == 0 and again == in_memory and (location / "perr-store.json").stat().st_mtime_ns == made
    assert err == ""
    # the data change: a protocol graph removed; the store is made again from the new file
    kept = [
        line
        for line in data.read_text(encoding="utf-8").splitlines(keepends=True)
        if "/graph/protocol/voiron>" not in line
    ]
    data.write_text("".join(kept), encoding="utf-8")
    os.utime(data, ns=(made + 10**9, made + 10**9))
    code, changed, _ = _run(capsys, *argv, "--store", str(location))
    assert code == 0 and "voiron" in in_memory and "voiron" not in changed
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_folder_that_is_not_a_store_is_never_overwritten(capsys, tmp_path, dataset_nq):
    location = tmp_path / "mine"
    location.mkdir()
    (location / "notes.txt").write_text("keep me", encoding="utf-8")
    code, out, err = _run(capsys, "query", "02", "--data", str(dataset_nq), "--store", str(location))
    assert code == 2 and out == "" and "not a perr store" in err and str(location) in err
    assert [p.name for p in location.iterdir()] == ["notes.txt"]
    code, _, err = _run(
        capsys, "query", "02", "--store", str(location), "--endpoint", "http://127.0.0.1:9/sparql"
    )
    assert code == 2 and "exclude --endpoint" in err


# --- answers of several queries together (the analyses' path) -------------------------------------------------


def test_run_many_gives_each_query_its_answer_in_plain_values(store, library_results):
    """The analyses ask their queries together (one child, a query per core at a time, rows as plain values):
    each answer is the one the query gives alone, value for value."""
    from perr_graph.analysis.answers import pid, run_many, value

    names = ["protocol-stats", "commitment-involvements", "partner-pairs", "concepts"]
    got = run_many(store, names)
    assert list(got) == names
    for name in names:
        q = queries.find(name)
        file, records = got[name]
        assert file == q.path.name
        alone = library_results[q.path.stem][1]
        assert len(records) == len(alone.rows) > 0
        for rec, row in zip(records, alone.rows, strict=True):
            expected = {c: value(t) for c, t in zip(alone.variables, row, strict=True)}
            for c in ("protocol", "protocol_a", "protocol_b"):
                if isinstance(expected.get(c), str):
                    expected[c] = pid(expected[c])
            assert rec == expected
    kinds = {type(v) for _, recs in got.values() for r in recs for v in r.values()}
    assert kinds <= {str, int, float, type(None)}


def test_select_plain_names_the_query_that_failed_and_keeps_its_limits(store):
    from perr_graph.analysis.answers import value
    from perr_graph.sparql.run import Limits, select_plain

    good = queries.find("protocols")
    slow = "SELECT ?a ?d WHERE { GRAPH ?g { ?a ?b ?c } GRAPH ?h { ?d ?e ?f } } ORDER BY ?c ?f ?a ?d"
    with pytest.raises(QueryError, match="timed out"):
        select_plain(store, [(good, None), (slow, None)], value, limits=Limits(timeout=1.0))
    with pytest.raises(QueryError, match="more than 2 rows"):
        select_plain(store, [(good, None)], value, limits=Limits(timeout=30.0, max_rows=2))
    service = "SELECT * { SERVICE <http://x.test/> { ?s ?p ?o } }"
    with pytest.raises(QueryError, match="SERVICE"):
        select_plain(store, [(good, None), (service, None)], value)
    assert select_plain(store, [], value) == []
