"""Maintained SHACL engines against the project's own compiler: right answers, then time and memory.

``python benchmarks/shacl_engines.py [--suite] [--five] [--sizes 5,50,500] [--engines a,b] [--budget S]
[--json OUT]`` measures, for every engine (pySHACL, the reference; pyshacl-turbo; shacl-rust; pyrudof; shacl;
pyshifty; and ``perr``, ``perr validate``'s engine ``auto`` (until issue 17: the project's SPARQL compiler,
since deleted; the figures kept under ``perr`` are the compiler's)):

1. **W3C SHACL Core test suite** (``--suite``). The 90 tests of ``sht_tests/core/`` in pySHACL's source
   distribution whose data and shapes graphs are the test file itself (``sht:dataGraph <>``,
   ``sht:shapesGraph <>``). The suite is not kept in this repository: it is fetched once with ``pip download
   pyshacl==0.40.1 --no-binary :all:`` and extracted into ``$XDG_CACHE_HOME/perr-graph/`` (default
   ``~/.cache/perr-graph/``). Each file is parsed once with rdflib (``NORMALIZE_LITERALS`` off, so literals keep
   their lexical forms) and handed to every engine as the same graph, N-Triples for the engines that read files.
   An engine is **right** on a test when its results equal the expected ``mf:result`` as sets of
   (focusNode, resultPath, value, sourceShape, sourceConstraintComponent, resultSeverity); **wrong** when they
   differ; **refused** when the engine raised. Messages and ``sh:conforms`` are not compared (a conforms
   mismatch is recorded alongside). Blank nodes are compared by structure: a blank node stands for the tree of
   triples reachable from it (through further blank nodes), read from the input graph when the engine kept its
   label, else from the engine's report graph; so a blank-node property shape or a complex ``sh:resultPath``
   compares equal to the expected one whatever its label. A blank node that neither graph describes compares
   as "some blank node". No inference (``inference='none'``) for any engine.
2. **The project's shapes on the five protocols** (``--five``): every engine on the merged graph of every named
   graph of ``dist/perr.nq`` (``perr build``), shapes ``ontology/shapes/*.ttl``; the same result keys compared
   with pySHACL's (291 results). Differences are listed per source shape.
3. **Time and peak memory** (``--sizes``): N = 5 is ``dist/perr.nq``; other N are made with
   ``perr synth --protocols N --seed 1`` (cached under ``--data``). Each engine (a) on the merged graph (an
   N-Triples file of every named graph's triples, made beforehand and not timed), (b) on per-protocol slices as
   ``perr validate`` makes them (the protocol's graph, the ontology, and the registry and reference triples
   reachable forward from the protocol's terms: ``perr_graph.validation.units.shared_slice``), every slice in one
   process, then with 2 forked worker processes. Also ``perr validate FILE --jobs 2`` (the whole command,
   quotes and report included) as a figure. Each figure is one process of its own (peak memory is its
   ``VmHWM``, and the largest of its children's), killed past ``--budget`` seconds: the figure is then a
   timeout, and a ratio with it a lower bound. An engine that timed out at some N in some mode is not run at
   larger N in that mode. The N = 5 merged run is the ``--five`` check (its keys are compared with pySHACL's).
   Sliced runs drop results whose focus node only the shared graphs describe (as ``perr validate`` does) and
   their union is compared with the same engine's merged results restricted the same way.

Results go to ``--json`` (default ``benchmarks/results/shacl-engines.json``). Times are wall-clock seconds on
whatever machine runs this; compare engines within one run (ratios), not across machines or runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUITE_DIST = "pyshacl==0.40.1"
SUITE_MEMBER = "test/resources/sht_tests/core/"
ENGINES = ["pyshacl", "pyshacl-turbo", "shacl-rust", "pyrudof", "shacl", "pyshifty", "perr"]
#: the PyPI distribution of each engine, for its version
DISTS = {
    "pyshacl": "pyshacl",
    "pyshacl-turbo": "pyshacl-turbo",
    "shacl-rust": "shacl-rust",
    "pyrudof": "pyrudof",
    "shacl": "shacl",
    "pyshifty": "pyshifty",
    "perr": "perr-graph",
}
MODES = ["merged", "sliced-1", "sliced-2"]


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "perr-graph"


# ==========================================================================================================
# The W3C suite, from pySHACL's source distribution
# ==========================================================================================================


def suite_dir() -> Path:
    """``sht_tests/core`` of pySHACL 0.40.1's sdist, extracted into the cache folder (fetched once)."""
    target = cache_dir() / "pyshacl-0.40.1-sht-core"
    if (target / "manifest.ttl").is_file():
        return target
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                SUITE_DIST,
                "--no-binary",
                ":all:",
                "--no-deps",
                "-d",
                tmp,
                "-q",
            ],
            check=True,
        )
        (sdist,) = Path(tmp).glob("pyshacl-*.tar.gz")
        part = target.with_suffix(".part")
        with tarfile.open(sdist) as tar:
            for m in tar.getmembers():
                name = m.name.split("/", 1)[1] if "/" in m.name else ""
                if m.isfile() and name.startswith(SUITE_MEMBER):
                    out = part / name[len(SUITE_MEMBER) :]
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(tar.extractfile(m).read())
        part.rename(target)
    return target


