"""What a timed-out query leaves behind: CPU and memory of the engine after the time limit (issue 16, point 5).

    .venv/bin/python benchmarks/timeout_freed.py --data dist/perr.nq            # perr query's engine, perr serve's

Two measures, on loopback only, each with an ``ORDER BY`` over a cross product (Oxigraph sorts the whole product
before the first row, and does not check its time limit while sorting):

* ``run_local`` (what ``perr query``, ``perr compare`` and ``perr report`` call) with a time limit of
  ``--timeout`` seconds, in this process: the CPU time and resident memory of this process and its children,
  sampled during ``--after`` seconds past the time limit;
* ``perr serve``'s parts (engine and front) in this process, the same query sent to the front: the engine's
  processes (Oxigraph and what runs it), sampled the same way.

Prints one JSON object. Bounded: every query has its time limit; the sampling lasts ``--after`` seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

#: sorted cross product of two protocol graphs (4,009 × 3,067 triples: 12 million rows)
CROSS = (
    "SELECT ?a ?d WHERE { GRAPH <https://w3id.org/perr-graph/graph/protocol/loriol> { ?a ?b ?c } "
    "GRAPH <https://w3id.org/perr-graph/graph/protocol/voiron> { ?d ?e ?f } } ORDER BY ?c ?f ?a ?d"
)


def _stat(pid: int) -> tuple[float, int]:
    """(CPU seconds, resident kB) of one process; (0, 0) once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        rss = 0
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), rss
    except (OSError, IndexError):
        return 0.0, 0


def _tree(pid: int) -> list[int]:
    out, todo = [pid], [pid]
    while todo:
        p = todo.pop()
        for children in Path(f"/proc/{p}/task").glob("*/children"):
            try:
                kids = [int(x) for x in children.read_text().split()]
            except OSError:
                kids = []
            out += kids
            todo += kids
    return out


def _sample(pids, seconds: float) -> dict:
    """CPU used and memory held by ``pids()`` (a function: processes come and go) over ``seconds``."""
    start = {p: _stat(p)[0] for p in pids()}
    peak = 0
    samples = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        rss = sum(_stat(p)[1] for p in pids())
        peak = max(peak, rss)
        samples.append(rss)
        time.sleep(0.1)
    end = {p: _stat(p)[0] for p in pids()}
    cpu = sum(end.values()) - sum(v for p, v in start.items() if p in end)
    return {
        "cpu_seconds": round(cpu, 2),
        "rss_mb_peak": round(peak / 1024, 1),
        "rss_mb_end": round(samples[-1] / 1024, 1),
    }


def measure_query(data: Path, timeout: float, after: float) -> dict:
    from perr_graph.errors import QueryError
    from perr_graph.sparql.run import Limits, run_local
    from perr_graph.store import open_store

    store = open_store([data])
    me = os.getpid()
    before = _sample(lambda: _tree(me), 1.0)
    started = time.monotonic()
    try:
        run_local(store, CROSS, limits=Limits(timeout=timeout))
        outcome = "answered"
    except QueryError as exc:
        outcome = str(exc)
    returned = round(time.monotonic() - started, 2)
    return {
        "idle": before,
        "returned_after_s": returned,
        "outcome": outcome,
        "after": _sample(lambda: _tree(me), after),
    }


def measure_serve(data: Path, timeout: float, after: float) -> dict:
    from perr_graph.serve.service import Service

    service = Service([data], port=0, timeout=timeout)
    service.start()
    thread = threading.Thread(target=service.serve_forever, daemon=True)
    thread.start()
    me = os.getpid()

    def engine() -> list[int]:
        return [p for p in _tree(me) if p != me]

    try:
        before = _sample(engine, 1.0)
        body = urllib.parse.urlencode({"query": CROSS}).encode()
        request = urllib.request.Request(
            service.url + "/sparql", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=timeout + 30) as r:
                status = r.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        answered = round(time.monotonic() - started, 2)
        during_after = _sample(engine, after)
    finally:
        if service.front is not None:
            service.front.shutdown()
        thread.join(5)
        service.stop()
    return {"idle": before, "status": status, "answered_after_s": answered, "after": during_after}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=Path("dist/perr.nq"))
    p.add_argument("--timeout", type=float, default=3.0)
    p.add_argument("--after", type=float, default=8.0, help="seconds sampled after the time limit")
    p.add_argument("--only", choices=["query", "serve"])
    a = p.parse_args(argv)
    out = {"timeout_s": a.timeout, "sampled_after_s": a.after}
    if a.only in (None, "query"):
        out["run_local"] = measure_query(a.data, a.timeout, a.after)
    if a.only in (None, "serve"):
        out["perr_serve"] = measure_serve(a.data, a.timeout, a.after)
    json.dump(out, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
