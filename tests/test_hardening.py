"""Issue 16 on ``perr query`` and the checks: no outbound fetch by any spelling, limits before the engine, an
engine that cannot kill ``perr``, a timed-out query stopped for good, and one line (exit 2) for every fault.

Each test reproduces a failure of the issue first (it failed on the code before the fix: noted in each
docstring), then shows it fixed. The served endpoint's side is in test_serve_hardening.py; the property-based
differential test in test_differential.py.
"""

from __future__ import annotations

import io
import os
import threading
import time
from pathlib import Path

import pytest

from perr_graph.cli import main
from perr_graph.errors import QueryError
from perr_graph.sparql.safety import Policy, check_query
from support import fakes

recorder = fakes.recorder  # the fixture

#: issue 16, point 1: rdflib and the old lexer read ``ex:a.b.SERVICE:x`` as one prefixed name, Oxigraph as
#: ``ex:a.b . SERVICE :x {}``, a federated call to the address of ``:``
BYPASS = "PREFIX : <{base}> PREFIX ex: <http://example.org/> SELECT * WHERE {{ ?s ?p ex:a.b.SERVICE:x{{}} }}"

#: issue 16, point 2: queries that overflow Oxigraph's stack (measured: each killed pyoxigraph 0.5.13, signal 11)
KILLERS = {
    "8000 additions": "SELECT * WHERE { BIND(" + "+".join(["1"] * 8000) + " AS ?x) }",
    "10000 alternatives": "ASK { ?s ?p ?o FILTER(" + "||".join(["?o=1"] * 10000) + ") }",
    "3000 nested groups": "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000,
    "10000 negations": "SELECT * WHERE { BIND(" + "!" * 10000 + "true AS ?x) }",
    "1000 nested CONCAT": "SELECT * WHERE { BIND(" + "CONCAT(" * 1000 + '"a"' + ")" * 1000 + " AS ?x) }",
    "10000 triple patterns": "SELECT * WHERE { "
    + " . ".join(f"?s{i} ?p ?s{i + 1}" for i in range(10000))
    + " }",
}


