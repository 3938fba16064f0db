"""perr stats"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HELP = "counts per protocol: commitments, partners, leads, indicators, signatories, QPV, triples"
DESCRIPTION = """Count, per protocol, what the built graph holds: commitments, partners involved, commitments with
a known lead and without, indicators, signatories, priority neighbourhoods (QPV) named, and triples in the
protocol's named graph. Reads the built dataset (dist/perr.nq, built first if missing) or the files given."""


def add_arguments(p) -> None:
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument(
        "--data",
        type=Path,
        action="append",
        metavar="FILE",
        help="dataset file(s) to count (TriG, N-Quads, Turtle …); repeatable",
    )


def stats(files=None) -> list[dict]:
    from perr_graph.sparql.library import find
    from perr_graph.sparql.run import select
    from perr_graph.store import open_store

    store = open_store(files)
    columns, rows = select(store, find("protocol-stats"))
    out = []
    for row in rows:
        rec = {}
        for c, v in zip(columns, row, strict=False):
            rec[c] = v.value if c == "protocol" else int(v.value)
        out.append(rec)
    return out


def run(args) -> int:
    records = stats(args.data)
    if args.json:
        json.dump(records, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    from perr_graph.terminal import render

    print(render(list(records[0].keys()) if records else [], [list(r.values()) for r in records]))
    return 0
