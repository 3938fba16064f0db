"""perr serve"""

from __future__ import annotations

import contextlib
import signal
import sys
from pathlib import Path

HELP = "start a local, read-only SPARQL endpoint with a query page (Oxigraph behind a checking front)"
DESCRIPTION = """Start Oxigraph's SPARQL server (the 'oxigraph' package) with the dataset loaded, read-only, behind
a small front on localhost that:

  - serves a query page at / (works offline: one HTML file, no CDN) with the query library one click away;
  - answers SPARQL 1.1 Protocol queries at /sparql (GET or POST; JSON, XML, CSV or TSV results);
  - checks every query before Oxigraph sees it: SPARQL Update (INSERT, DELETE, LOAD …), SERVICE, and FROM /
    FROM NAMED naming anything but the dataset's own graphs are refused with a one-line message (HTTP 400/403);
  - stops a query after --timeout seconds and refuses answers larger than --max-bytes.

Ctrl-C stops both. Oxigraph itself listens on a random 127.0.0.1 port: use the front's URL.

examples:
  perr serve                       # http://127.0.0.1:8078/
  perr serve --port 0 --data my.trig
  perr query who-leads-what --endpoint http://127.0.0.1:8078/sparql"""


def add_arguments(p) -> None:
    p.add_argument(
        "--port", type=int, default=8078, help="port to listen on (default 8078; 0 = any free port)"
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; the endpoint has no authentication)",
    )
    p.add_argument(
        "--data",
        type=Path,
        action="append",
        metavar="FILE",
        help="serve these RDF files instead of the built dataset; repeatable",
    )
    p.add_argument(
        "--timeout", type=float, default=30.0, metavar="SECONDS", help="query time limit (default 30)"
    )
    p.add_argument(
        "--max-bytes",
        type=int,
        default=5_000_000,
        metavar="N",
        help="largest answer sent, in bytes (default 5000000)",
    )


def run(args) -> int:
    from perr_graph.serve.service import Service

    def stop_on_term(_signum, _frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop_on_term)
    service = Service(
        args.data or [], host=args.host, port=args.port, timeout=args.timeout, max_bytes=args.max_bytes
    )
    try:
        service.start()
        print(
            f"perr serve: query page {service.url}/  SPARQL endpoint {service.url}/sparql  (Ctrl-C stops)",
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            service.serve_forever(poll_interval=0.2)
    finally:
        service.stop()
        signal.signal(signal.SIGTERM, previous)
    print("perr serve: stopped", file=sys.stderr, flush=True)
    return 0
