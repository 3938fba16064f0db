"""perr synth"""

from __future__ import annotations

import sys
from pathlib import Path

HELP = "generate a synthetic France of protocols in our model, to measure the graph at national scale"
DESCRIPTION = """Generate N synthetic protocols (synth-0001 … synth-N) that follow the layouts and distributions of
the real five: commitment counts, partner mixes (national and regional bodies shared by many protocols, local ones
per protocol), leads, indicators, signatories. Each protocol has its own synthetic source text, and every fact
cites the lines of that text that hold its quote. The facts go through the same emitter as 'perr build', so the
output is exactly our model: one named graph per protocol, the ontology, a registry of the synthetic partners and
territories, and a DCAT/VoID description.

Writes FILE as TriG (.trig) or N-Quads (.nq), streamed protocol by protocol, atomically. The same N and seed give
byte-identical output, whatever --jobs says. See docs/benchmarks.md."""


def add_arguments(p) -> None:
    p.add_argument(
        "--protocols", "-n", type=int, required=True, metavar="N", help="how many protocols to make"
    )
    p.add_argument("--seed", "-s", type=int, default=0, metavar="S", help="random seed (default 0)")
    p.add_argument(
        "--output",
        "-o",
        type=Path,
        required=True,
        metavar="FILE",
        help="file to write: .trig (TriG) or .nq (N-Quads)",
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        metavar="J",
        help="worker processes (default: one per core); the output does not depend on it",
    )
    p.add_argument(
        "--texts",
        type=Path,
        default=None,
        metavar="DIR",
        help="also write each synthetic source text to DIR/<id>.txt",
    )
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")


def run(args) -> int:
    from perr_graph.synth.write import write

    say = (lambda _m: None) if args.quiet else (lambda m: print(f"  {m}", file=sys.stderr))
    result = write(args.output, args.protocols, args.seed, jobs=args.jobs, texts=args.texts, progress=say)
    if not args.quiet:
        print(
            f"wrote {result.protocols} synthetic protocols, {result.triples} triples in "
            f"{result.seconds:.1f} s → {result.path}"
        )
    return 0
