"""Engines without network access: a process leaves the machine's network for a network namespace of its own.

SPARQL engines call other servers for ``SERVICE`` and ``LOAD`` (and rdflib for ``FROM``). The checks of
:mod:`perr_graph.sparql.safety` refuse those queries; as a second wall, where the platform allows it, the
process that runs the engine has no network to call with: :func:`leave_network` moves it into a new, empty
network namespace (Linux ``unshare(2)``, ``CLONE_NEWNET``), where only its own loopback exists and nothing
listens. Without privileges, a new user namespace comes with it (``CLONE_NEWUSER``: allowed to any user where
the kernel permits unprivileged user namespaces, as most distributions do); the process keeps its files.

It must be called in a process that has a single thread (right after ``fork``, or first thing in a new
program). Elsewhere (macOS, Windows, a kernel or a container that forbids it) it changes nothing and says so:
the checks are then the only wall.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import socket
import struct
import sys

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
_SIOCGIFFLAGS, _SIOCSIFFLAGS, _IFF_UP = 0x8913, 0x8914, 0x1
_PR_SET_PDEATHSIG = 1


def _libc():
    return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def leave_network(loopback: bool = False) -> str:
    """Move this single-threaded process into a new network namespace; with ``loopback``, bring its loopback
    interface up (to serve on 127.0.0.1 inside). Returns how: ``"network namespace"``, ``"user and network
    namespaces"``, or ``""`` when the platform does not allow it (nothing changed)."""
    if not sys.platform.startswith("linux"):
        return ""
    try:
        libc = _libc()
    except OSError:
        return ""
    for flags, how in (
        (CLONE_NEWNET, "network namespace"),
        (CLONE_NEWUSER | CLONE_NEWNET, "user and network namespaces"),
    ):
        if libc.unshare(flags) == 0:
            if loopback:
                _loopback_up()
            return how
    return ""


def _loopback_up() -> None:
    """``ip link set lo up`` (SIOCSIFFLAGS on ``lo``; the namespace's owner may)."""
    import fcntl

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        request = struct.pack("16sh22x", b"lo", 0)
        flags = struct.unpack("16sh22x", fcntl.ioctl(s, _SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(s, _SIOCSIFFLAGS, struct.pack("16sh22x", b"lo", flags | _IFF_UP))


def die_with_parent(signal_number: int) -> bool:
    """Ask the kernel to send ``signal_number`` to this process when its parent ends (Linux ``prctl``
    ``PR_SET_PDEATHSIG``); False where that does not exist."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return _libc().prctl(_PR_SET_PDEATHSIG, signal_number, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def network_reachable_from_here(host: str, port: int) -> bool:
    """Whether a TCP connection to ``host:port`` can be made from this process (tests and diagnostics)."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False
