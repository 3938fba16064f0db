"""Faults of remote endpoints, and the limits of the served one: clear errors, nothing lost, nobody in.

* ``perr query --endpoint`` against a fake endpoint on loopback that misbehaves on purpose: refuses, hangs past
  the time limit, answers 5xx then succeeds (retried), answers 4xx or HTML (not retried), closes the connection
  before or in the middle of its answer. Every failure is one line naming the URL; retries are bounded in
  number and in time (the delays are injected, nothing sleeps long).
* ``perr load`` against a fake Graph Store that refuses one graph or miscounts one: the others still load, the
  summary says which failed, exit 2.
* The real Oxigraph server: a PUT whose body is cut short (the connection dropped, the server killed) changes
  nothing; ``perr load`` with Oxigraph killed in the middle says which graphs made it, and they did.
* The ``perr serve`` front: every refusal of the safety check, by every way of sending a query, before anything
  is forwarded; its own bounds (time, size, concurrency, silent clients) against a misbehaving upstream.

Every server here listens on 127.0.0.1 only and is stopped by its fixture.
"""

from __future__ import annotations

import http.server
import json
import re
import socket
import threading
import time
import urllib.parse

import pytest

from perr_graph.cli import main
from perr_graph.errors import EndpointError
from perr_graph.remote import endpoint
from perr_graph.remote.endpoint import Retry, remote_query
from perr_graph.serve.server import Front, Handler, OxigraphServer
from support import servers
from support.servers import closed_port, graph_count
from support.servers import http as fetch
from test_safety import OWN, REFUSED

oxigraph_rw = servers.oxigraph_rw  # the fixture

FAST = Retry(attempts=3, delay=0.01, factor=2.0)

ONE_ROW = json.dumps(
    {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "42"}}]}}
).encode()


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch):
    """The real policy (3 attempts, exponential backoff) with delays of 10 ms, 20 ms."""
    monkeypatch.setattr(endpoint, "RETRY", FAST)


# --- a fake endpoint that misbehaves on purpose ----------------------------------------------------------------


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


# --- perr query --endpoint ----------------------------------------------------------------------------------------


def test_refused_connection_is_retried_then_one_line(capsys, rq):
    url = f"http://127.0.0.1:{closed_port()}/sparql"
    code, out, err, took = run_query(capsys, rq, url)
    assert code == 2 and out == ""
    assert f"{rq}: cannot reach {url}: connection refused (3 attempts in" in one_line(err)
    assert took < 5


def test_refused_then_listening_succeeds(fake):
    """The endpoint comes up during the backoff: the second attempt gets the answer."""
    port = closed_port()
    waits = []

    def start_it(seconds):
        waits.append(seconds)
        fake(script(answer()), port)

    result = remote_query(
        f"http://127.0.0.1:{port}/sparql",
        "SELECT ?n WHERE { BIND(42 AS ?n) }",
        retry=Retry(delay=0.25, sleep=start_it),
    )
    assert waits == [0.25] and result.rows[0][0].value == "42"


def test_hang_past_the_timeout(capsys, rq, fake):
    server = fake(script(hang))
    code, _, err, took = run_query(capsys, rq, server.url, "--timeout", "0.3")
    line = one_line(err)
    assert code == 2 and f"{server.url} did not answer within 0.3 s (--timeout)" in line
    # each attempt gets 0.3 s at most, and all of them 2 × 0.3 s: two attempts fit, not three
    assert "(2 attempts in" in line and len(server.hits) == 2
    assert 0.55 < took < 2.5


def test_trickling_answer_is_stopped_at_the_timeout(capsys, rq, fake):
    server = fake(script(trickle))
    code, _, err, took = run_query(capsys, rq, server.url, "--timeout", "0.4")
    assert code == 2 and "did not answer within 0.4 s" in one_line(err)
    assert took < 2.5


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_then_success_is_retried(capsys, rq, fake, status):
    server = fake(script(answer(status, b"busy, come back later\n", "text/plain"), answer()))
    code, out, err, _ = run_query(capsys, rq, server.url)
    assert code == 0 and out.splitlines() == ["n", "42"] and err == ""
    assert len(server.hits) == 2