def suite_tests(folder: Path) -> list[Path]:
    """The test files whose data graph and shapes graph are the file itself."""
    out = []
    for f in sorted(folder.rglob("*.ttl")):
        text = f.read_text(encoding="utf-8")
        if f.name != "manifest.ttl" and "sht:dataGraph <>" in text and "sht:shapesGraph <>" in text:
            out.append(f)
    return out


def expected_results(g, base_iri) -> tuple[object, list]:
    """(conforms, [result nodes]) of the test's ``mf:result`` report."""
    from rdflib import URIRef

    mf = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
    (test,) = [t for t in g.subjects(URIRef(RDF_TYPE), URIRef("http://www.w3.org/ns/shacl-test#Validate"))]
    report = g.value(test, URIRef(mf + "result"))
    return g.value(report, URIRef(SH + "conforms")), list(g.objects(report, URIRef(SH + "result")))


# ==========================================================================================================
# Result keys, blank nodes by structure
# ==========================================================================================================


def term_sig(term, graphs, seen=()) -> str:
    """A comparable string for a term: IRIs and literals as N-Triples; a blank node as the sorted tree of the
    triples reachable from it, from the first graph that describes it."""
    from rdflib import BNode

    if not isinstance(term, BNode):
        return term.n3()
    if term in seen or len(seen) > 20:
        return "_:cycle"
    for g in graphs:
        if g is not None and (term, None, None) in g:
            parts = sorted(
                f"{p.n3()} {term_sig(o, [g], (*seen, term))}" for p, o in g.predicate_objects(term)
            )
            return "[" + " ; ".join(parts) + "]"
    return "_:"


def path_sig(node, graphs, depth=0) -> str:
    """A SHACL path node as a SPARQL-like path string, read as SHACL reads it (a list is a sequence path, whatever
    else the node has), from the first graph that describes it."""
    from rdflib import BNode, URIRef

    if not isinstance(node, BNode) or depth > 20:
        return node.n3()
    first = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#first")
    rest = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#rest")
    for g in graphs:
        if g is None or (node, None, None) not in g:
            continue
        if (node, first, None) in g:
            items, cur = [], node
            while cur is not None and (cur, first, None) in g and len(items) < 50:
                items.append(path_sig(g.value(cur, first), [g], depth + 1))
                cur = g.value(cur, rest)
            return "(" + " / ".join(items) + ")"
        for kind, text in (
            ("inversePath", "^{}"),
            ("zeroOrMorePath", "({})*"),
            ("oneOrMorePath", "({})+"),
            ("zeroOrOnePath", "({})?"),
        ):
            v = g.value(node, URIRef(SH + kind))
            if v is not None:
                return text.format(path_sig(v, [g], depth + 1))
        v = g.value(node, URIRef(SH + "alternativePath"))
        if v is not None:
            items, cur = [], v
            while cur is not None and (cur, first, None) in g and len(items) < 50:
                items.append(path_sig(g.value(cur, first), [g], depth + 1))
                cur = g.value(cur, rest)
            return "(" + " | ".join(items) + ")"
        return term_sig(node, [g])
    return "_:"


#: positions of a key, in order
KEY = ("focusNode", "resultPath", "value", "sourceShape", "sourceConstraintComponent", "resultSeverity")


def result_keys(report, result_nodes, describe) -> set:
    """The key of each result node of a report graph: (focus, path, value, shape, component, severity). Focus
    nodes, values and shapes that are blank nodes are described from the input graphs first (where the engine
    kept their labels), then from the report; result paths from the report first (the engine's own rendering),
    then from the input."""
    from rdflib import URIRef

    keys = set()
    for node in result_nodes:
        row = []
        for p in KEY:
            v = report.value(node, URIRef(SH + p))
            if v is None:
                row.append("")
            elif p == "resultPath":
                row.append(path_sig(v, [report, *describe]))
            else:
                row.append(term_sig(v, [*describe, report]))
        keys.add(tuple(row))
    return keys


def report_keys(report, describe) -> set:
    """The keys of the results of a report graph (``sh:result`` of its ``sh:ValidationReport``: results nested
    in ``sh:detail`` are not results of the report)."""
    from rdflib import URIRef

    nodes = [
        r
        for rep in report.subjects(URIRef(RDF_TYPE), URIRef(SH + "ValidationReport"))
        for r in report.objects(rep, URIRef(SH + "result"))
    ]
    return result_keys(report, nodes, describe)


def anonymous(keys: set) -> set:
    """The keys with every blank node (described or not) in focus, value and shape positions replaced by "some
    blank node": the comparison pySHACL's own test harness makes."""
    return {
        tuple("_:" if i in (0, 2, 3) and (k.startswith(("[", "_:"))) else k for i, k in enumerate(key))
        for key in keys
    }


# ==========================================================================================================
# Engines: shapes once, then data (an N-Triples file) -> report graph (rdflib)
# ==========================================================================================================

_PATH_TOKEN = re.compile(r"\s*(<[^>]*>|\^|/|\||\(|\)|\*|\+|\?)")


