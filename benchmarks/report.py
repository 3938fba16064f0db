"""The report at national scale: ``.venv/bin/python benchmarks/report.py [--sizes 5,50,500] [--baseline REF]``.

For each size N, ``perr synth --protocols N --seed 1`` makes a synthetic France (or ``--data-dir`` holds
``synth-N.nq`` and ``synth-N-texts/`` from an earlier run), then, in one run of this script:

- the report: ``perr report --data … --sources … --no-validation --quiet`` in its own process, into a new
  folder (an earlier report removed first, outside the timing), wall-clock time, CPU time (user + system) and peak
  memory (target at N = 500: under 60 s), loading the dataset included;
- with ``--baseline REF`` (a git commit), the same report made by the code of REF (its tree, exported by
  ``git archive`` into a temporary folder and put first on ``PYTHONPATH``), alternating old and new (``--repeat``
  pairs) so that both see the same load on the machine, and the ratios old / new; sizes above
  ``--baseline-max`` are left out of the baseline (the old report took minutes there);
- the network layout: :func:`perr_graph.analysis.network.layout` on the overall partner network's drawn part
  (target: under 2 s at 500 protocols), and, with ``--hand``, the hand-written pure-Python Fruchterman–Reingold
  layout it replaced (kept below, 400 iterations as it ran), as a ratio.

Results are merged into ``benchmarks/results/report.json`` (sizes measured earlier are kept), printed as a
Markdown table, and with ``--docs docs/benchmarks.md`` written between its ``report`` markers. Not part of the
test run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PERR = [sys.executable, "-m", "perr_graph.cli"]
RESULTS = HERE / "results" / "report.json"
BEGIN, END = "<!-- report:begin -->", "<!-- report:end -->"


def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def dataset(n: int, folder: Path) -> tuple[Path, Path]:
    nq, texts = folder / f"synth-{n}.nq", folder / f"synth-{n}-texts"
    if not nq.exists():
        say(f"perr synth --protocols {n}")
        cmd = [
            *PERR,
            "synth",
            "--protocols",
            str(n),
            "--seed",
            "1",
            "-o",
            str(nq),
            "--texts",
            str(texts),
            "-q",
        ]
        subprocess.run(cmd, check=True)
    return nq, texts


def baseline(ref: str) -> Path:
    """The ``src/`` folder of commit ``ref``, exported with the whole tree (the package's bundled resources
    point into it) into a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="perr-report-baseline-"))
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "src"


def time_report(nq: Path, texts: Path, out: Path, src: Path | None = None) -> dict:
    """``perr report`` in a process of its own (the code of ``src`` when given): wall and CPU seconds, peak
    memory (MB), pages and files written."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    else:
        env.pop("PYTHONPATH", None)
    # a first report into a new folder: replacing an earlier one would add removing its files (tens of
    # thousands at 500 protocols, for reports made before the downloads were made in the browser) to the time
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    cmd = [
        *PERR,
        "report",
        "--data",
        str(nq),
        "--sources",
        str(texts),
        "--no-validation",
        "-o",
        str(out),
        "-q",
    ]
    subprocess.run(cmd, check=True, env=env, cwd=tempfile.gettempdir(), stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1),
        "peak_mb": round(after.ru_maxrss / 1024),
        "pages": sum(1 for _ in out.glob("*.html")),
        "files": sum(1 for p in out.rglob("*") if p.is_file()),
    }


def hand_layout(g, seed: int = 20192022, iterations: int = 400, spread: float = 4.0) -> dict:
    """The layout the report used before (pure Python, O(n²) per iteration), for the ratio."""
    nodes = sorted(g)
    n = len(nodes)
    rng = random.Random(seed)
    pos = {v: [rng.random(), rng.random()] for v in nodes}
    k = spread * math.sqrt(1.0 / n)
    edges = sorted(
        (min(a, b), max(a, b), 1.0 + 0.3 * math.log(d.get("weight", 1))) for a, b, d in g.edges(data=True)
    )
    t0 = t = 0.12
    for step in range(iterations):
        disp = {v: [0.0, 0.0] for v in nodes}
        for i in range(n):
            a, pa = nodes[i], pos[nodes[i]]
            for j in range(i + 1, n):
                b = nodes[j]
                dx, dy = pa[0] - pos[b][0], pa[1] - pos[b][1]
                f = k * k / (dx * dx + dy * dy or 1e-9)
                disp[a][0] += dx * f
                disp[a][1] += dy * f
                disp[b][0] -= dx * f
                disp[b][1] -= dy * f
        for a, b, w in edges:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            f = (math.sqrt(dx * dx + dy * dy) or 1e-9) * w / k
            disp[a][0] -= dx * f
            disp[a][1] -= dy * f
            disp[b][0] += dx * f
            disp[b][1] += dy * f
        for v in nodes:
            dx, dy = disp[v]
            d = math.sqrt(dx * dx + dy * dy) or 1e-9
            pos[v][0] += dx / d * min(d, t)
            pos[v][1] += dy / d * min(d, t)
        t = t0 * (1 - (step + 1) / iterations) + 0.001
    return pos


def time_layout(nq: Path, hand: bool) -> dict:
    from perr_graph.analysis.network import drawn_part, layout, partner_graphs
    from perr_graph.store import open_store

    g = partner_graphs(open_store([nq]))["all"]
    part, _, _ = drawn_part(g)
    start = time.perf_counter()
    first = layout(part)
    ours = time.perf_counter() - start
    same = first == layout(part)
    out = {
        "nodes": part.number_of_nodes(),
        "edges": part.number_of_edges(),
        "layout_s": round(ours, 3),
        "same_twice": same,
    }
    if hand:
        start = time.perf_counter()
        hand_layout(part)
        out["hand_s"] = round(time.perf_counter() - start, 2)
        out["ratio"] = round(out["hand_s"] / ours, 1)
    return out


def best(runs: list[dict]) -> dict:
    """The run with the least CPU time (the steadiest figure on a shared machine), with every run's times."""
    out = dict(min(runs, key=lambda r: r["cpu_s"]))
    out["runs"] = [{"wall_s": r["wall_s"], "cpu_s": r["cpu_s"]} for r in runs]
    return out


