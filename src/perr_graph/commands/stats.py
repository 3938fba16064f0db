"""perr stats"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HELP = "counts per protocol: commitments, partners, leads, indicators, signatories, QPV, triples, coverage"
DESCRIPTION = """Count, per protocol, what the built graph holds: commitments, partners involved, commitments with
a known lead and without, indicators, signatories, priority neighbourhoods (QPV) named, triples in the
protocol's named graph, content lines of its text that stay unread, and its coverage (the share of content lines
read by a block, cited by a fact or ignored with a reason, in %). Reads the corpus's built dataset (dist/perr.nq, built first if missing) or the files
given; the first line, on standard error, says which."""


def add_arguments(p) -> None:
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument(
        "--data",
        type=Path,
        action="append",
        metavar="FILE",
        help="dataset file(s) to count (TriG, N-Quads, Turtle …); repeatable",
    )
    p.add_argument(
        "--width",
        type=int,
        default=None,
        metavar="N",
        help="table at most N characters wide (default: COLUMNS, else the terminal)",
    )


def stats(files: list[Path]) -> list[dict]:
    """Query ``protocol-stats`` on ``files``: a record per protocol, its IRI and its counts (integers), then its
    ``coverage`` (the share of the text's content lines read, cited or ignored, in %, from the ``coverage``
    query; empty for a dataset built before coverage was recorded)."""
    from perr_graph.analysis.answers import value
    from perr_graph.sparql.library import find
    from perr_graph.sparql.run import select
    from perr_graph.store import open_store

    store = open_store(files)
    columns, rows = select(store, find("protocol-stats"))
    records = [{c: value(v) for c, v in zip(columns, row, strict=False)} for row in rows]
    columns, rows = select(store, find("coverage"))
    covered = {}
    for row in rows:
        rec = {c: value(v) for c, v in zip(columns, row, strict=False)}
        covered[rec["protocol"]] = rec
    for rec in records:
        found = covered.get(rec["protocol"], {})
        rec["unread"] = found.get("unread")
        rec["coverage"] = found.get("coverage")
    return records


def run(args) -> int:
    if args.data:
        files, origin = args.data, "data: " + ", ".join(str(f) for f in args.data)
    else:
        from perr_graph.build import ensure_dataset
        from perr_graph.inputs.corpus import find_corpus

        corpus = find_corpus(args.corpus)
        files, origin = [ensure_dataset(corpus)], corpus.describe()
    records = stats(files)
    print(origin, file=sys.stderr, flush=True)
    if args.json:
        json.dump(records, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    from perr_graph.terminal import render

    print(
        render(
            list(records[0].keys()) if records else [], [list(r.values()) for r in records], width=args.width
        )
    )
    return 0
