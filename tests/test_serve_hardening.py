"""Issue 16 on ``perr serve``: no outbound fetch by any route, an engine no query can kill (restarted, the other
clients served), a timed-out query stopped with its CPU and memory, same-origin requests only, an engine only the
front can reach and that dies with it, ``library=`` for library names only.

Each test reproduces a failure of the issue first (noted in its docstring), then shows it fixed. Every server
listens on loopback only and is stopped by its fixture.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import urllib.parse

import pytest

from support import fakes
from support.servers import http

pytestmark = pytest.mark.server
recorder = fakes.recorder  # the fixture

LINUX = os.path.exists("/proc/self/ns/net")
BYPASS = "PREFIX : <{base}> PREFIX ex: <http://example.org/> SELECT * WHERE {{ ?s ?p ex:a.b.SERVICE:x{{}} }}"
PLUS = "SELECT * WHERE { BIND(" + "+".join(["1"] * 8000) + " AS ?x) }"  # kills Oxigraph on its default stack
CROSS = "SELECT ?a ?d WHERE { GRAPH ?g { ?a ?b ?c } GRAPH ?h { ?d ?e ?f } } ORDER BY ?c ?f ?a ?d"
COUNT = (
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s a <https://w3id.org/perr-graph/ontology#Commitment> } }"
)
HEAVY = (  # a few seconds of work: twelve million pairs counted
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/perr-graph/graph/protocol/loriol> { ?a ?b ?c } "
    "GRAPH <https://w3id.org/perr-graph/graph/protocol/voiron> { ?d ?e ?f } }"
)


@pytest.fixture(scope="module")
def service(dataset_nq):
    from perr_graph.serve.service import Service
    from support.servers import serving

    s = Service([dataset_nq], port=0, timeout=2, max_bytes=2_000_000)
    s.start()
    with serving(s):
        yield s


def routes(url: str, text: str) -> list[tuple[str, bytes | None, dict[str, str]]]:
    """Every way the SPARQL 1.1 Protocol sends a query (section 2.1): GET, POST form, POST query; /sparql and
    /query."""
    out = []
    for path in ("/sparql", "/query"):
        out.append((url + path + "?" + urllib.parse.urlencode({"query": text}), None, {}))
        out.append(
            (
                url + path,
                urllib.parse.urlencode({"query": text}).encode(),
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
        )
        out.append((url + path, text.encode(), {"Content-Type": "application/sparql-query"}))
    return out


def ask(service, text: str, **headers: str):
    return http(
        service.url + "/sparql",
        urllib.parse.urlencode({"query": text}).encode(),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json",
            **headers,
        },
        timeout=60,
    )


# --- point 1: the bypass, by every route --------------------------------------------------------------------------


def test_the_bypass_is_refused_by_every_route(service, recorder):
    """Before: GET and POST, /query and /sparql, all POSTed to the listener and joined its answer."""
    for url, data, headers in routes(service.url, BYPASS.format(base=recorder.base)):
        status, _, body = http(url, data, headers)
        assert status == 400 and body.count(b"\n") == 1, (url, status, body)
    assert recorder.contacts == 0


@pytest.mark.skipif(not LINUX, reason="network namespaces are Linux's")
def test_the_engine_has_no_network_and_no_port_on_the_host(service, recorder):
    """Second wall: Oxigraph runs in a network namespace of its own. A SERVICE sent to it directly, past the
    front and its check, cannot reach the listener; and no process of the machine can reach Oxigraph."""
    from perr_graph.serve.upstream import exchange

    engine = service.engine
    if not engine.isolation.endswith("namespace") and not engine.isolation.endswith("namespaces"):
        pytest.skip(f"this platform does not isolate the engine ({engine.isolation})")
    pid = engine.wait_ready(60).engine_pid()
    assert os.readlink(f"/proc/{pid}/ns/net") != os.readlink("/proc/self/ns/net")
    lease = engine.lease()
    body = urllib.parse.urlencode(
        {"query": f"SELECT * WHERE {{ SERVICE <{recorder.base}x> {{ ?s ?p ?o }} }}"}
    )
    attempt = exchange(lease.sock, "/query", body.encode(), "application/sparql-results+json", 10, 10_000)
    engine.release(lease, attempt.outcome)
    assert b"fetched" not in attempt.body, "the listener's answer came back"
    assert b"Connection refused" in attempt.body or attempt.status >= 400, attempt  # nothing listens in there
    assert recorder.contacts == 0


# --- point 2: limits before the engine; an engine that dies is restarted ---------------------------------------


def test_engine_killers_are_refused_before_the_engine(service):
    """Before: a 16 KB BIND(1+1+…) passed the check, Oxigraph died of a stack overflow, and every later query
    got 502 until a restart."""
    status, _, body = ask(service, PLUS)
    assert status == 400 and body.startswith(b"line 1: query refused: ") and body.count(b"\n") == 1
    status, _, body = ask(service, COUNT)
    assert status == 200, body


@pytest.fixture()
def fragile(dataset_nq):
    """A front whose limits are lifted, before an engine on Oxigraph's default stack: a killer reaches it."""
    from perr_graph.serve.front import Front
    from perr_graph.serve.oxigraph import Engine
    from perr_graph.sparql.limits import ShapeLimits

    engine = Engine([dataset_nq], timeout_s=20, stack_bytes=None).start()
    front = Front(
        ("127.0.0.1", 0),
        engine,
        frozenset(),
        timeout=22,
        limits=ShapeLimits(10**7, 10**7, 10**4, 10**6),
        check_seconds=300,
    )
    thread = threading.Thread(target=front.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield front, engine
    front.shutdown()
    thread.join(5)
    front.server_close()
    engine.stop()


@pytest.mark.slow
def test_a_query_that_kills_the_engine_is_refused_and_the_engine_restarts(fragile):
    """The killer gets one line (400), is remembered, and the engine serves the next queries; a query that was
    running beside it when the engine died is sent again and answered."""
    front, engine = fragile
    first = engine.wait_ready(60).engine_pid()
    front.check(PLUS)  # checked beforehand (a long check): now it reaches the engine at once
    bystander: dict[str, tuple] = {}

    def innocent() -> None:
        bystander["answer"] = ask(front, HEAVY)

    t = threading.Thread(target=innocent)
    t.start()
    time.sleep(0.3)
    status, _, body = ask(front, PLUS)
    t.join(60)
    assert status == 400 and b"it stopped the SPARQL engine" in body and body.count(b"\n") == 1
    assert engine.wait_ready(60).engine_pid() != first and engine.restarts >= 1
    assert bystander["answer"][0] == 200, bystander
    status, _, _ = ask(front, COUNT)
    assert status == 200
    started = time.monotonic()
    status, _, body = ask(front, PLUS)  # remembered: refused without touching the engine
    assert status == 400 and time.monotonic() - started < 1


@pytest.mark.skipif(not LINUX, reason="needs Linux /proc")
def test_an_engine_killed_mid_query_is_restarted_and_the_query_answered(service):
    """Oxigraph killed (SIGKILL) while a query runs: the query is sent again, alone, to a second engine and
    answered; a new engine takes the queries that follow."""
    engine = service.engine
    first = engine.wait_ready(60).engine_pid()
    answer: dict[str, tuple] = {}

    def long_query() -> None:
        answer["it"] = ask(
            service, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a ?b ?c } GRAPH ?h { ?d ?e ?f } }"
        )

    t = threading.Thread(target=long_query)
    t.start()
    time.sleep(0.5)
    os.kill(first, signal.SIGKILL)
    t.join(60)
    assert answer["it"][0] in (200, 504), answer  # answered again (or past its time: it is a heavy one)
    assert engine.wait_ready(60).engine_pid() not in (None, first)
    status, _, _ = ask(service, COUNT)
    assert status == 200


