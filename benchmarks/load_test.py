"""Load test of ``perr serve``: concurrent clients on the headline queries, on loopback only.

    .venv/bin/python benchmarks/load_test.py                    # 8 clients, 20 s, dist/perr.nq
    .venv/bin/python benchmarks/load_test.py --clients 4 --duration 10 --json /tmp/load.json

Starts ``perr serve --port 0`` (Oxigraph's server behind the checking front, as users run it) in its own process
on 127.0.0.1, then ``--clients`` threads send queries for ``--duration`` seconds, each one after the other
(no think time), round-robin over the headline questions of the library:

- ``who-leads-what`` (every commitment with its leads: the largest answer, ~240 kB of JSON),
- ``protocol-stats`` (aggregates over every protocol graph),
- ``partner-leads`` with a parameter (bound by the front, as the query page does it: ``library=`` and
  ``param.NAME=``), rotating over three values,
- ``category-protocol-counts``.

Every answer is checked: HTTP 200, SPARQL JSON results, and the same number of rows as the embedded store gives
for the same query and parameters. With ``--hostile``, one more client sends engine-killing and timing-out
queries meanwhile, and ``--kill-every S`` kills Oxigraph that often (``benchmarks/hostile.py``): the other
clients must still see no error. The resident memory (``VmRSS``) of the front's process and of the engine's
processes (Oxigraph, its gates, the checkers) is sampled every 0.25 s. The report gives requests/s, latency percentiles (p50, p95, p99, max)
overall and per query, errors, and memory at the start, at its peak and at the end, with the machine.

Bounded: at most 64 clients and 300 s; every request has a 30 s time limit; nothing but 127.0.0.1 is addressed.
Exit code 1 if any request failed or gave a wrong answer. Not part of the test run (pytest's testpaths is
``tests/``); the figures are recorded in docs/benchmarks.md, section "Load test of perr serve".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import select
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import hostile

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/perr-graph/"

#: (label, library query, parameters): the requests, in the order each client cycles through them
REQUESTS = [
    ("who-leads-what", "who-leads-what", {}),
    ("protocol-stats", "protocol-stats", {}),
    ("partner-leads category=caf", "partner-leads", {"category": ID + "concept/partner-category/caf"}),
    ("category-protocol-counts", "category-protocol-counts", {}),
    ("partner-leads category=etat", "partner-leads", {"category": ID + "concept/partner-category/etat"}),
    ("partner-leads partner=caf-drome", "partner-leads", {"partner": ID + "id/org/caf-drome"}),
]

MAX_CLIENTS, MAX_DURATION, REQUEST_TIMEOUT = 64, 300.0, 30.0

#: the first line of every answer that was not HTTP 200 (hostile ones included), for the report
ERRORS: list[str] = []


def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --- the server under test ---------------------------------------------------------------------------------------


def rss_kb(pid: int) -> int | None:
    """Resident memory of a process, in kB (``VmRSS``); None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a process has used so far (``/proc/PID/stat`` fields 14 and 15)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def loadavg() -> float | None:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except OSError:
        return None


def threads_of(pid: int) -> int | None:
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return None


class Serve:
    """``perr serve --port 0 --data FILE`` in its own process; stopped by Ctrl-C (SIGINT), as a user does."""

    def __init__(self, data: Path, timeout: float):
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "perr_graph.cli",
                "serve",
                "--port",
                "0",
                "--host",
                "127.0.0.1",
                "--data",
                str(data),
                "--timeout",
                str(timeout),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        ready, _, _ = select.select([self.proc.stdout], [], [], 120)
        line = self.proc.stdout.readline() if ready else ""
        if "SPARQL endpoint http://127.0.0.1:" not in line:
            self.stop()
            raise SystemExit(f"perr serve did not start: {line or self.proc.stderr.read()[-500:]}")
        self.base = line.split("query page ")[1].split()[0].rstrip("/")
        host = urllib.parse.urlsplit(self.base).hostname
        if host != "127.0.0.1":
            self.stop()
            raise SystemExit(f"refusing to load-test {self.base}: loopback (127.0.0.1) only")
        deadline = time.monotonic() + 10
        while not hostile.by_role(self.proc.pid)["oxigraph"] and time.monotonic() < deadline:
            time.sleep(0.05)
        if not hostile.by_role(self.proc.pid)["oxigraph"]:
            self.stop()
            raise SystemExit("no Oxigraph process behind perr serve")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


