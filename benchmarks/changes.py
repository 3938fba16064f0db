"""What each speed change bought, switched on one at a time: ``.venv/bin/python benchmarks/changes.py``.

    benchmarks/changes.py synth --n 50                      # perr synth: emitter target, writer, processes

(Its ``validate`` steps measured the project's former SPARQL compiler, deleted for issue 17: see
benchmarks/shacl-engines.md.)

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


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="what", required=True)
    s = sub.add_parser("synth")
    s.add_argument("--n", type=int, default=50)
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--repeat", type=int, default=3)
    a = p.parse_args(argv)
    synth_steps(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
