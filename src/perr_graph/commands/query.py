"""perr query"""

from __future__ import annotations

import contextlib
import math
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

HELP = "run a SPARQL query from the library (or a file) on the dataset or on a SPARQL endpoint"
DESCRIPTION = """Run a SELECT or ASK query on the corpus's built dataset (embedded Oxigraph store; built first if
missing), on the RDF files given with --data, or on any SPARQL 1.1 endpoint with --endpoint.

QUERY is a library query by name (who-leads-what), number (01) or file name, the path of a .rq file, or - to
read the query from standard input. 'perr query --list' lists the library (docs/queries.md describes it): the
bundled queries and the corpus's own (queries/*.rq in the corpus).

Parameters are bound as RDF terms, never pasted into the text: --param partner=https://w3id.org/perr-graph/id/org/caf-drome
(typed by the query's '#+ param:' header; for a query outside the library, <…> is an IRI, anything else a
literal).

Every query is checked before any engine sees it: SPARQL Update (INSERT, DELETE, LOAD …), SERVICE, and FROM /
FROM NAMED naming anything but the dataset's own graphs are refused. A query stops after --timeout seconds and
after --max-rows rows. With --max-rows 0 there is no cap, and the csv, tsv, json and xml formats are written as
the embedded engine produces them (streamed: memory does not grow with the answer), for national-scale exports.

With --endpoint, transient faults (connection refused or dropped, no answer within --timeout, HTTP 500, 502,
503, 504) are retried: at most 3 attempts, 0.5 s then 1 s apart, never past twice --timeout in all. Other
faults (HTTP 4xx, an answer that is not SPARQL results) are not. Either way: one line naming the endpoint,
exit code 2.

examples:
  perr query who-leads-what --param protocol=https://w3id.org/perr-graph/id/protocol/voiron
  perr query partner-leads --param category=https://w3id.org/perr-graph/concept/partner-category/caf --format csv
  perr query 12 --format json --output qpv.json
  perr query my-question.rq --data dist/perr.trig
  perr query who-leads-what --data france.nq --store ~/.cache/perr/france --max-rows 0 -f csv -o all.csv
  perr query amounts --endpoint http://localhost:8078/sparql"""

FORMATS = ("table", "csv", "tsv", "json", "xml")


def add_arguments(p) -> None:
    p.add_argument(
        "query", nargs="?", metavar="QUERY", help="library name or number, a .rq file, or - for stdin"
    )
    p.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind a parameter (repeatable)",
    )
    p.add_argument(
        "--format",
        "-f",
        choices=FORMATS,
        default="table",
        help="table (default, for people) or a W3C SPARQL results format: csv, tsv, json, xml",
    )
    p.add_argument(
        "--data",
        type=Path,
        action="append",
        metavar="FILE",
        help="query these RDF files (TriG, N-Quads, Turtle …) instead of the built dataset; repeatable",
    )
    p.add_argument(
        "--store",
        type=Path,
        metavar="DIR",
        help="keep the dataset (or the --data files) in an on-disk Oxigraph store in DIR, made once and "
        "reused while the files are unchanged: for national-scale data that is slow to load",
    )
    p.add_argument(
        "--endpoint", metavar="URL", help="run on this SPARQL 1.1 endpoint instead (SPARQLWrapper)"
    )
    p.add_argument("--output", "-o", type=Path, metavar="FILE", help="write the result here (atomically)")
    p.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="time limit (default 30); with --endpoint, of each attempt",
    )
    p.add_argument(
        "--max-rows",
        type=int,
        default=10_000,
        metavar="N",
        help="refuse results with more rows than this (default 10000; 0: no cap, answers streamed)",
    )
    p.add_argument(
        "--width",
        type=int,
        default=None,
        metavar="N",
        help="table format: lines of at most N characters (default: COLUMNS, else the terminal; no limit when "
        "written to a file or a pipe); cells longer than 60 characters end with '…'",
    )
    p.add_argument("--list", action="store_true", help="list the query library and exit")


def _params(pairs: list[str]) -> dict[str, str]:
    from perr_graph.errors import QueryError

    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"--param {pair!r}: write NAME=VALUE")
        out[name.strip()] = value
    return out