# --- the clients -----------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    label: str
    started: float
    seconds: float
    ok: bool
    detail: str = ""


@dataclass
class Run:
    outcomes: list[Outcome] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, o: Outcome) -> None:
        with self.lock:
            self.outcomes.append(o)


def form(name: str, text: str, params: dict[str, str]) -> bytes:
    fields = {"query": text, "library": name}
    fields.update({f"param.{k}": v for k, v in params.items()})
    return urllib.parse.urlencode(fields).encode()


def ask(url: str, body: bytes) -> tuple[int, int]:
    """(HTTP status, rows) of one query; rows -1 if the answer is not SPARQL JSON results."""
    req = urllib.request.Request(
        url,
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json",
        },
    )
    try:
        with urllib.request.urlopen(req, timeout=REQUEST_TIMEOUT) as r:
            data = r.read()
            status = r.status
    except urllib.error.HTTPError as exc:
        ERRORS.append(f"HTTP {exc.code}: {exc.read(300).decode('utf-8', 'replace').strip()}")
        return exc.code, -1
    try:
        return status, len(json.loads(data)["results"]["bindings"])
    except (ValueError, KeyError, TypeError):
        return status, -1


def client(index: int, url: str, bodies: list[tuple[str, bytes, int]], stop_at: float, run: Run) -> None:
    i = index  # each client starts at a different question
    while time.monotonic() < stop_at:
        label, body, expected = bodies[i % len(bodies)]
        i += 1
        t0 = time.monotonic()
        try:
            status, rows = ask(url, body)
            ok = status == 200 and rows == expected
            detail = "" if ok else f"HTTP {status}, {rows} rows (expected {expected})"
        except (OSError, urllib.error.URLError) as exc:
            ok, detail = False, f"{exc.__class__.__name__}: {exc}"
        run.add(Outcome(label, t0, time.monotonic() - t0, ok, detail))


def sampler(
    front: int, stop: threading.Event, samples: list[dict], cpu: dict[int, float], seen: set[int]
) -> None:
    """Every 0.25 s: resident memory of the front and, summed, of each kind of engine process; the CPU time of
    every process seen (the last value read, for those that end)."""
    t0 = time.monotonic()
    while not stop.is_set():
        roles = hostile.by_role(front)
        row: dict = {"t": round(time.monotonic() - t0, 2), "front": rss_kb(front)}
        for name in ("oxigraph", "gate", "checker"):
            row[name] = sum(rss_kb(pid) or 0 for pid in roles[name])
        seen.update(roles["oxigraph"])
        for pid in [front, *roles["oxigraph"], *roles["gate"], *roles["checker"]]:
            used = cpu_seconds(pid)
            if used is not None:
                cpu[pid] = used
        row["front_threads"] = threads_of(front)
        samples.append(row)
        stop.wait(0.25)


# --- figures ---------------------------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of ``values``."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def summary(outcomes: list[Outcome], seconds: float) -> dict:
    lat = [o.seconds * 1000 for o in outcomes]
    return {
        "requests": len(outcomes),
        "errors": sum(not o.ok for o in outcomes),
        "requests_per_s": round(len(outcomes) / seconds, 1),
        "p50_ms": round(pct(lat, 50), 1),
        "p95_ms": round(pct(lat, 95), 1),
        "p99_ms": round(pct(lat, 99), 1),
        "max_ms": round(max(lat), 1) if lat else None,
        "mean_ms": round(statistics.fmean(lat), 1) if lat else None,
    }


