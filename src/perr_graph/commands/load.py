"""perr load"""

from __future__ import annotations

import sys
from pathlib import Path

HELP = "push the dataset to a SPARQL Graph Store (HTTP PUT, one named graph at a time) and check the counts"
DESCRIPTION = """Send every named graph of the dataset (the built one, or the files given with --data) to a store
speaking the SPARQL 1.1 Graph Store HTTP Protocol, with HTTP PUT: each graph's previous content is replaced,
not appended to; graphs of the store that are not in the dataset are left alone. Then count each graph's triples
with a SPARQL COUNT query on the store's query endpoint and report. Exit code 2 if a count differs or the store
cannot be reached.

--endpoint is the Graph Store URL. For an Oxigraph server give its root (http://localhost:7878): the Graph
Store is /store and queries go to /query. A URL ending in /store gets /query beside it; any other URL is used
for both, unless --query-endpoint says otherwise.

example:
  oxigraph serve --location /tmp/perr-db &        # a read-write Oxigraph
  perr load --endpoint http://localhost:7878"""


def add_arguments(p) -> None:
    p.add_argument("--endpoint", required=True, metavar="URL", help="Graph Store URL (or an Oxigraph root URL)")
    p.add_argument("--query-endpoint", metavar="URL", help="where to send the COUNT queries (see above)")
    p.add_argument("--data", type=Path, action="append", metavar="FILE",
                   help="dataset file(s) to send instead of the built dataset; repeatable")
    p.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                   help="time limit per request (default 60)")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")


def run(args) -> int:
    from ..endpoint import load_dataset
    from ..errors import EndpointError
    from ..queries import compact
    from ..tables import render

    say = (lambda _m: None) if args.quiet else (lambda m: print(f"  {m}", file=sys.stderr))
    loads = load_dataset(args.endpoint, args.data, query_url=args.query_endpoint, timeout=args.timeout,
                         progress=say)
    if not args.quiet:
        rows = [[compact(r.graph) if r.graph else "(default graph)", r.sent, r.counted,
                 "ok" if r.ok else "DIFFERS"] for r in loads]
        print(render(["graph", "sent", "counted", "check"], rows))
    bad = [r for r in loads if not r.ok]
    if bad:
        raise EndpointError(f"{len(bad)} graph(s) hold a different number of triples after loading: "
                            + ", ".join(f"<{r.graph}> sent {r.sent}, counted {r.counted}" for r in bad))
    if not args.quiet:
        print(f"loaded {len(loads)} graphs, {sum(r.sent for r in loads)} triples → {args.endpoint}")
    return 0
