"""One measurement, in its own process: ``python benchmarks/measure.py TASK [options]``.

``benchmarks/run.py`` starts one of these per figure, so that each peak-memory figure is that task's alone: the
process reads its own high-water mark (``VmHWM`` in ``/proc/self/status``) at the end, and the largest of its
children (``getrusage(RUSAGE_CHILDREN).ru_maxrss``: synth's worker processes, ``oxigraph load``). The last line
of standard output is a JSON object with the figures.

Tasks (each times only the work named, after imports):

- ``build``: ``perr build`` of the real protocols into ``--out`` (the N = 5 dataset).
- ``generate``: ``perr synth`` of ``--n`` protocols into ``--out``, with their texts in ``--texts``.
- ``load-oxigraph``: the embedded store, as ``perr`` opens it (``store.load_file``: pyoxigraph ``bulk_load``);
  ``--mode load`` uses ``Store.load`` instead, ``--mode disk`` loads into an on-disk store in ``--store`` and
  ``--mode open`` reopens that on-disk store and answers one query.
- ``load-rdflib``: rdflib's default store (``Dataset`` in memory) parsing the N-Quads.
- ``queries-oxigraph`` / ``queries-rdflib``: load, then every query of ``queries/*.rq`` without parameters: one
  warm-up run, then ``--repeat`` timed runs (median), reading the rows one by one without keeping them (a digest
  of the sorted rows says whether two engines give the same answer).
- ``server``: ``oxigraph load`` into a fresh folder, ``oxigraph serve-read-only`` on 127.0.0.1, every query over
  HTTP (TSV, streamed), and the server's own peak memory.
- ``validate-plain``: ``perr validate``'s path in one process (:func:`perr_graph.validation.validate_dataset`,
  default engine).
- ``validate-jobs``: the same on ``--jobs`` processes (``--cache``: run twice, cold
  then warm).
- ``validate-pyshacl``: pySHACL on the whole merged graph (every named graph in one rdflib ``Graph``), with the
  options ``perr_graph.validation.engines.run_pyshacl`` uses; its result keys are compared with the plain path's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {
    XSD + t
    for t in (
        "integer",
        "decimal",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "unsignedInt",
        "unsignedLong",
    )
}
FLOATING = {XSD + "double", XSD + "float"}


# --- memory ------------------------------------------------------------------------------------------------------


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


# --- rows, the same way for every engine -------------------------------------------------------------------------


def canonical(value: str, datatype: str | None) -> str:
    """A cell as a comparable string: numbers by value, GROUP_CONCAT lists in sorted order."""
    if datatype in NUMERIC:
        try:
            d = Decimal(value)
            return str(d.quantize(Decimal(1)) if d == d.to_integral() else d.normalize())
        except InvalidOperation:
            return value
    if datatype in FLOATING:
        try:
            return repr(float(value))
        except ValueError:
            return value
    for sep in (" ; ", "; ", ", "):
        if sep in value:
            return sep.join(sorted(value.split(sep)))
    return value


def ox_cell(term) -> str:
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return canonical(term.value, term.datatype.value if not term.language else None)
    if isinstance(term, ox.BlankNode):
        return "_:"
    return term.value


def rdflib_cell(term) -> str:
    from rdflib import BNode, Literal

    if term is None:
        return ""
    if isinstance(term, Literal):
        return canonical(str(term), str(term.datatype) if term.datatype else None)
    if isinstance(term, BNode):
        return "_:"
    return str(term)


def tsv_cell(cell: str) -> str:
    """A cell of SPARQL 1.1 TSV results (terms in Turtle/N-Triples syntax)."""
    if cell == "":
        return ""
    if cell.startswith("<") and cell.endswith(">"):
        return cell[1:-1]
    if cell.startswith("_:"):
        return "_:"
    if cell.startswith('"'):
        end = cell.rfind('"')
        lexical = cell[1:end]
        lexical = (
            lexical.replace("\\t", "\t")
            .replace("\\n", "\n")
            .replace("\\r", "\r")
            .replace('\\"', '"')
            .replace("\\\\", "\\")
        )
        rest = cell[end + 1 :]
        datatype = rest[3:-1] if rest.startswith("^^<") else (XSD + "string" if not rest else None)
        return canonical(lexical, datatype)
    if cell in ("true", "false"):
        return cell
    datatype = XSD + ("double" if "e" in cell.lower() else "decimal" if "." in cell else "integer")
    return canonical(cell, datatype)


class Digest:
    """Row count and an order-free digest of the rows."""

    def __init__(self):
        self.rows = 0
        self._hashes: list[bytes] = []

    def add(self, cells: list[str]) -> None:
        self.rows += 1
        self._hashes.append(hashlib.blake2b("\x1f".join(cells).encode("utf-8"), digest_size=12).digest())

    def hexdigest(self) -> str:
        h = hashlib.sha256()
        for x in sorted(self._hashes):
            h.update(x)
        return h.hexdigest()[:16]


# --- tasks --------------------------------------------------------------------------------------------------------


def task_build(a) -> dict:
    from perr_graph.build import build
    from perr_graph.inputs.corpus import find_corpus

    t = time.perf_counter()
    result = build(find_corpus(), Path(a.out))
    seconds = time.perf_counter() - t
    return {
        "seconds": seconds,
        "protocols": len(result.protocols),
        "triples": sum(len(g) for g in result.graphs.values()),
        "file": str(result.outputs[1]),
    }


def task_generate(a) -> dict:
    from perr_graph.synth import generate as synth

    t = time.perf_counter()
    w = synth.write(Path(a.out), a.n, a.seed, jobs=a.jobs, texts=Path(a.texts) if a.texts else None)
    return {
        "seconds": time.perf_counter() - t,
        "protocols": w.protocols,
        "triples": w.triples,
        "bytes": Path(a.out).stat().st_size,
        "summary": w.summary,
    }


def load_oxigraph(path: str, mode: str = "bulk", location: str | None = None):
    import pyoxigraph as ox

    from perr_graph.store import load_file

    if mode == "bulk":
        store = ox.Store()
        load_file(store, Path(path))
    elif mode == "load":
        store = ox.Store()
        store.load(path=path, format=ox.RdfFormat.N_QUADS)
    elif mode == "disk":
        store = ox.Store(location)
        store.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
        store.flush()
    elif mode == "open":
        store = ox.Store.read_only(location)
    else:
        raise SystemExit(f"unknown mode {mode}")
    return store


def task_load_oxigraph(a) -> dict:
    before = rss_mb("VmRSS")
    t = time.perf_counter()
    store = load_oxigraph(a.file, a.mode, a.store)
    seconds = time.perf_counter() - t
    out = {"seconds": seconds, "baseline_mb": before}
    if a.mode == "open":
        t = time.perf_counter()
        n = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))["n"].value
        out.update(first_query_seconds=time.perf_counter() - t, quads=int(n))
    else:
        out["quads"] = len(store)
    return out


def load_rdflib(path: str):
    from rdflib import Dataset

    ds = Dataset()
    ds.parse(path, format="nquads")
    return ds


def task_load_rdflib(a) -> dict:
    before = rss_mb("VmRSS")
    t = time.perf_counter()
    ds = load_rdflib(a.file)
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "baseline_mb": before, "quads": len(ds)}


def library():
    from perr_graph.sparql.library import library as lib

    qs = lib()
    if getattr(_args, "only", None):
        wanted = set(_args.only.split(","))
        qs = [q for q in qs if q.path.stem in wanted or q.name in wanted]
    return qs


class Timeout(Exception):
    pass


def _alarm(_signum, _frame):
    raise Timeout()


def timed_runs(run, repeat: int, budget: float, alarm: bool = True) -> dict:
    """A warm-up run, then up to ``repeat`` timed runs (fewer when one run takes more than a tenth of the
    budget); with ``alarm``, SIGALRM stops a run past ``budget`` seconds (rdflib is pure Python, so it can be
    interrupted; Oxigraph queries run in a child process instead, see :func:`in_child`)."""
    if alarm:
        signal.signal(signal.SIGALRM, _alarm)
    times, digest = [], None
    try:
        for i in range(repeat + 1):
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, budget)
            t = time.perf_counter()
            digest = run()
            dt = time.perf_counter() - t
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
            if i > 0 or dt > budget / 10:
                times.append(dt)
            if dt > budget / 10 and len(times) >= 1:
                break
    except Timeout:
        return {"timeout": budget}
    except Exception as exc:  # an engine that cannot answer: recorded, not fatal
        first = (str(exc).strip().splitlines() or [""])[0]
        return {"error": f"{type(exc).__name__}: {first}"[:300]}
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return {
        "seconds": statistics.median(times),
        "runs": len(times),
        "rows": digest.rows,
        "digest": digest.hexdigest(),
    }


def in_child(work, budget: float) -> dict:
    """``work()`` in a forked child (the loaded store is shared copy-on-write), killed past ``budget`` seconds:
    a query inside Oxigraph cannot be interrupted by a signal, a process can."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(r)
        try:
            out = work()
        except BaseException as exc:
            out = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        os.write(w, json.dumps(out).encode("utf-8"))
        os._exit(0)
    os.close(w)
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.02)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(r)
        return {"timeout": budget}
    with os.fdopen(r, "rb") as f:
        data = f.read()
    return json.loads(data) if data else {"error": "the child died"}


