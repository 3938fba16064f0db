"""Remote SPARQL: run a query on any SPARQL 1.1 endpoint, and push the dataset to a Graph Store.

* :func:`remote_query` — the SPARQL 1.1 Protocol (section 2.1, "query operation") through SPARQLWrapper, by POST,
  asking for the JSON results format; parameters bound by a ``VALUES`` block
  (:func:`perr_graph.sparql.lex.inject_values`), the query checked by :mod:`perr_graph.sparql.safety` first.
* :func:`load_dataset` — the SPARQL 1.1 Graph Store HTTP Protocol (section 5.3, "HTTP PUT": the graph's content
  is replaced), one request per named graph, each followed by a ``COUNT`` query that checks what the store holds.

Faults. Every request has a time limit. Transient faults are retried (:class:`Retry`: at most 3 attempts, 0.5 s
then 1 s apart, never past twice the time limit in all): the connection refused, reset or closed before the end
of the answer, no answer within the time limit, HTTP 500, 502, 503 and 504. Permanent faults are not: any other
HTTP status (4xx: the request itself is wrong), an answer that is not SPARQL JSON results (a proxy's HTML page),
an unknown host. Queries are read-only and a PUT carries the whole graph, so repeating either is harmless.
Whatever the fault, it ends as one :class:`~perr_graph.errors.EndpointError` line naming the URL (and, for
``load``, the graph): exit code 2.
"""

from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import TypeVar

from perr_graph.errors import EndpointError, QueryError
from perr_graph.sparql.library import Limits, QueryFile, Result, source_of, terms

USER_AGENT = "perr-graph (https://w3id.org/perr-graph)"

#: HTTP statuses worth another attempt: the server (or a proxy in front of it) failed, not the request
TRANSIENT_STATUS = frozenset({500, 502, 503, 504})

#: how Oxigraph's server ends a streamed answer cut short by its own --timeout-s (the HTTP status is already 200)
OXIGRAPH_CANCELLED = b"The SPARQL operation has been cancelled"

T = TypeVar("T")


class EndpointUnreachable(EndpointError):
    """The endpoint did not answer at all (refused, reset, silent) at any attempt: the next request to it would
    most likely fail the same way, so ``load`` stops there."""


class _Transient(Exception):
    """One attempt failed in a way another attempt might not (carries the message of the final error)."""

    def __init__(self, message: str, *, unreachable: bool):
        super().__init__(message)
        self.message = message
        self.unreachable = unreachable


@dataclass(frozen=True)
class Retry:
    """Bounded retries with exponential backoff for transient faults.

    At most ``attempts`` tries; after a failed one, wait ``delay`` seconds, then ``factor`` times longer after
    each next one (0.5 s, 1 s, …). No attempt starts, and none runs, past ``total`` seconds after the first one
    started (default: twice the per-request time limit); each attempt gets at most the per-request time limit.
    ``sleep`` and ``clock`` are injectable so that tests do not wait.
    """

    attempts: int = 3
    delay: float = 0.5
    factor: float = 2.0
    total: float | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def run(self, attempt: Callable[[float], T], timeout: float, path: str | None = None) -> T:
        """``attempt(seconds)`` until it returns, raises something other than a transient fault, or the budget
        (attempts, total time) is spent; then the last fault as one :class:`EndpointError` line."""
        started = self.clock()
        deadline = started + (self.total if self.total is not None else 2 * timeout)
        wait, tries = self.delay, 0
        while True:
            tries += 1
            try:
                return attempt(max(0.01, min(timeout, deadline - self.clock())))
            except _Transient as fault:
                last = fault
            if tries >= max(1, self.attempts) or self.clock() + wait >= deadline:
                break
            self.sleep(wait)
            wait *= self.factor
        suffix = f" ({tries} attempts in {self.clock() - started:.1f} s)" if tries > 1 else ""
        error = EndpointUnreachable if last.unreachable else EndpointError
        raise error(last.message + suffix, path)


#: the default for every remote call (tests replace it, or pass ``retry=``)
RETRY = Retry()


# --- faults in words -------------------------------------------------------------------------------------------


def _first_line(body: bytes | str | None) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    for line in body.splitlines():
        if line.strip():
            return line.strip()[:300]
    return ""


