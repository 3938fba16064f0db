"""Helpers shared by the tests that talk to real servers on loopback (test_server.py, test_faults.py).

Plain functions, and one fixture (``oxigraph_rw``) that a test module imports to use. Nothing here ever
addresses anything but 127.0.0.1.
"""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from perr_graph.remote.endpoint import remote_query
from perr_graph.serve.server import OxigraphServer, free_port
from perr_graph.sparql.safety import Policy


def http(url, data=None, headers=None, method=None, timeout=20):
    """(status, content type, body) of one request; HTTP errors are answers too."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def closed_port() -> int:
    """A loopback port nobody listens on (free a moment ago)."""
    return free_port()


def graph_count(server: OxigraphServer, graph: str) -> int:
    """Triples in ``graph`` on a real Oxigraph server."""
    r = remote_query(
        server.query_url,
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
        policy=Policy(allow_any_from=True),
    )
    return int(r.rows[0][0].value)


@pytest.fixture()
def oxigraph_rw():
    """An empty read-write Oxigraph (in memory), stopped at the end of the test."""
    server = OxigraphServer(read_only=False, timeout_s=30)
    server.start()
    yield server
    server.stop()
