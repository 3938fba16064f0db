"""One query's round trip from the front to the engine, and what came of it.

The engine is :class:`perr_graph.serve.oxigraph.Engine` (``perr serve``), or any SPARQL endpoint at a URL
(:class:`UrlUpstream`: the fake engines of the tests). Both hand out a connected socket per query
(``lease``) and are told how the attempt ended (``release``), which decides whether the query is sent again.
:func:`exchange` sends the SPARQL 1.1 Protocol request (section 2.1.3, "query via POST with URL-encoded
parameters") over that socket and reads the answer within the time limit and the size cap.
"""

from __future__ import annotations

import http.client
import socket
import time
import urllib.parse
from dataclasses import dataclass

from perr_graph.remote.endpoint import OXIGRAPH_CANCELLED, read_body
from perr_graph.serve.oxigraph import EngineDown


@dataclass
class Attempt:
    """How one attempt ended. ``outcome``: ``ok`` (an HTTP answer, ``status`` and ``body``), ``timeout`` (none
    within the time limit), ``cancelled`` (Oxigraph's own time limit cut it), ``too-large``, ``broken`` (the
    connection closed before the end of the answer)."""

    outcome: str
    status: int = 0
    ctype: str = ""
    body: bytes = b""
    detail: str = ""


@dataclass
class UrlLease:
    sock: socket.socket
    path: str


class UrlUpstream:
    """A SPARQL endpoint at ``url`` (``http://host:port/path``): a new connection per query, never retried."""

    def __init__(self, url: str):
        parts = urllib.parse.urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.path = parts.path or "/"

    def lease(self, quarantine: bool = False, wait: float = 5.0) -> UrlLease:
        try:
            return UrlLease(socket.create_connection((self.host, self.port), timeout=wait), self.path)
        except OSError as exc:
            raise EngineDown(exc.strerror or str(exc)) from None

    def release(self, lease: UrlLease, outcome: str) -> str:
        lease.sock.close()
        return "done"


def exchange(
    sock: socket.socket, path: str, body: bytes, accept: str, timeout: float, max_bytes: int
) -> Attempt:
    """POST ``body`` (form-encoded) to ``path`` over ``sock``; the answer, read within ``timeout`` seconds and
    ``max_bytes`` bytes."""
    deadline = time.monotonic() + timeout
    conn = http.client.HTTPConnection("127.0.0.1", timeout=timeout)
    conn.sock = sock
    sock.settimeout(timeout)
    try:
        conn.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        )
        response = conn.getresponse()
        ctype = response.headers.get("Content-Type", "application/octet-stream")
        data = read_body(response, max_bytes + 1, deadline)
    except TimeoutError:
        return Attempt("timeout")
    except (http.client.HTTPException, ConnectionError) as exc:
        # IncompleteRead, RemoteDisconnected, reset, broken pipe: the engine went away mid-answer
        return Attempt("broken", detail=exc.__class__.__name__)
    except OSError as exc:
        return Attempt("broken", detail=exc.strerror or exc.__class__.__name__)
    if data.rstrip().endswith(OXIGRAPH_CANCELLED):
        # Oxigraph streams results: past its --timeout-s it ends an already started 200 answer with this line
        return Attempt("cancelled")
    if len(data) > max_bytes:
        return Attempt("too-large")
    return Attempt("ok", response.status, ctype, data)
