"""The report at national scale: ``.venv/bin/python benchmarks/report.py [--sizes 50,500]``.

For each size N, ``perr synth --protocols N --seed 1`` makes a synthetic France (or ``--data-dir`` holds
``synth-N.nq`` and ``synth-N-texts/`` from an earlier run), then, in one run of this script:

- the report: ``perr report --data … --sources … --no-validation --quiet`` in its own process, wall-clock time,
  CPU time and peak memory (target at N = 500: under 60 s);
- the network layout: :func:`perr_graph.analysis.network.layout` on the overall partner network's drawn part,
  beside the hand-written pure-Python Fruchterman–Reingold layout it replaced (kept below, 400 iterations as it
  ran), as a ratio (target: under 2 s at about 419 nodes).

Figures are printed as a Markdown table (paste them into docs/benchmarks.md). Not part of the test run.
"""

from __future__ import annotations

import argparse
import math
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PERR = [sys.executable, "-m", "perr_graph.cli"]


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


def time_report(nq: Path, texts: Path, out: Path) -> dict:
    """``perr report`` in a process of its own: wall and CPU seconds, peak memory (MB), files written."""
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
    subprocess.run(cmd, check=True)
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


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="50,500", help="numbers of protocols (default 50,500)")
    p.add_argument(
        "--data-dir", type=Path, help="where synth-N.nq and synth-N-texts/ are kept (default: a temp)"
    )
    p.add_argument("--no-hand", action="store_true", help="leave out the former pure-Python layout")
    a = p.parse_args(argv)
    folder = a.data_dir or Path(tempfile.mkdtemp(prefix="perr-report-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in (int(x) for x in a.sizes.split(",")):
        nq, texts = dataset(n, folder)
        say(f"report at N = {n}")
        report = time_report(nq, texts, folder / f"report-{n}")
        say(f"layout at N = {n}")
        lay = time_layout(nq, hand=not a.no_hand and n <= 50)
        rows.append((n, report, lay))
    print(
        "| protocols | report (wall) | report (CPU) | peak memory | pages / files | layout: nodes | layout | "
        "hand-written layout | ratio |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for n, r, lay in rows:
        print(
            f"| {n} | {r['wall_s']} s | {r['cpu_s']} s | {r['peak_mb']} MB | {r['pages']} / {r['files']} | "
            f"{lay['nodes']} | {lay['layout_s']} s | {lay.get('hand_s', '—')} s | {lay.get('ratio', '—')} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
