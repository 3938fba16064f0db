"""perr build"""

from __future__ import annotations

import sys
from pathlib import Path

HELP = "read the protocol texts and write the dataset (TriG and N-Quads)"
DESCRIPTION = """Read every protocol of the corpus (protocols/*.toml) from its source text and write the dataset:
one named graph per protocol, plus the ontology, the registry, the reference identifiers and a DCAT/VoID
description. Writes OUTPUT/perr.trig and OUTPUT/perr.nq, byte-identical for the same input, atomically (a failed
build leaves the previous files as they were)."""


def add_arguments(p) -> None:
    p.add_argument(
        "--output",
        "-o",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder to write perr.trig and perr.nq into (default: dist/ in the corpus)",
    )
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")


def run(args) -> int:
    from perr_graph.build import build
    from perr_graph.inputs.corpus import find_corpus

    corpus = find_corpus(args.corpus)
    say = (lambda _m: None) if args.quiet else (lambda m: print(f"  {m}", file=sys.stderr))
    say(corpus.describe())
    result = build(corpus, args.output, progress=say)
    if not args.quiet:
        triples = sum(len(g) for g in result.graphs.values())
        commitments = sum(len(p.commitments) for p in result.protocols)
        print(
            f"built {len(result.protocols)} protocols, {commitments} commitments, {triples} triples → "
            + ", ".join(str(o) for o in result.outputs)
        )
    return 0