def load_query(spec: str, library: Sequence[Path]):
    """A QueryFile for a library name/number (in the ``library`` folders), a file path, or '-' (stdin)."""
    from perr_graph.errors import QueryError
    from perr_graph.sparql.library import QueryFile, find, parse

    if spec == "-":
        try:
            text = sys.stdin.read()
        except UnicodeDecodeError:
            raise QueryError("the query on standard input is not UTF-8 text") from None
        if not text.strip():
            raise QueryError("empty query on standard input")
        q = QueryFile(Path("<stdin>"), text)
        return q
    path = Path(spec)
    if path.is_file():
        return parse(path)
    if path.suffix == ".rq" or "/" in spec:
        raise QueryError("file not found", path)
    return find(spec, library)


def list_library(folders: Sequence[Path]) -> str:
    from perr_graph.errors import QueryError
    from perr_graph.sparql.library import library
    from perr_graph.terminal import render

    queries = library(folders)
    if not queries:
        raise QueryError("the query library is empty (no .rq file)", ", ".join(str(f) for f in folders))
    rows = [
        [q.path.stem.split("-")[0], q.name, q.title, ", ".join(p.name for p in q.params)] for q in queries
    ]
    return render(["no", "name", "title", "params"], rows, max_width=70)


def run(args) -> int:
    from perr_graph.errors import QueryError
    from perr_graph.inputs.corpus import find_corpus
    from perr_graph.sparql.output import serialize, table
    from perr_graph.sparql.run import Limits

    corpus = find_corpus(args.corpus)
    if args.list:
        print(list_library(corpus.queries))
        return 0
    if not args.query:
        raise QueryError("which query? give a library name (see 'perr query --list'), a .rq file or -")
    if args.endpoint and (args.data or args.store):
        raise QueryError("--data and --store exclude --endpoint (the endpoint has its own data)")
    if not (math.isfinite(args.timeout) and args.timeout > 0):
        raise QueryError(f"--timeout {args.timeout}: give a number of seconds, more than 0")
    if args.max_rows < 0:
        raise QueryError("--max-rows must be positive, or 0 (no cap)")
    q = load_query(args.query, corpus.queries)
    params = _params(args.param)
    if args.max_rows == 0 and not args.endpoint and args.format != "table":
        return _stream(args, q, params, corpus)
    limits = Limits(timeout=args.timeout, max_rows=args.max_rows or sys.maxsize)
    if args.endpoint:
        from perr_graph.remote.endpoint import remote_query

        result = remote_query(args.endpoint, q, params, limits=limits)
    else:
        from perr_graph.sparql.run import run_local

        result = run_local(_local_store(args, corpus), q, params, limits=limits)
    if args.format == "table":
        text = table(result, width=args.width) + "\n"
    else:
        text = serialize(result, args.format).decode("utf-8")
    if args.output:
        from perr_graph.outputs import write_atomic

        with _writing(args.output):
            write_atomic(args.output, [text])
        rows = "" if result.boolean is not None else f" ({len(result.rows)} rows)"
        print(f"wrote {args.output}{rows}", file=sys.stderr)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return 0


def _stream(args, q, params, corpus) -> int:
    """--max-rows 0 on the embedded store: the answer goes from the engine to the output, never held."""
    from perr_graph.sparql.run import stream_local

    store = _local_store(args, corpus)
    if args.output:
        from perr_graph.outputs import atomic_file

        with _writing(args.output), atomic_file(args.output) as f:
            n = stream_local(store, q, f, args.format, params, timeout=args.timeout)
        print(f"wrote {args.output} ({n} bytes)", file=sys.stderr)
    else:
        stream_local(store, q, sys.stdout.buffer, args.format, params, timeout=args.timeout)
        sys.stdout.flush()
    return 0


def _local_store(args, corpus):
    """The embedded store: --data (or the corpus's built dataset), in memory or in the on-disk --store."""
    from perr_graph.build import ensure_dataset
    from perr_graph.store import open_store

    def say(message: str) -> None:
        print(f"perr query: {message}", file=sys.stderr, flush=True)

    files = args.data or [ensure_dataset(corpus)]
    with _writing(args.store, "the store in") if args.store else contextlib.nullcontext():
        return open_store(files, location=args.store, progress=say)


@contextlib.contextmanager
def _writing(path: Path, what: str = "") -> Iterator[None]:
    """An output that cannot be written (a read-only folder, a full disk, a parent that is a file, an output that
    is a folder) is one line, exit code 2."""
    from perr_graph.errors import QueryError

    try:
        yield
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise QueryError(f"cannot write {what + ' ' if what else ''}{path}: {reason}") from None
