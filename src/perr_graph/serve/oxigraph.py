"""The engine behind ``perr serve``: Oxigraph's SPARQL server (the ``oxigraph`` binary of the PyPI ``oxigraph``
package), read-only, reachable by the front only, restarted when it fails.

* :class:`Gate` is one Oxigraph behind its gate process (:mod:`perr_graph.serve.gate`): without network access
  where the platform allows it, on a loopback no other process shares, handing the front one connected socket
  per query; it dies with the front and leaves nothing in the temporary folder.
* :class:`Engine` keeps one such gate for the queries (``main``) and a spare one, started and idle; it loads the
  data once into a temporary folder that every later gate reopens, and decides what becomes of a query whose
  answer did not come (:meth:`Engine.release`):

  - past the front's time limit, Oxigraph did not cancel the query itself (its own ``--timeout-s`` runs out
    first): the gate is stopped (the query's CPU and memory are freed at once) and the spare takes its place; the
    other queries that were running on it are sent again to the new one;
  - when Oxigraph stops in the middle of queries (a query overflowed its stack, the process was killed), a new
    gate takes its place; each query that was running is sent again, alone, to a second engine
    (``quarantine``): the one that stops that engine too is the one that kills it, and is answered so.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from perr_graph.errors import EndpointError, InputError

#: RDF file types ``oxigraph load`` reads; triples files go to the graph ``file://<absolute path>`` as in
#: :func:`perr_graph.store.load_file`
QUAD_SUFFIXES = {".nq", ".nquads", ".trig"}

#: how long a gate may take to load the data and start Oxigraph
START_TIMEOUT = 600.0

#: seconds the quarantine gate stays up once its last suspect is answered
QUARANTINE_IDLE = 2.0

#: the stack of each of Oxigraph's threads (``RUST_MIN_STACK``; virtual memory: only what is used is touched).
#: On Rust's default of 2 MB, a 16 KB ``BIND(1+1+…)`` of 8,000 terms overflows it and kills the process; on
#: 256 MB it is answered (measured with oxigraph 0.5.13), and the limits of the check stay far below that.
STACK_BYTES = 256 * 1024 * 1024


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
        port: int = s.getsockname()[1]
        return port


def load_arguments(files: list[Path]) -> list[str]:
    """``--load FILE MEDIA GRAPH`` for each file (checked here: missing or unknown files are one line)."""
    from perr_graph.store import FORMATS

    out: list[str] = []
    for f in files:
        if not f.exists():
            raise InputError("file not found", f)
        media = FORMATS.get(f.suffix.lower())
        if media is None:
            raise InputError(
                f"unknown RDF file type {f.suffix!r} (use .ttl, .trig, .nt, .nq, .jsonld, .rdf)", f
            )
        graph = "" if f.suffix.lower() in QUAD_SUFFIXES else f"file://{f.resolve()}"
        out += ["--load", str(f.resolve()), media, graph]
    return out


class EngineDown(Exception):
    """The engine cannot be reached: its gate or Oxigraph has stopped."""


class Gate:
    """One Oxigraph behind its gate process (see the module docstring)."""

    def __init__(
        self,
        location: str,
        timeout_s: float,
        log: IO[bytes],
        loads: list[str] | None = None,
        stack_bytes: int | None = STACK_BYTES,
    ):
        self.location = location
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        cmd = [
            sys.executable,
            "-m",
            "perr_graph.serve.gate",
            "--control",
            str(theirs.fileno()),
            "--location",
            location,
            "--binary",
            oxigraph_binary(),
            "--timeout-s",
            str(max(1, round(timeout_s))),
            *(loads or []),
        ]
        env = dict(os.environ)
        if stack_bytes:
            env["RUST_MIN_STACK"] = str(stack_bytes)
        try:
            self.process = subprocess.Popen(
                cmd,
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
                env=env,
            )
        finally:
            theirs.close()
        self._lock = threading.Lock()
        self.inflight = 0
        self.stopped = False  # stopped on purpose (a query past its time limit): not a crash
        self.isolation = self._wait_ready()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _wait_ready(self) -> str:
        ready, _, _ = select.select([self.control], [], [], START_TIMEOUT)
        message = self.control.recv(4096).decode("utf-8", "replace") if ready else ""
        if not message.startswith("ready "):
            self.stop()
            reason = message.removeprefix("failed ").strip() or "no answer"
            raise EndpointError(f"the SPARQL engine did not start: {reason}")
        return message.removeprefix("ready ")

    def _ask(self, request: bytes, timeout: float = 10.0) -> tuple[bytes, list[int]]:
        with self._lock:
            try:
                self.control.send(request)
                ready, _, _ = select.select([self.control], [], [], timeout)
                if not ready:
                    return b"", []
                message, fds, _flags, _addr = socket.recv_fds(self.control, 64, 1)
            except OSError:
                return b"", []
        return message, fds

    def connect(self) -> socket.socket:
        """A socket connected to this Oxigraph (made by the gate, inside its namespace); EngineDown if none."""
        if self.stopped:
            raise EngineDown("stopped")
        message, fds = self._ask(b"c")
        if message != b"ok" or not fds:
            for fd in fds:
                os.close(fd)
            raise EngineDown(message.decode() or "the gate does not answer")
        return socket.socket(fileno=fds[0])

    def up(self, settle: float = 1.0) -> bool:
        """Whether Oxigraph still runs (asked to the gate), after a connection to it broke: a process that is
        dying closes its sockets a moment before it can be seen to have ended, so a "still up" is asked again
        for ``settle`` seconds before it is believed."""
        deadline = time.monotonic() + settle
        while True:
            if self.stopped or self.process.poll() is not None or self._ask(b"p", 2.0)[0] != b"up":
                return False
            if time.monotonic() >= deadline:
                return True
            time.sleep(0.1)

    def engine_pid(self) -> int | None:
        """Oxigraph's process id (its gate's only child), where ``/proc`` says it (tests and measures)."""
        try:
            children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        except OSError:
            return None
        return int(children[0]) if children else None

    def stop(self) -> None:
        """Stop Oxigraph and the gate (the data folder stays: other gates use it)."""
        self.stopped = True
        with contextlib.suppress(OSError):
            self.control.send(b"q")
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()  # Oxigraph follows: its parent-death signal
            self.process.wait(timeout=5)
        self.control.close()


@dataclass
class Lease:
    """One query's connection to a gate."""

    gate: Gate
    sock: socket.socket
    quarantine: bool


