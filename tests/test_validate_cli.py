"""``perr validate``, in process: exit codes 0/1/2, files split per protocol graph, bad input, processes and the
cache. The formats for CI are tests/test_validate_formats.py; the W3C suite, tests/test_shacl_suite.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from perr_graph import namespaces as ns
from perr_graph.cli import main
from perr_graph.rdf.serialize import trig

EXAMPLES = Path(__file__).resolve().parent / "shapes"


def run(capsys, *argv):
    code = main(["validate", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_built_dataset_conforms(capsys, dataset_nq):
    code, out, err = run(capsys, dataset_nq, "--summary", "--lang", "en")
    assert code == 0, out + err
    for pid in ("valence", "loriol", "montelimar", "voiron", "puy", "shared"):
        assert f"\n{pid}" in "\n" + out
    assert "0 violations" in out.splitlines()[-1] and out.splitlines()[-1].startswith("conforms")


def test_warnings_fail_when_asked(capsys, dataset_nq):
    code, out, _ = run(capsys, dataset_nq, "--fail-on", "warning", "--lang", "en")
    assert code == 1
    assert "data/sources/001_8c36ca10e46b7ce9.txt:" in out  # results point at their source file and line
    assert "No signatory is listed for this protocol." in out


def test_json_and_french(capsys, dataset_nq):
    code, out, _ = run(capsys, dataset_nq, "--format", "json", "--lang", "fr")
    data = json.loads(out)
    assert code == 0 and data["conforms"] is True and data["violations"] == 0
    loriol = [r for r in data["results"] if r["protocol"] == "loriol" and r["shape"] == "Protocol-signatory"]
    assert loriol[0]["message"] == "Aucun signataire n'est indiqué pour ce protocole."
    assert loriol[0]["file"] == "data/sources/001_8c36ca10e46b7ce9.txt" and loriol[0]["line"] == 3
    assert {u["name"] for u in data["units"]} == {
        "valence",
        "loriol",
        "montelimar",
        "voiron",
        "puy",
        "shared",
    }


def test_turtle_report_written_atomically(capsys, dataset_nq, tmp_path):
    target = tmp_path / "report.ttl"
    code, out, err = run(capsys, dataset_nq, "--format", "turtle", "--output", target, "--lang", "en")
    assert code == 0 and out == "" and "wrote" in err
    g = Graph().parse(target, format="turtle")
    reports = list(g.subjects(ns.RDF.type, ns.URIRef("http://www.w3.org/ns/shacl#ValidationReport")))
    assert len(reports) == 6
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_researchers_file_is_checked_like_ours(capsys):
    code, out, _ = run(capsys, EXAMPLES / "ProtocolShape" / "conforms.ttl", "--fail-on", "info")
    assert code == 0, out
    code, out, _ = run(capsys, EXAMPLES / "ProtocolShape" / "violates.ttl", "--lang", "en")
    assert code == 1
    assert "Protocol-territory" in out and "shared" not in out.split("\n")[0]


def test_a_file_with_several_protocol_graphs_is_split(capsys, built, tmp_path):
    graphs = {name: built.graphs[name] for name in (ns.protocol_graph("loriol"), ns.protocol_graph("voiron"))}
    path = tmp_path / "two.trig"
    path.write_text("".join(trig(graphs)), encoding="utf-8")
    code, out, _ = run(capsys, path, "--summary", "--lang", "en")
    assert code == 0
    units = [line.split()[0] for line in out.splitlines() if line and not line.startswith(" ")]
    assert units[:2] == ["loriol", "voiron"]
    # without the registry, partners and territories are unknown: violations
    code, out, _ = run(capsys, path, "--summary", "--no-shared")
    assert code == 1 and "Involvement-partner" in out


@pytest.mark.parametrize(
    "suffix, text, line",
    [
        (".ttl", "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b ex:c ex:d .\n", 3),
        (
            ".trig",
            "<http://example.org/g> {\n<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n}\n}\n",
            4,
        ),
        (
            ".nq",
            "<http://example.org/a> <http://example.org/b> <http://example.org/c> <http://example.org/g> .\n"
            "<a> <b> <c> .\n",
            2,
        ),
        (".jsonld", '{"@id": "http://example.org/a",\n "http://example.org/b": [}', 2),
    ],
)
def test_malformed_input_is_one_line_with_file_and_line_and_exit_2(capsys, tmp_path, suffix, text, line):
    path = tmp_path / f"broken{suffix}"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, path)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"perr validate: {path}:{line}: syntax error: "), lines[0]


def test_missing_and_unknown_files_exit_2(capsys, tmp_path):
    code, _, err = run(capsys, tmp_path / "nope.ttl")
    assert code == 2 and "file not found" in err and len(err.strip().splitlines()) == 1
    other = tmp_path / "data.csv"
    other.write_text("a,b\n", encoding="utf-8")
    code, _, err = run(capsys, other)
    assert code == 2 and "unknown RDF file type" in err


def test_help_lists_the_options(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for option in (
        "--shapes",
        "--engine",
        "--format",
        "--output",
        "--fail-on",
        "--lang",
        "--no-shared",
        "--sources",
        "--jobs",
        "--cache",
    ):
        assert option in out


def test_jobs_and_cache_give_the_same_report(capsys, dataset_nq, tmp_path):
    reports = []
    for argv in (
        ["--jobs", "1"],
        ["--jobs", "2"],
        ["--cache", tmp_path / "cache"],
        ["--cache", tmp_path / "cache"],
    ):
        code, out, _ = run(capsys, dataset_nq, "--format", "json", "--quiet", *argv)
        assert code == 0
        reports.append(out)
    assert all(r == reports[0] for r in reports[1:])  # the same bytes
    data = json.loads(reports[0])
    assert data["warnings"] > 0 and data["infos"] > 0 and data["engine"] == "auto"
    # one report kept per unit (the five protocols and the shared graphs), in one SQLite file, as JSON
    import sqlite3

    kept = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert kept == ["validation.sqlite"]
    db = sqlite3.connect(tmp_path / "cache" / "validation.sqlite")
    rows = db.execute("SELECT report FROM units").fetchall()
    assert len(rows) == 6 and all(json.loads(r[0])["name"] for r in rows)


def test_jobs_must_be_positive(capsys, dataset_nq):
    code, out, err = run(capsys, dataset_nq, "--jobs", "0")
    assert code == 2 and out == "" and err.strip() == "perr validate: --jobs must be at least 1"


MY_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
<https://example.org/MyShape> a sh:NodeShape ; sh:targetClass <%s> ;
    sh:property [ sh:path <https://example.org/reviewer> ; sh:minCount 1 ;
                  sh:message "a protocol needs a reviewer"@en , "un protocole doit avoir un relecteur"@fr ] .
"""


