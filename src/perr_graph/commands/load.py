"""perr load"""

from __future__ import annotations

import math
import sys
from pathlib import Path

HELP = "push the dataset to a SPARQL Graph Store (HTTP PUT, one named graph at a time) and check the counts"
DESCRIPTION = """Send every named graph of the dataset (the built one, or the files given with --data) to a store
speaking the SPARQL 1.1 Graph Store HTTP Protocol, each with one HTTP PUT: the graph's previous content is
replaced as one operation by the store (never appended to, never half-replaced); graphs of the store that are
not in the dataset are left alone. Right after its PUT, each graph's triples are counted with a SPARQL COUNT
query on the store's query endpoint.

Faults: the connection refused or dropped, no answer within --timeout, HTTP 500/502/503/504 are retried (at
most 3 attempts, 0.5 s then 1 s apart, never past twice --timeout). A graph the store refuses is reported and the
next graphs are still sent; when the store stops answering, the remaining graphs are not attempted. The table
at the end says, per graph, 'loaded and verified', 'failed' (with the reason) or 'not attempted'. Exit code 2 if
any graph is not loaded and verified.

--endpoint is the Graph Store URL. For an Oxigraph server give its root (http://localhost:7878): the Graph
Store is /store and queries go to /query. A URL ending in /store gets /query beside it; any other URL is used
for both, unless --query-endpoint says otherwise.

example:
  oxigraph serve --location /tmp/perr-db &        # a read-write Oxigraph
  perr load --endpoint http://localhost:7878"""


def add_arguments(p) -> None:
    p.add_argument(
        "--endpoint", required=True, metavar="URL", help="Graph Store URL (or an Oxigraph root URL)"
    )
    p.add_argument("--query-endpoint", metavar="URL", help="where to send the COUNT queries (see above)")
    p.add_argument(
        "--data",
        type=Path,
        action="append",
        metavar="FILE",
        help="dataset file(s) to send instead of the built dataset; repeatable",
    )
    p.add_argument(
        "--timeout", type=float, default=60.0, metavar="SECONDS", help="time limit per request (default 60)"
    )
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")


def run(args) -> int:
    from perr_graph.errors import EndpointError
    from perr_graph.remote.graphstore import FAILED, NOT_ATTEMPTED, load_dataset
    from perr_graph.sparql.output import compact
    from perr_graph.terminal import render

    if not (math.isfinite(args.timeout) and args.timeout > 0):
        raise EndpointError(f"--timeout {args.timeout}: give a number of seconds, more than 0")
    say = (lambda _m: None) if args.quiet else (lambda m: print(f"  {m}", file=sys.stderr))
    if args.data:
        files = args.data
    else:
        from perr_graph.build import ensure_dataset
        from perr_graph.inputs.corpus import find_corpus

        files = [ensure_dataset(find_corpus(args.corpus))]
    loads = load_dataset(
        args.endpoint, files, query_url=args.query_endpoint, timeout=args.timeout, progress=say
    )

    def name(r):
        return compact(r.graph) if r.graph else "(default graph)"

    if not args.quiet:
        rows = [
            [
                name(r),
                r.sent,
                "" if r.counted is None else r.counted,
                r.status + (f": {r.reason}" if r.reason else ""),
            ]
            for r in loads
        ]
        print(render(["graph", "triples", "counted", "result"], rows, max_width=200))
    failed = [r for r in loads if r.status == FAILED]
    skipped = [r for r in loads if r.status == NOT_ATTEMPTED]
    if failed or skipped:
        first = failed[0] if failed else skipped[0]
        raise EndpointError(
            f"{len(failed) + len(skipped)} of {len(loads)} graphs not loaded into {args.endpoint} "
            f"({len(failed)} failed, {len(skipped)} not attempted; "
            f"{len(loads) - len(failed) - len(skipped)} loaded and verified): "
            f"{name(first)}: {first.reason or first.status}"
        )
    if not args.quiet:
        print(
            f"loaded {len(loads)} graphs, {sum(r.sent for r in loads)} triples → {args.endpoint} "
            f"(each replaced by one PUT, then verified by a COUNT)"
        )
    return 0
