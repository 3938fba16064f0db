"""The ``perr serve`` front against a fake engine: every refusal of the safety check, by every way of sending a
query, before anything is forwarded; its own bounds (time, size, concurrency, silent clients) against a
misbehaving upstream. Every server here listens on 127.0.0.1 only and is stopped by its fixture.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse

import pytest

from perr_graph.serve import checker as checker_module
from perr_graph.serve.front import Front, Handler
from support import fakes
from support.fakes import Fake, answer, drop, hang, one_line, run_query, script, trickle
from support.servers import http as fetch
from test_safety import OWN, REFUSED

fake, rq, fast_retries = fakes.fake, fakes.rq, fakes.fast_retries  # the fixtures
pytestmark = pytest.mark.usefixtures("fast_retries")


# --- the perr serve front: refusals by every route, before anything is forwarded -----------------------------------


@pytest.fixture()
def front(fake):
    """A front (the one ``perr serve`` runs) whose upstream is a fake that records what reaches it."""
    fronts = []

    def make(upstream_plan=None, **kwargs) -> tuple[Front, Fake]:
        upstream = fake(upstream_plan or script(answer()))
        f = Front(("127.0.0.1", 0), upstream.url, OWN, **{"timeout": 5, **kwargs})
        threading.Thread(target=f.serve_forever, args=(0.02,), daemon=True).start()
        fronts.append(f)
        return f, upstream

    yield make
    for f in fronts:
        f.shutdown()
        f.server_close()


def test_front_refuses_every_case_by_every_route(front, fake):
    """Each refused query of test_safety, sent by GET, by POST form and by POST application/sparql-query:
    400 with the checker's one-line message, and nothing reaches Oxigraph nor the outside."""
    f, upstream = front()
    outside = fake(script(answer()))
    for name, (text, message) in REFUSED.items():
        text = text.replace("http://example.org/", outside.url + "/").replace(
            "http://e.org/", outside.url + "/"
        )
        routes = [
            (f.url + "/sparql?" + urllib.parse.urlencode({"query": text}), None, {}),
            (
                f.url + "/query",
                urllib.parse.urlencode({"query": text}).encode(),
                {"Content-Type": "application/x-www-form-urlencoded"},
            ),
            (f.url + "/sparql", text.encode(), {"Content-Type": "application/sparql-query"}),
        ]
        for url, data, headers in routes:
            status, _, body = fetch(url, data, headers)
            assert status == 400, (name, url, status, body)
            assert body.decode().count("\n") == 1, (name, body)
            if "\\u" not in message and "syntax" not in message:
                assert message.split(" <")[0] in body.decode(), (name, body)
    assert upstream.hits == [] and outside.hits == []
    status, _, _ = fetch(f.url + "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}))
    assert status == 200 and len(upstream.hits) == 1, "an allowed query is forwarded"


def test_front_refuses_updates_and_foreign_graphs_by_every_route(front):
    f, upstream = front()
    load = "LOAD <http://example.org/x.ttl>"
    cases = [
        ("GET", "/sparql?" + urllib.parse.urlencode({"update": load}), None, {}, 403),
        ("GET", "/update?" + urllib.parse.urlencode({"update": load}), None, {}, 403),
        (
            "POST",
            "/update",
            urllib.parse.urlencode({"update": load}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
            403,
        ),
        ("POST", "/query", load.encode(), {"Content-Type": "application/sparql-update"}, 403),
        ("PUT", "/sparql?graph=x", b"<a:s> <a:p> <a:o> .", {"Content-Type": "application/n-triples"}, 403),
        ("DELETE", "/sparql?graph=x", None, {}, 403),
        ("PATCH", "/sparql", b"x", {"Content-Type": "text/plain"}, 403),
        ("POST", "/store?graph=x", b"<a:s> <a:p> <a:o> .", {"Content-Type": "application/n-triples"}, 404),
        (
            "GET",
            "/sparql?"
            + urllib.parse.urlencode(
                {
                    "query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
                    "named-graph-uri": "http://example.org/x",
                }
            ),
            None,
            {},
            400,
        ),
        (
            "GET",
            "/sparql?"
            + urllib.parse.urlencode(
                {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": "http://example.org/x"}
            ),
            None,
            {},
            400,
        ),
        ("POST", "/sparql", b"query=x", {"Content-Type": "text/plain"}, 415),
    ]
    for method, path, data, headers, expected in cases:
        status, _, body = fetch(f.url + path, data, headers, method=method)
        assert status == expected and body.count(b"\n") == 1, (method, path, status, body)
    assert upstream.hits == []


# --- the front's own bounds ------------------------------------------------------------------------------------------


def post(f: Front, text: str, timeout: float = 10):
    return fetch(
        f.url + "/sparql",
        urllib.parse.urlencode({"query": text}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
        timeout=timeout,
    )


def test_front_upstream_hangs_504(front):
    f, _ = front(script(hang), timeout=0.5)
    started = time.monotonic()
    status, _, body = post(f, "ASK {}")
    assert status == 504 and body == b"query timed out after 0.5 s: add a LIMIT\n"
    assert time.monotonic() - started < 3


def test_front_upstream_trickles_504(front):
    f, _ = front(script(trickle), timeout=0.4)
    started = time.monotonic()
    status, _, _ = post(f, "ASK {}")
    assert status == 504 and time.monotonic() - started < 3


def test_front_upstream_down_502(front):
    f, upstream = front()
    upstream.stop()
    status, _, body = post(f, "ASK {}")
    assert status == 502 and b"the SPARQL engine is unreachable" in body and body.count(b"\n") == 1


def test_front_upstream_drops_mid_answer_502(front):
    f, _ = front(script(drop))
    status, _, body = post(f, "ASK {}")
    assert status == 502 and b"broke off its answer" in body


def test_front_upstream_error_is_one_line(front):
    f, _ = front(script(answer(500, b"Internal error\nstack line 1\nstack line 2\n", "text/plain")))
    status, _, body = post(f, "ASK {}")
    assert status == 500 and body == b"Oxigraph: Internal error\n"


def test_front_caps_answers(front):
    big = json.dumps(
        {
            "head": {"vars": ["n"]},
            "results": {"bindings": [{"n": {"type": "literal", "value": "x" * 100}}] * 100},
        }
    ).encode()
    f, _ = front(script(answer(200, big)), max_bytes=5000)
    status, _, body = post(f, "ASK {}")
    assert status == 413 and body == b"result larger than 5000 bytes: add a LIMIT\n"


def test_front_busy_503_when_all_places_are_taken(front):
    """One place; the first query hangs upstream, the second waits 0.2 s for a place and is told to retry."""
    f, upstream = front(script(hang, answer()), timeout=3, max_concurrent=1, queue_wait=0.2)
    first = threading.Thread(target=post, args=(f, "ASK {}"), daemon=True)
    first.start()
    deadline = time.monotonic() + 5
    while not upstream.hits and time.monotonic() < deadline:
        time.sleep(0.01)
    status, _, body = post(f, "ASK {}")
    assert status == 503 and b"busy" in body
    upstream.release.set()
    first.join(10)
    status, _, _ = post(f, "ASK {}")
    assert status == 200, "the place is given back"


def test_front_silent_or_lying_clients(front, monkeypatch):
    monkeypatch.setattr(Handler, "timeout", 0.3)
    f, upstream = front()
    port = f.server_address[1]
    # announces 100 bytes, sends 10, then nothing: disconnected after the timeout, and nothing forwarded
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(
            f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/sparql-query\r\n".encode()
            + b"Content-Length: 100\r\n\r\nASK { ?s "
        )
        started = time.monotonic()
        assert s.recv(100) == b"" and time.monotonic() - started < 3
    # a Content-Length that is not a number
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(
            f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/sparql-query\r\n".encode()
            + b"Content-Length: -5\r\n\r\n"
        )
        assert s.recv(100).startswith(b"HTTP/1.1 400")
    assert upstream.hits == []
    status, _, _ = post(f, "ASK {}")
    assert status == 200, "the front still serves"


def test_front_remembers_verdicts_within_bounds(front, monkeypatch):
    """The safety verdicts are remembered per exact text (refusals too), and only for the last few texts."""
    monkeypatch.setattr(checker_module, "CACHE", 3)
    f, upstream = front()
    refused = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }"
    for _ in range(2):
        status, _, body = post(f, refused)
        assert status == 400 and b"SERVICE <http://127.0.0.1:9/x> refused" in body
    status, _, _ = post(f, refused.replace("SERVICE <http://127.0.0.1:9/x>", "GRAPH ?g"))
    assert status == 200 and len(upstream.hits) == 1, "a different text is checked anew"
    for i in range(5):
        assert post(f, f"ASK {{ BIND({i} AS ?x) }}")[0] == 200
    assert len(f.checker._verdicts) == 3
    status, _, _ = post(f, refused)
    assert status == 400 and len(upstream.hits) == 6


def test_query_through_a_front_whose_engine_is_down(capsys, rq, front):
    """perr query → perr serve's front → Oxigraph gone: the front says 502 in one line, the client retries it
    (a gateway fault is transient) and ends with one line naming the front."""
    f, upstream = front()
    upstream.stop()
    code, _, err, _ = run_query(capsys, rq, f.url + "/sparql")
    line = one_line(err)
    assert code == 2
    assert f"{f.url}/sparql answered HTTP 502 Bad Gateway: the SPARQL engine is unreachable" in line
    assert "(3 attempts in" in line