# --- point 5: a timed-out query is stopped in the engine, its CPU and memory freed -----------------------------


@pytest.mark.skipif(not LINUX, reason="needs Linux /proc")
def test_a_timed_out_query_is_stopped_in_the_engine(service):
    """Before: the front answered 504, but Oxigraph went on sorting the cross product (one core, 2.5 GB)."""
    from support.servers import cpu_seconds, rss_kb, wait_gone

    old = service.engine.wait_ready(60).engine_pid()
    status, _, body = ask(service, CROSS)
    assert status == 504 and b"timed out" in body
    assert wait_gone(old, 10), "the engine that ran it is gone: its CPU and memory with it"
    new = service.engine.wait_ready(60).engine_pid()
    assert new != old
    before = cpu_seconds(new)
    time.sleep(1.0)
    assert cpu_seconds(new) - before < 0.3, "nothing runs on in the new engine"
    assert rss_kb(new) < 500_000
    status, _, _ = ask(service, COUNT)
    assert status == 200


# --- point 3: same-origin only -------------------------------------------------------------------------------------


def test_foreign_hosts_and_origins_are_refused(service):
    """Before: neither Host nor Origin was checked: any web page could POST queries (no preflight for a form),
    and read answers after a DNS rebinding."""
    port = service.url.rsplit(":", 1)[1]
    text = "ASK { }"
    cases = [
        ({"Host": f"evil.example:{port}"}, 421),
        ({"Host": f"127.0.0.1:{int(port) + 1}"}, 421),
        ({"Origin": "http://evil.example"}, 403),
        ({"Origin": "null"}, 403),
        ({"Sec-Fetch-Site": "cross-site"}, 403),
        ({"Origin": f"http://127.0.0.1:{port}"}, 200),
        ({"Origin": f"http://localhost:{port}", "Host": f"localhost:{port}"}, 200),
        ({"Sec-Fetch-Site": "same-origin", "Origin": f"http://127.0.0.1:{port}"}, 200),
        ({}, 200),
    ]
    for headers, expected in cases:
        status, _, body = ask(service, text, **headers)
        assert status == expected, (headers, status, body)
        if expected != 200:
            assert body.count(b"\n") == 1 and b"refused" in body
    status, _, _ = http(service.url + "/", headers={"Host": f"rebound.example:{port}"})
    assert status == 421
    status, _, _ = http(service.url + "/sparql?" + urllib.parse.urlencode({"query": text}))
    assert status == 200


