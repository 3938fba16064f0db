"""Remote SPARQL queries: any SPARQL 1.1 endpoint, through SPARQLWrapper.

:func:`remote_query` follows the SPARQL 1.1 Protocol (section 2.1, "query operation"): a POST asking for the
JSON results format, parameters bound by a ``VALUES`` block (:func:`perr_graph.sparql.lex.inject_values`), the
query checked by :mod:`perr_graph.sparql.safety` first. SPARQLWrapper writes the request; the server's answer,
whatever its HTTP status, is read from the HTTP response itself (:class:`_Wrapper`).

Faults. Every request has a time limit. Transient faults are retried (:mod:`perr_graph.remote.retry`: at most 3
attempts, 0.5 s then 1 s apart, never past twice the time limit in all): the connection refused, reset or closed
before the end of the answer, no answer within the time limit, HTTP 500, 502, 503 and 504. Permanent faults are
not: any other HTTP status (4xx: the request itself is wrong), an answer that is not SPARQL JSON results (a
proxy's HTML page), an unknown host. Queries are read-only, so repeating one is harmless. Whatever the fault, it
ends as one :class:`~perr_graph.errors.EndpointError` line naming the URL: exit code 2.
"""

from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from http import HTTPStatus

from SPARQLWrapper import SPARQLWrapper

from perr_graph.errors import EndpointError, QueryError
from perr_graph.remote import retry as retries
from perr_graph.remote.retry import EndpointUnreachable, Retry, Transient
from perr_graph.sparql.library import QueryFile, source_of, terms
from perr_graph.sparql.run import Limits, Result

USER_AGENT = "perr-graph (https://w3id.org/perr-graph)"

#: HTTP statuses worth another attempt: the server (or a proxy in front of it) failed, not the request
TRANSIENT_STATUS = frozenset({500, 502, 503, 504})

#: how Oxigraph's server ends a streamed answer cut short by its own --timeout-s (the HTTP status is already 200)
OXIGRAPH_CANCELLED = b"The SPARQL operation has been cancelled"


# --- faults in words -------------------------------------------------------------------------------------------


def first_line(body: bytes | str | None) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    for line in body.splitlines():
        if line.strip():
            return line.strip()[:300]
    return ""


def status_text(code: int) -> str:
    try:
        return f"HTTP {code} {HTTPStatus(code).phrase}"
    except ValueError:
        return f"HTTP {code}"


def body_of(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read(4096)
    except (OSError, http.client.HTTPException):
        return b""


def network_fault(
    url: str, exc: BaseException, timeout: float, during: str = "", path: str | None = None
) -> Exception:
    """The error for a failure below HTTP: a :class:`Transient` for what may pass, an EndpointError otherwise.
    ``during`` says what was going on (" (PUT <graph>)")."""
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        exc = exc.reason
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return Transient(f"{url} did not answer{during} within {timeout:g} s (--timeout)", unreachable=True)
    if isinstance(exc, ConnectionRefusedError):
        return Transient(f"cannot reach {url}{during}: connection refused", unreachable=True)
    if isinstance(exc, http.client.IncompleteRead):
        return Transient(
            f"{url} closed the connection in the middle of its answer{during} "
            f"({len(exc.partial)} bytes received)",
            unreachable=True,
        )
    if isinstance(exc, (ConnectionError, http.client.RemoteDisconnected)):
        # reset, aborted, broken pipe (the server went away while we were sending), closed before any answer
        return Transient(f"{url} closed the connection{during} before answering", unreachable=True)
    if isinstance(exc, socket.gaierror):
        return EndpointUnreachable(f"cannot reach {url}: unknown host", path)
    if isinstance(
        exc, http.client.HTTPException
    ):  # a bad status line, too many headers …: not an HTTP server
        return EndpointError(f"{url} did not answer in HTTP{during} ({exc.__class__.__name__})", path)
    text = getattr(exc, "strerror", None) or str(exc) or exc.__class__.__name__
    return EndpointUnreachable(f"cannot reach {url}{during}: {text.strip().splitlines()[0]}", path)


def check_url(url: str) -> None:
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


class _Wrapper(SPARQLWrapper):
    """SPARQLWrapper, except that an HTTP error reaches the caller as the ``urllib.error.HTTPError`` it is (its
    status and its body: the server's answer), where SPARQLWrapper's own ``_query`` turns statuses 400, 401, 404,
    414 and 500 into exceptions that keep neither."""

    def _query(self):
        request = self._createRequest()
        if self.timeout:
            return urllib.request.urlopen(request, timeout=self.timeout), self.returnFormat
        return urllib.request.urlopen(request), self.returnFormat


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
    (default :data:`perr_graph.remote.retry.RETRY`)."""
    import pyoxigraph as ox
    from SPARQLWrapper import JSON, POST

    from perr_graph.sparql.lex import inject_values
    from perr_graph.sparql.safety import Policy, check_query

    check_url(url)
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

    sparql = _Wrapper(url, agent=USER_AGENT)
    sparql.setMethod(POST)
    sparql.setQuery(checked.text)
    sparql.setReturnFormat(JSON)

    def attempt(seconds: float) -> tuple[str, bytes]:
        deadline = time.monotonic() + seconds
        sparql.timeout = seconds  # type: ignore[assignment]  # setTimeout() would round it to whole seconds
        try:
            response = sparql.query().response
            with response:
                ctype = response.headers.get("Content-Type") or ""
                return ctype, read_body(response, limits.max_bytes + 1, deadline)
        except urllib.error.HTTPError as exc:
            code, body = exc.code, body_of(exc)
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise network_fault(url, exc, limits.timeout, path=path) from None
        message = f"{status_text(code)}: {first_line(body) or 'no message'}"
        if code in TRANSIENT_STATUS:
            raise Transient(f"{url} answered {message}", unreachable=False)
        raise EndpointError(f"{url} refused the query: {message}", path)

    ctype, body = (retry or retries.RETRY).run(attempt, limits.timeout, path)
    if len(body) > limits.max_bytes:
        raise QueryError(f"the answer is larger than {limits.max_bytes} bytes: add a LIMIT", path)
    if body.rstrip().endswith(OXIGRAPH_CANCELLED):  # Oxigraph's own time limit
        raise EndpointError(f"{url} cancelled the query (its own time limit): add a LIMIT", path)
    try:
        answer = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError):
        media = ctype.split(";")[0].strip() or "no content type"
        raise EndpointError(
            f"{url} answered {media}, not SPARQL JSON results: {first_line(body) or 'an empty body'}", path
        ) from None
    if isinstance(answer, ox.QueryBoolean):
        return Result(boolean=bool(answer))
    variables = [v.value for v in answer.variables]
    try:  # pyoxigraph reads the rows as they are iterated: a bad one raises only here
        rows = [[solution[v] for v in variables] for solution in answer]
    except (SyntaxError, ValueError) as exc:
        message = " ".join(str(exc).split())[:300]
        raise EndpointError(f"{url} answered bad SPARQL JSON results: {message}", path) from None
    finally:
        del answer  # pyoxigraph's results may only be dropped on the thread that made them: drop them here
    if len(rows) > limits.max_rows:
        raise QueryError(f"more than {limits.max_rows} rows: add a LIMIT or raise --max-rows", path)
    return Result(variables, rows)


__all__ = ["EndpointUnreachable", "Retry", "remote_query"]
