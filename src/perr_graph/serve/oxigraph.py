"""The engine behind ``perr serve``: Oxigraph's SPARQL server (the ``oxigraph`` binary of the PyPI ``oxigraph``
package), read-only, on a free 127.0.0.1 port.

:class:`OxigraphServer` loads the files with ``oxigraph load`` into a temporary folder, then runs
``oxigraph serve-read-only`` on it; :meth:`OxigraphServer.stop` (or leaving a ``with`` block) stops it and removes
the folder. Queries go to ``/query`` (SPARQL 1.1 Protocol, section 2.1).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import IO

from perr_graph.errors import EndpointError, InputError

#: RDF file types ``oxigraph load`` reads; triples files go to the graph ``file://<absolute path>`` as in
#: :func:`perr_graph.store.load_file`
QUAD_SUFFIXES = {".nq", ".nquads", ".trig"}


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