def sparql_path_to_nt(text: str, out: list, counter: list) -> str:
    """A SPARQL property path (as shacl-rust reports ``resultPath``) as SHACL path triples in N-Triples; returns
    the path's node."""
    toks = []
    pos = 0
    while pos < len(text):
        m = _PATH_TOKEN.match(text, pos)
        if not m:
            raise ValueError(f"cannot read path {text!r}")
        toks.append(m.group(1))
        pos = m.end()
    i = 0

    def bnode():
        counter[0] += 1
        return f"_:path{counter[0]}"

    def rdf_list(items):
        head = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#nil>"
        for item in reversed(items):
            b = bnode()
            out.append(f"{b} <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> {item} .")
            out.append(f"{b} <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> {head} .")
            head = b
        return head

    def alt():
        nonlocal i
        items = [seq()]
        while i < len(toks) and toks[i] == "|":
            i += 1
            items.append(seq())
        if len(items) == 1:
            return items[0]
        b = bnode()
        out.append(f"{b} <{SH}alternativePath> {rdf_list(items)} .")
        return b

    def seq():
        nonlocal i
        items = [elt()]
        while i < len(toks) and toks[i] == "/":
            i += 1
            items.append(elt())
        return items[0] if len(items) == 1 else rdf_list(items)

    def elt():
        nonlocal i
        inverse = toks[i] == "^"
        if inverse:
            i += 1
        if toks[i] == "(":
            i += 1
            node = alt()
            i += 1  # ")"
        else:
            node = toks[i]
            i += 1
        if i < len(toks) and toks[i] in "*+?":
            b = bnode()
            kind = {"*": "zeroOrMorePath", "+": "oneOrMorePath", "?": "zeroOrOnePath"}[toks[i]]
            out.append(f"{b} <{SH}{kind}> {node} .")
            node = b
            i += 1
        if inverse:
            b = bnode()
            out.append(f"{b} <{SH}inversePath> {node} .")
            node = b
        return node

    return alt()


class Engine:
    name = ""

    def prepare(self, shapes_nt: Path, shapes_graph) -> None:
        """Read (compile) the shapes once."""

    def validate(self, data_nt: Path):
        """The report graph (rdflib) of the data in an N-Triples file."""
        raise NotImplementedError


def _parse_report(text: str, fmt: str = "nt"):
    from rdflib import Graph

    return Graph().parse(data=text, format=fmt)


class PySHACL(Engine):
    name = "pyshacl"

    def prepare(self, shapes_nt, shapes_graph):
        self.shapes = shapes_graph

    def validate(self, data_nt):
        from pyshacl import validate
        from rdflib import Graph

        data = Graph().parse(str(data_nt), format="nt")
        _, report, _ = validate(
            data,
            shacl_graph=self.shapes,
            inference="none",
            allow_infos=True,
            allow_warnings=True,
            meta_shacl=False,
            advanced=False,
            inplace=True,
        )
        return report


class Turbo(Engine):
    name = "pyshacl-turbo"

    def prepare(self, shapes_nt, shapes_graph):
        import pyshacl_turbo

        self.shapes = pyshacl_turbo.compile_shapes(str(shapes_nt), shacl_graph_format="nt")

    def validate(self, data_nt):
        _, report, _ = self.shapes.validate(
            str(data_nt), data_graph_format="nt", inference="none", allow_infos=True, allow_warnings=True
        )
        return report


class ShaclRust(Engine):
    name = "shacl-rust"

    def prepare(self, shapes_nt, shapes_graph):
        self.shapes_nt = shapes_nt

    def validate(self, data_nt):
        import shacl_rust

        report = shacl_rust.validate_file(str(data_nt), str(self.shapes_nt))
        lines, counter = [f"_:report <{RDF_TYPE}> <{SH}ValidationReport> ."], [0]
        lines.append(
            f'_:report <{SH}conforms> "{str(report["conforms"]).lower()}"^^<http://www.w3.org/2001/XMLSchema#boolean> .'
        )
        for i, r in enumerate(report["results"]):
            node = f"_:result{i}"
            lines.append(f"_:report <{SH}result> {node} .")
            lines.append(f"{node} <{RDF_TYPE}> <{SH}ValidationResult> .")
            for key, prop in (
                ("focusNode", "focusNode"),
                ("value", "value"),
                ("sourceShape", "sourceShape"),
                ("sourceConstraintComponent", "sourceConstraintComponent"),
                ("severity", "resultSeverity"),
            ):
                if r.get(key) is not None:
                    lines.append(f"{node} <{SH}{prop}> {r[key]} .")
            if r.get("resultPath"):
                lines.append(
                    f"{node} <{SH}resultPath> {sparql_path_to_nt(r['resultPath'], lines, counter)} ."
                )
        return _parse_report("\n".join(lines) + "\n")


class Rudof(Engine):
    name = "pyrudof"

    def prepare(self, shapes_nt, shapes_graph):
        import pyrudof

        self.pr = pyrudof
        self.rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        self.rudof.read_shacl(str(shapes_nt), format=pyrudof.ShaclFormat.NTriples)

    def validate(self, data_nt):
        pr = self.pr
        self.rudof.read_data(str(data_nt), format=pr.RDFFormat.NTriples, reader_mode=pr.ReaderMode.Strict)
        self.rudof.validate_shacl()
        text = self.rudof.serialize_shacl_validation_results(format=pr.ResultShaclValidationFormat.NTriples)
        return _parse_report(text)


