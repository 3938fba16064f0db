"""Helpers shared by the tests that talk to real servers on loopback (test_server.py, test_faults.py …).

Plain functions; a plain Oxigraph server on a loopback port, read-only (:class:`OxigraphServer`: the
cross-engine comparisons, a SPARQL endpoint for ``perr query --endpoint``) or read-write
(:class:`ReadWriteOxigraph`: ``perr load`` and its faults), where ``perr serve`` runs its engine behind a gate;
a way to run ``perr serve``'s parts in a thread; one fixture (``oxigraph_rw``) that a test module imports to use;
and the measures of processes the hardening tests read in ``/proc``. Nothing here ever addresses anything but
127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from perr_graph.errors import EndpointError, InputError
from perr_graph.remote.endpoint import remote_query
from perr_graph.serve.oxigraph import QUAD_SUFFIXES, free_port, oxigraph_binary
from perr_graph.serve.service import Service
from perr_graph.sparql.safety import Policy


class OxigraphServer:
    """A real, read-only Oxigraph SPARQL server on 127.0.0.1 holding ``files`` (``serve-read-only``).

    Subclasses change what is prepared before the server starts (:meth:`prepare`), how it is started
    (:meth:`command`) and what :meth:`stop` removes (:attr:`keep`)."""

    def __init__(
        self,
        files: list[Path] | None = None,
        *,
        port: int | None = None,
        timeout_s: float = 30.0,
        startup_timeout: float = 30.0,
    ):
        self.files = [Path(f) for f in files or []]
        self.port = port
        self.timeout_s = timeout_s
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen | None = None
        #: a folder the server uses and :meth:`stop` leaves in place (None: a temporary folder, removed)
        self.keep: Path | None = None
        self.location: str | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    def __enter__(self) -> OxigraphServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def command(self, binary: str, location: str) -> list[str]:
        """The server's command line (``--bind`` and ``--timeout-s`` are added by :meth:`start`)."""
        return [binary, "serve-read-only", "--location", location]

    def prepare(self, binary: str, location: str) -> None:
        """Load the files into ``location`` with ``oxigraph load``, one call per file."""
        from perr_graph.store import FORMATS

        for f in self.files:
            if not f.exists():
                raise InputError("file not found", f)
            media = FORMATS.get(f.suffix.lower())
            if media is None:
                raise InputError(
                    f"unknown RDF file type {f.suffix!r} (use .ttl, .trig, .nt, .nq, .jsonld, .rdf)", f
                )
            cmd = [binary, "load", "--location", location, "--file", str(f), "--format", media]
            if f.suffix.lower() not in QUAD_SUFFIXES:
                cmd += ["--graph", f"file://{f.resolve()}"]
            done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
            if done.returncode != 0:
                msg = (done.stderr or done.stdout).strip().splitlines()
                raise InputError(f"oxigraph load failed: {msg[-1] if msg else done.returncode}", f)

    def start(self) -> OxigraphServer:
        binary = oxigraph_binary()
        location = str(self.keep) if self.keep else tempfile.mkdtemp(prefix="perr-oxigraph-")
        self.location = location
        self._log = tempfile.TemporaryFile(prefix="perr-oxigraph-log-")  # noqa: SIM115 - kept open for the server's lifetime, closed in stop()
        try:
            self.prepare(binary, location)
            fixed = self.port
            for _attempt in range(3):  # a free port can be taken between probing and binding: try again
                self.port = fixed or free_port()
                cmd = [
                    *self.command(binary, location),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--timeout-s",
                    str(max(1, round(self.timeout_s))),
                ]
                self.process = subprocess.Popen(
                    cmd,
                    stdin=subprocess.DEVNULL,
                    stdout=self._log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
                if self._wait_ready(self.process):
                    return self
                self._terminate()
                if fixed:
                    break
            raise EndpointError(f"Oxigraph did not start: {self._tail()}")
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, process: subprocess.Popen) -> bool:
        deadline = time.monotonic() + self.startup_timeout
        probe = self.query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
        while time.monotonic() < deadline:
            if process.poll() is not None:
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


# --- measures of processes (Linux /proc) -------------------------------------------------------------------------


def rss_kb(pid: int) -> int:
    """Resident memory of a process, in kB (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_gone(pid: int, timeout: float) -> bool:
    """Whether process ``pid`` ends (or is a zombie) within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children of any of its threads, and theirs), from Linux's /proc."""
    out, todo = [], [pid]
    while todo:
        try:
            kids = [
                int(x)
                for x in Path(f"/proc/{todo.pop()}/task").glob("*/children")
                for x in x.read_text().split()
            ]
        except OSError:
            kids = []
        out += kids
        todo += kids
    return out


@contextlib.contextmanager
def perr_serve(dataset: Path, env: dict[str, str], wait: float) -> Iterator[tuple[subprocess.Popen, str]]:
    """``perr serve --port 0 --data DATASET`` in a process of its own, as a user runs it: the process and the first
    line it printed ("" when nothing came within ``wait`` seconds); killed at the end if it still runs."""
    import select
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "perr_graph.cli", "serve", "--port", "0", "--data", str(dataset)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        ready, _, _ = select.select([proc.stdout], [], [], wait)
        yield proc, (proc.stdout.readline() if ready and proc.stdout else "")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