def task_queries_oxigraph(a) -> dict:
    t = time.perf_counter()
    store = load_oxigraph(a.file, "open" if a.store else "bulk", a.store)
    load = time.perf_counter() - t
    out = {}
    for q in library():

        def run(q=q):
            d = Digest()
            answer = store.query(q.text)
            names = [v.value for v in answer.variables]
            for solution in answer:
                d.add([ox_cell(solution[v]) for v in names])
            return d

        out[q.path.stem] = in_child(
            lambda run=run: timed_runs(run, a.repeat, a.budget, alarm=False), a.budget * (a.repeat + 1)
        )
    return {"load_seconds": load, "queries": out}


#: rdflib raises NotBoundError on GROUP_CONCAT(DISTINCT ?v) when ?v is unbound in a group (rdflib issue #882,
#: open): it runs GROUP_CONCAT(DISTINCT COALESCE(?v, "")) instead. Where ?v is unbound in every row of a group or in
#: none, the answer is the same (SPARQL's GROUP_CONCAT of no value is ""); the row digest says whether it was.
_DISTINCT_CONCAT = re.compile(r"GROUP_CONCAT\(\s*DISTINCT\s+(\?\w+)\s*;")


def rdflib_form(text: str) -> str:
    return _DISTINCT_CONCAT.sub(r'GROUP_CONCAT(DISTINCT COALESCE(\1, ""); ', text)


