"""perr compare"""

from __future__ import annotations

import sys
from pathlib import Path

HELP = "compare the territories: partner categories, pillars, themes, leads, indicators, matches, network"
DESCRIPTION = """Compare the protocols side by side, one table per question, each computed by a query of the
library (queries/30-*.rq to 43-*.rq), labelled in French (default) or English (--lang en):

  category-roles       commitments involving each partner category, by role and territory
  category-partners    organisations of each category involved, by territory
  pillars, themes      commitments by pillar / theme and territory
  lead-indicator       share of commitments with a known lead and with an indicator, by territory
  lead-roles           commitments by the strongest role among their partners, by territory
  partners-everywhere  partners involved in every protocol
  partners-once        partners involved in one protocol only
  matches              commitments that say the same thing in two protocols (graph:matches)
  network              partner network: degree, weighted degree, betweenness, community

Reads the corpus's built dataset (dist/perr.nq, built first if missing) or the files given with --data. Terminal
tables fit --width, else COLUMNS, else the terminal. With --network DIR, also writes the partner network (overall
and per protocol) as GraphML and GEXF for Gephi."""


#: the table names (``compare.TABLES``; listed here so that ``--help`` imports no RDF library)
TABLE_NAMES = (
    "category-roles",
    "category-partners",
    "pillars",
    "themes",
    "lead-indicator",
    "lead-roles",
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
    add_display_arguments(p)


def add_display_arguments(p, lang: bool = True) -> None:
    """``--lang``, ``--width`` and ``--quiet``, shared by the commands that show tables."""
    if lang:
        p.add_argument(
            "--lang", choices=["fr", "en"], default="fr", help="language of titles and labels (default fr)"
        )
    p.add_argument(
        "--width",
        type=int,
        default=None,
        metavar="N",
        help="terminal tables at most N characters wide (default: COLUMNS, else the terminal)",
    )
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on standard error")


def run(args) -> int:
    from perr_graph.analysis.compare import compare, context, table_queries
    from perr_graph.analysis.compare_formats import to_csv, to_json, to_text
    from perr_graph.build import ensure_dataset
    from perr_graph.i18n import messages
    from perr_graph.inputs.corpus import find_corpus
    from perr_graph.outputs import write_atomic
    from perr_graph.store import open_store
    from perr_graph.terminal import Progress

    m = messages(args.lang)
    with Progress(quiet=args.quiet) as progress:
        task = progress.task(m._("Reading the data"))
        store = open_store(args.data or [ensure_dataset(find_corpus(args.corpus))])
        progress.done(task)
        task = progress.task(m._("Comparison tables"))
        cx = context(store, args.lang, also=table_queries(args.table))  # every query in one batch
        tables = compare(store, args.table, args.lang, cx)
        progress.done(task)
    if args.format == "table":
        text = to_text(tables, args.lang, args.width, cx.names)
    elif args.format == "csv":
        text = to_csv(tables, args.lang)
    else:
        text = to_json(tables, args.lang, cx.names)
    if args.output:
        write_atomic(args.output, [text])
        print(m._("wrote %(path)s", path=args.output), file=sys.stderr)
    else:
        sys.stdout.write(text)
    if args.network:
        from perr_graph.analysis.network import write_exports

        # the network table's answers when it was asked for, else asked now
        paths = write_exports(cx.graphs(store), args.network)
        print(m._("wrote %(n)s network files to %(path)s", n=len(paths), path=args.network), file=sys.stderr)
    return 0