def run(capsys, *argv: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    """The error line; before it, at most the progress line of an on-disk store being made."""
    lines = err.splitlines()
    if len(lines) == 2 and lines[0].startswith("perr query: loading "):
        lines = lines[1:]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


# --- point 1: the known bypass, in every mode of perr query -------------------------------------------------------


def test_the_bypass_really_makes_pyoxigraph_call_out(recorder):
    """Unchecked, the bypass makes the embedded engine POST to the listener: the reason for what follows."""
    import pyoxigraph as ox

    store = ox.Store()
    store.add(
        ox.Quad(
            ox.NamedNode("http://a/s"), ox.NamedNode("http://a/p"), ox.NamedNode("http://example.org/a.b")
        )
    )
    list(store.query(BYPASS.format(base=recorder.base)))
    assert recorder.contacts >= 1 and recorder.hits


def query_modes(tmp_path: Path, dataset_nq: Path) -> dict[str, list[str]]:
    """``perr query`` arguments after the query, for every mode of the embedded store."""
    return {
        "data": ["--data", str(dataset_nq)],
        "store": ["--data", str(dataset_nq), "--store", str(tmp_path / "store")],
        "streamed": ["--data", str(dataset_nq), "--max-rows", "0", "--format", "csv"],
        "streamed-store": [
            "--data",
            str(dataset_nq),
            "--store",
            str(tmp_path / "store"),
            "--max-rows",
            "0",
            "-f",
            "csv",
        ],
    }


@pytest.mark.parametrize(
    "mode", ["data", "store", "streamed", "streamed-store", "stdin", "built", "endpoint"]
)
def test_the_bypass_is_refused_in_every_mode(capsys, monkeypatch, tmp_path, dataset_nq, recorder, mode):
    """Before: every mode POSTed to the listener and joined its answer to the results (SSRF with read-back)."""
    text = BYPASS.format(base=recorder.base)
    f = tmp_path / "bypass.rq"
    f.write_text(text, encoding="utf-8")
    modes = query_modes(tmp_path, dataset_nq)
    if mode == "stdin":
        code, out, err = run(
            capsys, "query", "-", "--data", str(dataset_nq), stdin=text, monkeypatch=monkeypatch
        )
    elif mode == "built":  # the test corpus's dataset, built by the dataset_nq fixture
        code, out, err = run(capsys, "query", str(f))
    elif mode == "endpoint":
        code, out, err = run(capsys, "query", str(f), "--endpoint", recorder.base + "sparql")
    else:
        code, out, err = run(capsys, "query", str(f), *modes[mode])
    assert code == 2 and out == ""
    assert "refused" in one_line(err) or "syntax error" in err
    assert recorder.contacts == 0, f"{mode}: the listener was contacted"


def test_the_engine_receives_the_canonical_text_only():
    checked = check_query(
        "PREFIX ex: <http://example.org/>  # a comment\nSELECT ?s WHERE { ?s ex:p 'x' ; ex:q _:b . }",
        Policy(),
    )
    assert (
        checked.text == '\nSELECT ?s WHERE { ?s <http://example.org/p> "x" ; <http://example.org/q> _:b0 . }'
    )
    assert check_query(checked.text, Policy()).text == checked.text, "canonical text is a fixed point"


@pytest.mark.skipif(not os.path.exists("/proc/self/ns/net"), reason="network namespaces are Linux's")
def test_the_engine_child_has_no_network(recorder):
    """Second wall: the child that runs pyoxigraph has left the network. Even a SERVICE handed to it directly,
    without the check, cannot reach the listener."""
    import pyoxigraph as ox

    from perr_graph.sparql import child

    store = ox.Store()
    ours = os.readlink("/proc/self/ns/net")
    seen: list[bytes] = []

    def work(writer) -> None:
        writer.write(os.readlink("/proc/self/ns/net").encode())
        try:
            list(store.query(f"SELECT * WHERE {{ SERVICE <{recorder.base}x> {{ ?s ?p ?o }} }}"))
        except (OSError, RuntimeError, ValueError) as exc:
            writer.error(f"the call failed: {exc}")

    with pytest.raises(QueryError, match="the call failed"):
        child.run_in_child(work, seen.append, timeout=30)
    if seen[0].decode() == ours:
        pytest.skip("this platform does not let a process leave the network")
    assert recorder.contacts == 0


# --- point 2: limits before the engine; an engine that dies is one line ------------------------------------------


@pytest.mark.parametrize("name", list(KILLERS))
def test_engine_killers_are_refused_in_one_line(capsys, tmp_path, dataset_nq, name):
    """Before: these passed the check and killed perr with signal 11 (exit 139, no message)."""
    f = tmp_path / "killer.rq"
    f.write_text(KILLERS[name], encoding="utf-8")
    code, out, err = run(capsys, "query", str(f), "--data", str(dataset_nq))
    assert code == 2 and out == ""
    line = one_line(err)
    assert line.startswith(f"perr query: {f}:1: query refused: "), line


def test_an_engine_that_dies_anyway_is_one_line(capsys, tmp_path, dataset_nq, monkeypatch):
    """With the limits lifted, a killer reaches the engine: the child dies, perr says so in one line."""
    from perr_graph.sparql import child
    from perr_graph.sparql.limits import ShapeLimits

    if not child.can_fork():
        pytest.skip("no fork here: the engine runs in perr's own process")
    monkeypatch.setattr(
        "perr_graph.sparql.safety.ShapeLimits", lambda: ShapeLimits(10**7, 10**7, 10**6, 10**6)
    )
    f = tmp_path / "killer.rq"
    f.write_text(KILLERS["3000 nested groups"], encoding="utf-8")
    monkeypatch.setattr("perr_graph.sparql.safety.tree.parse", lambda *a, **k: _fake_tree())
    monkeypatch.setattr(
        "perr_graph.sparql.tree.STACK_BYTES", 256 * 1024
    )  # the engine's thread: a small stack
    code, out, err = run(capsys, "query", str(f), "--data", str(dataset_nq), "--timeout", "60")
    assert code == 2 and out == ""
    assert "the SPARQL engine stopped on this query (SIG" in one_line(err)


def _fake_tree():
    """A parse tree for ``SELECT * WHERE {}`` (the checker is not what this test is about)."""
    from rdflib.plugins.sparql.parser import parseQuery

    tree = parseQuery("SELECT * WHERE { }")
    return tree[0], tree[1]


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { " + " . ".join(f"?s{i} ?p ?s{i + 1}" for i in range(90)) + " }",
        "SELECT * WHERE { BIND(" + "(" * 25 + "1" + ")" * 25 + " AS ?x) }",
        "SELECT * WHERE " + "{" * 40 + "?s ?p ?o" + "}" * 40,
    ],
    ids=["90-triple-patterns", "25-nested-parentheses", "40-nested-groups"],
)
def test_the_checker_no_longer_hits_the_recursion_limit(text):
    """Before: RecursionError in rdflib's parser (perr query printed a traceback, perr serve dropped the
    connection). These shapes are within the limits: they are checked, and pass."""
    assert check_query(text, Policy()).form == "SELECT"


