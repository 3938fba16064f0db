"""Faults of remote endpoints and graph stores: clear errors, bounded retries, nothing lost.

* ``perr query --endpoint`` against a fake endpoint on loopback that misbehaves on purpose: refuses, hangs past
  the time limit, answers 5xx then succeeds (retried), answers 4xx or HTML (not retried), closes the connection
  before or in the middle of its answer. Every failure is one line naming the URL; retries are bounded in
  number and in time (the delays are injected, nothing sleeps long).
* ``perr load`` against a fake Graph Store that refuses one graph or miscounts one: the others still load, the
  summary says which failed, exit 2.
* The real Oxigraph server: a PUT whose body is cut short (the connection dropped, the server killed) changes
  nothing; ``perr load`` with Oxigraph killed in the middle says which graphs made it, and they did.

The ``perr serve`` front's own faults are in test_front.py. Every server here listens on 127.0.0.1 only and is
stopped by its fixture.
"""

from __future__ import annotations

import re
import socket
import threading
import time
import urllib.parse

import pytest

from perr_graph.cli import main
from perr_graph.errors import EndpointError
from perr_graph.remote import graphstore
from perr_graph.remote.endpoint import remote_query
from perr_graph.remote.retry import Retry
from support import fakes, servers
from support.fakes import GraphStore, answer, close, drop, hang, one_line, run_query, script, trickle
from support.servers import ReadWriteOxigraph, closed_port, graph_count
from support.servers import http as fetch

oxigraph_rw = servers.oxigraph_rw  # the fixtures
fake, rq, fast_retries = fakes.fake, fakes.rq, fakes.fast_retries
pytestmark = pytest.mark.usefixtures("fast_retries")


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


def put(server: ReadWriteOxigraph, data: bytes) -> int:
    status, _, _ = fetch(
        f"{server.store_url}?graph={urllib.parse.quote(G, safe='')}",
        data,
        {"Content-Type": "application/n-triples"},
        method="PUT",
    )
    return status


def tags(server: ReadWriteOxigraph) -> dict[str, int]:
    """How many triples of each tag (old, new) the graph holds."""
    r = remote_query(
        server.query_url,
        f"""SELECT ?tag (COUNT(*) AS ?n) WHERE {{ GRAPH <{G}> {{ ?s ?p ?o }}
        BIND(STRBEFORE(STR(?o), " ") AS ?tag) }} GROUP BY ?tag""",
        policy=graphstore._any_graph_policy(),
    )
    return {row[0].value: int(row[1].value) for row in r.rows}


def send_part(server: ReadWriteOxigraph, body: bytes, cut: int, *, chunked: bool = False) -> socket.socket:
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
    server = ReadWriteOxigraph(location=db).start()
    try:
        assert put(server, OLD) in (201, 204)
        s = send_part(server, NEW, AT_A_LINE)
        time.sleep(0.2)
        server.process.kill()
        server.process.wait(10)
        s.close()
    finally:
        server.stop()
    with ReadWriteOxigraph(location=db) as again:
        assert tags(again) == {"old": 1000}


def test_load_with_oxigraph_killed_mid_load(capsys, monkeypatch, tmp_path, dataset_nq, store):
    """Oxigraph is killed right after the third graph's PUT: the summary says which graphs made it (two loaded
    and verified, the third sent but not verified, the rest not attempted), and after a restart on the same
    folder those graphs hold exactly their content and the others nothing."""
    import pyoxigraph as ox

    from perr_graph.sparql.output import compact
    from perr_graph.store import graph_names

    db = tmp_path / "db"
    server = ReadWriteOxigraph(location=db).start()
    real_put, done = graphstore.put_graph, []

    def put_then_kill(*args, **kwargs):
        real_put(*args, **kwargs)
        done.append(args[1])
        if len(done) == 3:
            server.process.kill()
            server.process.wait(10)

    monkeypatch.setattr(graphstore, "put_graph", put_then_kill)
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
    with ReadWriteOxigraph(location=db) as again:
        for g in graphs[:3]:
            assert graph_count(again, g) == expected[g], g
        for g in graphs[3:]:
            assert graph_count(again, g) == 0, g
