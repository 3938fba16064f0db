"""The engine's gate: the small process that runs Oxigraph's server where nothing but the front can reach it.

Started by :class:`perr_graph.serve.oxigraph.Gate` as ``python -m perr_graph.serve.gate``, with one end of a
socket pair (``--control FD``). It

1. leaves the machine's network where the platform allows it (:func:`perr_graph.sparql.sandbox.leave_network`):
   in its own network namespace, Oxigraph listens on a loopback that no other process of the machine shares, and
   has no route to any other host, so that even a ``SERVICE`` that passed every check could not call out;
2. loads the files with ``oxigraph load`` if asked (``--load FILE MEDIA GRAPH``), then starts
   ``oxigraph serve-read-only --union-default-graph`` on that loopback (a query without ``GRAPH`` reads every
   named graph), as its own child, which the kernel kills if the gate dies
   (``PR_SET_PDEATHSIG``);
3. answers the front on the control socket, one message per request: ``c`` (a connection, please) is answered
   ``ok`` with a TCP socket connected to Oxigraph passed along (``SCM_RIGHTS``: the socket lives in the gate's
   network namespace, the front only holds it), or ``down`` if Oxigraph has stopped; ``p`` (still up?) is
   answered ``up`` or ``down``; ``q`` stops Oxigraph and the gate;
4. watches the front: when the control socket closes (the front ended, even by ``kill -9``), it stops Oxigraph,
   removes the data folder (``--location``) and exits. Nothing is left in the temporary folder.

Only the standard library is imported here: the gate starts in a fraction of a second.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import select
import shutil
import signal
import socket
import subprocess
import sys
import time

from perr_graph.sparql import sandbox

READY_TIMEOUT = 60.0
PORT_INSIDE = 7878  # in a network namespace of its own, any port is free


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _load(binary: str, location: str, loads: list[list[str]]) -> None:
    for path, media, graph in loads:
        cmd = [binary, "load", "--location", location, "--file", path, "--format", media]
        if graph:
            cmd += ["--graph", graph]
        done = subprocess.run(
            cmd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            preexec_fn=_child_setup,
            check=False,
        )
        if done.returncode != 0:
            lines = (done.stderr or done.stdout).strip().splitlines()
            raise RuntimeError(
                f"load {path}: oxigraph load failed: {lines[-1] if lines else done.returncode}"
            )


def _child_setup() -> None:  # in Oxigraph's process, before exec: it dies with the gate
    sandbox.die_with_parent(signal.SIGKILL)


def _ready(port: int, process: subprocess.Popen, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request(
                "GET", "/query?query=ASK%20%7B%7D", headers={"Accept": "application/sparql-results+json"}
            )
            ok = conn.getresponse().status == 200
            conn.close()
            if ok:
                return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


def _serve(control: socket.socket, port: int, process: subprocess.Popen) -> str:
    """Answer the front until it says ``q`` (returns "quit") or closes the socket (returns "gone"), or until
    Oxigraph stops (returns "engine stopped")."""
    while True:
        ready, _, _ = select.select([control], [], [], 0.2)
        if process.poll() is not None:
            with contextlib.suppress(OSError):
                control.send(b"down")
            return "engine stopped"
        if not ready:
            continue
        try:
            request = control.recv(16)
        except OSError:
            return "gone"
        if not request:
            return "gone"
        if request == b"q":
            return "quit"
        if request == b"p":
            control.send(b"up" if process.poll() is None else b"down")
            continue
        try:
            conn = socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError:
            control.send(b"down")
            continue
        try:
            socket.send_fds(control, [b"ok"], [conn.fileno()])
        finally:
            conn.close()


def _front_gone(control: socket.socket) -> bool:
    """Whether the front closed its end of the control socket."""
    try:
        ready, _, _ = select.select([control], [], [], 0)
        return bool(ready) and control.recv(16, socket.MSG_PEEK) == b""
    except OSError:
        return True


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="perr_graph.serve.gate")
    p.add_argument("--control", type=int, required=True)
    p.add_argument("--location", required=True)
    p.add_argument("--binary", required=True)
    p.add_argument("--timeout-s", required=True)
    p.add_argument("--load", nargs=3, action="append", default=[], metavar=("FILE", "MEDIA", "GRAPH"))
    args = p.parse_args(argv)
    control = socket.socket(fileno=args.control)
    how = sandbox.leave_network(loopback=True)
    port = PORT_INSIDE if how else _free_port()
    process = None
    outcome = "failed"
    try:
        _load(args.binary, args.location, args.load)
        cmd = [args.binary, "serve-read-only", "--location", args.location, "--bind", f"127.0.0.1:{port}"]
        # the default graph is the union of the named graphs: `SELECT * { ?c a perr:Commitment }` finds them all
        cmd += ["--timeout-s", args.timeout_s, "--union-default-graph"]
        process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, preexec_fn=_child_setup)
        if not _ready(port, process, time.monotonic() + READY_TIMEOUT):
            control.send(b"failed Oxigraph did not start")
        else:
            control.send(f"ready {how or 'no network isolation'}".encode())
            outcome = _serve(control, port, process)
    except (OSError, RuntimeError) as exc:
        with contextlib.suppress(OSError):
            control.send(f"failed {exc}".encode()[:4000])
    finally:
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        if outcome == "gone" or (outcome == "failed" and _front_gone(control)):
            # the front is not there to clean up (it ended, even by kill -9): leave nothing behind
            shutil.rmtree(args.location, ignore_errors=True)
    return 0 if outcome == "quit" else 3


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the process group: the front decides
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(3))  # stop Oxigraph on the way out (the finally above)
    sys.exit(main())