def test_the_checker_has_a_time_limit():
    within_limits = (
        "SELECT * WHERE { " + " . ".join(f"?s{i} <http://a/p{i}> ?s{i + 1}" for i in range(150)) + " }"
    )
    with pytest.raises(QueryError, match=r"checking this query took more than 0\.001 s"):
        check_query(within_limits, Policy(), time_limit=0.001)


def test_checks_run_side_by_side():
    """Before: one global lock around rdflib's parser, so a long check blocked every other. Now a small query's
    check ends while a large one (within the limits) is still being checked."""
    group = " . ".join(f"?s{i} <http://a/p{i}> ?s{i + 1}" for i in range(190))
    big = "SELECT * WHERE { " + " ".join("{ " + group + " }" for _ in range(3)) + " }"
    done: dict[str, float] = {}

    def slow() -> None:
        check_query(big, Policy(), time_limit=120)
        done["big"] = time.monotonic()

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.2)
    check_query("ASK { ?s ?p 1 }", Policy())
    done["small"] = time.monotonic()
    t.join(120)
    assert done["small"] < done["big"]


# --- point 5: a timed-out query is stopped, its CPU and memory freed -------------------------------------------

CROSS = "SELECT ?a ?d WHERE { GRAPH ?g { ?a ?b ?c } GRAPH ?h { ?d ?e ?f } } ORDER BY ?c ?f ?a ?d"  # sort: no cancel


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="needs Linux /proc")
def test_a_timed_out_query_is_killed_with_its_memory(capsys, tmp_path, dataset_nq):
    """Before: the engine thread went on sorting the cross product (one core, gigabytes) after the timeout."""
    f = tmp_path / "cross.rq"
    f.write_text(CROSS, encoding="utf-8")
    me = os.getpid()
    children = Path(f"/proc/{me}/task/{me}/children")
    before = set(children.read_text().split())  # processes of other tests (a checker's forkserver …)
    started = time.monotonic()
    code, _, err = run(capsys, "query", str(f), "--data", str(dataset_nq), "--timeout", "1.5")
    took = time.monotonic() - started
    assert code == 2 and "timed out after 1.5 s" in one_line(err)
    assert took < 10
    assert set(children.read_text().split()) <= before, "the engine's process was killed: nothing runs on"
    cpu = time.process_time()
    time.sleep(1.5)
    assert time.process_time() - cpu < 0.3, "no engine thread goes on sorting in this process"


# --- point 8: --store deletes only a store of its own -----------------------------------------------------------


def test_store_with_an_invalid_manifest_is_not_deleted(capsys, tmp_path, dataset_nq):
    """Before: any folder holding a file named perr-store.json was deleted and made again."""
    folder = tmp_path / "precious"
    folder.mkdir()
    (folder / "perr-store.json").write_text("this is not JSON", encoding="utf-8")
    (folder / "thesis.tex").write_text("years of work", encoding="utf-8")
    code, out, err = run(capsys, "query", "02", "--data", str(dataset_nq), "--store", str(folder))
    assert code == 2 and out == "" and "not a perr store" in one_line(err)
    assert sorted(p.name for p in folder.iterdir()) == ["perr-store.json", "thesis.tex"]


def test_a_store_with_anything_else_in_it_is_not_deleted(capsys, tmp_path, dataset_nq):
    location = tmp_path / "store"
    code, _, _ = run(capsys, "query", "02", "--data", str(dataset_nq), "--store", str(location))
    assert code == 0
    (location / "notes.txt").write_text("mine", encoding="utf-8")
    changed = tmp_path / "changed.nq"
    changed.write_bytes(dataset_nq.read_bytes())  # another file: the store would be made again
    code, _, err = run(capsys, "query", "02", "--data", str(changed), "--store", str(location))
    assert code == 2 and "holds other files" in one_line(err) and (location / "notes.txt").exists()