class Shacl(Engine):
    name = "shacl"

    def prepare(self, shapes_nt, shapes_graph):
        import shacl

        self.shapes = shacl.Shapes.from_file(str(shapes_nt))

    def validate(self, data_nt):
        return _parse_report(self.shapes.validate_file(str(data_nt)).serialize("ntriples"))


class Shifty(Engine):
    name = "pyshifty"

    def prepare(self, shapes_nt, shapes_graph):
        import shifty

        self.shifty = shifty
        self.shapes_nt = shapes_nt

    def validate(self, data_nt):
        # the W3C report as the engine writes it (N-Triples), labels of the input's blank nodes kept
        r = self.shifty._validate_w3c(
            data_path=str(data_nt),
            data_format="ntriples",
            shapes_path=str(self.shapes_nt),
            shapes_format="ntriples",
            graph_mode="data",
            run_infer=False,
            on_unsupported="error",
        )
        return _parse_report(r._report_ntriples)


class Perr(Engine):
    """``perr validate``'s own engine, ``auto`` (shacl-rust for the shapes and data it is trusted with, pySHACL for
    the rest: :mod:`perr_graph.validation.engines`) on the whole graph as one unit. Until issue 17 this column was
    the project's SPARQL compiler (deleted since): the figures kept under ``perr`` in
    ``benchmarks/results/shacl-engines.json`` are the compiler's."""

    name = "perr"

    def prepare(self, shapes_nt, shapes_graph):
        from perr_graph.validation import Shapes

        self.shapes = Shapes.from_graph(shapes_graph)

    def validate(self, data_nt):
        import pyoxigraph as ox

        from perr_graph.validation.engines import Prepared, UnitData
        from perr_graph.validation.guards import typed_literals
        from perr_graph.validation.model import Report, UnitReport
        from perr_graph.validation.turtle import report_graph

        raw = Path(data_nt).read_bytes()
        store = ox.Store()
        store.load(raw, format=ox.RdfFormat.N_TRIPLES)
        typed = typed_literals(ox.parse(raw, format=ox.RdfFormat.N_TRIPLES))
        results = Prepared.make(self.shapes, "auto").run(UnitData(raw.decode("utf-8"), store, typed))
        return report_graph(Report([UnitReport("data", None, results)], self.shapes), "en")

    def validate_graph(self, g):
        """The same from an rdflib graph (its blank-node labels kept: the suite's focus nodes)."""
        path = Path(tempfile.mkdtemp()) / "data.nt"
        path.write_text(g.serialize(format="nt"), encoding="utf-8")
        return self.validate(path)


ENGINE_CLASSES = {c.name: c for c in (PySHACL, Turbo, ShaclRust, Rudof, Shacl, Shifty, Perr)}


def engine_version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTS[name])
    except PackageNotFoundError:
        return None


# ==========================================================================================================
# Measurements in their own process (``--worker``)
# ==========================================================================================================


def rss_mb(field: str = "VmHWM", pid: str = "self") -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def peak() -> dict:
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    own = rss_mb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "peak_mb": round(max(own, children), 1),
        "peak_self_mb": round(own, 1),
        "peak_children_mb": round(children, 1),
    }


class _Alarm(Exception):
    pass


def _alarm(*_):
    raise _Alarm()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0][:300] if text else ''}"


def _spawn_probe(engine: str, shapes_nt: str, data_nt: str, q) -> None:
    try:
        from rdflib import Graph

        e = ENGINE_CLASSES[engine]()
        e.prepare(Path(shapes_nt), Graph().parse(shapes_nt, format="nt"))
        q.put(("ok", len(e.validate(Path(data_nt)))))
    except BaseException as exc:
        q.put(("error", _first_line(exc)))