def measure(n: int, folder: Path, old_src: Path | None, repeat: int, hand: bool) -> dict:
    nq, texts = dataset(n, folder)
    new, old = [], []
    for i in range(repeat):  # paired, alternating: old then new, so both see the same load
        if old_src is not None:
            say(f"report at N = {n}, baseline ({i + 1}/{repeat})")
            old.append(time_report(nq, texts, folder / f"report-{n}-old", old_src))
        say(f"report at N = {n} ({i + 1}/{repeat})")
        new.append(time_report(nq, texts, folder / f"report-{n}", None))
    say(f"layout at N = {n}")
    row = {"report": best(new), "layout": time_layout(nq, hand=hand)}
    if old:
        row["baseline"] = best(old)
        row["ratio_cpu"] = round(row["baseline"]["cpu_s"] / row["report"]["cpu_s"], 1)
        row["ratio_wall"] = round(row["baseline"]["wall_s"] / row["report"]["wall_s"], 1)
    return row


def table(results: dict) -> str:
    head = (
        "| protocols | report (wall) | report (CPU) | peak memory | pages / files | baseline (wall / CPU) | "
        "ratio (CPU) | layout: nodes | layout |\n|---|---|---|---|---|---|---|---|---|\n"
    )
    rows = []
    for n in sorted(results["sizes"], key=int):
        r = results["sizes"][n]
        rep, lay, base = r["report"], r["layout"], r.get("baseline")
        old = f"{base['wall_s']} s / {base['cpu_s']} s" if base else "—"
        rows.append(
            f"| {n} | {rep['wall_s']} s | {rep['cpu_s']} s | {rep['peak_mb']} MB | {rep['pages']} / {rep['files']} | "
            f"{old} | {r.get('ratio_cpu', '—')} | {lay['nodes']} | {lay['layout_s']} s |"
        )
    when = f"Measured {results['date']} ({results['machine']['cpus']} cores, load average {results['load']})"
    base = f", baseline {results['baseline']}" if results.get("baseline") else ""
    return f"{when}{base}.\n\n{head}" + "\n".join(rows) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="5,50,500", help="numbers of protocols (default 5,50,500)")
    p.add_argument(
        "--data-dir", type=Path, help="where synth-N.nq and synth-N-texts/ are kept (default: a temp)"
    )
    p.add_argument(
        "--baseline", metavar="REF", help="also time the report made by the code of this git commit"
    )
    p.add_argument(
        "--baseline-max", type=int, default=50, help="largest size timed on the baseline (default 50)"
    )
    p.add_argument("--repeat", type=int, default=1, help="runs of each report (the least CPU time is kept)")
    p.add_argument("--hand", action="store_true", help="also time the former pure-Python layout (N <= 50)")
    p.add_argument(
        "--json", type=Path, default=RESULTS, help=f"results file (default {RESULTS.relative_to(ROOT)})"
    )
    p.add_argument(
        "--docs", type=Path, help="write the table between the report markers of this Markdown file"
    )
    a = p.parse_args(argv)
    folder = a.data_dir or Path(tempfile.mkdtemp(prefix="perr-report-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    old_src = baseline(a.baseline) if a.baseline else None
    results = json.loads(a.json.read_text(encoding="utf-8")) if a.json.exists() else {"sizes": {}}
    results |= {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "baseline": a.baseline,
    }
    for n in (int(x) for x in a.sizes.split(",")):
        use = old_src if n <= a.baseline_max else None
        results["sizes"][str(n)] = measure(n, folder, use, a.repeat, a.hand and n <= 50)
    results["load"] = round(os.getloadavg()[0], 1)
    a.json.parent.mkdir(parents=True, exist_ok=True)
    a.json.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    text = table(results)
    print(text)
    if a.docs:
        doc = a.docs.read_text(encoding="utf-8")
        if BEGIN not in doc or END not in doc:
            raise SystemExit(f"{a.docs}: no {BEGIN} … {END} markers")
        head, rest = doc.split(BEGIN, 1)
        a.docs.write_text(f"{head}{BEGIN}\n{text}{END}{rest.split(END, 1)[1]}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
