"""``perr serve``: Oxigraph's SPARQL server with the dataset, behind a small checking front.

Two processes' worth of parts:

* :class:`OxigraphServer` runs the ``oxigraph`` binary from the PyPI ``oxigraph`` package on a free loopback
  port: ``oxigraph load`` into a temporary folder, then ``oxigraph serve-read-only`` (or ``serve``, read-write,
  for tests of ``perr load``). It is stopped (and its folder removed) by :meth:`OxigraphServer.stop` or on leaving
  a ``with`` block.
* :class:`Front`, a ``http.server`` on the user's port, is what people and programs talk to. It serves the query
  page (``perr_graph/static/index.html``: no CDN, works offline), the query library as JSON, and a SPARQL 1.1
  Protocol endpoint at ``/sparql`` (alias ``/query``) that checks every query with
  :func:`perr_graph.sparql.safety.check_query` before Oxigraph sees it, refuses updates (``/update``, the
  ``update`` parameter), forwards the rest to Oxigraph's ``/query`` with a timeout, and cuts off answers past a
  size cap.

Oxigraph listens on 127.0.0.1 only; the front is the documented way in.
"""

from __future__ import annotations

import collections
import contextlib
import http.client
import importlib.resources
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from perr_graph.errors import EndpointError, InputError

#: the offline query page, package data of this package (read with importlib.resources)
STATIC = Path(str(importlib.resources.files("perr_graph.serve") / "static"))

#: how Oxigraph's server ends a streamed answer cut short by its own --timeout-s (the HTTP status is already 200)
OXIGRAPH_CANCELLED = b"The SPARQL operation has been cancelled"

#: RDF file types ``oxigraph load`` reads; triples files go to the graph ``file://<absolute path>`` as in
#: :func:`perr_graph.store.load_file`
_QUAD_SUFFIXES = {".nq", ".nquads", ".trig"}


def oxigraph_binary() -> str:
    """The ``oxigraph`` executable installed with the ``oxigraph`` package (next to this Python), or on PATH."""
    here = Path(sys.executable).parent / ("oxigraph.exe" if os.name == "nt" else "oxigraph")
    if here.exists():
        return str(here)
    found = shutil.which("oxigraph")
    if not found:
        raise EndpointError("the 'oxigraph' server binary is missing: pip install oxigraph")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class OxigraphServer:
    """A real Oxigraph SPARQL server on 127.0.0.1, holding ``files``.

    ``read_only=True``: data loaded with ``oxigraph load`` then ``serve-read-only`` (queries at ``/query``).
    ``read_only=False``: an empty in-memory ``oxigraph serve`` (queries at ``/query``, updates at ``/update``,
    Graph Store at ``/store``), for ``perr load`` and its tests; with ``location``, a store kept on disk in that
    folder (which :meth:`stop` leaves in place), so that a server can be stopped and started again on it.
    """

    def __init__(
        self,
        files: list[Path] | None = None,
        *,
        read_only: bool = True,
        port: int | None = None,
        timeout_s: float = 30.0,
        startup_timeout: float = 30.0,
        location: Path | None = None,
    ):
        if location is not None and read_only:
            raise ValueError(
                "location is for a read-write server (read-only ones load into a folder of their own)"
            )
        self.files = [Path(f) for f in files or []]
        self.read_only = read_only
        self.port = port
        self.timeout_s = timeout_s
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen | None = None
        self.keep = Path(location) if location is not None else None
        self.location: str | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    @property
    def store_url(self) -> str:
        return self.url + "/store"

    def __enter__(self) -> OxigraphServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> OxigraphServer:
        binary = oxigraph_binary()
        self.location = str(self.keep) if self.keep else tempfile.mkdtemp(prefix="perr-oxigraph-")
        self._log = tempfile.TemporaryFile(prefix="perr-oxigraph-log-")  # noqa: SIM115 - kept open for the server's lifetime, closed in stop()
        try:
            if self.read_only:
                self._load(binary)
            fixed = self.port
            for _attempt in range(3):  # a free port can be taken between probing and binding: try again
                self.port = fixed or free_port()
                cmd = [
                    binary,
                    "serve-read-only" if self.read_only else "serve",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--timeout-s",
                    str(max(1, round(self.timeout_s))),
                ]
                if self.read_only or self.keep:
                    cmd += ["--location", self.location]
                self.process = subprocess.Popen(
                    cmd,
                    stdin=subprocess.DEVNULL,
                    stdout=self._log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
                if self._wait_ready():
                    return self
                self._terminate()
                if fixed:
                    break
            raise EndpointError(f"Oxigraph did not start: {self._tail()}")
        except BaseException:
            self.stop()
            raise

    def _load(self, binary: str) -> None:
        for f in self.files:
            if not f.exists():
                raise InputError("file not found", f)
            from perr_graph.store import FORMATS

            media = FORMATS.get(f.suffix.lower())
            if media is None:
                raise InputError(
                    f"unknown RDF file type {f.suffix!r} (use .ttl, .trig, .nt, .nq, .jsonld, .rdf)", f
                )
            cmd = [binary, "load", "--location", self.location, "--file", str(f), "--format", media]
            if f.suffix.lower() not in _QUAD_SUFFIXES:
                cmd += ["--graph", f"file://{f.resolve()}"]
            done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
            if done.returncode != 0:
                msg = (done.stderr or done.stdout).strip().splitlines()
                raise InputError(f"oxigraph load failed: {msg[-1] if msg else done.returncode}", f)

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + self.startup_timeout
        probe = self.query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(probe, timeout=2) as r:
                    r.read()
                    return True
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        return False

    def _tail(self) -> str:
        if self._log is None:
            return "no output"
        self._log.seek(0)
        lines = self._log.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else "no output"

    def _terminate(self) -> None:
        p, self.process = self.process, None
        if p is None or p.poll() is not None:
            return
        p.terminate()
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=5)

    def stop(self) -> None:
        self._terminate()
        if self._log is not None:
            self._log.close()
            self._log = None
        if self.location and not self.keep:
            shutil.rmtree(self.location, ignore_errors=True)
        self.location = None