def test_backoff_is_exponential_and_bounded(fake):
    server = fake(script(answer(503, b"overloaded\n", "text/plain")))
    waits = []
    with pytest.raises(EndpointError) as err:
        remote_query(server.url, "ASK {}", retry=Retry(attempts=3, delay=0.5, factor=2.0, sleep=waits.append))
    assert waits == [0.5, 1.0] and len(server.hits) == 3
    assert str(err.value).startswith(
        f"{server.url} answered HTTP 503 Service Unavailable: overloaded (3 attempts"
    )
    # the total time bound stops the retries before the number of attempts does: after waiting 1 s then 2 s,
    # the next wait (4 s) would end past 5 s after the start (a clock that only the waits move)
    now = [0.0]

    def wait(seconds):
        waits.append(seconds)
        now[0] += seconds

    waits.clear()
    server.hits.clear()
    with pytest.raises(EndpointError) as err:
        remote_query(
            server.url,
            "ASK {}",
            retry=Retry(attempts=10, delay=1.0, factor=2.0, total=5.0, sleep=wait, clock=lambda: now[0]),
        )
    assert waits == [1.0, 2.0] and len(server.hits) == 3 and "(3 attempts in 3.0 s)" in str(err.value)


@pytest.mark.parametrize(
    "status,phrase",
    [
        (400, "Bad Request"),
        (401, "Unauthorized"),
        (404, "Not Found"),
        (405, "Method Not Allowed"),
        (429, "Too Many Requests"),
    ],
)
def test_4xx_is_not_retried(capsys, rq, fake, status, phrase):
    server = fake(script(answer(status, b"Parser error at line 1\nmore detail\n", "text/plain")))
    code, _, err, _ = run_query(capsys, rq, server.url)
    line = one_line(err)
    assert code == 2 and len(server.hits) == 1
    assert f"{server.url} refused the query: HTTP {status} {phrase}: Parser error at line 1" in line


def test_html_instead_of_results_is_not_retried(capsys, rq, fake):
    page = b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Proxy login</body></html>\n"
    server = fake(script(answer(200, page, "text/html; charset=utf-8")))
    code, out, err, _ = run_query(capsys, rq, server.url)
    line = one_line(err)
    assert code == 2 and out == "" and len(server.hits) == 1
    assert f"{server.url} answered text/html, not SPARQL JSON results: <!DOCTYPE html>" in line


def test_malformed_json_is_not_retried(capsys, rq, fake):
    server = fake(
        script(answer(200, b'{"head": {"vars": ["n"]}, "results": ', "application/sparql-results+json"))
    )
    code, _, err, _ = run_query(capsys, rq, server.url)
    assert code == 2 and len(server.hits) == 1
    assert "answered application/sparql-results+json, not SPARQL JSON results" in one_line(err)


def test_connection_dropped_mid_answer(capsys, rq, fake):
    server = fake(script(drop))
    code, _, err, _ = run_query(capsys, rq, server.url)
    line = one_line(err)
    assert code == 2 and len(server.hits) == 3
    assert f"{server.url} closed the connection in the middle of its answer" in line and "(3 attempts" in line
    # once only: the retry gets the whole answer
    server = fake(script(drop, answer()))
    code, out, err, _ = run_query(capsys, rq, server.url)
    assert code == 0 and out.splitlines() == ["n", "42"] and len(server.hits) == 2


def test_connection_closed_before_answering(capsys, rq, fake):
    server = fake(script(close))
    code, _, err, _ = run_query(capsys, rq, server.url)
    assert code == 2 and len(server.hits) == 3
    assert f"{server.url} closed the connection before answering (3 attempts" in one_line(err)


