"""A fake SPARQL endpoint on loopback that misbehaves on purpose (refuses, hangs, trickles, drops the connection
mid-answer, answers 5xx or HTML), and a listener that records every request (the proof that nothing was
fetched). Used by test_faults.py, test_front.py, test_safety.py and test_server.py; 127.0.0.1 only.
"""

from __future__ import annotations

import http.server
import json
import re
import threading
import time
import urllib.parse

import pytest

from perr_graph.cli import main
from perr_graph.remote import retry
from perr_graph.remote.retry import Retry

#: the real policy (3 attempts, exponential backoff) with delays of 10 ms, 20 ms
FAST = Retry(attempts=3, delay=0.01, factor=2.0)

ONE_ROW = json.dumps(
    {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "42"}}]}}
).encode()


class _FakeHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""  # read it all: closing with unread data sends a RST
        server = self.server
        with server.lock:
            server.hits.append((self.command, self.path, body))
            n = len(server.hits)
        action = server.plan(self, n, body)
        action(self)

    do_GET = do_POST = do_PUT = _any

    def log_message(self, *args):
        pass


class Fake(http.server.ThreadingHTTPServer):
    """``plan(handler, n, body) -> action``; an action writes (or does not write) the answer."""

    daemon_threads = True

    def __init__(self, plan, port: int = 0):
        super().__init__(("127.0.0.1", port), _FakeHandler)
        self.plan = plan
        self.hits: list[tuple[str, str, bytes]] = []
        self.lock = threading.Lock()
        self.release = threading.Event()  # ends the hangs at teardown
        self.thread = threading.Thread(target=self.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sparql"

    def stop(self) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()
        self.thread.join(5)


def answer(status=200, body=ONE_ROW, ctype="application/sparql-results+json"):
    def act(h):
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return act


def hang(h):
    """Say nothing until the test is over."""
    h.server.release.wait(30)
    h.close_connection = True


def close(h):
    """Close the connection without a word."""
    h.close_connection = True


def drop(h):
    """Start a correct answer and close the connection halfway through it."""
    h.send_response(200)
    h.send_header("Content-Type", "application/sparql-results+json")
    h.send_header("Content-Length", str(len(ONE_ROW)))
    h.end_headers()
    h.wfile.write(ONE_ROW[: len(ONE_ROW) // 2])
    h.wfile.flush()
    h.close_connection = True


def trickle(h):
    """A correct answer, one byte every 50 ms."""
    h.send_response(200)
    h.send_header("Content-Type", "application/sparql-results+json")
    h.send_header("Content-Length", str(len(ONE_ROW)))
    h.end_headers()
    for byte in ONE_ROW:
        if h.server.release.wait(0.05):
            break
        try:
            h.wfile.write(bytes([byte]))
            h.wfile.flush()
        except OSError:
            break
    h.close_connection = True


def script(*actions):
    """The n-th request gets the n-th action; the last one repeats."""
    return lambda h, n, body: actions[min(n, len(actions)) - 1]


@pytest.fixture()
def fake():
    made = []

    def make(plan, port: int = 0) -> Fake:
        server = Fake(plan, port)
        made.append(server)
        return server

    yield make
    for server in made:
        server.stop()


class GraphStore:
    """A fake Graph Store (``/store``, ``/query``) that keeps triple counts, and fails where it is told to."""

    def __init__(self, put_fault=None, count_fault=None, miscount=None):
        self.put_fault = (
            put_fault or {}
        )  # graph -> action answering its PUT, or a list: one per attempt, then OK
        self.count_fault = count_fault or {}  # graph -> action answering its COUNT
        self.miscount = miscount or {}  # graph -> triples lost
        self.graphs: dict[str, int] = {}

    def __call__(self, h, n, body):
        url = urllib.parse.urlsplit(h.path)
        if h.command == "PUT" and url.path == "/store":
            graph = urllib.parse.parse_qs(url.query)["graph"][0]
            fault = self.put_fault.get(graph)
            if isinstance(fault, list) and fault:
                return fault.pop(0)
            if fault and not isinstance(fault, list):
                return fault
            self.graphs[graph] = body.count(b"\n") - self.miscount.get(graph, 0)
            return answer(204, b"", "text/plain")
        if h.command == "POST" and url.path == "/query":
            text = urllib.parse.parse_qs(body.decode())["query"][0]
            graph = re.search(r"GRAPH <([^>]+)>", text).group(1)
            if graph in self.count_fault:
                return self.count_fault[graph]
            value = str(self.graphs.get(graph, 0))
            return answer(
                200,
                json.dumps(
                    {
                        "head": {"vars": ["n"]},
                        "results": {
                            "bindings": [
                                {
                                    "n": {
                                        "type": "literal",
                                        "value": value,
                                        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                                    }
                                }
                            ]
                        },
                    }
                ).encode(),
            )
        return answer(404, b"not here\n", "text/plain")


@pytest.fixture()
def fast_retries(monkeypatch):
    """Remote calls retry as :data:`FAST` says."""
    monkeypatch.setattr(retry, "RETRY", FAST)


@pytest.fixture()
def rq(tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("SELECT ?n WHERE { BIND(42 AS ?n) }\n", encoding="utf-8")
    return f


def run_query(capsys, rq, url, *extra):
    started = time.monotonic()
    code = main(["query", str(rq), "--endpoint", url, "--format", "csv", *extra])
    out, err = capsys.readouterr()
    return code, out, err, time.monotonic() - started


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("perr "), err
    return err.strip()


class Recorder(http.server.ThreadingHTTPServer):
    """A listener on loopback that records every connection made to it and every request, and answers each with
    empty SPARQL results: the proof that nothing was fetched (``contacts == 0``)."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _RecorderHandler)
        self.contacts = 0
        self.hits: list[tuple[str, str]] = []
        self.thread = threading.Thread(target=self.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def verify_request(self, request, client_address) -> bool:
        self.contacts += 1
        return True

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self.thread.join(5)


class _RecorderHandler(http.server.BaseHTTPRequestHandler):
    def _hit(self):
        self.server.hits.append((self.command, self.path))
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"fetched"}}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _hit

    def log_message(self, *args):
        pass


@pytest.fixture()
def recorder():
    """A :class:`Recorder`, stopped at the end of the test."""
    server = Recorder()
    yield server
    server.stop()