def memory(samples: list[dict], name: str) -> dict:
    values = [s[name] for s in samples if s.get(name)]
    if not values:
        return {}
    half = len(values) // 2
    return {
        "start_mb": round(values[0] / 1024, 1),
        "peak_mb": round(max(values) / 1024, 1),
        "end_mb": round(values[-1] / 1024, 1),
        "peak_first_half_mb": round(max(values[: max(1, half)]) / 1024, 1),
        "peak_second_half_mb": round(max(values[half:]) / 1024, 1),
    }


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        from importlib.metadata import version

        oxigraph = version("oxigraph")
    except Exception:
        oxigraph = "?"
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": mem,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "oxigraph": oxigraph,
    }


def expected_answers(data: Path) -> list[tuple[str, bytes, int]]:
    """(label, request body, rows the embedded store gives) for each request of :data:`REQUESTS`."""
    sys.path.insert(0, str(ROOT / "src"))
    from perr_graph.sparql import library as queries
    from perr_graph.sparql.run import run_local
    from perr_graph.store import open_store

    if not data.exists():
        say(f"{data} is missing: perr build")
        subprocess.run([sys.executable, "-m", "perr_graph.cli", "build"], cwd=ROOT, check=True)
    say("expected answers from the embedded store")
    store = open_store([data])
    bodies = []
    for label, name, params in REQUESTS:
        q = queries.find(name)
        expected = len(run_local(store, q, params).rows)
        bodies.append((label, form(name, q.text, params), expected))
    return bodies


def load(args, serve: Serve, bodies) -> dict:
    """The clients (and the hostile one) for ``args.duration`` seconds against ``serve``, sampled meanwhile."""
    url = serve.base + "/sparql"
    front = serve.proc.pid
    say(f"{serve.base}: front pid {front}, engine {hostile.by_role(front)}; warm-up")
    for label, body, expected in bodies:
        status, rows = ask(url, body)
        if status != 200 or rows != expected:
            raise SystemExit(f"warm-up: {label}: HTTP {status}, {rows} rows (expected {expected})")
    samples: list[dict] = []
    cpu_by_pid: dict[int, float] = {}
    engines: set[int] = set()
    stop = threading.Event()
    watch = hostile.start(sampler, front, stop, samples, cpu_by_pid, engines)
    time.sleep(0.3)  # a first sample before the load
    cpu_start = dict(cpu_by_pid)
    run = Run()
    say(f"{args.clients} clients for {args.duration:g} s" + (" and a hostile one" if args.hostile else ""))
    load_before = loadavg()
    own_before = time.process_time()
    started = time.monotonic()
    stop_at = started + args.duration
    threads = [hostile.start(client, i, url, bodies, stop_at, run) for i in range(args.clients)]
    killed: list[int] = []
    if args.hostile:
        threads.append(hostile.start(hostile.hostile_client, url, stop_at, run, Outcome, ask))
        if args.kill_every:
            threads.append(hostile.start(hostile.crasher, front, args.kill_every, stop_at, killed))
    for t in threads:
        t.join(args.duration + REQUEST_TIMEOUT + 5)
    elapsed = time.monotonic() - started
    time.sleep(0.3)  # a last sample after the load
    stop.set()
    watch.join(5)
    cpu = {"front": round(cpu_by_pid.get(front, 0) - cpu_start.get(front, 0), 1)}
    cpu["engine"] = round(sum(v - cpu_start.get(p, 0) for p, v in cpu_by_pid.items() if p != front), 1)
    cpu["clients"] = round(time.process_time() - own_before, 1)
    normal = [o for o in run.outcomes if not o.label.startswith("hostile")]
    hostile_outcomes = [o for o in run.outcomes if o.label.startswith("hostile")]
    return {
        "clients": args.clients,
        "duration_s": round(elapsed, 1),
        "machine": machine(),
        "overall": summary(normal, elapsed),
        "per_query": {
            label: summary([o for o in normal if o.label == label], elapsed) for label, _, _ in bodies
        },
        "hostile": {
            label: {"requests": len(os_), "unexpected": [o.detail for o in os_ if not o.ok][:5]}
            for label in sorted({o.label for o in hostile_outcomes})
            for os_ in [[o for o in hostile_outcomes if o.label == label]]
        },
        "oxigraph_processes": len(engines),
        "killed_on_purpose": len(killed),
        "expected_rows": {label: expected for label, _, expected in bodies},
        "memory": {name: memory(samples, name) for name in ("front", "oxigraph", "gate", "checker")},
        "front_threads_max": max((s["front_threads"] or 0) for s in samples) if samples else None,
        "cpu_seconds": cpu,
        "loadavg_before": load_before,
        "samples": len(samples),
        "errors": [f"{o.label}: {o.detail}" for o in normal if not o.ok][:20],
        "answers_not_200": sorted(set(ERRORS))[:20],
    }


