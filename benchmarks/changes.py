"""What each speed change bought, switched on one at a time: ``.venv/bin/python benchmarks/changes.py``.

    benchmarks/changes.py synth --n 50                      # perr synth: emitter target, writer, processes
    benchmarks/changes.py validate --file F.nq --texts DIR  # validate_fast's steps, against the plain path

Each step is timed in this process, one after the other, on the same data (median of ``--repeat`` runs for the
synth steps); every validation report is compared with the plain path's (they must be identical). The figures
are recorded in docs/benchmarks.md ("What changed, and what it bought").
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def timed(fn, repeat: int = 1):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def synth_steps(a) -> None:
    from rdflib import Graph

    from perr_graph import namespaces as ns
    from perr_graph.rdf import serialize as rdfio
    from perr_graph.synth.basis import Basis
    from perr_graph.synth.protocol import generate
    from perr_graph.synth.write import emit_protocol, write

    basis = Basis.load()
    sps = list(generate(basis, a.n, a.seed))
    triples = sum(len(emit_protocol(sp)) for sp in sps)

    def per_triple(seconds: float) -> str:
        return f"{seconds:7.2f} s  {seconds / triples * 1e6:5.1f} µs/triple"

    rows = []

    def emit_graph():
        return [(ns.protocol_graph(sp.protocol.pid), emit_protocol(sp, into=Graph())) for sp in sps]

    def emit_set():
        return [(ns.protocol_graph(sp.protocol.pid), emit_protocol(sp)) for sp in sps]

    t_gen, _ = timed(lambda: list(generate(basis, a.n, a.seed)), a.repeat)
    rows.append(("generate the facts and texts (model objects)", t_gen))
    t_graph, graphs = timed(emit_graph, a.repeat)
    rows.append(("emit into rdflib Graph (one per protocol)", t_graph))
    t_set, sets = timed(emit_set, a.repeat)
    rows.append(("emit into a set of triples (rdf.emit.Triples)", t_set))
    t_nqg, _ = timed(lambda: ["".join(rdfio.nquads({n: g})) for n, g in graphs], a.repeat)
    rows.append(("N-Quads (rdf.serialize.nquads) from the Graphs", t_nqg))
    t_nq, _ = timed(lambda: ["".join(rdfio.nquads({n: g})) for n, g in sets], a.repeat)
    rows.append(("N-Quads (rdf.serialize.nquads) from the sets", t_nq))
    t_tg, _ = timed(lambda: ["".join(rdfio.trig({n: g}, prefixes=False)) for n, g in sets], a.repeat)
    rows.append(("TriG (rdf.serialize.trig) from the sets", t_tg))
    graphs.clear()
    with tempfile.TemporaryDirectory() as d:
        for jobs in (1, 2):
            t, _w = timed(
                lambda jobs=jobs: write(Path(d) / "s.nq", a.n, a.seed, basis=basis, jobs=jobs), a.repeat
            )
            rows.append((f"perr synth end to end, N-Quads, {jobs} process{'es' if jobs > 1 else ''}", t))
    print(f"perr synth, N = {a.n} ({triples:,} protocol triples), median of {a.repeat}:")
    for label, t in rows:
        print(f"  {label:60s} {per_triple(t)}")
    print(
        f"  emitter target: Graph ÷ set = {t_graph / t_set:.1f}×; before (Graph + N-Quads, 1 process) "
        f"{t_gen + t_graph + t_nqg:.1f} s → after {rows[-1][1]:.1f} s"
    )


def validate_steps(a) -> None:
    from perr_graph import validate as V
    from perr_graph import validate_fast as F

    files, texts = [Path(a.file)], Path(a.texts) if a.texts else None
    shapes = V.Shapes.load()
    steps = []
    if not a.skip_plain:
        steps.append(
            (
                "plain path (perr_graph.validate.validate_dataset)",
                lambda: V.validate_dataset(files, sources=texts, shapes=shapes),
            )
        )
    else:
        steps.append(("plain path: skipped (--skip-plain); the first step is the reference", None))
    setups = [
        (
            "validate_fast, every step off (one store, plain checks, 1 process)",
            dict(restrict=False, skip_absent=False, describe_results_only=False),
            dict(isolate=False, jobs=1),
        ),
        (
            "+ 1. a small working store per protocol",
            dict(restrict=False, skip_absent=False, describe_results_only=False),
            dict(jobs=1),
        ),
        (
            "+ 2. focus restricted to the protocol's own nodes",
            dict(restrict=True, skip_absent=False, describe_results_only=False),
            dict(jobs=1),
        ),
        (
            "+ shapes whose target classes the protocol lacks skipped",
            dict(restrict=True, skip_absent=True, describe_results_only=False),
            dict(jobs=1),
        ),
        (
            "+ 3. labels and lines of the results only",
            dict(restrict=True, skip_absent=True, describe_results_only=True),
            dict(jobs=1),
        ),
        ("+ 4. two processes", dict(), dict(jobs=2)),
    ]
    if a.skip_slow:
        setups = setups[2:]
    for label, fast_opts, store_opts in setups:
        steps.append(
            (
                label,
                lambda fo=fast_opts, so=store_opts: F.validate_dataset(
                    files, sources=texts, shapes=shapes, fast=F.FastChecks(shapes, **fo), **so
                ),
            )
        )
    cache = Path(tempfile.mkdtemp(prefix="perr-changes-cache-"))
    steps.append(
        (
            "+ 5. cache, first run (cold: fills it)",
            lambda: F.validate_dataset(files, sources=texts, shapes=shapes, jobs=2, cache=cache),
        )
    )
    steps.append(
        (
            "+ 5. cache, second run (warm: nothing changed)",
            lambda: F.validate_dataset(files, sources=texts, shapes=shapes, jobs=2, cache=cache),
        )
    )
    reference, first = None, None
    print(f"validation of {a.file}:")
    for label, fn in steps:
        if fn is None:
            print(f"  {label}")
            continue
        t, report = timed(fn)
        text = report.json()
        if reference is None:
            reference, first = text, t
        verdict = "same report" if text == reference else "DIFFERENT REPORT"
        print(f"  {label:70s} {t:8.1f} s  {first / t:6.1f}×  {verdict}", flush=True)
    import shutil

    shutil.rmtree(cache, ignore_errors=True)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="what", required=True)
    s = sub.add_parser("synth")
    s.add_argument("--n", type=int, default=50)
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--repeat", type=int, default=3)
    v = sub.add_parser("validate")
    v.add_argument("--file", required=True)
    v.add_argument("--texts", default=None)
    v.add_argument("--skip-plain", action="store_true", help="do not run the plain path (it takes N² time)")
    v.add_argument("--skip-slow", action="store_true", help="start from step 2 (the first two take N² time)")
    a = p.parse_args(argv)
    synth_steps(a) if a.what == "synth" else validate_steps(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
