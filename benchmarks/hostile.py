"""The hostile side of the load test of ``perr serve`` (``benchmarks/load_test.py --hostile``): one more client
that sends queries meant to kill or stall the engine, and a crash now and then, while the others measure.

* Engine-killing queries (issue 16, point 2: each overflowed Oxigraph's stack before the limits): a 16 KB
  ``BIND(1+1+…)`` of 8,000 terms, 3,000 nested groups, 10,000 ``!``. Expected: HTTP 400, refused by the limits
  before any engine sees them.
* A timing-out query: an ``ORDER BY`` over a cross product of two protocol graphs (12 million rows), which
  Oxigraph sorts whole and does not cancel at its own time limit. Expected: HTTP 504, and the engine that ran it
  stopped and replaced.
* No query within the limits is known to kill the engine; so that a crash and its cost to the other clients are
  measured too, with ``--kill-every SECONDS`` Oxigraph's process is killed (SIGKILL) that often.

The processes of ``perr serve`` are told apart by their command lines: the front, the gates, Oxigraph, the
checkers.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import urllib.parse
from pathlib import Path

KILLERS = [
    ("8000 additions", "SELECT * WHERE { BIND(" + "+".join(["1"] * 8000) + " AS ?x) }"),
    ("3000 nested groups", "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000),
    ("10000 negations", "SELECT * WHERE { BIND(" + "!" * 10000 + "true AS ?x) }"),
]
STALL = (
    "timing out",
    "SELECT ?a ?d WHERE { GRAPH <https://w3id.org/perr-graph/graph/protocol/loriol> { ?a ?b ?c } "
    "GRAPH <https://w3id.org/perr-graph/graph/protocol/voiron> { ?d ?e ?f } } ORDER BY ?c ?f ?a ?d",
)
EXPECTED = {"timing out": (504,)}  # the killers: 400


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        for children in Path(f"/proc/{todo.pop()}/task").glob("*/children"):
            try:
                kids = [int(x) for x in children.read_text().split()]
            except OSError:
                kids = []
            out += kids
            todo += kids
    return out


def role(pid: int) -> str:
    """``gate``, ``oxigraph``, ``checker`` or ``other``, from the command line."""
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "gone"
    text = b" ".join(cmd)
    if b"perr_graph.serve.gate" in text:
        return "gate"
    if cmd and cmd[0].endswith(b"oxigraph"):
        return "oxigraph"
    if b"multiprocessing" in text or b"forkserver" in text:
        return "checker"
    return "other"


def by_role(front: int) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {"gate": [], "oxigraph": [], "checker": [], "other": []}
    for pid in descendants(front):
        r = role(pid)
        if r != "gone":
            out[r].append(pid)
    return out


def hostile_client(url: str, stop_at: float, run, outcome_type, ask) -> None:
    """Killers and the stalling query, in turn, until ``stop_at``; each answer compared with what is expected."""
    requests = [*KILLERS, STALL]
    i = 0
    while time.monotonic() < stop_at:
        label, text = requests[i % len(requests)]
        i += 1
        t0 = time.monotonic()
        try:
            status, _ = ask(url, urllib.parse.urlencode({"query": text}).encode())
        except OSError as exc:
            run.add(outcome_type("hostile: " + label, t0, time.monotonic() - t0, False, f"{exc}"))
            continue
        ok = status in EXPECTED.get(label, (400,))
        run.add(outcome_type("hostile: " + label, t0, time.monotonic() - t0, ok, f"HTTP {status}"))


def crasher(front: int, every: float, stop_at: float, killed: list[int]) -> None:
    """SIGKILL Oxigraph every ``every`` seconds (the engine's crash, on purpose), when one Oxigraph runs (not
    while queries are being sent again, alone, to a second one: that one is for telling a killer apart)."""
    while time.monotonic() + every < stop_at:
        time.sleep(every)
        running = by_role(front)["oxigraph"]
        while len(running) != 1 and time.monotonic() < stop_at:
            time.sleep(0.1)
            running = by_role(front)["oxigraph"]
        for pid in running[:1]:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            except ProcessLookupError:
                pass


def start(target, *args) -> threading.Thread:
    t = threading.Thread(target=target, args=args, daemon=True)
    t.start()
    return t