def test_not_an_http_server(capsys, rq):
    """Something that answers in another protocol: one line, no retry."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []

    def serve():
        conn, _ = listener.accept()
        accepted.append(conn)
        conn.recv(65536)
        conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
        conn.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        code, _, err, _ = run_query(
            capsys, rq, f"http://127.0.0.1:{listener.getsockname()[1]}/sparql", "--timeout", "3"
        )
    finally:
        listener.close()
        t.join(5)
    assert code == 2 and "did not answer in HTTP" in one_line(err) and len(accepted) == 1


# --- perr load against a fake Graph Store ----------------------------------------------------------------------------

GRAPHS = [f"http://example.org/graph/{name}" for name in ("a", "b", "c", "d")]


@pytest.fixture()
def small_dataset(tmp_path):
    """Four named graphs of 3, 4, 5 and 6 triples."""
    lines = []
    for i, g in enumerate(GRAPHS):
        for j in range(3 + i):
            lines.append(f'<http://example.org/s{j}> <http://example.org/p> "{g} {j}" <{g}> .')
    f = tmp_path / "small.nq"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f


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


def run_load(capsys, url, data, *extra):
    code = main(["load", "--endpoint", url, "--data", str(data), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def result_column(out: str) -> dict[str, str]:
    """graph -> result, from the summary table."""
    rows = {}
    for line in out.splitlines()[2:]:
        m = re.match(r"(\S+)\s+(\d+)\s+(\d+)?\s+(.*)$", line)
        if m:
            rows[m.group(1)] = m.group(4).strip()
    return rows


def test_load_one_graph_refused_the_others_still_load(capsys, fake, small_dataset):
    store = GraphStore(put_fault={GRAPHS[1]: answer(503, b"disk full\n", "text/plain")})
    server = fake(store)
    root = server.url.rsplit("/", 1)[0]
    code, out, err = run_load(capsys, root, small_dataset)
    results = result_column(out)
    assert code == 2
    assert store.graphs == {GRAPHS[0]: 3, GRAPHS[2]: 5, GRAPHS[3]: 6}
    assert results[GRAPHS[0]] == results[GRAPHS[2]] == results[GRAPHS[3]] == "loaded and verified"
    assert results[GRAPHS[1]].startswith(
        f"failed: {root}/store failed to store the graph <{GRAPHS[1]}>: "
        "HTTP 503 Service Unavailable: disk full (3 attempts"
    )
    puts = [h for h in server.hits if h[0] == "PUT" and "%2Fb" in h[1]]
    assert len(puts) == 3, "a 503 is retried"
    last = err.strip().splitlines()[-1]
    assert last.startswith(
        f"perr load: 1 of 4 graphs not loaded into {root} (1 failed, 0 not attempted; "
        f"3 loaded and verified): {GRAPHS[1]}: "
    )


def test_load_retries_a_dropped_put(capsys, fake, small_dataset):
    """The connection to the store drops during one PUT, then 502 from a proxy: the third attempt loads it."""
    store = GraphStore(put_fault={GRAPHS[2]: [close, answer(502, b"<html>Bad Gateway</html>", "text/html")]})
    server = fake(store)
    code, out, err = run_load(capsys, server.url.rsplit("/", 1)[0], small_dataset)
    assert code == 0, err
    assert set(result_column(out).values()) == {"loaded and verified"}
    assert store.graphs == {GRAPHS[0]: 3, GRAPHS[1]: 4, GRAPHS[2]: 5, GRAPHS[3]: 6}
    assert len([h for h in server.hits if h[0] == "PUT" and h[1].endswith("%2Fc")]) == 3
    assert "loaded 4 graphs, 18 triples" in out


def test_load_4xx_is_not_retried_and_a_miscount_fails(capsys, fake, small_dataset):
    store = GraphStore(
        put_fault={GRAPHS[0]: answer(413, b"too large\n", "text/plain")},
        miscount={GRAPHS[2]: 1},
        count_fault={GRAPHS[3]: answer(400, b"no COUNT here\n", "text/plain")},
    )
    server = fake(store)
    root = server.url.rsplit("/", 1)[0]
    code, out, err = run_load(capsys, root, small_dataset, "--quiet")
    assert code == 2 and out == ""
    line = one_line(err)
    assert "3 of 4 graphs not loaded" in line and "(3 failed, 0 not attempted; 1 loaded and verified)" in line
    assert f"refused the graph <{GRAPHS[0]}>: HTTP 413" in line
    assert len([h for h in server.hits if h[0] == "PUT" and h[1].endswith("%2Fa")]) == 1
    code, out, _ = run_load(capsys, root, small_dataset)
    results = result_column(out)
    assert results[GRAPHS[1]] == "loaded and verified"
    assert results[GRAPHS[2]] == "failed: sent 5 triples, the store holds 4"
    assert results[GRAPHS[3]] == (
        f"failed: sent, but not verified: {root}/query refused the query: HTTP 400 Bad Request: no COUNT here"
    )


def test_load_store_gone_mid_load_the_rest_is_not_attempted(capsys, fake, small_dataset):
    """The store answers two graphs, then drops every connection: the third fails, the fourth is not sent."""
    store = GraphStore()

    def plan(h, n, body):
        return close if len(store.graphs) >= 2 and h.command == "PUT" else store(h, n, body)

    server = fake(plan)
    root = server.url.rsplit("/", 1)[0]
    code, out, err = run_load(capsys, root, small_dataset)
    results = result_column(out)
    assert code == 2
    assert [results[g] for g in GRAPHS[:2]] == ["loaded and verified"] * 2
    assert results[GRAPHS[2]].startswith(
        f"failed: {root}/store closed the connection (PUT <{GRAPHS[2]}>) before answering (3 attempts"
    )
    assert results[GRAPHS[3]] == "not attempted"
    assert not any(h[1].endswith("%2Fd") for h in server.hits), "nothing sent after the store went away"
    assert "(1 failed, 1 not attempted; 2 loaded and verified)" in err.strip().splitlines()[-1]


# --- the real Oxigraph: a PUT is all or nothing ------------------------------------------------------------------

G = "http://example.org/graph/atomic"


def ntriples(tag: str, n: int) -> bytes:
    return b"".join(
        f'<http://example.org/{tag}/{i}> <http://example.org/p> "{tag} {i}" .\n'.encode() for i in range(n)
    )


def put(server: OxigraphServer, data: bytes) -> int:
    status, _, _ = fetch(
        f"{server.store_url}?graph={urllib.parse.quote(G, safe='')}",
        data,
        {"Content-Type": "application/n-triples"},
        method="PUT",
    )
    return status


def tags(server: OxigraphServer) -> dict[str, int]:
    """How many triples of each tag (old, new) the graph holds."""
    r = remote_query(
        server.query_url,
        f"""SELECT ?tag (COUNT(*) AS ?n) WHERE {{ GRAPH <{G}> {{ ?s ?p ?o }}
        BIND(STRBEFORE(STR(?o), " ") AS ?tag) }} GROUP BY ?tag""",
        policy=endpoint._any_graph_policy(),
    )
    return {row[0].value: int(row[1].value) for row in r.rows}


def send_part(server: OxigraphServer, body: bytes, cut: int, *, chunked: bool = False) -> socket.socket:
    """Open a PUT of ``body`` to G and send its first ``cut`` bytes only; the socket stays open."""
    head = (
        f"PUT /store?graph={urllib.parse.quote(G, safe='')} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/n-triples\r\n"
    )
    head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {len(body)}\r\n\r\n"
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    s.sendall(head.encode())
    part = body[:cut]
    s.sendall(f"{len(part):x}\r\n".encode() + part + b"\r\n" if chunked else part)
    return s


OLD, NEW = ntriples("old", 1000), ntriples("new", 50_000)
AT_A_LINE = NEW.index(b"\n", len(NEW) // 2) + 1  # the part sent is valid N-Triples on its own: the worst case


@pytest.mark.parametrize(
    "cut,chunked",
    [(AT_A_LINE, False), (AT_A_LINE + 17, False), (AT_A_LINE, True)],
    ids=["cut-between-triples", "cut-inside-a-triple", "chunked-without-last-chunk"],
)
def test_put_cut_short_changes_nothing(oxigraph_rw, cut, chunked):
    assert put(oxigraph_rw, OLD) in (201, 204)
    s = send_part(oxigraph_rw, NEW, cut, chunked=chunked)
    try:
        time.sleep(0.2)
        assert tags(oxigraph_rw) == {"old": 1000}, "while the body is arriving, readers see the old graph"
    finally:
        s.close()  # the connection drops in the middle of the body
    time.sleep(0.2)
    assert tags(oxigraph_rw) == {"old": 1000}, "a part of a body is never applied"
    assert put(oxigraph_rw, NEW) == 204
    assert tags(oxigraph_rw) == {"new": 50_000}, "the whole body replaces the graph"


def test_put_with_a_bad_line_changes_nothing(oxigraph_rw):
    assert put(oxigraph_rw, OLD) in (201, 204)
    bad = NEW[:AT_A_LINE] + b"this is not N-Triples\n" + NEW[AT_A_LINE:]
    assert put(oxigraph_rw, bad) == 400
    assert tags(oxigraph_rw) == {"old": 1000}


def test_oxigraph_killed_mid_put_keeps_the_old_graph(tmp_path):
    """SIGKILL while the body is arriving; started again on the same folder, the store holds the old graph."""
    db = tmp_path / "db"
    server = OxigraphServer(read_only=False, location=db).start()
    try:
        assert put(server, OLD) in (201, 204)
        s = send_part(server, NEW, AT_A_LINE)
        time.sleep(0.2)
        server.process.kill()
        server.process.wait(10)
        s.close()
    finally:
        server.stop()
    with OxigraphServer(read_only=False, location=db) as again:
        assert tags(again) == {"old": 1000}


def test_load_with_oxigraph_killed_mid_load(capsys, monkeypatch, tmp_path, dataset_nq, store):
    """Oxigraph is killed right after the third graph's PUT: the summary says which graphs made it (two loaded
    and verified, the third sent but not verified, the rest not attempted), and after a restart on the same
    folder those graphs hold exactly their content and the others nothing."""
    import pyoxigraph as ox

    from perr_graph.sparql.library import compact
    from perr_graph.store import graph_names

    db = tmp_path / "db"
    server = OxigraphServer(read_only=False, location=db).start()
    real_put, done = endpoint.put_graph, []

    def put_then_kill(*args, **kwargs):
        real_put(*args, **kwargs)
        done.append(args[1])
        if len(done) == 3:
            server.process.kill()
            server.process.wait(10)

    monkeypatch.setattr(endpoint, "put_graph", put_then_kill)
    try:
        code, out, err = run_load(capsys, server.url, dataset_nq, "--timeout", "5")
    finally:
        server.stop()
    graphs = graph_names(store)
    expected = {g: sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(g))) for g in graphs}
    results = result_column(out)
    assert code == 2 and len(graphs) > 5
    assert [results[compact(g)] for g in graphs[:2]] == ["loaded and verified"] * 2
    assert results[compact(graphs[2])].startswith(
        f"failed: sent, but not verified: cannot reach {server.url}/query: connection refused (3 attempts"
    )
    assert all(results[compact(g)] == "not attempted" for g in graphs[3:])
    assert (
        f"{len(graphs) - 2} of {len(graphs)} graphs not loaded into {server.url} "
        f"(1 failed, {len(graphs) - 3} not attempted; 2 loaded and verified)"
    ) in err.strip().splitlines()[-1]
    with OxigraphServer(read_only=False, location=db) as again:
        for g in graphs[:3]:
            assert graph_count(again, g) == expected[g], g
        for g in graphs[3:]:
            assert graph_count(again, g) == 0, g


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
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100\r\n\r\nASK { ?s "
        )
        started = time.monotonic()
        assert s.recv(100) == b"" and time.monotonic() - started < 3
    # a Content-Length that is not a number
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: -5\r\n\r\n"
        )
        assert s.recv(100).startswith(b"HTTP/1.1 400")
    assert upstream.hits == []
    status, _, _ = post(f, "ASK {}")
    assert status == 200, "the front still serves"


def test_front_remembers_verdicts_within_bounds(front, monkeypatch):
    """The safety verdicts are remembered per exact text (refusals too), and only for the last few texts."""
    from perr_graph.serve import server as server_module

    monkeypatch.setattr(server_module, "CHECK_CACHE", 3)
    f, upstream = front()
    refused = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }"
    for _ in range(2):
        status, _, body = post(f, refused)
        assert status == 400 and b"SERVICE <http://127.0.0.1:9/x> refused" in body
    status, _, _ = post(f, refused.replace("SERVICE <http://127.0.0.1:9/x>", "GRAPH ?g"))
    assert status == 200 and len(upstream.hits) == 1, "a different text is checked anew"
    for i in range(5):
        assert post(f, f"ASK {{ BIND({i} AS ?x) }}")[0] == 200
    assert len(f._verdicts) == 3
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
