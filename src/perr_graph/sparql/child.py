"""A query on the embedded store runs in a child process: stopped for good at its time limit, and if the engine
dies on it, one line instead of a crash.

pyoxigraph runs a query in the calling thread and cannot be interrupted: a query past its time limit kept its
CPU and memory until the process ended, and a query that overflows Oxigraph's stack killed ``perr`` (exit 139,
no message; issue 16). So, where the platform can ``fork`` (Linux, macOS), :func:`run_in_child` runs the engine
in a copy of this process (the store is shared, copy-on-write: nothing is loaded again), which

* leaves the network first where the platform allows it (:func:`perr_graph.sparql.sandbox.leave_network`);
* runs the query on a thread with a large stack (:data:`perr_graph.sparql.tree.STACK_BYTES`);
* sends what it produces to this process through a pipe, in frames: ``D`` data, ``E`` a one-line error.

This process reads the frames until the time limit; past it, it kills the child (its CPU and memory are freed at
once) and says so in one line. A child that dies (a signal: the engine overflowed its stack) is one line too.
Where ``fork`` does not exist, the work runs on a thread of this process, as before.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import struct
import sys
import threading
import time
from collections.abc import Callable

from perr_graph.errors import QueryError

_HEADER = struct.Struct("!cI")
_CHUNK = 1 << 16


class FrameWriter:
    """What the child writes: a binary file whose bytes reach the parent as ``D`` frames."""

    def __init__(self, fd: int):
        self.fd = fd
        self.written = 0

    def write(self, data: bytes) -> int:
        view = memoryview(data)
        for at in range(0, len(view), _CHUNK):
            part = view[at : at + _CHUNK]
            _write_all(self.fd, _HEADER.pack(b"D", len(part)) + bytes(part))
        self.written += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def error(self, message: str) -> None:
        data = message.encode("utf-8", "replace")[:4000]
        _write_all(self.fd, _HEADER.pack(b"E", len(data)) + data)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "emscripten"


def run_in_child(
    work: Callable[[FrameWriter], None],
    on_data: Callable[[bytes], None],
    *,
    timeout: float,
    path: str | None = None,
) -> None:
    """Run ``work(writer)`` in a child process (see the module docstring); ``on_data`` receives its bytes in this
    process, as they come. ``work`` reports a failure with ``writer.error(message)``. QueryError for an error,
    past ``timeout`` seconds, or when the child dies."""
    if not can_fork():
        _run_in_thread(work, on_data, timeout=timeout, path=path)
        return
    read_fd, write_fd = os.pipe()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_fd)
        _child(work, write_fd)
    os.close(write_fd)
    try:
        error = _read_frames(read_fd, on_data, time.monotonic() + timeout)
    except TimeoutError:
        _kill(pid)
        raise QueryError(
            f"query timed out after {timeout:g} s (raise --timeout, or add a LIMIT)", path
        ) from None
    except BaseException:
        _kill(pid)
        raise
    finally:
        os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        raise QueryError(
            f"the SPARQL engine stopped on this query ({name}): it is too large or too deeply nested; simplify it",
            path,
        )
    if error is not None:
        raise QueryError(error, path)


def _child(work: Callable[[FrameWriter], None], fd: int) -> None:
    code = 0
    try:
        from perr_graph.sparql import sandbox, tree

        sandbox.leave_network()
        writer = FrameWriter(fd)
        done = threading.Event()

        def run() -> None:
            try:
                work(writer)
            except BaseException as exc:  # anything left: one line
                writer.error(f"query failed: {exc}")
            finally:
                done.set()

        threading.stack_size(tree.STACK_BYTES)
        threading.Thread(target=run, daemon=True).start()
        done.wait()
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _read_frames(fd: int, on_data: Callable[[bytes], None], deadline: float) -> str | None:
    """Read frames until the child closes the pipe: the error message, if one came."""
    buffer = b""
    error = None
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return error
        buffer += chunk
        while len(buffer) >= _HEADER.size:
            kind, size = _HEADER.unpack_from(buffer)
            if len(buffer) < _HEADER.size + size:
                break
            payload = buffer[_HEADER.size : _HEADER.size + size]
            buffer = buffer[_HEADER.size + size :]
            if kind == b"D":
                on_data(payload)
            else:
                error = payload.decode("utf-8", "replace")


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _run_in_thread(work, on_data, *, timeout: float, path: str | None) -> None:
    """Where there is no ``fork``: the work on a daemon thread, given up (not stopped) past ``timeout``."""
    errors: list[str] = []
    cancel = threading.Event()

    class Sink(FrameWriter):
        def __init__(self) -> None:
            self.written = 0

        def write(self, data: bytes) -> int:
            if cancel.is_set():
                raise OSError("cancelled")
            on_data(bytes(data))
            self.written += len(data)
            return len(data)

        def error(self, message: str) -> None:
            errors.append(message)

    def run() -> None:
        try:
            work(Sink())
        except BaseException as exc:
            errors.append(f"query failed: {exc}")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        cancel.set()
        raise QueryError(f"query timed out after {timeout:g} s (raise --timeout, or add a LIMIT)", path)
    if errors:
        raise QueryError(errors[0], path)