def work_suite(a) -> dict:
    """Every suite test with one engine, then one run in a spawned process."""
    import rdflib
    from rdflib import Graph

    rdflib.NORMALIZE_LITERALS = False
    folder = Path(a.suite_dir)
    out = {"tests": {}}
    tmp = Path(tempfile.mkdtemp(prefix="shacl-suite-"))
    signal.signal(signal.SIGALRM, _alarm)
    t0 = time.perf_counter()
    probe = None
    for f in suite_tests(folder):
        test = str(f.relative_to(folder).with_suffix(""))
        g = Graph().parse(str(f), format="turtle", publicID=f.as_uri())
        nt = tmp / (test.replace("/", "__") + ".nt")
        nt.write_bytes(g.serialize(format="nt", encoding="utf-8"))
        if test == "node/class-001":
            probe = nt
        conforms, nodes = expected_results(g, f.as_uri())
        expected = result_keys(g, nodes, [g])
        entry: dict = {}
        signal.setitimer(signal.ITIMER_REAL, a.test_budget)
        try:
            e = ENGINE_CLASSES[a.engine]()
            e.prepare(nt, g)
            report = e.validate_graph(g) if hasattr(e, "validate_graph") else e.validate(nt)
            signal.setitimer(signal.ITIMER_REAL, 0)
            got = report_keys(report, [g])
            got_conforms = report.value(predicate=rdflib.URIRef(SH + "conforms"))
            entry["status"] = "right" if got == expected or anonymous(got) == anonymous(expected) else "wrong"
            if got != expected and entry["status"] == "right":
                entry["blank_nodes_compared_anonymously"] = True
            if entry["status"] == "wrong":
                entry["missing"] = sorted(map(list, expected - got))[:10]
                entry["extra"] = sorted(map(list, got - expected))[:10]
                entry["expected_count"], entry["got_count"] = len(expected), len(got)
            if (
                got_conforms is not None
                and conforms is not None
                and bool(got_conforms.toPython()) != bool(conforms.toPython())
            ):
                entry["conforms_differs"] = True
        except _Alarm:
            entry = {"status": "refused", "error": f"no answer within {a.test_budget} s"}
        except BaseException as exc:
            signal.setitimer(signal.ITIMER_REAL, 0)
            entry = {"status": "refused", "error": _first_line(exc)}
        out["tests"][test] = entry
    out["seconds"] = time.perf_counter() - t0
    # can the engine run in a spawned worker process?
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_spawn_probe, args=(a.engine, str(probe), str(probe), q))
    p.start()
    try:
        status = q.get(timeout=120)
    except Exception as exc:
        status = ("error", _first_line(exc))
    p.join(10)
    out["spawned_worker"] = {"ok": status[0] == "ok", "detail": status[1]}
    return out


# --- slices, as perr validate makes them -----------------------------------------------------------------------

_STATE: dict = {}


def _load_base(path: Path):
    """The dataset, the protocol units, the shared graphs present, the subjects the shared graphs describe."""
    from perr_graph.validation.units import Quads, discover

    quads = Quads.read([path])
    units, present = discover(quads)
    units = [u for u in units if len(u.graphs) == 1]
    shared_subjects = {str(t.subject).strip("<>") for t in quads.triples(present)}
    return quads, None, units, present, None, shared_subjects


def _slice_nt(own: str) -> tuple[bytes, set]:
    """N-Triples of one protocol's slice (as ``perr validate`` makes it:
    :func:`perr_graph.validation.units.shared_slice`), and the subjects of its own graph."""
    import pyoxigraph as ox

    from perr_graph.validation.units import shared_slice

    quads, present = _STATE["store"], _STATE["present"]
    own_triples = quads.triples([own])
    triples = set(own_triples) | set(shared_slice(quads, own_triples, present))
    own_subjects = {
        t.subject.value if isinstance(t.subject, ox.NamedNode) else str(t.subject) for t in own_triples
    }
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), own_subjects


def _keep(key, own_subjects: set, shared_subjects: set) -> bool:
    focus = key[0]
    iri = focus[1:-1] if focus.startswith("<") else focus
    return not (iri in shared_subjects and iri not in own_subjects)


def _init_worker(engine: str, shapes_nt: str) -> None:
    from rdflib import Graph

    e = ENGINE_CLASSES[engine]()
    shapes_graph = Graph().parse(shapes_nt, format="nt")
    e.prepare(Path(shapes_nt), shapes_graph)
    _STATE.update(
        engine=e,
        shapes_graph=shapes_graph,
        tmp=Path(tempfile.mkdtemp(prefix=f"slice-{os.getpid()}-", dir=_STATE.get("tmpdir"))),
    )


def _validate_slice(own: str) -> tuple[str, list, float]:
    nt, own_subjects = _slice_nt(own)
    path = _STATE["tmp"] / "slice.nt"
    path.write_bytes(nt)
    t = time.perf_counter()
    report = _STATE["engine"].validate(path)
    seconds = time.perf_counter() - t
    keys = [
        k
        for k in report_keys(report, [_STATE["shapes_graph"]])
        if _keep(k, own_subjects, _STATE["shared_subjects"])
    ]
    return own, keys, seconds


