"""The checking front of ``perr serve``: the HTTP server people and programs talk to.

It serves the query page (``perr_graph/serve/static/index.html``: no CDN, works offline), the query library as
JSON, and a SPARQL 1.1 Protocol endpoint (section 2.1, "query operation") at ``/sparql`` (alias ``/query``) that
checks every query with :func:`perr_graph.sparql.safety.check_query` before the engine sees it, refuses updates
(``/update``, the ``update`` parameter, ``application/sparql-update``, PUT/DELETE), forwards the rest to the
engine's ``/query`` with a timeout, and cuts off answers past a size cap.
"""

from __future__ import annotations

import collections
import http.client
import json
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from perr_graph.remote.endpoint import OXIGRAPH_CANCELLED

STATIC = Path(__file__).resolve().parent / "static"


#: queries forwarded to Oxigraph at the same time, at most (each holds up to ``max_bytes`` of answer in memory)
MAX_CONCURRENT = 16

#: how long a query waits for one of those places before the front answers 503 (busy)
QUEUE_WAIT = 5.0

#: verdicts of the safety check remembered (distinct query texts of at most ``CHECK_CACHE_TEXT`` characters)
CHECK_CACHE, CHECK_CACHE_TEXT = 256, 20_000


class Front(ThreadingHTTPServer):
    """The HTTP front: query page, library, and the checking SPARQL endpoint.

    Bounds: each query gets ``timeout`` seconds (HTTP 504 past it) and at most ``max_bytes`` of answer (HTTP
    413); at most ``max_concurrent`` queries are forwarded and answered at once (a place is held until the
    answer is sent), a query waits ``queue_wait`` seconds for a place and is answered 503 (with ``Retry-After``)
    past it, so that answers in memory stay bounded whatever the number of clients; a client that stays silent
    for ``Handler.timeout`` seconds (sending its request, or reading its answer) is disconnected."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address,
        upstream_query_url: str,
        graphs: frozenset[str],
        *,
        timeout: float = 30.0,
        max_bytes: int = 5_000_000,
        queries_dir: Path | None = None,
        max_concurrent: int = MAX_CONCURRENT,
        queue_wait: float = QUEUE_WAIT,
    ):
        super().__init__(address, Handler)
        from perr_graph.inputs import paths
        from perr_graph.sparql.safety import Policy

        self.upstream = upstream_query_url
        self.policy = Policy(graphs=graphs)
        self.query_timeout = timeout
        self.max_bytes = max_bytes
        self.queries_dir = queries_dir or paths.QUERIES
        self.slots = threading.BoundedSemaphore(max_concurrent)
        self.queue_wait = queue_wait
        self._verdicts: collections.OrderedDict[str, tuple[bool, str]] = collections.OrderedDict()
        self._verdicts_lock = threading.Lock()

    def check(self, text: str) -> str:
        """The text to forward for ``text`` (:func:`~perr_graph.sparql.safety.check_query` with the front's
        policy), or QueryError. The check is a function of the text alone and parsing a library query takes tens
        of milliseconds, so the verdicts on the last :data:`CHECK_CACHE` distinct texts are remembered, refusals
        as well as passes."""
        from perr_graph.errors import QueryError
        from perr_graph.sparql.safety import check_query

        with self._verdicts_lock:
            verdict = self._verdicts.get(text)
            if verdict is not None:
                self._verdicts.move_to_end(text)
        if verdict is None:
            try:
                verdict = (True, check_query(text, self.policy, None).text)
            except QueryError as exc:
                verdict = (False, str(exc))
            if len(text) <= CHECK_CACHE_TEXT:
                with self._verdicts_lock:
                    self._verdicts[text] = verdict
                    while len(self._verdicts) > CHECK_CACHE:
                        self._verdicts.popitem(last=False)
        passed, value = verdict
        if not passed:
            raise QueryError(value)
        return value

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}"


class Handler(BaseHTTPRequestHandler):
    server: Front
    server_version = "perr-graph"
    protocol_version = "HTTP/1.1"
    #: seconds a client may stay silent while sending a request (or idle on a kept-alive connection)
    timeout = 30

    def log_message(self, fmt, *args) -> None:  # quiet by default; the CLI prints its own lines
        if os.environ.get("PERR_SERVE_LOG"):
            super().log_message(fmt, *args)

    # -- routing
    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if url.path in ("/", "/index.html"):
            return self._static("index.html", "text/html; charset=utf-8")
        if url.path == "/api/queries":
            return self._library()
        if url.path in ("/sparql", "/query"):
            if "update" in params:
                return self._refuse_update()
            if "query" not in params:
                return self._text(HTTPStatus.BAD_REQUEST, "missing 'query' parameter (SPARQL 1.1 Protocol)")
            return self._sparql(params)
        if url.path == "/update":
            return self._refuse_update()
        if url.path == "/favicon.ico":
            return self._send(HTTPStatus.NO_CONTENT, b"", "text/plain")
        return self._text(HTTPStatus.NOT_FOUND, f"not found: {url.path} (try / or /sparql)")

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if url.path == "/update":
            return self._refuse_update()
        if url.path not in ("/sparql", "/query"):
            return self._text(HTTPStatus.NOT_FOUND, f"not found: {url.path}")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            return self._text(HTTPStatus.BAD_REQUEST, "bad Content-Length")
        if length > 1_000_000:
            self.close_connection = True
            return self._text(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "query larger than 1 MB")
        try:
            body = self.rfile.read(length) if length else b""
        except OSError:  # silent past Handler.timeout, or gone
            body = b""
        if len(body) < length:  # the client went away (or stayed silent) in the middle of its request
            self.close_connection = True
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

    def do_PUT(self) -> None:
        self._refuse_update()

    do_DELETE = do_PATCH = do_PUT

    # -- endpoints
    def _refuse_update(self) -> None:
        self._text(HTTPStatus.FORBIDDEN, "SPARQL Update refused: this endpoint is read-only")

    def _library(self) -> None:
        from perr_graph.sparql.library import library

        items = []
        for q in library(self.server.queries_dir):
            items.append(
                {
                    "name": q.name,
                    "file": q.path.name,
                    "title": q.title,
                    "question_fr": q.question_fr,
                    "question_en": q.question_en,
                    "columns": q.columns,
                    "text": q.text,
                    "params": [
                        {"name": p.name, "kind": p.kind, "optional": p.optional, "description": p.description}
                        for p in q.params
                    ],
                }
            )
        self._send(
            HTTPStatus.OK,
            json.dumps(items, ensure_ascii=False).encode("utf-8"),
            "application/json; charset=utf-8",
        )

    def _sparql(self, params: dict[str, list[str]]) -> None:
        from perr_graph.errors import QueryError
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
        except QueryError as exc:
            return self._text(HTTPStatus.BAD_REQUEST, str(exc))
        forward = [("query", checked)]
        forward += [("default-graph-uri", g) for g in params.get("default-graph-uri", [])]
        forward += [("named-graph-uri", g) for g in params.get("named-graph-uri", [])]
        accept = self.headers.get("Accept") or "application/sparql-results+json"
        if "format" in params:  # a convenience for browsers: ?format=json|xml|csv|tsv
            accept = {
                "json": "application/sparql-results+json",
                "xml": "application/sparql-results+xml",
                "csv": "text/csv",
                "tsv": "text/tab-separated-values",
            }.get(params["format"][0], accept)
        request = urllib.request.Request(
            self.server.upstream,
            data=urllib.parse.urlencode(forward).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        )
        if not self.server.slots.acquire(timeout=self.server.queue_wait):
            return self._text(
                HTTPStatus.SERVICE_UNAVAILABLE,
                "busy: too many queries at once, try again",
                {"Retry-After": "1"},
            )
        try:  # the place is held until the answer is sent: at most max_concurrent answers in memory
            self._forward(request)
        finally:
            self.server.slots.release()

    def _forward(self, request: urllib.request.Request) -> None:
        from perr_graph.remote.endpoint import read_body

        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.server.query_timeout) as r:
                ctype = r.headers.get("Content-Type", "application/octet-stream")
                body = read_body(r, self.server.max_bytes + 1, started + self.server.query_timeout)
        except urllib.error.HTTPError as exc:
            message = exc.read(4096).decode("utf-8", "replace").strip().splitlines()
            return self._text(exc.code, f"Oxigraph: {message[0][:500] if message else exc.reason}")
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, (socket.timeout, TimeoutError)) or isinstance(
                exc, (socket.timeout, TimeoutError)
            ):
                return self._text(
                    HTTPStatus.GATEWAY_TIMEOUT,
                    f"query timed out after {self.server.query_timeout:g} s: add a LIMIT",
                )
            return self._text(HTTPStatus.BAD_GATEWAY, f"the SPARQL engine is unreachable: {reason}")
        except (
            http.client.HTTPException
        ) as exc:  # IncompleteRead: Oxigraph went away in the middle of its answer
            return self._text(
                HTTPStatus.BAD_GATEWAY, f"the SPARQL engine broke off its answer ({exc.__class__.__name__})"
            )
        if body.rstrip().endswith(OXIGRAPH_CANCELLED):
            # Oxigraph streams results: past its --timeout-s it ends an already started 200 answer with this line
            return self._text(
                HTTPStatus.GATEWAY_TIMEOUT,
                f"query timed out after {self.server.query_timeout:g} s: add a LIMIT",
            )
        if len(body) > self.server.max_bytes:
            return self._text(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"result larger than {self.server.max_bytes} bytes: add a LIMIT",
            )
        self._send(HTTPStatus.OK, body, ctype)

    def _bind(self, text: str, params: dict[str, list[str]]) -> str:
        """``library=NAME`` with ``param.NAME=value`` fields: bind that library query's parameters (as typed in
        its header) into ``text`` by a VALUES block. Empty values are left unbound."""
        given = {k[len("param.") :]: v[0] for k, v in params.items() if k.startswith("param.") and v and v[0]}
        if not given:
            return text
        from perr_graph.errors import QueryError
        from perr_graph.sparql.lex import inject_values
        from perr_graph.sparql.library import find, terms

        name = (params.get("library") or [""])[0]
        if not name:
            raise QueryError("parameters need 'library' (the library query whose header types them)")
        q = find(name, self.server.queries_dir)
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
        try:
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            if ctype.startswith("text/html"):
                self.send_header(
                    "Content-Security-Policy",
                    "default-src 'self'; script-src 'self' 'unsafe-inline'; "
                    "style-src 'self' 'unsafe-inline'; connect-src 'self'",
                )
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