# --- the front --------------------------------------------------------------------------------------------------

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
        queries_dir: Path | Sequence[Path] | None = None,
        max_concurrent: int = MAX_CONCURRENT,
        queue_wait: float = QUEUE_WAIT,
    ):
        super().__init__(address, Handler)
        from perr_graph.sparql.safety import Policy

        self.upstream = upstream_query_url
        self.policy = Policy(graphs=graphs)
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.queries_dir = queries_dir  # None: the bundled library
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
        return f"http://{host}:{port}"


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
            with urllib.request.urlopen(request, timeout=self.server.timeout) as r:
                ctype = r.headers.get("Content-Type", "application/octet-stream")
                body = read_body(r, self.server.max_bytes + 1, started + self.server.timeout)
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
                    f"query timed out after {self.server.timeout:g} s: add a LIMIT",
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
                HTTPStatus.GATEWAY_TIMEOUT, f"query timed out after {self.server.timeout:g} s: add a LIMIT"
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


# --- perr serve --------------------------------------------------------------------------------------------------


class Service:
    """Oxigraph + front, started together and stopped together (``with Service(...) as s: s.url``)."""

    def __init__(
        self,
        files: list[Path],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        timeout: float = 30.0,
        max_bytes: int = 5_000_000,
        queries: Sequence[Path] | None = None,
    ):
        self.files = files
        self.queries = queries
        self.host, self.port = host, port
        self.timeout, self.max_bytes = timeout, max_bytes
        self.oxigraph: OxigraphServer | None = None
        self.front: Front | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.front.url

    def __enter__(self) -> Service:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> Service:
        from perr_graph.store import graph_names, open_store

        store = open_store(self.files)  # its graph names are the FROM allow-list
        graphs = frozenset(graph_names(store))
        del store
        self.oxigraph = OxigraphServer(self.files, read_only=True, timeout_s=self.timeout).start()
        try:
            self.front = Front(
                (self.host, self.port),
                self.oxigraph.query_url,
                graphs,
                timeout=self.timeout + 2,
                max_bytes=self.max_bytes,
                queries_dir=self.queries,
            )
        except OSError as exc:
            self.oxigraph.stop()
            raise EndpointError(f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}") from None
        return self

    def serve_in_thread(self) -> Service:
        self._thread = threading.Thread(target=self.front.serve_forever, name="perr-front", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self.front is not None:
            if self._thread is not None:
                self.front.shutdown()
                self._thread.join(5)
            self.front.server_close()
            self.front = None
        if self.oxigraph is not None:
            self.oxigraph.stop()
            self.oxigraph = None


__all__ = ["Front", "OxigraphServer", "Service", "free_port", "oxigraph_binary"]