def work_run(a) -> dict:
    """One engine on one dataset, merged or sliced; keys written to ``--keys``."""
    from rdflib import Graph

    out: dict = {}
    shapes_nt = Path(a.shapes)
    t = time.perf_counter()
    if a.mode == "merged":
        shapes_graph = Graph().parse(str(shapes_nt), format="nt")
        e = ENGINE_CLASSES[a.engine]()
        e.prepare(shapes_nt, shapes_graph)
        out["shapes_seconds"] = time.perf_counter() - t
        t = time.perf_counter()
        try:
            report = e.validate(Path(a.file))
        except BaseException as exc:
            out.update(error=_first_line(exc), error_seconds=time.perf_counter() - t, **peak())
            return out
        out["seconds"] = time.perf_counter() - t
        keys = report_keys(report, [shapes_graph])
    else:
        store, base, units, present, ontology, shared_subjects = _load_base(Path(a.file))
        out["load_seconds"] = time.perf_counter() - t
        _STATE.update(
            store=store,
            base=base,
            present=present,
            ontology=ontology,
            shared_subjects=shared_subjects,
            tmpdir=a.tmp,
        )
        owns = [u.graphs[0] for u in units]
        jobs = 1 if a.mode == "sliced-1" else 2
        keys: set = set()
        engine_seconds = 0.0
        t = time.perf_counter()
        try:
            if jobs == 1:
                _init_worker(a.engine, str(shapes_nt))
                out["shapes_seconds"] = time.perf_counter() - t
                done = map(_validate_slice, owns)
                for _, k, s in done:
                    keys.update(k)
                    engine_seconds += s
            else:
                import multiprocessing

                with multiprocessing.get_context("fork").Pool(
                    jobs, _init_worker, (a.engine, str(shapes_nt))
                ) as pool:
                    for _, k, s in pool.imap_unordered(_validate_slice, owns, chunksize=1):
                        keys.update(k)
                        engine_seconds += s
        except BaseException as exc:
            out.update(error=_first_line(exc), error_seconds=time.perf_counter() - t, **peak())
            return out
        out["seconds"] = time.perf_counter() - t
        out["engine_seconds_summed"] = engine_seconds
        out["protocols"] = len(owns)
        Path(a.keys).with_suffix(".shared").write_text("\n".join(sorted(shared_subjects)))
    out["results"] = len(keys)
    out.update(peak())
    Path(a.keys).write_text("\n".join(sorted(json.dumps(list(k), ensure_ascii=False) for k in keys)))
    return out


def work_perr_validate(a) -> dict:
    """``perr validate FILE --jobs 2`` as a whole command (a child process; its peak is the children's)."""
    t = time.perf_counter()
    cmd = [
        str(Path(sys.executable).with_name("perr")),
        "validate",
        a.file,
        "--jobs",
        "2",
        "--format",
        "json",
        "--quiet",
    ]
    if a.texts:
        cmd[3:3] = ["--sources", a.texts]
    p = subprocess.run(cmd, capture_output=True, text=True)
    out = {"seconds": time.perf_counter() - t, "exit": p.returncode, "command": " ".join(cmd[1:])}
    try:
        report = json.loads(p.stdout)
        out["results"] = len(report["results"])
        out["results_without_quote_check"] = sum(
            1 for r in report["results"] if r["shape"] != "QuoteMatchesSource"
        )
    except (ValueError, KeyError):
        out["stderr"] = p.stderr[-500:]
    out.update(peak())
    return out


# ==========================================================================================================
# The parent: one process per figure
# ==========================================================================================================


