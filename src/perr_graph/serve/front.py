"""The checking front of ``perr serve``: the HTTP server people and programs talk to.

It serves the query page (YASGUI vendored in the package, or the plain form ``static/index.html``: no CDN, works
offline), the query library as JSON, the dataset's resources and source texts (:mod:`perr_graph.serve.routes`),
and a SPARQL 1.1 Protocol endpoint (section 2.1, "query operation") at ``/sparql`` (alias ``/query``), whose
``GET`` without a query is its service description.
Every request first passes the same-origin rules (:mod:`perr_graph.serve.origin`: 421 or 403). Every query is
checked (:mod:`perr_graph.serve.checker`: :func:`perr_graph.sparql.safety.check_query` in worker processes)
before the engine sees it, and only its canonical text is forwarded; updates are refused (``/update``, the
``update`` parameter, ``application/sparql-update``, PUT/DELETE). The engine's answer is read within a time
limit and a size cap. What becomes of a query whose answer does not come (a timeout, an engine that stopped)
is the engine's decision (:meth:`perr_graph.serve.oxigraph.Engine.release`): sent again, or refused.
"""

from __future__ import annotations

import importlib.resources
import os
import threading
import urllib.parse
from collections.abc import Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from perr_graph.errors import QueryError
from perr_graph.serve.checker import Busy, Checker
from perr_graph.serve.origin import Origins
from perr_graph.serve.oxigraph import EngineDown
from perr_graph.serve.routes import PageRoutes
from perr_graph.serve.upstream import Attempt, UrlUpstream, exchange
from perr_graph.sparql.limits import ShapeLimits
from perr_graph.sparql.safety import CHECK_SECONDS

#: the offline query page, package data of this package (read with importlib.resources)
STATIC = Path(str(importlib.resources.files("perr_graph.serve") / "static"))

#: queries forwarded to the engine at the same time, at most (each holds up to ``max_bytes`` of answer in memory)
MAX_CONCURRENT = 16

#: how long a query waits for one of those places before the front answers 503 (busy)
QUEUE_WAIT = 5.0

#: the largest request body accepted (a query, form-encoded or not)
MAX_BODY = 1_000_000

_ACCEPT = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}