def test_own_shapes_replace_the_bundled_ones(capsys, dataset_nq, tmp_path):
    shapes = tmp_path / "mine.ttl"
    shapes.write_text(MY_SHAPES % ns.PERR.Protocol, encoding="utf-8")
    for extra in ([], ["--no-shared"]):
        code, out, _ = run(capsys, dataset_nq, "--shapes", shapes, "--format", "json", "--lang", "en", *extra)
        data = json.loads(out)
        protocols = [u["name"] for u in data["units"] if u["name"] != "shared"]
        assert code == 1 and len(protocols) == 5
        assert sorted(r["protocol"] for r in data["results"]) == sorted(protocols)  # one finding per protocol
        assert {(r["constraint"], r["message"]) for r in data["results"]} == {
            ("MinCountConstraintComponent", "a protocol needs a reviewer")
        }


def test_a_corpus_shapes_join_the_bundled_ones(capsys, dataset_nq, tmp_path):
    from support import project

    folder = project.make_test_corpus(tmp_path)
    (folder / "shapes").mkdir()
    (folder / "shapes" / "mine.ttl").write_text(MY_SHAPES % ns.PERR.Protocol, encoding="utf-8")
    code, out, _ = run(capsys, dataset_nq, "--corpus", folder, "--format", "json", "--lang", "en")
    data = json.loads(out)
    messages = {r["message"] for r in data["results"]}
    assert code == 1 and "a protocol needs a reviewer" in messages
    assert "No signatory is listed for this protocol." in messages  # the bundled shapes still apply


def test_a_missing_sources_folder_is_one_line(capsys, dataset_nq, tmp_path):
    """The quote check is never skipped in silence (issue 16): --sources naming no folder stops with one line."""
    code, out, err = run(capsys, str(dataset_nq), "--sources", str(tmp_path / "missing"))
    assert code == 2 and out == "" and err.strip().endswith("no such folder of source texts")
    assert len(err.strip().splitlines()) == 1