def report(result: dict) -> None:
    o, cpu, elapsed = result["overall"], result["cpu_seconds"], result["duration_s"]
    print(
        f"\nperr serve under load: {result['clients']} clients, {elapsed:.1f} s, {o['requests']} requests, "
        f"{o['errors']} errors"
    )
    print(
        f"  {o['requests_per_s']} requests/s; latency p50 {o['p50_ms']} ms, p95 {o['p95_ms']} ms, "
        f"p99 {o['p99_ms']} ms, max {o['max_ms']} ms"
    )
    print(f"  {'query':34} {'rows':>5} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for label, s in result["per_query"].items():
        print(
            f"  {label:34} {result['expected_rows'][label]:>5} {s['requests']:>8} {s['p50_ms']:>8} "
            f"{s['p95_ms']:>8} {s['max_ms']:>8}"
        )
    for name, m in result["memory"].items():
        if m:
            print(
                f"  RSS {name:9} start {m['start_mb']} MB, peak {m['peak_mb']} MB, end {m['end_mb']} MB "
                f"(peak in the first half {m['peak_first_half_mb']} MB, second half {m['peak_second_half_mb']} MB)"
            )
    print(f"  front threads at most {result['front_threads_max']}; {result['samples']} memory samples")
    for label, h in result["hostile"].items():
        print(f"  {label}: {h['requests']} requests, unexpected answers: {h['unexpected'] or 'none'}")
    print(
        f"  Oxigraph processes seen: {result['oxigraph_processes']} ({result['killed_on_purpose']} killed on purpose)"
    )
    print(
        f"  CPU seconds used during the run: front {cpu['front']}, engine processes {cpu['engine']}, "
        f"clients {cpu['clients']} (of {elapsed * (os.cpu_count() or 1):.0f} available); "
        f"1-minute load average before the run {result['loadavg_before']}"
    )
    mc = result["machine"]
    print(
        f"  machine: {mc['cpu']}, {mc['cpus']} CPUs, {mc['memory_gb']} GB, {mc['os']}, Python {mc['python']}, "
        f"oxigraph {mc['oxigraph']}"
    )
    for line in result["errors"]:
        print(f"  error: {line}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--clients", type=int, default=8, help=f"concurrent clients (default 8, at most {MAX_CLIENTS})"
    )
    p.add_argument(
        "--duration", type=float, default=20.0, help=f"seconds of load (default 20, at most {MAX_DURATION:g})"
    )
    p.add_argument(
        "--data", type=Path, default=ROOT / "dist" / "perr.nq", help="dataset (default dist/perr.nq)"
    )
    p.add_argument("--timeout", type=float, default=30.0, help="perr serve --timeout (default 30)")
    p.add_argument("--json", type=Path, help="also write the figures here, as JSON")
    p.add_argument(
        "--hostile", action="store_true", help="one more client: engine-killing, timing-out queries"
    )
    p.add_argument(
        "--kill-every", type=float, metavar="S", help="with --hostile: SIGKILL Oxigraph every S seconds"
    )
    args = p.parse_args(argv)
    if not 1 <= args.clients <= MAX_CLIENTS or not 0 < args.duration <= MAX_DURATION:
        p.error(f"--clients must be 1..{MAX_CLIENTS} and --duration 0..{MAX_DURATION:g}")
    bodies = expected_answers(args.data)
    say("starting perr serve")
    serve = Serve(args.data, args.timeout)
    try:
        result = load(args, serve, bodies)
    finally:
        serve.stop()
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        say(f"wrote {args.json}")
    unexpected = any(h["unexpected"] for h in result["hostile"].values())
    return 1 if result["overall"]["errors"] or unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
