"""Outputs people can share (issue 13) and that a kill cannot leave half-made (issue 16, point 6).

- files are written with the mode the umask gives (0644 under 022), a replaced file keeps its mode;
- ``perr build`` replaces perr.trig and perr.nq together: killed at any moment, the folder holds the old set or
  (after :func:`perr_graph.outputs.recover`, which every reader of the dataset runs) the new one, never one of each,
  and no temporary file stays once recovered;
- ``perr export`` writes JSON-LD that round-trips to the same quads as the N-Quads, with the ontology's context;
- the dataset description names licence (or says it is unknown), publisher, version, issue date and distributions.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, XSD

from perr_graph.cli import main
from perr_graph.outputs import (
    JOURNAL,
    atomic_file,
    atomic_folder,
    recover,
    recover_folder,
    write_atomic,
    write_set,
)

PERR = [sys.executable, "-m", "perr_graph.cli"]


@pytest.fixture
def umask022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_new_files_get_the_umask_mode_and_replaced_files_keep_theirs(tmp_path, umask022):
    target = tmp_path / "a.txt"
    write_atomic(target, ["hello"])
    assert _mode(target) == 0o644
    target.chmod(0o640)
    with atomic_file(target) as f:
        f.write(b"again")
    assert target.read_bytes() == b"again" and _mode(target) == 0o640
    os.umask(0o077)
    write_atomic(tmp_path / "private.txt", ["x"])
    assert _mode(tmp_path / "private.txt") == 0o600


def test_dataset_and_query_outputs_are_shareable(tmp_path, umask022, capsys):
    assert main(["build", "--quiet", "--output", str(tmp_path / "dist")]) == 0
    for name in ("perr.nq", "perr.trig"):
        assert _mode(tmp_path / "dist" / name) == 0o644, name
    out = tmp_path / "answer.csv"
    assert main(["query", "protocol-stats", "--format", "csv", "--output", str(out)]) == 0
    assert _mode(out) == 0o644
    streamed = tmp_path / "streamed.csv"
    assert (
        main(["query", "protocol-stats", "--format", "csv", "--max-rows", "0", "--output", str(streamed)])
        == 0
    )
    assert _mode(streamed) == 0o644
    exported = tmp_path / "perr.jsonld"
    assert main(["export", "--format", "jsonld", "--output", str(exported)]) == 0
    assert _mode(exported) == 0o644
    assert not list(tmp_path.rglob(".*.tmp")) and not list(tmp_path.rglob(".*.new"))


def test_a_set_is_replaced_whole(tmp_path):
    write_set(tmp_path, {"a": ["old a"], "b": ["old b"]})
    write_set(tmp_path, {"a": ["new a"], "b": ["new b"]})
    assert (tmp_path / "a").read_text() == "new a" and (tmp_path / "b").read_text() == "new b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]


def test_a_journal_left_by_a_kill_is_rolled_forward(tmp_path):
    """The state a kill between the two renames leaves: the new a in place, the new b still under its temporary
    name, the journal naming both. Recovery completes the new set."""
    write_set(tmp_path, {"a": ["old a"], "b": ["old b"]})
    (tmp_path / ".b.123.new").write_text("new b")
    (tmp_path / "a").write_text("new a")
    (tmp_path / JOURNAL).write_text(json.dumps([[".a.123.new", "a"], [".b.123.new", "b"]]))
    recover(tmp_path)
    assert (tmp_path / "a").read_text() == "new a" and (tmp_path / "b").read_text() == "new b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]


def test_temporary_files_without_a_journal_are_removed(tmp_path):
    write_set(tmp_path, {"a": ["old a"]})
    (tmp_path / ".a.999.new").write_text("half")
    recover(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a"] and (tmp_path / "a").read_text() == "old a"


def _digests(folder: Path) -> tuple[str, str] | None:
    try:
        return tuple(hashlib.sha256((folder / n).read_bytes()).hexdigest() for n in ("perr.trig", "perr.nq"))
    except FileNotFoundError:
        return None


@pytest.mark.slow
def test_kill_9_during_build_leaves_the_old_or_the_new_set(tmp_path, corpus_home):
    """``kill -9`` at 20 moments of ``perr build``: after recovery the folder holds the complete old set (a build
    of four protocols) or the complete new one (five), never a mix, and no temporary file."""
    from support import project

    four = tmp_path / "four"
    shutil.copytree(project.DATA, four / "data", ignore=shutil.ignore_patterns("valence.toml"))
    (four / "perr.toml").write_text(
        (corpus_home / "perr.toml").read_text().replace(f"data = {str(project.DATA)!r}", 'data = "data"'),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    subprocess.run([*PERR, "build", "-q", "--corpus", str(four), "--output", str(out)], check=True, env=env)
    old = _digests(out)
    new_out = tmp_path / "reference"
    subprocess.run([*PERR, "build", "-q", "--output", str(new_out)], check=True, env=env)
    new = _digests(new_out)
    assert old and new and old != new
    started = time.monotonic()
    subprocess.run([*PERR, "build", "-q", "--output", str(tmp_path / "timing")], check=True, env=env)
    whole = time.monotonic() - started
    seen = set()
    for i in range(20):
        proc = subprocess.Popen([*PERR, "build", "-q", "--output", str(out)], env=env)
        time.sleep(whole * (0.3 + 0.75 * i / 19))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        recover(out)
        state = _digests(out)
        assert state in (old, new), f"kill {i}: a mixed set"
        assert sorted(p.name for p in out.iterdir()) == ["perr.nq", "perr.trig"], f"kill {i}: leftovers"
        seen.add("new" if state == new else "old")
        if state == new:  # start the next kill from the old set again
            shutil.rmtree(out)
            subprocess.run(
                [*PERR, "build", "-q", "--corpus", str(four), "--output", str(out)], check=True, env=env
            )
    assert seen, "no kill happened"


def _tree(folder: Path) -> dict[str, str] | None:
    """Every file of a folder by its path inside it, with its SHA-256; None when there is no folder."""
    if not folder.is_dir():
        return None
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_folder_swap_cut_between_its_renames_is_finished(tmp_path):
    """The state a kill between atomic_folder's two renames leaves (the old folder aside, the new one complete,
    no target), from a process that no longer runs: recovery puts the new folder in place and removes the rest."""
    target = tmp_path / "report"
    with atomic_folder(target) as tmp:
        (tmp / "index.html").write_text("old")
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    pid = int(dead.stdout)
    os.replace(target, tmp_path / f".report.{pid}.old")
    new = tmp_path / f".report.{pid}.abc123.new"
    new.mkdir()
    (new / "index.html").write_text("new")
    half = (
        tmp_path / f".report.{pid}.zzz999.new"
    )  # would be another kill's half-filled folder: not that pid's
    recover_folder(target)
    assert _tree(target) == {"index.html": hashlib.sha256(b"new").hexdigest()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"] and not half.exists()


def test_a_folder_of_a_running_process_is_left_alone(tmp_path):
    target = tmp_path / "report"
    mine = tmp_path / f".report.{os.getpid()}.abc.new"
    mine.mkdir()
    recover_folder(target)
    assert mine.is_dir() and not target.exists()


@pytest.mark.slow
def test_kill_9_during_report_leaves_the_old_or_the_new_folder(tmp_path, corpus_home):
    """``kill -9`` at 20 moments of ``perr report`` (one protocol, to stay short): after the next run's recovery
    the report folder is the complete old report (English) or the complete new one (French), never a mix, and no
    temporary folder is left beside it."""
    from support import project

    one = tmp_path / "one"
    shutil.copytree(
        project.DATA,
        one / "data",
        ignore=lambda d, names: [n for n in names if n.endswith(".toml") and n != "voiron.toml"],
    )
    (one / "perr.toml").write_text(
        (corpus_home / "perr.toml").read_text().replace(f"data = {str(project.DATA)!r}", 'data = "data"'),
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    subprocess.run([*PERR, "build", "-q", "--corpus", str(one)], check=True, env=env)
    report = [*PERR, "report", "-q", "--corpus", str(one)]
    out = tmp_path / "report"
    subprocess.run([*report, "--lang", "en", "--output", str(out)], check=True, env=env)
    old = _tree(out)
    subprocess.run([*report, "--output", str(tmp_path / "reference")], check=True, env=env)
    new = _tree(tmp_path / "reference")
    assert old and new and old != new
    started = time.monotonic()
    subprocess.run([*report, "--output", str(tmp_path / "timing")], check=True, env=env)
    whole = time.monotonic() - started
    seen = set()
    for i in range(20):
        proc = subprocess.Popen([*report, "--output", str(out)], env=env)
        time.sleep(whole * (0.3 + 0.75 * i / 19))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        recover_folder(out)  # what the next perr report does first
        state = _tree(out)
        assert state in (old, new), f"kill {i}: a mixed or missing report"
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".report")) == [], f"kill {i}"
        seen.add("new" if state == new else "old")
        if state == new:  # start the next kill from the old report again
            subprocess.run([*report, "--lang", "en", "--output", str(out)], check=True, env=env)
    assert seen, "no kill happened"


def test_jsonld_round_trips_to_the_same_quads(tmp_path, dataset_nq):
    target = tmp_path / "perr.jsonld"
    assert main(["export", "--format", "jsonld", "--data", str(dataset_nq), "--output", str(target)]) == 0
    doc = json.loads(target.read_text(encoding="utf-8"))
    ctx = doc["@context"]
    assert ctx["Commitment"] == "perr:Commitment"
    assert ctx["lead"] == {"@id": "perr:lead", "@type": "@id"}
    assert ctx["perr"] == "https://w3id.org/perr-graph/ontology#"
    back = Dataset()
    back.parse(target, format="json-ld")
    original = Dataset()
    original.parse(dataset_nq, format="nquads")
    a = {q for q in original.quads() if q[3] is not None}
    b = {q for q in back.quads() if q[3] is not None}
    assert len(a) > 30000 and a == b


def test_exports_are_deterministic_and_trig_is_the_builds(tmp_path, dataset_nq, dataset_trig):
    for fmt in ("jsonld", "trig", "nq", "turtle", "nt"):
        one, two = tmp_path / f"1.{fmt}", tmp_path / f"2.{fmt}"
        assert main(["export", "-f", fmt, "--data", str(dataset_nq), "-o", str(one)]) == 0
        assert main(["export", "-f", fmt, "--data", str(dataset_nq), "-o", str(two)]) == 0
        assert one.read_bytes() == two.read_bytes(), fmt
    assert (tmp_path / "1.trig").read_bytes() == dataset_trig.read_bytes()
    assert (tmp_path / "1.nq").read_bytes() == dataset_nq.read_bytes()


def test_export_refuses_unknown_input_in_one_line(tmp_path, capsys):
    bad = tmp_path / "data.csv"
    bad.write_text("a,b\n")
    assert main(["export", "-f", "nq", "--data", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "data.csv" in err


def test_the_dataset_description_says_how_it_is_published(built):
    from perr_graph import namespaces as ns

    g = built.graphs[ns.DATASET_GRAPH]
    d = ns.DATASET
    rights = {str(o) for o in g.objects(d, DCTERMS.rights)}
    assert any("Licence non établie" in r for r in rights), "the checkout's perr.toml says licence = unknown"
    assert g.value(d, DCTERMS.license) is None
    publisher = g.value(d, DCTERMS.publisher)
    assert publisher is not None and str(g.value(publisher, URIRef("http://xmlns.com/foaf/0.1/name"))) == (
        "perr-graph contributors"
    )
    assert g.value(d, DCTERMS.hasVersion) is not None
    media = {str(g.value(x, DCAT.mediaType)) for x in g.objects(d, DCAT.distribution)}
    assert media == {
        "https://www.iana.org/assignments/media-types/application/trig",
        "https://www.iana.org/assignments/media-types/application/n-quads",
        "https://www.iana.org/assignments/media-types/application/ld+json",
    }
    assert not any(str(o).startswith("file:") for o in g.objects(None, DCAT.downloadURL))


def test_a_corpus_states_its_licence_issue_date_and_download_place(tmp_path):
    from perr_graph.inputs.corpus import open_corpus
    from perr_graph.rdf.dataset import Publication, dataset_description

    (tmp_path / "perr.toml").write_text(
        'name = "x"\nbase_iri = "https://w3id.org/perr-graph/"\nlicence = "CC-BY-4.0"\npublisher = "Ville"\n'
        'issued = 2025-03-01\ndownload_url = "https://example.org/perr/"\n',
        encoding="utf-8",
    )
    c = open_corpus(tmp_path, "--corpus")
    g = dataset_description({}, [], Publication(c.licence, c.publisher, c.issued, c.download_url))
    from perr_graph import namespaces as ns

    assert g.value(ns.DATASET, DCTERMS.license) == URIRef("https://spdx.org/licenses/CC-BY-4.0")
    assert g.value(ns.DATASET, DCTERMS.issued) == Literal("2025-03-01", datatype=XSD.date)
    urls = {str(o) for o in g.objects(None, DCAT.downloadURL)}
    assert urls == {f"https://example.org/perr/perr.{x}" for x in ("trig", "nq", "jsonld")}