class Engine:
    """The gates of ``perr serve`` (see the module docstring). ``with Engine(files) as e:`` or
    :meth:`start` / :meth:`stop`.

    Besides the main gate, a spare one is kept started (one more Oxigraph, idle: some 45 MB with its gate), so
    that a gate stopped for a timeout or a crash is replaced at once; a background thread starts the next
    spare."""

    def __init__(self, files: list[Path], *, timeout_s: float = 30.0, stack_bytes: int | None = STACK_BYTES):
        self.files = [Path(f) for f in files]
        self.timeout_s = timeout_s
        self.stack_bytes = stack_bytes
        self.folder: str | None = None
        self.main: Gate | None = None
        self.spare: Gate | None = None
        self.quarantine: Gate | None = None
        self.restarts = 0
        self._log: IO[bytes] | None = None
        self._lock = threading.Lock()  # who is main, spare, quarantine
        self._main_ready = threading.Event()  # cleared while there is no main gate
        self._wake = threading.Event()  # the maintainer has gates to start
        self._maintainer: threading.Thread | None = None
        self._failure = ""  # why the last start of a gate failed
        self._stopping = False
        self._suspects = threading.BoundedSemaphore(1)  # queries retried in quarantine run alone

    def __enter__(self) -> Engine:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def isolation(self) -> str:
        gate = self.main
        return gate.isolation if gate is not None else ""

    def start(self) -> Engine:
        loads = load_arguments(self.files)
        self.folder = tempfile.mkdtemp(prefix="perr-serve-")
        self._log = tempfile.TemporaryFile(prefix="perr-oxigraph-log-")  # noqa: SIM115 - closed in stop()
        try:
            self.main = Gate(self._location, self.timeout_s, self._log, loads, self.stack_bytes)
        except BaseException:
            self.stop()
            raise
        self._main_ready.set()
        self._maintainer = threading.Thread(target=self._maintain, name="perr-engine-spares", daemon=True)
        self._maintainer.start()
        self._wake.set()
        return self

    @property
    def _location(self) -> str:
        assert self.folder is not None
        return os.path.join(self.folder, "store")

    def _new_gate(self) -> Gate:
        assert self._log is not None
        return Gate(self._location, self.timeout_s, self._log, None, self.stack_bytes)

    def _maintain(self) -> None:
        """In the background: start gates until there is a main one and a spare one."""
        while not self._stopping:
            self._wake.wait()
            self._wake.clear()
            while not self._stopping and (self.main is None or self.spare is None):
                try:
                    gate: Gate | None = self._new_gate()
                    self._failure = ""
                except (EndpointError, OSError, ValueError) as exc:
                    self._failure = str(exc)
                    self._main_ready.set()  # leases fail at once, with the reason, instead of waiting
                    break
                with self._lock:
                    if self._stopping:
                        pass
                    elif self.main is None:
                        self.main, gate = gate, None
                        self._main_ready.set()
                    elif self.spare is None:
                        self.spare, gate = gate, None
                if gate is not None:
                    gate.stop()

    def wait_ready(self, timeout: float) -> Gate | None:
        """The main gate, once none is starting (within ``timeout`` seconds); None if there is none."""
        self._main_ready.wait(timeout)
        return self.main

    def lease(self, quarantine: bool = False, wait: float = 5.0) -> Lease:
        """A connection for one query: to the main gate (waiting up to ``wait`` seconds while a new one
        starts), or (``quarantine``) alone to the quarantine gate. EngineDown if it cannot be had: ``busy`` (the
        caller answers 503), or why (502)."""
        if quarantine:
            return self._lease_quarantine(max(wait, self.timeout_s))
        for _attempt in range(2):
            if not self._main_ready.wait(wait):
                raise EngineDown("busy")
            with self._lock:
                gate = self.main
            if gate is None:
                raise EngineDown(self._failure or "stopped")
            try:
                return self._open(gate, quarantine=False)
            except EngineDown:
                self._replace(gate)
        raise EngineDown(self._failure or "the SPARQL engine does not start")

    def _lease_quarantine(self, wait: float) -> Lease:
        if not self._suspects.acquire(timeout=wait):
            raise EngineDown("busy")
        try:  # suspects run one at a time, on the spare gate if there is one
            for attempt in range(2):
                with self._lock:
                    gate = self.quarantine
                    if gate is None or gate.stopped or gate.process.poll() is not None:
                        gate, self.spare = self.spare, None
                        self.quarantine = gate
                self._wake.set()
                if gate is None:
                    gate = self._new_gate()
                    with self._lock:
                        self.quarantine = gate
                try:
                    return self._open(gate, quarantine=True)
                except EngineDown:
                    self._replace(gate)
                    if attempt:
                        raise
            raise EngineDown(
                "the SPARQL engine does not start"
            )  # pragma: no cover - the loop returns or raises
        except BaseException:
            self._suspects.release()
            raise

    def _stop_idle_quarantine(self, gate: Gate) -> None:
        """The quarantine gate holds memory: it is stopped once no suspect has used it for a moment."""
        if self._suspects.acquire(blocking=False):
            try:
                if gate is self.quarantine and gate.inflight == 0:
                    self._replace(gate)
            finally:
                self._suspects.release()

    def _open(self, gate: Gate, quarantine: bool) -> Lease:
        sock = gate.connect()
        with gate._lock:
            gate.inflight += 1
        return Lease(gate, sock, quarantine)

    def _replace(self, gate: Gate) -> None:
        """Stop ``gate`` at once (its queries' CPU and memory go with it); the spare gate, if one is ready, takes
        the place of a main one, and the maintainer starts the next. Nothing happens if that was done meanwhile."""
        with self._lock:
            if gate is self.main:
                self.main, self.spare = self.spare, None
                if self.main is None:
                    self._main_ready.clear()
                self.restarts += 1
            elif gate is self.quarantine:
                self.quarantine = None
            elif gate is self.spare:
                self.spare = None
            else:
                return
        self._wake.set()
        gate.stop()

    def release(self, lease: Lease, outcome: str) -> str:
        """What the query's attempt came to (``ok``, ``timeout``, ``broken``) → what to do next: ``done``,
        ``retry`` (on main), ``quarantine`` (retry alone), ``killer`` (it stopped the engine twice)."""
        gate = lease.gate
        with contextlib.suppress(OSError):
            lease.sock.close()
        with gate._lock:
            gate.inflight -= 1
        if lease.quarantine:
            self._suspects.release()
            timer = threading.Timer(QUARANTINE_IDLE, self._stop_idle_quarantine, [gate])
            timer.daemon = True
            timer.start()
        if outcome == "timeout":
            self._replace(gate)  # Oxigraph did not cancel it: its CPU and memory go with the process
            return "done"
        if outcome != "broken":
            return "done"
        if gate.stopped:  # stopped on purpose for another query's timeout: this one is innocent
            return "retry"
        if gate.up():
            return "done"  # the engine is fine: the connection broke for another reason
        self._replace(gate)
        return "killer" if lease.quarantine else "quarantine"

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._maintainer is not None:
            self._maintainer.join(START_TIMEOUT)
        with self._lock:
            gates = [g for g in (self.main, self.spare, self.quarantine) if g is not None]
            self.main = self.spare = self.quarantine = None
        for gate in gates:
            gate.stop()
        if self._log is not None:
            self._log.close()
            self._log = None
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
