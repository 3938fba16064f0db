"""perr compare"""

from __future__ import annotations

import sys
from pathlib import Path

HELP = "compare the territories: partner categories, pillars, themes, leads, indicators, matches, network"
DESCRIPTION = """Compare the protocols side by side, one table per question, each computed by a query of the
library (queries/30-*.rq to 42-*.rq):

  category-roles       commitments involving each partner category, by role and territory
  category-partners    organisations of each category involved, by territory
  pillars, themes      commitments by pillar / theme and territory
  lead-indicator       share of commitments with a known lead and with an indicator, by territory
  partners-everywhere  partners involved in every protocol
  partners-once        partners involved in one protocol only
  matches              commitments that say the same thing in two protocols (graph:matches)
  network              partner network: degree, weighted degree, betweenness, community

Reads the corpus's built dataset (dist/perr.nq, built first if missing) or the files given with --data. With --network
DIR, also writes the partner network (overall and per protocol) as GraphML and GEXF for Gephi."""


#: the table names (``compare.TABLES``; listed here so that ``--help`` imports no RDF library)
TABLE_NAMES = (
    "category-roles",
    "category-partners",
    "pillars",
    "themes",
    "lead-indicator",
    "partners-everywhere",
    "partners-once",
    "matches",
    "network",
)


def add_arguments(p) -> None:
    p.add_argument(
        "--format",
        "-f",
        choices=["table", "csv", "json"],
        default="table",
        help="terminal tables (default), CSV (one section per table, or one plain CSV with --table) "
        "or JSON (an object by table name)",
    )
    p.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write to FILE (atomically) instead of stdout"
    )
    p.add_argument(
        "--table",
        "-t",
        action="append",
        choices=TABLE_NAMES,
        metavar="NAME",
        help=f"only this table (repeatable): {', '.join(TABLE_NAMES)}",
    )
    p.add_argument(
        "--network", type=Path, metavar="DIR", help="write partners-<all|pid>.graphml and .gexf into DIR"
    )
    p.add_argument(
        "--data",
        type=Path,
        action="append",
        metavar="FILE",
        help="dataset file(s) to read (TriG, N-Quads …); repeatable; default dist/perr.nq",
    )


def run(args) -> int:
    from perr_graph.analysis.compare import compare, to_csv, to_json, to_text
    from perr_graph.build import ensure_dataset
    from perr_graph.inputs.corpus import find_corpus
    from perr_graph.outputs import write_atomic
    from perr_graph.store import open_store

    store = open_store(args.data or [ensure_dataset(find_corpus(args.corpus))])
    tables = compare(store, args.table)
    text = {"table": to_text, "csv": to_csv, "json": to_json}[args.format](tables)
    if args.output:
        write_atomic(args.output, [text])
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    if args.network:
        from perr_graph.analysis.network import partner_graphs, write_exports

        paths = write_exports(partner_graphs(store), args.network)
        print(f"wrote {len(paths)} network files to {args.network}", file=sys.stderr)
    return 0
