"""Helpers shared by the tests that talk to real servers on loopback (test_server.py, test_faults.py).

Plain functions, a read-write Oxigraph server (for ``perr load`` and its faults: ``perr serve`` only ever runs a
read-only one), a way to run ``perr serve``'s parts in a thread, and one fixture (``oxigraph_rw``) that a test
module imports to use. Nothing here ever addresses anything but 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from perr_graph.remote.endpoint import remote_query
from perr_graph.serve.oxigraph import OxigraphServer, free_port
from perr_graph.serve.service import Service
from perr_graph.sparql.safety import Policy


class ReadWriteOxigraph(OxigraphServer):
    """``oxigraph serve``: queries at ``/query``, updates at ``/update``, Graph Store at ``/store``. Empty and in
    memory; with ``location``, a store kept on disk in that folder (which :meth:`stop` leaves in place), so that
    a server can be stopped and started again on it."""

    def __init__(self, *, location: Path | None = None, timeout_s: float = 30.0):
        super().__init__(timeout_s=timeout_s)
        self.keep = Path(location) if location is not None else None

    @property
    def store_url(self) -> str:
        return self.url + "/store"

    def command(self, binary: str, location: str) -> list[str]:
        return [binary, "serve", "--location", location] if self.keep else [binary, "serve"]

    def prepare(self, binary: str, location: str) -> None:
        pass


@contextlib.contextmanager
def serving(service: Service) -> Iterator[Service]:
    """``perr serve``'s front answering in a thread of this process until the block ends; then stopped."""
    thread = threading.Thread(target=service.serve_forever, args=(0.05,), name="perr-front", daemon=True)
    thread.start()
    try:
        yield service
    finally:
        if service.front is not None:
            service.front.shutdown()
        thread.join(5)
        service.stop()


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
    server = ReadWriteOxigraph(timeout_s=30)
    server.start()
    yield server
    server.stop()