def run_figure(args: list[str], budget: float) -> dict:
    """Run this script as a worker; past ``budget`` seconds it is killed and recorded as a timeout."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", *args]
    load_before = os.getloadavg()[0]
    t = time.perf_counter()
    with tempfile.TemporaryFile("w+") as so, tempfile.TemporaryFile("w+") as se:
        p = subprocess.Popen(cmd, stdout=so, stderr=se, text=True, start_new_session=True)
        hwm = None
        while True:
            try:
                p.wait(timeout=1)
                break
            except subprocess.TimeoutExpired:
                hwm = rss_mb("VmHWM", str(p.pid)) or hwm
                if time.perf_counter() - t > budget:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()
                    return {
                        "timeout": budget,
                        "wall_seconds": round(time.perf_counter() - t, 1),
                        "peak_self_mb_at_kill": hwm,
                        "loadavg_1min": [load_before, os.getloadavg()[0]],
                    }
        so.seek(0)
        se.seek(0)
        lines = so.read().strip().splitlines()
        err = se.read()
    wall = time.perf_counter() - t
    if p.returncode != 0 or not lines:
        return {"crash": p.returncode, "stderr": err[-1500:], "wall_seconds": round(wall, 1)}
    out = json.loads(lines[-1])
    out["wall_seconds"] = round(wall, 1)
    # the machine's 1-minute load average before and after (other work on the machine shows here)
    out["loadavg_1min"] = [load_before, os.getloadavg()[0]]
    return out


def merged_nt(nq: Path, out: Path) -> Path:
    """Every named graph's triples as one N-Triples file (input preparation, not timed)."""
    if out.is_file() and out.stat().st_mtime > nq.stat().st_mtime:
        return out
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    merged = ox.Store()
    merged.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in store)
    tmp = out.with_suffix(".part")
    merged.dump(str(tmp), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    tmp.rename(out)
    return out


def shapes_nt(out: Path) -> Path:
    from perr_graph.validation import Shapes

    out.write_bytes(Shapes.load().graph.serialize(format="nt", encoding="utf-8"))
    return out


def dataset(n: int, data: Path) -> tuple[Path, Path | None]:
    if n == 5:
        nq = ROOT / "dist" / "perr.nq"
        if not nq.is_file():
            subprocess.run([str(Path(sys.executable).with_name("perr")), "build"], check=True)
        return nq, None
    nq = data / f"synth-{n}.nq"
    texts = data / f"texts-{n}"
    if not nq.is_file():
        subprocess.run(
            [
                str(Path(sys.executable).with_name("perr")),
                "synth",
                "--protocols",
                str(n),
                "--seed",
                "1",
                "--output",
                str(nq),
                "--texts",
                str(texts),
                "--quiet",
            ],
            check=True,
        )
    return nq, texts


def read_keys(path: Path) -> set:
    if not path.is_file():
        return set()
    return {tuple(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line}


def shape_names(shapes_path: Path) -> dict:
    """Signature of each shape -> a readable name (blank-node property shapes named by parent and path)."""
    from rdflib import BNode, Graph, URIRef

    g = Graph().parse(str(shapes_path), format="nt")
    names = {}
    for s in set(g.subjects()):
        if isinstance(s, BNode):
            parent = g.value(predicate=URIRef(SH + "property"), object=s)
            path = g.value(s, URIRef(SH + "path"))
            names[term_sig(s, [g])] = f"{_local(parent)}/[{_local(path) if path is not None else '?'}]"
    return names


def _local(t) -> str:
    s = str(t)
    return re.split(r"[#/]", s)[-1] if not s.startswith("[") else s


def diff_by_shape(got: set, ref: set, names: dict) -> dict:
    out: dict = {}
    for label, keys in (("missing", ref - got), ("extra", got - ref)):
        for k in keys:
            shape = names.get(k[3]) or _local(k[3].strip("<>"))
            out.setdefault(shape, {"missing": 0, "extra": 0})[label] += 1
    return dict(sorted(out.items()))


def restrict(keys: set, shared_subjects: set, own_subjects_all: set | None = None) -> set:
    return {
        k
        for k in keys
        if not (k[0][1:-1] in shared_subjects and k[0][1:-1] not in (own_subjects_all or set()))
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--suite", action="store_true", help="the W3C SHACL Core tests (90)")
    p.add_argument(
        "--five", action="store_true", help="the project's shapes on the five protocols vs pySHACL"
    )
    p.add_argument("--sizes", default="", help="comma-separated N for time and memory (5 = the real dataset)")
    p.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated, of {', '.join(ENGINES)}")
    p.add_argument("--modes", default=",".join(MODES), help=f"comma-separated, of {', '.join(MODES)}")
    p.add_argument(
        "--budget", type=float, default=900, help="seconds per figure (a run past it is a timeout)"
    )
    p.add_argument(
        "--data",
        default=str(Path(tempfile.gettempdir()) / "perr-shacl-engines"),
        help="folder for synthetic datasets, merged N-Triples and result keys",
    )
    p.add_argument("--json", default=str(ROOT / "benchmarks" / "results" / "shacl-engines.json"))
    # worker options
    p.add_argument("--worker", choices=["suite", "run", "perr-validate"], help=argparse.SUPPRESS)
    p.add_argument("--engine", help=argparse.SUPPRESS)
    p.add_argument("--suite-dir", help=argparse.SUPPRESS)
    p.add_argument("--test-budget", type=float, default=120, help=argparse.SUPPRESS)
    p.add_argument("--file", help=argparse.SUPPRESS)
    p.add_argument("--shapes", help=argparse.SUPPRESS)
    p.add_argument("--mode", help=argparse.SUPPRESS)
    p.add_argument("--keys", help=argparse.SUPPRESS)
    p.add_argument("--texts", help=argparse.SUPPRESS)
    p.add_argument("--tmp", help=argparse.SUPPRESS)
    a = p.parse_args(argv)

    if a.worker:
        work = {"suite": work_suite, "run": work_run, "perr-validate": work_perr_validate}[a.worker]
        print(json.dumps(work(a), ensure_ascii=False))
        return 0

    engines = [e for e in a.engines.split(",") if e]
    for e in engines:
        if e not in ENGINE_CLASSES:
            p.error(f"unknown engine {e}")
    modes = [m for m in a.modes.split(",") if m]
    sizes = [int(n) for n in a.sizes.split(",") if n]
    data = Path(a.data)
    data.mkdir(parents=True, exist_ok=True)
    out_path = Path(a.json)
    doc = json.loads(out_path.read_text()) if out_path.is_file() else {}
    doc.update(
        {
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
            },
            "versions": {e: engine_version(e) for e in ENGINES}
            | {"rdflib": engine_version_dist("rdflib"), "pyoxigraph": engine_version_dist("pyoxigraph")},
            "budget_seconds": a.budget,
        }
    )
    started = time.perf_counter()

    def save():
        doc["run_seconds_this_invocation"] = round(time.perf_counter() - started, 1)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")

    if a.suite:
        folder = suite_dir()
        tests = suite_tests(folder)
        suite = doc.setdefault("suite", {})
        suite["source"] = (
            f"{SUITE_DIST} sdist, {SUITE_MEMBER} ({len(tests)} tests with data and shapes in one file)"
        )
        for e in engines:
            log(f"suite: {e}")
            r = run_figure(["suite", "--engine", e, "--suite-dir", str(folder)], a.budget)
            if "tests" in r:
                counts = {
                    s: sum(1 for t in r["tests"].values() if t["status"] == s)
                    for s in ("right", "wrong", "refused")
                }
                r["counts"] = counts
                r["failing"] = {t: v["status"] for t, v in r["tests"].items() if v["status"] != "right"}
                log(f"  {counts}")
            suite[e] = r
            save()

    shapes = shapes_nt(data / "shapes.nt")
    names = shape_names(shapes)
    if a.five and 5 not in sizes:
        sizes = [5, *sizes]
    timing = doc.setdefault("timing", {})
    timed_out: set = set()
    for n in sizes:
        nq, texts = dataset(n, data)
        merged = merged_nt(nq, data / f"merged-{n}.nt")
        row = timing.setdefault(str(n), {})
        row["triples_merged"] = sum(1 for _ in merged.open("rb"))
        for mode in modes if n in set(int(x) for x in a.sizes.split(",") if x) else ["merged"]:
            for e in engines:
                if (e, mode) in timed_out:
                    row.setdefault(mode, {})[e] = {"not_run": "timed out at a smaller N"}
                    continue
                log(f"N = {n}, {mode}: {e}")
                keys = data / f"keys-{n}-{mode}-{e}.txt"
                keys.unlink(missing_ok=True)
                r = run_figure(
                    [
                        "run",
                        "--engine",
                        e,
                        "--mode",
                        mode,
                        "--file",
                        str(merged if mode == "merged" else nq),
                        "--shapes",
                        str(shapes),
                        "--keys",
                        str(keys),
                        "--tmp",
                        str(data),
                    ],
                    a.budget,
                )
                if "timeout" in r:
                    timed_out.add((e, mode))
                row.setdefault(mode, {})[e] = r
                log(f"  {short(r)}")
                save()
        if "perr-validate" not in row or n in sizes:
            log(f"N = {n}: perr validate --jobs 2")
            args = ["perr-validate", "--file", str(nq)]
            if texts:
                args += ["--texts", str(texts)]
            row["perr validate --jobs 2"] = r = run_figure(args, a.budget)
            log(f"  {short(r)}")
            save()
        compare(row, n, data, engines, modes, names)
        save()
    for n, row in timing.items():
        if row.get("merged"):
            compare(row, int(n), data, ENGINES, MODES, names)
    doc["run_seconds_total"] = round(time.perf_counter() - started, 1)
    save()
    return 0


def compare(row: dict, n: int, data: Path, engines: list, modes: list, names: dict) -> None:
    """Result keys of every run compared with pySHACL's merged ones (and sliced with the engine's own merged)."""
    ref = (
        read_keys(data / f"keys-{n}-merged-pyshacl.txt")
        if (row.get("merged", {}).get("pyshacl", {}).get("results") is not None)
        else None
    )
    cmp = row.setdefault("compare", {})
    # per mode, the engines that finished, grouped by identical result sets
    row["identical_groups"] = {}
    for mode in MODES:
        done = {
            e: read_keys(data / f"keys-{n}-{mode}-{e}.txt")
            for e in engines
            if row.get(mode, {}).get(e, {}).get("results") is not None
        }
        groups: list = []
        for e, k in done.items():
            for g in groups:
                if done[g[0]] == k:
                    g.append(e)
                    break
            else:
                groups.append([e])
        if groups:
            row["identical_groups"][mode] = groups
    for e in engines:
        r = row.get("merged", {}).get(e, {})
        if r.get("results") is None:
            continue
        got = read_keys(data / f"keys-{n}-merged-{e}.txt")
        if ref is not None:
            cmp.setdefault(e, {})["merged_vs_pyshacl"] = {
                "identical": got == ref,
                "reference": len(ref),
                "results": len(got),
                "missing": len(ref - got),
                "extra": len(got - ref),
                "by_shape": diff_by_shape(got, ref, names),
            }
        for mode in modes:
            if mode == "merged" or row.get(mode, {}).get(e, {}).get("results") is None:
                continue
            sliced = read_keys(data / f"keys-{n}-{mode}-{e}.txt")
            shared_file = data / f"keys-{n}-{mode}-{e}.shared"
            shared = set(shared_file.read_text().splitlines()) if shared_file.is_file() else set()
            base = restrict(ref if ref is not None else got, shared, own_subjects(n, data))
            cmp.setdefault(e, {})[f"{mode}_vs_{'pyshacl' if ref is not None else 'own'}_merged"] = {
                "identical": sliced == base,
                "reference": len(base),
                "results": len(sliced),
                "missing": len(base - sliced),
                "extra": len(sliced - base),
                "by_shape": diff_by_shape(sliced, base, names),
            }


_OWN_CACHE: dict = {}


def own_subjects(n: int, data: Path) -> set:
    """Subjects of the protocol graphs of dataset N (results on them are kept even if shared graphs describe
    them too)."""
    if n in _OWN_CACHE:
        return _OWN_CACHE[n]
    import pyoxigraph as ox

    from perr_graph.validation.units import Quads, discover

    nq, _ = dataset(n, data)
    quads = Quads.read([nq])
    units, _ = discover(quads)
    owns = [u.graphs[0] for u in units if len(u.graphs) == 1]
    subjects = {t.subject.value for t in quads.triples(owns) if isinstance(t.subject, ox.NamedNode)}
    _OWN_CACHE[n] = subjects
    return subjects


def engine_version_dist(dist: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def short(r: dict) -> str:
    keys = ("seconds", "results", "peak_mb", "timeout", "error", "crash", "exit")
    return ", ".join(f"{k}={r[k] if not isinstance(r[k], float) else round(r[k], 2)}" for k in keys if k in r)


def log(msg: str) -> None:
    print(time.strftime("%H:%M:%S"), msg, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