def _status(code: int) -> str:
    try:
        return f"HTTP {code} {HTTPStatus(code).phrase}"
    except ValueError:
        return f"HTTP {code}"


def _body_of(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read(4096)
    except (OSError, http.client.HTTPException):
        return b""


def _network_fault(
    url: str, exc: BaseException, timeout: float, during: str = "", path: str | None = None
) -> Exception:
    """The error for a failure below HTTP: a :class:`_Transient` for what may pass, an EndpointError otherwise.
    ``during`` says what was going on (" (PUT <graph>)")."""
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        exc = exc.reason
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return _Transient(f"{url} did not answer{during} within {timeout:g} s (--timeout)", unreachable=True)
    if isinstance(exc, ConnectionRefusedError):
        return _Transient(f"cannot reach {url}{during}: connection refused", unreachable=True)
    if isinstance(exc, http.client.IncompleteRead):
        return _Transient(
            f"{url} closed the connection in the middle of its answer{during} "
            f"({len(exc.partial)} bytes received)",
            unreachable=True,
        )
    if isinstance(exc, (ConnectionError, http.client.RemoteDisconnected)):
        # reset, aborted, broken pipe (the server went away while we were sending), closed before any answer
        return _Transient(f"{url} closed the connection{during} before answering", unreachable=True)
    if isinstance(exc, socket.gaierror):
        return EndpointUnreachable(f"cannot reach {url}: unknown host", path)
    if isinstance(
        exc, http.client.HTTPException
    ):  # a bad status line, too many headers …: not an HTTP server
        return EndpointError(f"{url} did not answer in HTTP{during} ({exc.__class__.__name__})", path)
    text = getattr(exc, "strerror", None) or str(exc) or exc.__class__.__name__
    return EndpointUnreachable(f"cannot reach {url}{during}: {text.strip().splitlines()[0]}", path)


def _check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise EndpointError(f"{url!r} is not an http(s) URL")


def read_body(response, limit: int, deadline: float) -> bytes:
    """Up to ``limit`` bytes of an ``http.client`` response, as they arrive; TimeoutError past ``deadline``
    (checked between chunks, so that a server trickling its answer is stopped too), IncompleteRead if the
    connection closes before the ``Content-Length`` announced (``read1`` alone would return the part)."""
    chunks, size = [], 0
    while size < limit:
        chunk = response.read1(min(1 << 16, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if time.monotonic() > deadline:
            raise TimeoutError("answer too slow")
    if size < limit and getattr(response, "length", None):  # bytes announced, never received
        raise http.client.IncompleteRead(b"".join(chunks), response.length)
    return b"".join(chunks)


# --- SPARQL 1.1 Protocol ------------------------------------------------------------------------------------------


def _wrapper_body(exc: Exception) -> bytes:
    """The server's answer, which SPARQLWrapper's exceptions keep only as ``repr`` inside their message."""
    import ast

    _, sep, tail = str(exc).partition("\n\nResponse:\n")
    if not sep:
        return b""
    try:
        body = ast.literal_eval(tail.strip())
    except (ValueError, SyntaxError):
        return tail.encode("utf-8", "replace")
    return body if isinstance(body, bytes) else str(body).encode("utf-8", "replace")


#: SPARQLWrapper turns these statuses into its own exceptions, which do not keep the code
_WRAPPER_STATUS = {
    "QueryBadFormed": 400,
    "Unauthorized": 401,
    "EndPointNotFound": 404,
    "URITooLong": 414,
    "EndPointInternalError": 500,
}


def remote_query(
    url: str,
    q: QueryFile | str,
    params: dict[str, str] | None = None,
    *,
    limits: Limits | None = None,
    policy=None,
    allow_forms=("SELECT", "ASK"),
    retry: Retry | None = None,
) -> Result:
    """Check ``q``, bind its parameters with VALUES, run it on the endpoint at ``url``; a :class:`Result`.

    ``limits.timeout`` is the time limit of each attempt; transient faults are retried as ``retry`` says
    (default :data:`RETRY`)."""
    import pyoxigraph as ox
    from SPARQLWrapper import JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    from perr_graph.sparql.lex import inject_values
    from perr_graph.sparql.safety import Policy, check_query

    _check_url(url)
    limits = limits or Limits()
    policy = policy or Policy()
    text, path = source_of(q)
    check_query(text, policy, path)  # what the user wrote
    bound = terms(q, params)
    checked = check_query(inject_values(text, bound), policy, path)  # what the endpoint will receive
    if checked.form not in allow_forms:
        raise QueryError(
            f"{checked.form} queries are not supported here (use {' or '.join(allow_forms)})", path
        )

    sparql = SPARQLWrapper(url, agent=USER_AGENT)
    sparql.setMethod(POST)
    sparql.setQuery(checked.text)
    sparql.setReturnFormat(JSON)

    def attempt(seconds: float) -> tuple[str, bytes]:
        deadline = time.monotonic() + seconds
        sparql.timeout = seconds  # setTimeout() would round it to whole seconds
        try:
            response = sparql.query().response
            with response:
                ctype = response.headers.get("Content-Type") or ""
                return ctype, read_body(response, limits.max_bytes + 1, deadline)
        except SPARQLWrapperException as exc:
            code, body = _WRAPPER_STATUS.get(type(exc).__name__, 0), _wrapper_body(exc)
        except urllib.error.HTTPError as exc:
            code, body = exc.code, _body_of(exc)
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise _network_fault(url, exc, limits.timeout, path=path) from None
        message = f"{_status(code) if code else 'an HTTP error'}: {_first_line(body) or 'no message'}"
        if code in TRANSIENT_STATUS:
            raise _Transient(f"{url} answered {message}", unreachable=False)
        raise EndpointError(f"{url} refused the query: {message}", path)

    ctype, body = (retry or RETRY).run(attempt, limits.timeout, path)
    if len(body) > limits.max_bytes:
        raise QueryError(f"the answer is larger than {limits.max_bytes} bytes: add a LIMIT", path)
    if body.rstrip().endswith(OXIGRAPH_CANCELLED):  # Oxigraph's own time limit
        raise EndpointError(f"{url} cancelled the query (its own time limit): add a LIMIT", path)
    try:
        answer = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError):
        media = ctype.split(";")[0].strip() or "no content type"
        raise EndpointError(
            f"{url} answered {media}, not SPARQL JSON results: {_first_line(body) or 'an empty body'}", path
        ) from None
    if isinstance(answer, ox.QueryBoolean):
        return Result(boolean=bool(answer))
    variables = [v.value for v in answer.variables]
    rows = [[solution[v] for v in variables] for solution in answer]
    del answer  # pyoxigraph's results may only be dropped on the thread that made them: drop them here
    if len(rows) > limits.max_rows:
        raise QueryError(f"more than {limits.max_rows} rows: add a LIMIT or raise --max-rows", path)
    return Result(variables, rows)


# --- Graph Store HTTP Protocol ---------------------------------------------------------------------------------

LOADED, FAILED, NOT_ATTEMPTED = "loaded and verified", "failed", "not attempted"


@dataclass
class GraphLoad:
    """What became of one graph in :func:`load_dataset`."""

    graph: str  # IRI, or "" for the default graph
    sent: int  # triples in the dataset (sent, or that would have been)
    counted: int | None = None  # triples the store holds after the PUT, by COUNT
    status: str = NOT_ATTEMPTED
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.status == LOADED


def endpoints_for(url: str, query_url: str | None = None) -> tuple[str, str]:
    """(graph store URL, query URL). An Oxigraph root URL (``http://host:7878`` or ``…/``) means ``/store``
    and ``/query``; a URL ending in ``/store`` has its ``/query`` beside it; otherwise both are ``url``."""
    _check_url(url)
    parts = urllib.parse.urlsplit(url)
    if parts.path in ("", "/"):
        base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, "", "", ""))
        store, query = base + "/store", base + "/query"
    elif parts.path.rstrip("/").endswith("/store"):
        store = url
        query = urllib.parse.urlunsplit(
            (parts.scheme, parts.netloc, parts.path.rstrip("/")[: -len("/store")] + "/query", "", "")
        )
    else:
        store = query = url
    if query_url:
        _check_url(query_url)
        query = query_url
    return store, query


