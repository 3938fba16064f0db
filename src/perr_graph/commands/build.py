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
    p.add_argument(
        "--strict",
        action="store_true",
        help="fail (exit 1, nothing written) when a content line of a text is neither read by a block, cited by "
        "a fact, nor listed under 'ignore' with a reason",
    )


def run(args) -> int:
    from perr_graph.build import build
    from perr_graph.errors import UnreadContent
    from perr_graph.inputs.corpus import find_corpus

    corpus = find_corpus(args.corpus)
    say = (lambda _m: None) if args.quiet else (lambda m: print(f"  {m}", file=sys.stderr))
    say(corpus.describe())
    try:
        result = build(corpus, args.output, progress=say, strict=args.strict)
    except UnreadContent as exc:  # say every line first, then fail in one line
        print_unread(exc.unread)
        raise
    report_unread(corpus, result, quiet=args.quiet)
    if not args.quiet:
        triples = sum(len(g) for g in result.graphs.values())
        commitments = sum(len(p.commitments) for p in result.protocols)
        print(
            f"built {len(result.protocols)} protocols, {commitments} commitments, {triples} triples → "
            + ", ".join(str(o) for o in result.outputs)
        )
    return 0


def report_unread(corpus, result, quiet: bool = False) -> None:
    """Nothing lost in silence: every content line no block reads, on standard error, with its file and line and
    what it holds (table cells, a bullet, "s'engage", a date, a known organisation); then each protocol's
    coverage when it is not whole."""
    from perr_graph.build import unread_lines
    from perr_graph.inputs.catalogue import read_catalogue

    catalogue = read_catalogue(corpus.catalogue)
    print_unread(unread_lines(corpus, result.protocols, catalogue))
    if quiet:
        return
    for p in result.protocols:
        c = p.coverage
        if c is not None and c.unread:
            print(
                f"{p.pid}: {len(c.unread)} of {c.content} content lines unread (coverage "
                f"{100 * c.share:.1f} %): read them with a block, or list them under 'ignore' with a reason",
                file=sys.stderr,
            )


def print_unread(unread: list) -> None:
    """One line each, on standard error: ``unread: <path>:<line>  [what it holds]  text``."""
    for _pid, path, line, signals, text in unread:
        what = ", ".join(signals) if signals else "text"
        shown = text if len(text) <= 80 else text[:79] + "…"
        print(f"  unread: {path}:{line}  [{what}]  {shown}", file=sys.stderr)