def test_cors_only_for_the_origin_given(dataset_nq):
    from perr_graph.serve.service import Service
    from support.servers import serving

    s = Service([dataset_nq], port=0, timeout=5, cors="https://example.org")
    s.start()
    with serving(s):
        status, _, _ = ask(s, "ASK {}", Origin="https://example.org")
        assert status == 200
        req_headers = {"Origin": "https://example.org", "Access-Control-Request-Method": "POST"}
        status, _, _ = http(s.url + "/sparql", method="OPTIONS", headers=req_headers)
        assert status == 204
        status, _, _ = ask(s, "ASK {}", Origin="https://other.example")
        assert status == 403
    import urllib.request

    plain = Service([dataset_nq], port=0, timeout=5)
    plain.start()
    with serving(plain):
        req = urllib.request.Request(plain.url + "/sparql?query=ASK%7B%7D")
        with urllib.request.urlopen(req, timeout=10) as r:
            assert "Access-Control-Allow-Origin" not in r.headers


# --- point 9: the engine dies with the front and leaves nothing --------------------------------------------------


@pytest.mark.skipif(not LINUX, reason="needs Linux /proc")
def test_kill_9_of_perr_serve_takes_the_engine_and_its_files_along(dataset_nq, tmp_path):
    """Before: after kill -9 of perr serve, Oxigraph kept serving unchecked queries on its port, and its copy of
    the data stayed in the temporary folder."""
    from support.servers import descendants, perr_serve, wait_gone

    env = dict(os.environ, PYTHONUNBUFFERED="1", TMPDIR=str(tmp_path))
    with perr_serve(dataset_nq, env, 120) as (proc, line):
        assert "SPARQL endpoint" in line
        engine_processes = descendants(proc.pid)
        assert len(engine_processes) >= 2, "a gate and Oxigraph"
        assert any(p.name.startswith("perr-serve-") for p in tmp_path.iterdir())
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        for pid in engine_processes:
            assert wait_gone(pid, 10), f"process {pid} outlived perr serve"
        deadline = time.monotonic() + 10
        while list(tmp_path.glob("perr-serve-*/store")) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not list(tmp_path.glob("perr-serve-*/store")), "the data copy is removed"


# --- point 10: library= takes names of the library only -----------------------------------------------------------


def test_library_parameter_opens_library_queries_only(service, tmp_path):
    """Before: library= opened any .rq path on the server (an oracle for which files exist; its header keys
    leaked in the error)."""
    outside = tmp_path / "secret.rq"
    outside.write_text("#+ password: hunter2\nSELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    for name in (str(outside), "../../../" + str(outside), "/etc/passwd.rq"):
        fields = urllib.parse.urlencode(
            {"query": "SELECT ?x WHERE { }", "library": name, "param.x": "1"}
        ).encode()
        status, _, body = http(
            service.url + "/sparql", fields, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert status == 400 and b"no query named" in body and b"password" not in body, (name, body)
    fields = urllib.parse.urlencode(
        {
            "query": "SELECT ?protocol WHERE { }",
            "library": "who-leads-what",
            "param.protocol": "https://w3id.org/x",
        }
    ).encode()
    status, _, body = http(
        service.url + "/sparql", fields, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 200, body
    assert json.loads(body)["results"]["bindings"][0]["protocol"]["value"] == "https://w3id.org/x"