def put_graph(store_url: str, graph: str, data: bytes, timeout: float, *, retry: Retry | None = None) -> None:
    """HTTP PUT of N-Triples into one graph (GSP section 5.3): the graph's previous content is replaced.

    The whole graph goes in one request with its ``Content-Length``: a store that follows the protocol applies
    all of it or, if the body arrives short, none of it (``tests/test_faults.py`` shows it for Oxigraph)."""
    sep = "&" if "?" in store_url else "?"
    target = store_url + sep + (urllib.parse.urlencode({"graph": graph}) if graph else "default")
    name = f"<{graph or 'default graph'}>"

    def attempt(seconds: float) -> None:
        request = urllib.request.Request(
            target,
            data=data,
            method="PUT",
            headers={"Content-Type": "application/n-triples", "User-Agent": USER_AGENT},
        )
        try:
            with urllib.request.urlopen(request, timeout=seconds) as response:
                read_body(response, 1 << 20, time.monotonic() + seconds)
        except urllib.error.HTTPError as exc:
            message = f"{_status(exc.code)}: {_first_line(_body_of(exc)) or 'no message'}"
            if exc.code in TRANSIENT_STATUS:
                raise _Transient(
                    f"{store_url} failed to store the graph {name}: {message}", unreachable=False
                ) from None
            raise EndpointError(f"{store_url} refused the graph {name}: {message}") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise _network_fault(store_url, exc, timeout, f" (PUT {name})") from None

    (retry or RETRY).run(attempt, timeout)