def task_queries_rdflib(a) -> dict:
    t = time.perf_counter()
    ds = load_rdflib(a.file)
    load = time.perf_counter() - t
    out = {}
    for q in library():
        text = rdflib_form(q.text)

        def run(q=q, text=text):
            d = Digest()
            result = ds.query(text)
            names = [str(v) for v in result.vars]
            for row in result:
                d.add([rdflib_cell(row[v]) for v in names])
            return d

        out[q.path.stem] = timed_runs(run, a.repeat, a.budget)
        if text != q.text:
            out[q.path.stem]["rewritten"] = 'GROUP_CONCAT(DISTINCT COALESCE(?v, ""))'
    return {"load_seconds": load, "queries": out}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def task_server(a) -> dict:
    exe = str(Path(sys.executable).parent / "oxigraph")
    location = tempfile.mkdtemp(prefix="perr-bench-oxigraph-", dir=a.workdir)
    t = time.perf_counter()
    subprocess.run(
        [exe, "load", "--location", location, "--file", a.file],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    load = time.perf_counter() - t
    load_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    port = _free_port()
    server = subprocess.Popen(
        [
            exe,
            "serve-read-only",
            "--location",
            location,
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout-s",
            str(int(a.budget)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}/query"
    out = {"load_seconds": load, "load_peak_mb": round(load_peak, 1), "queries": {}}
    try:
        t = time.perf_counter()
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.perf_counter() - t > 120 or server.poll() is not None:
                    raise SystemExit("the oxigraph server did not start") from None
                time.sleep(0.05)
        out["start_seconds"] = time.perf_counter() - t

        for q in library():

            def run(q=q):
                d = Digest()
                req = urllib.request.Request(
                    endpoint,
                    data=q.text.encode("utf-8"),
                    method="POST",
                    headers={
                        "Content-Type": "application/sparql-query",
                        "Accept": "text/tab-separated-values",
                    },
                )
                with urllib.request.urlopen(req, timeout=a.budget) as resp:
                    resp.readline()  # header
                    for raw in resp:
                        line = raw.decode("utf-8").rstrip("\n")
                        d.add([tsv_cell(c) for c in line.split("\t")])
                return d

            out["queries"][q.path.stem] = timed_runs(run, a.repeat, a.budget)
        out["server_peak_mb"] = rss_mb("VmHWM", str(server.pid))
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        subprocess.run(["rm", "-rf", location], check=False)
    return out


def _keys(results) -> set:
    from perr_graph.validation import QUOTE_SHAPE

    return {r.key for r in results if r.shape != QUOTE_SHAPE}


def _validate(a, engine: str, jobs: int, cache: Path | None):
    from perr_graph.validation import Locator, validate_dataset

    locator = Locator(Path(a.texts)) if a.texts else None
    return validate_dataset([Path(a.file)], locator=locator, engine=engine, jobs=jobs, cache=cache)


def task_validate_plain(a) -> dict:
    """``perr validate``'s path in one process (``--jobs 1``), default engine."""
    t = time.perf_counter()
    report = _validate(a, "auto", 1, None)
    seconds = time.perf_counter() - t
    out = {"seconds": seconds, **_report_summary(report)}
    if a.keys:
        Path(a.keys).write_text(
            "\n".join(sorted(map(repr, _keys(r for u in report.units for r in u.results))))
        )
    return out


def task_validate_jobs(a) -> dict:
    """``perr validate``'s path on ``--jobs`` processes, default engine; with ``--cache``, cold then warm."""
    cache = Path(a.cache) if a.cache else None
    t = time.perf_counter()
    report = _validate(a, "auto", a.jobs, cache)
    seconds = time.perf_counter() - t
    out = {"seconds": seconds, "jobs": a.jobs, **_report_summary(report)}
    if cache:
        t = time.perf_counter()
        again = _validate(a, "auto", a.jobs, cache)
        out["warm_seconds"] = time.perf_counter() - t
        out["warm_same"] = _json(again) == _json(report)
    if a.keys:
        Path(a.keys).write_text(
            "\n".join(sorted(map(repr, _keys(r for u in report.units for r in u.results))))
        )
    return out


def _json(report) -> str:
    from perr_graph.validation.render import json_text

    return json_text(report, "en")


def _report_summary(report) -> dict:
    from rdflib.namespace import SH

    c = report.counts()
    return {
        "units": len(report.units),
        "violations": c[SH.Violation],
        "warnings": c[SH.Warning],
        "infos": c[SH.Info],
        "conforms": report.conforms,
        "digest": hashlib.sha256(_json(report).encode("utf-8")).hexdigest()[:16],
    }


def task_validate_pyshacl(a) -> dict:
    from pyshacl import validate as pyshacl_validate
    from rdflib import Graph

    from perr_graph.validation import Shapes
    from perr_graph.validation.engines import results_of_report

    shapes = Shapes.load()
    t = time.perf_counter()
    ds = load_rdflib(a.file)
    merged = Graph()
    for s, p, o, _g in ds.quads((None, None, None, None)):
        merged.add((s, p, o))
    load = time.perf_counter() - t
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, a.budget)
    t = time.perf_counter()
    try:
        _, report, _ = pyshacl_validate(
            merged, shacl_graph=shapes.graph, inplace=True, allow_infos=True, allow_warnings=True
        )
    except Timeout:
        return {"load_seconds": load, "timeout": a.budget, "triples": len(merged)}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    seconds = time.perf_counter() - t
    keys = _keys(results_of_report(report))
    out = {"seconds": seconds, "load_seconds": load, "triples": len(merged), "results": len(keys)}
    if a.keys:
        Path(a.keys).write_text("\n".join(sorted(map(repr, keys))))
    return out


TASKS = {
    "build": task_build,
    "generate": task_generate,
    "load-oxigraph": task_load_oxigraph,
    "load-rdflib": task_load_rdflib,
    "queries-oxigraph": task_queries_oxigraph,
    "queries-rdflib": task_queries_rdflib,
    "server": task_server,
    "validate-plain": task_validate_plain,
    "validate-jobs": task_validate_jobs,
    "validate-pyshacl": task_validate_pyshacl,
}

_args = None


def main(argv=None) -> int:
    global _args
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("task", choices=sorted(TASKS))
    p.add_argument("--file", help="dataset (N-Quads)")
    p.add_argument("--out", help="output file or folder")
    p.add_argument("--texts", help="folder of the synthetic source texts")
    p.add_argument("--n", type=int)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--jobs", type=int, default=None)
    p.add_argument("--mode", default="bulk")
    p.add_argument("--store", help="on-disk store folder (load-oxigraph --mode disk/open, queries-oxigraph)")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--budget", type=float, default=600.0, help="seconds allowed per query or validation run")
    p.add_argument("--only", help="comma-separated query names (default: every query of queries/)")
    p.add_argument("--cache", help="validate-jobs: cache folder (runs twice: cold, then warm)")
    p.add_argument("--keys", help="validate-*: write the sorted result keys to this file")
    p.add_argument("--workdir", default=None)
    p.add_argument(
        "--max-memory-gb",
        type=float,
        default=None,
        help="address-space limit for this process and its children (a run over it fails alone, "
        "instead of waking the kernel's OOM killer)",
    )
    _args = a = p.parse_args(argv)
    if a.max_memory_gb:
        limit = int(a.max_memory_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    result = TASKS[a.task](a)
    result.update(peak())
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