# --- point 10: one line, exit 2 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-1"])
def test_timeouts_must_be_finite_and_positive(capsys, dataset_nq, value):
    """Before: nan and inf passed (--timeout nan made a 10 ms limit for load); serve took them too."""
    for argv in (
        ["query", "02", "--data", str(dataset_nq), f"--timeout={value}"],
        ["load", "--endpoint", "http://127.0.0.1:9", "--data", str(dataset_nq), f"--timeout={value}"],
        ["serve", "--data", str(dataset_nq), f"--timeout={value}", "--port", "0"],
    ):
        code, _, err = run(capsys, *argv)
        assert code == 2 and "--timeout" in one_line(err), (argv, err)


@pytest.mark.parametrize("port", ["-1", "70000", "65536"])
def test_serve_port_out_of_range(capsys, dataset_nq, port):
    """Before: OverflowError, a traceback."""
    code, _, err = run(capsys, "serve", "--data", str(dataset_nq), "--port", port)
    assert code == 2 and "--port" in one_line(err)


def test_unwritable_outputs_are_one_line(capsys, tmp_path, dataset_nq):
    """Before: a traceback for each (the parent is a file, the output is a folder, the store's parent is a file)."""
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    a_folder = tmp_path / "folder"
    a_folder.mkdir()
    data = ["--data", str(dataset_nq)]
    cases = [
        ["query", "02", *data, "--output", str(a_file / "out.csv"), "-f", "csv"],
        ["query", "02", *data, "--output", str(a_folder), "-f", "csv"],
        ["query", "02", *data, "--output", str(a_file / "out.csv"), "-f", "csv", "--max-rows", "0"],
        ["query", "02", *data, "--store", str(a_file / "store")],
    ]
    if os.geteuid() != 0:  # root writes into read-only folders
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o500)
        cases.append(["query", "02", *data, "--output", str(ro / "out.csv")])
    for argv in cases:
        code, _, err = run(capsys, *argv)
        assert code == 2 and "cannot write" in one_line(err), (argv, err)


def test_a_query_file_that_is_not_utf8_is_one_line(capsys, tmp_path, dataset_nq):
    """Before: UnicodeDecodeError, a traceback."""
    f = tmp_path / "latin1.rq"
    f.write_bytes("# requête\nSELECT * WHERE { ?s ?p 'é' }".encode("latin-1"))
    code, out, err = run(capsys, "query", str(f), "--data", str(dataset_nq))
    assert (
        code == 2
        and out == ""
        and one_line(err) == f"perr query: {f}:1: not UTF-8 text (convert it to UTF-8 first)"
    )


def test_endpoint_results_with_a_bad_row_are_one_line(capsys, tmp_path, fake):
    """Before: pyoxigraph's SyntaxError while reading the rows, a traceback (query and load)."""
    bad = (
        b'{"head":{"vars":["n"]},"results":{"bindings":['
        b'{"n":{"type":"literal","value":"1"}},{"n":{"type":"uri","value":"not an IRI"}}]}}'
    )
    server = fake(fakes.script(fakes.answer(200, bad)))
    f = tmp_path / "q.rq"
    f.write_text("SELECT ?n WHERE { BIND(1 AS ?n) }", encoding="utf-8")
    code, out, err = run(capsys, "query", str(f), "--endpoint", server.url)
    assert code == 2 and out == "" and "bad SPARQL JSON results" in one_line(err)
    data = tmp_path / "one.nq"
    data.write_text('<http://a/s> <http://a/p> "o" <http://example.org/g> .\n', encoding="utf-8")
    store = fakes.GraphStore(count_fault={"http://example.org/g": fakes.answer(200, bad)})
    server = fake(store)
    code, out, err = run(
        capsys, "load", "--endpoint", server.url.rsplit("/", 1)[0], "--data", str(data), "--quiet"
    )
    assert code == 2 and "bad SPARQL JSON results" in one_line(err)


fake = fakes.fake  # the fixture
