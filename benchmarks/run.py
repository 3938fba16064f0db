"""The national-scale benchmarks: ``.venv/bin/python benchmarks/run.py --sizes 5,50,500``.

For each size N (number of protocols; N = 5 is the real dataset, built by ``perr build``; larger N are made by
``perr synth``), every figure is measured in its own process (``benchmarks/measure.py``) beside the plain
alternative measured in the same run:

- dataset: build (N = 5) or generate (``perr synth``), with peak memory;
- load: the embedded store as ``perr`` opens it (pyoxigraph in memory), pyoxigraph's ``Store.load``, an on-disk
  store (built once, then reopened), the Oxigraph server's ``oxigraph load``, and rdflib's default store;
- queries: every query of ``queries/*.rq`` on the embedded store, on the reopened on-disk store, on the Oxigraph
  server over HTTP (loopback) and on rdflib's default store, with a digest of the rows to say whether the
  engines agree;
- validation: ``perr validate``'s path in one process, the same on 2 processes (cold then warm cache), and pySHACL
  on the whole merged graph, with a comparison of their results. (Figures kept from before issue 17 were measured
  with the project's former SPARQL compiler; see benchmarks/shacl-engines.md.)

rdflib and pySHACL are measured only up to ``--rdflib-max`` / ``--pyshacl-max`` protocols (they take hours
beyond), each query or validation run within a time budget (a run past it is recorded as a timeout: the ratio
is then a lower bound). Results are merged into ``benchmarks/results/results.json`` (sizes measured earlier are
kept), and ``--docs docs/benchmarks.md`` rewrites the figures between its ``results`` markers.

Not part of the test run (pytest's testpaths is ``tests/``). See docs/benchmarks.md for the method.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MEASURE = HERE / "measure.py"
RESULTS = HERE / "results" / "results.json"
ALL_TASKS = ("dataset", "load", "queries", "server", "validate")

#: the query that answers "who leads what", and the aggregate queries (a few rows summarising many)
HEADLINE = "01-who-leads-what"


def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


MAX_MEMORY_GB: list[float] = []


def measure(task: str, *args: str, timeout: float) -> dict:
    """Run one measurement in its own process group; a run past ``timeout`` is killed and recorded as such."""
    cmd = [sys.executable, str(MEASURE), task, *args]
    if MAX_MEMORY_GB and task != "server":  # the server's own process is not limited (Rocksdb maps files)
        cmd += ["--max-memory-gb", str(MAX_MEMORY_GB[0])]
    say("  " + " ".join([task, *args]))
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, cwd=ROOT
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return {"timeout": timeout}
    if proc.returncode != 0:
        tail = (err or "").strip().splitlines()[-3:]
        return {"error": " | ".join(tail)[-500:] or f"exit {proc.returncode}"}
    return json.loads(out.strip().splitlines()[-1])


def median_of(runs: list[dict], key: str = "seconds") -> dict:
    """The run with the median time (its other figures kept), and every time measured."""
    ok = [r for r in runs if key in r]
    if not ok:
        return runs[-1]
    ok.sort(key=lambda r: r[key])
    best = dict(ok[len(ok) // 2])
    best["all_" + key] = [round(r[key], 3) for r in ok]
    return best


def machine() -> dict:
    def first(path: str, prefix: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "?"

    def version(mod: str) -> str:
        try:
            from importlib.metadata import version as v

            return v(mod)
        except Exception:
            return "?"

    oxigraph = subprocess.run(
        [str(Path(sys.executable).parent / "oxigraph"), "--version"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "memory": first("/proc/meminfo", "MemTotal"),
        "cpu": first("/proc/cpuinfo", "model name"),
        "cpu_mhz": first("/proc/cpuinfo", "cpu MHz"),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "rdflib": version("rdflib"),
        "pyoxigraph": version("pyoxigraph"),
        "oxigraph_cli": oxigraph,
        "pyshacl": version("pyshacl"),
        "perr_graph": version("perr-graph"),
        "date": time.strftime("%Y-%m-%d"),
    }


def run_size(n: int, a, work: Path, results: dict) -> None:
    r = results.setdefault(str(n), {})
    data = work / ("real" if n == 5 and not a.synthetic_5 else f"synth-{n}")
    nq = data / ("perr.nq" if n == 5 and not a.synthetic_5 else "data.nq")
    texts = ROOT / "data" / "sources" if n == 5 and not a.synthetic_5 else data / "texts"
    data.mkdir(parents=True, exist_ok=True)
    tasks = set(a.tasks)
    say(f"N = {n}")

    if "dataset" in tasks or not nq.exists():
        if n == 5 and not a.synthetic_5:
            r["dataset"] = measure("build", "--out", str(data), timeout=a.timeout)
        else:
            r["dataset"] = measure(
                "generate",
                "--n",
                str(n),
                "--seed",
                str(a.seed),
                "--out",
                str(nq),
                "--texts",
                str(texts),
                timeout=a.timeout,
            )
        r["dataset"]["bytes"] = nq.stat().st_size if nq.exists() else None
    if not nq.exists():
        say(f"  no dataset for N = {n}: {r['dataset']}")
        return
    f = ["--file", str(nq)]
    small = n <= 500
    repeat = str(a.repeat if small else 1)

    in_memory = n <= a.memory_max
    not_in_memory = {"skipped": f"the in-memory store is measured up to {a.memory_max} protocols"}
    if "load" in tasks:
        if in_memory:
            runs = [measure("load-oxigraph", *f, timeout=a.timeout) for _ in range(a.repeat if small else 1)]
            r["load_oxigraph"] = median_of(runs)
            r["load_oxigraph_load"] = median_of(
                [
                    measure("load-oxigraph", *f, "--mode", "load", timeout=a.timeout)
                    for _ in range(a.repeat if small else 1)
                ]
            )
        else:
            r["load_oxigraph"] = r["load_oxigraph_load"] = not_in_memory
        disk = Path(tempfile.mkdtemp(prefix="perr-bench-disk-", dir=work))
        r["load_disk"] = measure(
            "load-oxigraph", *f, "--mode", "disk", "--store", str(disk), timeout=a.timeout
        )
        r["open_disk"] = median_of(
            [
                measure("load-oxigraph", *f, "--mode", "open", "--store", str(disk), timeout=a.timeout)
                for _ in range(a.repeat)
            ]
        )
        r["_disk_store"] = str(disk)
        if n <= a.rdflib_max:
            r["load_rdflib"] = measure("load-rdflib", *f, timeout=a.timeout)
        else:
            r["load_rdflib"] = {"skipped": f"rdflib is measured up to {a.rdflib_max} protocols"}

    if "queries" in tasks:
        only = ["--only", a.only] if a.only else []
        r["queries_oxigraph"] = (
            measure(
                "queries-oxigraph",
                *f,
                "--repeat",
                repeat,
                "--budget",
                str(a.budget),
                *only,
                timeout=a.timeout,
            )
            if in_memory
            else not_in_memory
        )
        disk = r.get("_disk_store")
        if disk and Path(disk).exists():
            r["queries_disk"] = measure(
                "queries-oxigraph",
                *f,
                "--store",
                disk,
                "--repeat",
                repeat,
                "--budget",
                str(a.budget),
                *only,
                timeout=a.timeout,
            )
        if n <= a.rdflib_max:
            r["queries_rdflib"] = measure(
                "queries-rdflib",
                *f,
                "--repeat",
                "1" if n > 5 else repeat,
                "--budget",
                str(a.rdflib_budget),
                *only,
                timeout=a.timeout,
            )
        else:
            r["queries_rdflib"] = {"skipped": f"rdflib is measured up to {a.rdflib_max} protocols"}

    if "server" in tasks:
        only = ["--only", a.only] if a.only else []
        r["server"] = measure(
            "server",
            *f,
            "--repeat",
            repeat,
            "--budget",
            str(a.budget),
            "--workdir",
            str(work),
            *only,
            timeout=a.timeout,
        )

    if "validate" in tasks:
        t = ["--texts", str(texts)] if texts else []
        keys = {k: data / f"keys-{k}.txt" for k in ("plain", "fast", "pyshacl")}
        if a.fast_only:
            pass  # the other figures of this size are kept as measured before
        elif n <= a.plain_max:
            r["validate_plain"] = measure(
                "validate-plain", *f, *t, "--keys", str(keys["plain"]), timeout=a.validate_timeout
            )
        else:
            r["validate_plain"] = {"skipped": f"the plain path is measured up to {a.plain_max} protocols"}
        cache = Path(tempfile.mkdtemp(prefix="perr-bench-cache-", dir=work))
        r["validate_jobs"] = measure(
            "validate-jobs",
            *f,
            *t,
            "--jobs",
            str(a.jobs),
            "--cache",
            str(cache),
            "--keys",
            str(keys["fast"]),
            timeout=a.validate_timeout,
        )
        if a.fast_only:
            pass
        elif n <= a.pyshacl_max:
            r["validate_pyshacl"] = measure(
                "validate-pyshacl",
                *f,
                "--budget",
                str(a.pyshacl_budget),
                "--keys",
                str(keys["pyshacl"]),
                timeout=a.pyshacl_budget + 3600,
            )
        else:
            r["validate_pyshacl"] = {"skipped": f"pySHACL is measured up to {a.pyshacl_max} protocols"}
        same = {}
        for x, y in (("plain", "pyshacl"), ("fast", "pyshacl"), ("fast", "plain")):
            if keys[x].exists() and keys[y].exists():
                kx, ky = set(keys[x].read_text().splitlines()), set(keys[y].read_text().splitlines())
                same[f"{x}={y}"] = {
                    "same": kx == ky,
                    "only_" + x: len(kx - ky),
                    "only_" + y: len(ky - kx),
                    "results": len(kx),
                }
        r["validate_same"] = same
        subprocess.run(["rm", "-rf", str(cache)], check=False)


# --- report ---------------------------------------------------------------------------------------------------------


def fmt_s(x) -> str:
    if x is None:
        return "–"
    if x >= 100:
        return f"{x:.0f} s"
    if x >= 1:
        return f"{x:.1f} s"
    return f"{x * 1000:.0f} ms" if x >= 0.01 else f"{x * 1000:.1f} ms"


def secs(d: dict | None, key: str = "seconds"):
    return d.get(key) if isinstance(d, dict) else None


def cell(d: dict | None, key: str = "seconds") -> str:
    if not isinstance(d, dict):
        return "–"
    if "timeout" in d:
        return f"> {fmt_s(d['timeout'])}"
    if "error" in d:
        return "error"
    if "skipped" in d:
        return "not run"
    return fmt_s(d.get(key))


def mb(d: dict | None, key: str = "peak_mb") -> str:
    v = d.get(key) if isinstance(d, dict) else None
    return f"{v:,.0f} MB" if isinstance(v, (int, float)) else "–"


def ratio(slow: dict | None, fast: dict | None, key: str = "seconds", fast_key: str | None = None) -> str:
    f = secs(fast, fast_key or key)
    if not isinstance(slow, dict) or not f:
        return "–"
    if "timeout" in slow:
        return f"> {slow['timeout'] / f:,.0f}×"
    s = slow.get(key)
    if s is None:
        return "–"
    r = s / f
    return f"{r:,.0f}×" if r >= 10 else f"{r:.1f}×"


def report(results: dict) -> str:
    sizes = sorted((k for k in results if k.isdigit()), key=int)
    out = []
    m = results.get("machine", {})
    out.append(
        f"Measured {m.get('date', '?')} on {m.get('nproc')} cores ({m.get('cpu')}, {m.get('cpu_mhz')} MHz), "
        f"{m.get('memory')} of memory, Linux {m.get('kernel')}; Python {m.get('python')}, "
        f"pyoxigraph {m.get('pyoxigraph')}, {m.get('oxigraph_cli')}, rdflib {m.get('rdflib')}, "
        f"pySHACL {m.get('pyshacl')}.\n"
    )

    out.append("### Dataset\n")
    out.append("| N | triples | N-Quads | build / generate | peak | µs per triple |")
    out.append("|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        d = results[n].get("dataset", {})
        t = d.get("triples")
        rate = f"{d['seconds'] / t * 1e6:.1f}" if t and "seconds" in d else "–"
        size = f"{d['bytes'] / 1e6:,.0f} MB" if d.get("bytes") else "–"
        out.append(
            f"| {n} | {t:,} | {size} | {cell(d)} | {mb(d)} | {rate} |"
            if t
            else f"| {n} | – | – | {cell(d)} | – | – |"
        )

    out.append("\n### Load\n")
    out.append(
        "| N | embedded (bulk_load) | peak | Store.load | peak | on-disk build | reopen + 1st query | peak "
        "| server load | rdflib | peak | rdflib ÷ embedded (time, memory) |"
    )
    out.append("|---:|" + "---:|" * 11)
    for n in sizes:
        r = results[n]
        ox, rl = r.get("load_oxigraph"), r.get("load_rdflib")
        reopen = r.get("open_disk")
        reopen_s = (secs(reopen) or 0) + (secs(reopen, "first_query_seconds") or 0) if secs(reopen) else None
        mem_ratio = "–"
        if isinstance(rl, dict) and rl.get("peak_mb") and isinstance(ox, dict) and ox.get("peak_mb"):
            mem_ratio = f"{rl['peak_mb'] / ox['peak_mb']:.1f}×"
        out.append(
            f"| {n} | {cell(ox)} | {mb(ox)} | {cell(r.get('load_oxigraph_load'))} | "
            f"{mb(r.get('load_oxigraph_load'))} | {cell(r.get('load_disk'))} | {fmt_s(reopen_s)} | "
            f"{mb(reopen)} | {cell(r.get('server'), 'load_seconds')} | {cell(rl)} | {mb(rl)} | "
            f"{ratio(rl, ox)}, {mem_ratio} |"
        )

    queries = sorted(
        {
            q
            for n in sizes
            for k in ("queries_oxigraph", "queries_disk")
            for q in (results[n].get(k, {}) or {}).get("queries", {})
        }
    )
    for n in sizes:
        r = results[n]
        qd = (r.get("queries_disk") or {}).get("queries", {})
        qm = (r.get("queries_oxigraph") or {}).get("queries", {})
        # the rows and ratios of the embedded store in memory; where it is not measured (national scale), on disk
        qo = qm or qd
        if not qo:
            continue
        qs = (r.get("server") or {}).get("queries", {})
        qr = (r.get("queries_rdflib") or {}).get("queries", {})
        rdflib_note = (r.get("queries_rdflib") or {}).get("skipped")
        out.append(f"\n### Queries, N = {n}\n")
        if rdflib_note:
            out.append(f"rdflib: {rdflib_note}.\n")
        out.append(
            "| query | rows | embedded | on-disk | server (HTTP) | rdflib | rdflib ÷ embedded | same rows |"
        )
        out.append("|---|---:|---:|---:|---:|---:|---:|---|")
        for q in queries:
            o = qo.get(q)
            if o is None:
                continue
            digests = {
                k: x.get("digest")
                for k, x in (
                    ("embedded", qm.get(q)),
                    ("on-disk", qd.get(q)),
                    ("server", qs.get(q)),
                    ("rdflib", qr.get(q)),
                )
                if isinstance(x, dict) and x.get("digest")
            }
            same = (
                "yes"
                if len(set(digests.values())) == 1 and len(digests) > 1
                else (
                    "differ: " + ", ".join(f"{k}" for k, v in digests.items() if v != o.get("digest"))
                    if len(digests) > 1
                    else "–"
                )
            )
            out.append(
                f"| {q} | {o.get('rows', '–'):,} | {cell(qm.get(q))} | {cell(qd.get(q))} | {cell(qs.get(q))} | "
                f"{cell(qr.get(q))} | {ratio(qr.get(q), o)} | {same} |"
                if "rows" in o
                else f"| {q} | – | {cell(qm.get(q))} | {cell(qd.get(q))} | {cell(qs.get(q))} | {cell(qr.get(q))} "
                "| – | – |"
            )
        srv = r.get("server") or {}
        out.append(
            f"\nServer: `oxigraph load` {cell(srv, 'load_seconds')} (peak {mb(srv, 'load_peak_mb')}), "
            f"serving peak {mb(srv, 'server_peak_mb')}. Embedded process peak "
            f"{mb(r.get('queries_oxigraph'), 'peak_self_mb')} (each query runs in a forked child); "
            f"on-disk {mb(r.get('queries_disk'), 'peak_self_mb')}; rdflib process peak "
            f"{mb(r.get('queries_rdflib'))}."
        )

    out.append("\n### Validation\n")
    out.append(
        "| N | perr validate (plain) | validate_jobs cold | warm (cache) | peak | pySHACL, merged graph "
        "| pySHACL ÷ fast | plain ÷ fast | same results |"
    )
    out.append("|---:|" + "---:|" * 7 + "---|")
    for n in sizes:
        r = results[n]
        vp, vf, vs = r.get("validate_plain"), r.get("validate_jobs"), r.get("validate_pyshacl")
        if not any(isinstance(x, dict) for x in (vp, vf, vs)):
            continue
        same = r.get("validate_same", {})
        same_txt = (
            "; ".join(f"{k}: {'yes' if v['same'] else 'no'} ({v['results']:,})" for k, v in same.items())
            or "–"
        )
        out.append(
            f"| {n} | {cell(vp)} | {cell(vf)} | {cell(vf, 'warm_seconds')} | {mb(vf)} | {cell(vs)} | "
            f"{ratio(vs, vf)} | {ratio(vp, vf)} | {same_txt} |"
        )
    return "\n".join(out) + "\n"


def write_docs(path: Path, text: str) -> None:
    begin, end = "<!-- results:begin -->", "<!-- results:end -->"
    doc = path.read_text(encoding="utf-8") if path.exists() else f"{begin}\n{end}\n"
    if begin not in doc or end not in doc:
        doc += f"\n{begin}\n{end}\n"
    head, rest = doc.split(begin, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{begin}\n{text}{end}{tail}", encoding="utf-8")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--sizes", default="5,50,500", help="comma-separated numbers of protocols (default 5,50,500)"
    )
    p.add_argument(
        "--tasks", default=",".join(ALL_TASKS), help=f"what to measure (default: {','.join(ALL_TASKS)})"
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "perr-bench",
        help="datasets and stores (default: $TMPDIR/perr-bench; N = 500 needs about 3 GB)",
    )
    p.add_argument("--results", type=Path, default=RESULTS)
    p.add_argument(
        "--docs", type=Path, default=None, help="rewrite the figures in this file (docs/benchmarks.md)"
    )
    p.add_argument("--report-only", action="store_true", help="only render the results already measured")
    p.add_argument("--repeat", type=int, default=3, help="timed runs per figure up to 500 protocols (median)")
    p.add_argument("--budget", type=float, default=600, help="seconds per query run on Oxigraph")
    p.add_argument(
        "--memory-max",
        type=int,
        default=500,
        help="largest N loaded into an in-memory store (default 500; beyond, the on-disk store only)",
    )
    p.add_argument("--rdflib-max", type=int, default=500, help="largest N measured with rdflib (default 500)")
    p.add_argument("--rdflib-budget", type=float, default=120, help="seconds per rdflib query (default 120)")
    p.add_argument("--plain-max", type=int, default=500, help="largest N for the plain 'perr validate' path")
    p.add_argument("--pyshacl-max", type=int, default=50, help="largest N measured with pySHACL (default 50)")
    p.add_argument("--pyshacl-budget", type=float, default=3600, help="seconds for one pySHACL run")
    p.add_argument(
        "--fast-only",
        action="store_true",
        help="validate: measure the run on --jobs processes alone, keeping the plain and pySHACL figures measured before",
    )
    p.add_argument("--jobs", type=int, default=2, help="validate: worker processes (default 2)")
    p.add_argument("--only", default=None, help="comma-separated query names (default: all of queries/)")
    p.add_argument("--timeout", type=float, default=7200, help="seconds allowed to one measurement process")
    p.add_argument("--validate-timeout", type=float, default=10800)
    p.add_argument(
        "--max-memory-gb",
        type=float,
        default=None,
        help="address-space limit per measurement process (e.g. 16 on a 24 GB machine for N = 5000)",
    )
    p.add_argument("--synthetic-5", action="store_true", help="N = 5 synthetic too (default: the real five)")
    a = p.parse_args(argv)
    a.tasks = [t.strip() for t in a.tasks.split(",") if t.strip()]
    if a.max_memory_gb:
        MAX_MEMORY_GB.append(a.max_memory_gb)
    unknown = set(a.tasks) - set(ALL_TASKS)
    if unknown:
        p.error(f"unknown task(s): {', '.join(sorted(unknown))}")
    results = json.loads(a.results.read_text()) if a.results.exists() else {}
    if not a.report_only:
        results["machine"] = machine()
        a.workdir.mkdir(parents=True, exist_ok=True)
        for n in (int(x) for x in a.sizes.split(",") if x.strip()):
            run_size(n, a, a.workdir, results)
            a.results.parent.mkdir(parents=True, exist_ok=True)
            a.results.write_text(json.dumps(results, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    text = report(results)
    if a.docs:
        write_docs(a.docs, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