class Front(ThreadingHTTPServer):
    """The HTTP front: query page, library, and the checking SPARQL endpoint.

    ``upstream``: the engine (:class:`~perr_graph.serve.oxigraph.Engine`) or an endpoint URL. Bounds: each query
    gets ``timeout`` seconds (HTTP 504 past it) and at most ``max_bytes`` of answer (HTTP 413); at most
    ``max_concurrent`` queries are forwarded and answered at once (a place is held until the answer is sent), a
    query waits ``queue_wait`` seconds for a place and is answered 503 (with ``Retry-After``) past it, so that
    answers in memory stay bounded whatever the number of clients; a client that stays silent for
    ``Handler.timeout`` seconds (sending its request, or reading its answer) is disconnected. ``cors``: the one
    other origin whose pages may query (``--cors``); ``limits`` and ``check_seconds``: the bounds of the check and
    its time limit (the defaults, unless a test or a measure lifts them)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address,
        upstream: Any,
        graphs: frozenset[str],
        *,
        timeout: float = 30.0,
        max_bytes: int = 5_000_000,
        queries_dir: Path | Sequence[Path] | None = None,
        max_concurrent: int = MAX_CONCURRENT,
        queue_wait: float = QUEUE_WAIT,
        cors: str | None = None,
        checkers: int = 2,
        limits: ShapeLimits | None = None,
        check_seconds: float = CHECK_SECONDS,
        lang: str = "fr",
        sources: Path | None = None,
    ):
        super().__init__(address, Handler)
        from perr_graph.sparql.safety import Policy

        self.upstream = UrlUpstream(upstream) if isinstance(upstream, str) else upstream
        self.policy = Policy(graphs=graphs)
        self.graphs = graphs
        self.lang = lang  # the pages' language (--lang); a page may ask for another with ?lang=
        self.sources = sources  # the corpus's source texts (data/sources), served at /source/<file>
        self.query_timeout = timeout
        self.max_bytes = max_bytes
        self.queries_dir = queries_dir  # None: the bundled library
        self.slots = threading.BoundedSemaphore(max_concurrent)
        self.queue_wait = queue_wait
        self.checker = Checker(
            self.policy, size=checkers, wait=queue_wait, limits=limits, time_limit=check_seconds
        )
        host, port = self.server_address[:2]
        self.origins = Origins(host.decode() if isinstance(host, bytes) else str(host), int(port), cors)

    def check(self, text: str) -> str:
        """The canonical text to forward for ``text``, or QueryError (remembered verdicts: :mod:`.checker`)."""
        return self.checker.check(text)

    def ask(self, text: str, accept: str) -> Attempt:
        """Run a query the front writes itself (a resource's page): checked like any other, forwarded as its
        canonical text within the same limits; one more attempt if the engine was replaced meanwhile. QueryError
        if it is refused or the engine is down or busy."""
        checked = self.check(text)
        body = urllib.parse.urlencode([("query", checked)]).encode()
        if not self.slots.acquire(timeout=self.queue_wait):
            raise QueryError("busy: too many queries at once, try again")
        try:
            for _attempt in range(2):
                try:
                    lease = self.upstream.lease(wait=self.queue_wait)
                except EngineDown as exc:
                    raise QueryError(f"the SPARQL engine is unreachable: {exc}") from None
                path = getattr(lease, "path", "/query")
                attempt = exchange(lease.sock, path, body, accept, self.query_timeout, self.max_bytes)
                if self.upstream.release(lease, attempt.outcome) != "retry":
                    break
            return attempt
        finally:
            self.slots.release()

    def server_close(self) -> None:
        super().server_close()
        self.checker.close()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        return f"http://{f'[{host}]' if ':' in host else host}:{port}"


class Handler(PageRoutes, BaseHTTPRequestHandler):
    server: Front
    server_version = "perr-graph"
    protocol_version = "HTTP/1.1"
    #: seconds a client may stay silent while sending a request (or idle on a kept-alive connection)
    timeout = 30

    def log_message(self, fmt, *args) -> None:  # quiet by default; the CLI prints its own lines
        if os.environ.get("PERR_SERVE_LOG"):
            super().log_message(fmt, *args)

    def _allowed(self) -> bool:
        """The same-origin rules (:mod:`.origin`); a refusal is answered here."""
        refusal = self.server.origins.verdict(self.headers)
        if refusal is None:
            return True
        self.close_connection = True
        self._text(*refusal)
        return False

    # -- routing
    def do_GET(self) -> None:
        if not self._allowed():
            return
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if url.path in ("/", "/index.html"):
            return self._query_page(params)
        if url.path == "/simple":  # the plain form, without YASGUI
            return self._static("index.html", "text/html; charset=utf-8")
        if url.path.startswith("/static/"):
            return self._static_file(url.path.removeprefix("/static/"))
        if url.path == "/api/queries":
            return self._library()
        if url.path == "/api/bind":
            return self._bound(params)
        if url.path.startswith(("/id/", "/concept/")):
            return self._resource(url.path, params)
        if url.path.startswith("/source/"):
            return self._source(url.path.removeprefix("/source/"), params)
        if url.path in ("/sparql", "/query"):
            if "update" in params:
                return self._refuse_update()
            if "query" not in params:
                if not params:  # SPARQL 1.1 Service Description, section 2: a GET without a query
                    return self._service_description()
                return self._text(HTTPStatus.BAD_REQUEST, "missing 'query' parameter (SPARQL 1.1 Protocol)")
            return self._sparql(params)
        if url.path == "/update":
            return self._refuse_update()
        if url.path == "/favicon.ico":
            return self._send(HTTPStatus.NO_CONTENT, b"", "text/plain")
        return self._text(HTTPStatus.NOT_FOUND, f"not found: {url.path} (try / or /sparql)")

    def do_POST(self) -> None:
        if not self._allowed():
            return
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if url.path == "/update":
            return self._refuse_update()
        if url.path not in ("/sparql", "/query"):
            return self._text(HTTPStatus.NOT_FOUND, f"not found: {url.path}")
        body = self._body()
        if body is None:
            return
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/x-www-form-urlencoded":
            for k, v in urllib.parse.parse_qs(
                body.decode("utf-8", "replace"), keep_blank_values=True
            ).items():
                params.setdefault(k, []).extend(v)
        elif ctype == "application/sparql-query":
            params["query"] = [body.decode("utf-8", "replace")]
        elif ctype == "application/sparql-update":
            return self._refuse_update()
        else:
            return self._text(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                "send application/x-www-form-urlencoded or application/sparql-query",
            )
        if "update" in params:
            return self._refuse_update()
        if "query" not in params:
            return self._text(HTTPStatus.BAD_REQUEST, "missing 'query' parameter (SPARQL 1.1 Protocol)")
        return self._sparql(params)

    def do_OPTIONS(self) -> None:
        """A CORS preflight: answered with the CORS headers for the ``--cors`` origin only."""
        if not self._allowed():
            return
        cors = self.server.origins.cors_headers(self.headers)
        if not cors:
            return self._text(
                HTTPStatus.FORBIDDEN, "refused: cross-origin requests are not allowed (see --cors)"
            )
        self._send(HTTPStatus.NO_CONTENT, b"", "text/plain", cors)

    def do_PUT(self) -> None:
        if self._allowed():
            self._refuse_update()

    do_DELETE = do_PATCH = do_PUT

    def _body(self) -> bytes | None:
        """The request body (None when it was answered already: bad length, too large, client gone)."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            self._text(HTTPStatus.BAD_REQUEST, "bad Content-Length")
            return None
        if length > MAX_BODY:
            self.close_connection = True
            self._text(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "query larger than 1 MB")
            return None
        try:
            body = self.rfile.read(length) if length else b""
        except OSError:  # silent past Handler.timeout, or gone
            body = b""
        if len(body) < length:  # the client went away (or stayed silent) in the middle of its request
            self.close_connection = True
            return None
        return body

    # -- endpoints
    def _refuse_update(self) -> None:
        self._text(HTTPStatus.FORBIDDEN, "SPARQL Update refused: this endpoint is read-only")

    def _sparql(self, params: dict[str, list[str]]) -> None:
        from perr_graph.sparql.safety import check_protocol_graphs

        if len(params["query"]) != 1:
            return self._text(HTTPStatus.BAD_REQUEST, "exactly one 'query' parameter, please")
        text = params["query"][0]
        try:
            text = self._bind(text, params)
            checked = self.server.check(text)
            check_protocol_graphs(
                params.get("default-graph-uri", []), params.get("named-graph-uri", []), self.server.policy
            )
        except Busy as exc:
            return self._text(HTTPStatus.SERVICE_UNAVAILABLE, str(exc), {"Retry-After": "1"})
        except QueryError as exc:
            return self._text(HTTPStatus.BAD_REQUEST, str(exc))
        forward = [("query", checked)]
        forward += [("default-graph-uri", g) for g in params.get("default-graph-uri", [])]
        forward += [("named-graph-uri", g) for g in params.get("named-graph-uri", [])]
        accept = self.headers.get("Accept") or "application/sparql-results+json"
        if "format" in params:  # a convenience for browsers: ?format=json|xml|csv|tsv
            accept = _ACCEPT.get(params["format"][0], accept)
        if not self.server.slots.acquire(timeout=self.server.queue_wait):
            return self._text(
                HTTPStatus.SERVICE_UNAVAILABLE,
                "busy: too many queries at once, try again",
                {"Retry-After": "1"},
            )
        try:  # the place is held until the answer is sent: at most max_concurrent answers in memory
            self._forward(urllib.parse.urlencode(forward).encode(), accept, text)
        finally:
            self.server.slots.release()

    def _forward(self, body: bytes, accept: str, text: str) -> None:
        """Send the checked query to the engine, again if the engine says so (see the module docstring)."""
        server = self.server
        quarantine = False
        for _attempt in range(3):
            try:
                lease = server.upstream.lease(quarantine=quarantine, wait=server.queue_wait)
            except EngineDown as exc:
                if str(exc) == "busy":
                    return self._text(
                        HTTPStatus.SERVICE_UNAVAILABLE,
                        "busy: the SPARQL engine is restarting, try again",
                        {"Retry-After": "1"},
                    )
                return self._text(HTTPStatus.BAD_GATEWAY, f"the SPARQL engine is unreachable: {exc}")
            path = getattr(lease, "path", "/query")
            attempt = exchange(lease.sock, path, body, accept, server.query_timeout, server.max_bytes)
            decision = server.upstream.release(lease, attempt.outcome)
            if attempt.outcome == "broken" and decision in ("retry", "quarantine"):
                quarantine = decision == "quarantine"
                continue
            return self._answer(attempt, decision, text)
        return self._text(
            HTTPStatus.SERVICE_UNAVAILABLE, "the SPARQL engine is restarting, try again", {"Retry-After": "1"}
        )

    def _answer(self, attempt, decision: str, text: str) -> None:
        server = self.server
        if attempt.outcome in ("timeout", "cancelled"):
            return self._text(
                HTTPStatus.GATEWAY_TIMEOUT, f"query timed out after {server.query_timeout:g} s: add a LIMIT"
            )
        if attempt.outcome == "too-large":
            return self._text(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"result larger than {server.max_bytes} bytes: add a LIMIT",
            )
        if attempt.outcome == "broken":
            if decision == "killer":
                message = "query refused: it stopped the SPARQL engine (which was restarted); simplify it"
                server.checker.remember(text, (False, message))
                return self._text(HTTPStatus.BAD_REQUEST, message)
            return self._text(
                HTTPStatus.BAD_GATEWAY, f"the SPARQL engine broke off its answer ({attempt.detail})"
            )
        if attempt.status != HTTPStatus.OK:
            lines = attempt.body[:4096].decode("utf-8", "replace").strip().splitlines()
            return self._text(
                attempt.status, f"Oxigraph: {lines[0][:500] if lines else HTTPStatus(attempt.status).phrase}"
            )
        self._send(HTTPStatus.OK, attempt.body, attempt.ctype)

    def _bind(self, text: str, params: dict[str, list[str]]) -> str:
        """``library=NAME`` with ``param.NAME=value`` fields: bind that library query's parameters (as typed in
        its header) into ``text`` by a VALUES block. ``NAME`` is a name of the library, nothing else (never a
        path). Empty values are left unbound."""
        given = {k[len("param.") :]: v[0] for k, v in params.items() if k.startswith("param.") and v and v[0]}
        if not given:
            return text
        from perr_graph.sparql.lex import inject_values
        from perr_graph.sparql.library import lookup, terms

        name = (params.get("library") or [""])[0]
        if not name:
            raise QueryError("parameters need 'library' (the library query whose header types them)")
        q = lookup(name, self.server.queries_dir)
        return inject_values(text, terms(q, given))

    # -- plumbing
    def _static(self, name: str, ctype: str) -> None:
        try:
            body = (STATIC / name).read_bytes()
        except OSError:
            return self._text(HTTPStatus.NOT_FOUND, f"{name} is missing from the package")
        self._send(HTTPStatus.OK, body, ctype)

    def _text(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        line = " ".join(message.split())  # one line, whatever the message held
        self._send(status, (line + "\n").encode("utf-8"), "text/plain; charset=utf-8", headers)

    def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
        headers = {**self.server.origins.cors_headers(self.headers), **(headers or {})}
        try:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            if ctype.startswith("text/html"):
                self.send_header(
                    "Content-Security-Policy",
                    "default-src 'self'; script-src 'self' 'unsafe-inline'; "
                    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
                    "connect-src 'self'; frame-ancestors 'none'",
                )
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