def count_graph(query_url: str, graph: str, timeout: float, *, retry: Retry | None = None) -> int:
    """Triples in one graph of the remote store, by a SPARQL COUNT query."""
    if graph:
        text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    else:
        text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    result = remote_query(
        query_url, text, limits=Limits(timeout=timeout, max_rows=1), policy=_any_graph_policy(), retry=retry
    )
    if not result.rows or result.rows[0][0] is None:
        return 0
    try:
        return int(result.rows[0][0].value)
    except ValueError:
        raise EndpointError(
            f"{query_url} answered a COUNT with {result.rows[0][0]}, not an integer"
        ) from None


def _any_graph_policy():
    from perr_graph.sparql.safety import Policy

    return Policy(allow_any_from=True)


def load_dataset(
    url: str,
    files: list[Path] | None = None,
    *,
    query_url: str | None = None,
    timeout: float = 60.0,
    progress=None,
    retry: Retry | None = None,
) -> list[GraphLoad]:
    """Push every graph of the dataset (default: the built one) to a Graph Store, one PUT each, and count each
    remotely right after its PUT. One :class:`GraphLoad` per graph, in order, whatever happened:

    * a graph the store refused (an HTTP error, after retries for 5xx) is ``failed``, and the next graphs are
      still sent;
    * when the store stops answering at all (:class:`EndpointUnreachable`), that graph is ``failed`` and the
      remaining ones are ``not attempted``;
    * a graph whose COUNT differs from what was sent is ``failed``.

    Raises only for what prevents any attempt (a bad URL, an unreadable dataset)."""
    import pyoxigraph as ox

    from perr_graph.store import graph_names, open_store

    store_url, query_url = endpoints_for(url, query_url)
    store = open_store(files)
    graphs = graph_names(store)
    names = graphs + ([""] if len(store) > sum(_count(store, g) for g in graphs) else [])
    records = [GraphLoad(g, _count(store, g)) for g in names]
    for rec in records:
        data = store.dump(
            format=ox.RdfFormat.N_TRIPLES,
            from_graph=ox.NamedNode(rec.graph) if rec.graph else ox.DefaultGraph(),
        )
        rec.status = FAILED
        try:
            put_graph(store_url, rec.graph, data, timeout, retry=retry)
        except EndpointError as exc:
            rec.reason = exc.message
            if isinstance(exc, EndpointUnreachable):
                break
            continue
        try:
            rec.counted = count_graph(query_url, rec.graph, timeout, retry=retry)
        except EndpointError as exc:
            rec.reason = f"sent, but not verified: {exc.message}"
            if isinstance(exc, EndpointUnreachable):
                break
            continue
        if rec.counted != rec.sent:
            rec.reason = f"sent {rec.sent} triples, the store holds {rec.counted}"
            continue
        rec.status = LOADED
        if progress:
            progress(f"PUT <{rec.graph or 'default graph'}>: {rec.sent} triples, verified")
    return records


def _count(store, graph: str) -> int:
    import pyoxigraph as ox

    name = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    return sum(1 for _ in store.quads_for_pattern(None, None, None, name))
