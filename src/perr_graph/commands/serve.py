"""perr serve"""

from __future__ import annotations

import contextlib
import math
import signal
import sys
from pathlib import Path

HELP = "start a local, read-only SPARQL endpoint with a query page (Oxigraph behind a checking front)"
DESCRIPTION = """Start Oxigraph's SPARQL server (the 'oxigraph' package) with the dataset loaded, read-only, behind
a small front on localhost that:

  - serves a query page at / (YASGUI, vendored in the package: works offline, nothing fetched from the web) with
    the query library as examples, parameter pick lists, sortable tables, charts and shareable links;
  - answers SPARQL 1.1 Protocol queries at /sparql (GET or POST; JSON, XML, CSV or TSV results); the default
    graph is the union of the named graphs; a GET of /sparql without a query is its service description;
  - serves the dataset's IRIs (https://w3id.org/perr-graph/id/...) at /id/...: an HTML page to a browser,
    Turtle otherwise;
  - checks every query before Oxigraph sees it: SPARQL Update (INSERT, DELETE, LOAD …), SERVICE, FROM /
    FROM NAMED naming anything but the dataset's own graphs, and queries too large or too deeply nested are
    refused with a one-line message (HTTP 400/403); Oxigraph receives the checked query written again;
  - answers only requests for its own address from its own pages (HTTP 421/403 otherwise; --cors allows one
    more origin);
  - stops a query after --timeout seconds (in Oxigraph too) and refuses answers larger than --max-bytes;
    restarts Oxigraph if a query stops it.

Oxigraph runs without network access where the platform allows it (a network namespace of its own), reachable
by this front only, and stops with it, even after kill -9, removing its copy of the data. Ctrl-C stops both.

examples:
  perr serve                       # http://127.0.0.1:8078/
  perr serve --port 0 --data my.trig
  perr serve --cors https://my-dashboard.example.org
  perr serve --lang en
  curl -H 'Accept: text/turtle' http://127.0.0.1:8078/id/protocol/voiron
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
        help="serve these RDF files instead of the corpus's built dataset; repeatable",
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
    p.add_argument(
        "--cors",
        metavar="ORIGIN",
        help="also answer pages of this origin (e.g. https://example.org), with CORS headers; default: none",
    )
    p.add_argument(
        "--lang",
        choices=("fr", "en"),
        default="fr",
        help="language of the pages (default fr; a page may ask for the other with ?lang=)",
    )


def _check(args) -> str | None:
    """One line, exit 2, for values that cannot serve (issue 16: they were tracebacks); the --cors origin."""
    from perr_graph.errors import EndpointError
    from perr_graph.serve.origin import parse_cors

    if not 0 <= args.port <= 65535:
        raise EndpointError(f"--port {args.port}: give a port from 0 (any free port) to 65535")
    if not (math.isfinite(args.timeout) and args.timeout > 0):
        raise EndpointError(f"--timeout {args.timeout}: give a number of seconds, more than 0")
    if args.max_bytes <= 0:
        raise EndpointError(f"--max-bytes {args.max_bytes}: give a number of bytes, more than 0")
    return parse_cors(args.cors)


def run(args) -> int:
    from perr_graph.build import ensure_dataset
    from perr_graph.inputs.corpus import find_corpus
    from perr_graph.serve.service import Service

    cors = _check(args)

    def stop_on_term(_signum, _frame):
        raise KeyboardInterrupt

    corpus = find_corpus(args.corpus)
    files = args.data or [ensure_dataset(corpus)]
    previous = signal.signal(signal.SIGTERM, stop_on_term)
    service = Service(
        files,
        host=args.host,
        port=args.port,
        timeout=args.timeout,
        max_bytes=args.max_bytes,
        cors=cors,
        queries=corpus.queries,
        lang=args.lang,
        sources=corpus.sources,
    )
    try:
        service.start()
        print(
            f"perr serve: query page {service.url}/  SPARQL endpoint {service.url}/sparql  (Ctrl-C stops)",
            flush=True,
        )
        if not service.isolated:
            print(
                "perr serve: this platform cannot take the engine off the network; the checks are the only wall",
                file=sys.stderr,
                flush=True,
            )
        with contextlib.suppress(KeyboardInterrupt):
            service.serve_forever(poll_interval=0.2)
    finally:
        service.stop()
        signal.signal(signal.SIGTERM, previous)
    print("perr serve: stopped", file=sys.stderr, flush=True)
    return 0
