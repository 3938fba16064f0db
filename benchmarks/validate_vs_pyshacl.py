"""``perr validate`` with its default engine against pySHACL, the reference, on the same data: same results?

``python benchmarks/validate_vs_pyshacl.py --n 50 [--sample K] [--engine auto] [--jobs 2] [--data DIR] [--json OUT]``

Runs ``perr validate DATA --format json --fail-on info`` twice, with ``--engine auto`` (or the engine given) and
with ``--engine pyshacl``, each as its own process (wall-clock time, and the peak memory of the command and its
workers), and compares the results as sets of (protocol, focus node, shape, constraint, path, value, severity).
pySHACL's run keeps each unit's report in a cache folder (``--cache``), so a run stopped half-way goes on where
it stopped. N = 5 is the built dataset (``dist/perr.nq``); other N are made with
``perr synth --protocols N --seed 1`` into ``--data``. The figures go to ``--json`` (default
``benchmarks/results/validate-vs-pyshacl.json``, one entry per N and engine, kept between runs).

``--sample K`` keeps K of the N protocols (every (N/K)-th, in the order of their graph names) with every shared
graph: each protocol is validated on its own with the shared graphs (docs/validation.md), so its results are
those it has in the whole dataset of N, and pySHACL, which takes about a minute per protocol on a shared
machine, can be compared at N = 50 in minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PERR = str(Path(sys.executable).with_name("perr"))


def dataset(n: int, data: Path) -> tuple[Path, Path | None]:
    if n == 5:
        nq = ROOT / "dist" / "perr.nq"
        if not nq.is_file():
            subprocess.run([PERR, "build"], check=True)
        return nq, None
    nq, texts = data / f"synth-{n}.nq", data / f"texts-{n}"
    if not nq.is_file():
        data.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [PERR, "synth", "--protocols", str(n), "--seed", "1", "--output", str(nq), "--texts", str(texts),
             "--quiet"],
            check=True,
        )  # fmt: skip
    return nq, texts


def sample(nq: Path, k: int, data: Path) -> Path:
    """A copy of ``nq`` with k of its protocol graphs and every other graph."""
    import pyoxigraph as ox

    prefix = "https://w3id.org/perr-graph/graph/protocol/"
    quads = list(ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS))
    protocols = sorted({q.graph_name.value for q in quads if q.graph_name.value.startswith(prefix)})
    step = max(1, len(protocols) // k)
    keep = set(protocols[::step][:k])
    out = data / f"{nq.stem}-sample-{k}.nq"
    kept = [q for q in quads if not q.graph_name.value.startswith(prefix) or q.graph_name.value in keep]
    out.write_bytes(ox.serialize(kept, format=ox.RdfFormat.N_QUADS))
    return out


def run(nq: Path, texts: Path | None, engine: str, jobs: int, cache: Path | None) -> dict:
    cmd = [PERR, "validate", str(nq), "--engine", engine, "--format", "json", "--fail-on", "info", "--quiet",
           "--jobs", str(jobs)]  # fmt: skip
    if texts is not None:
        cmd += ["--sources", str(texts)]
    if cache is not None:
        cmd += ["--cache", str(cache)]
    t = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if done.returncode not in (0, 1) or not done.stdout.strip():
        return {"command": " ".join(cmd[1:]), "exit": done.returncode, "stderr": done.stderr[-1000:]}
    report = json.loads(done.stdout)
    keys = sorted(
        {
            (
                r["protocol"],
                r["focus"],
                r["shape"],
                r["constraint"],
                r["path"],
                r["value"] or "",
                r["severity"],
            )
            for r in report["results"]
        }
    )
    return {
        "command": " ".join(cmd[1:]),
        "seconds": round(seconds, 1),
        "peak_mb_largest_child": round(peak),
        "results": len(report["results"]),
        "keys": keys,
        "loadavg_1min_after": os.getloadavg()[0],
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=50)
    p.add_argument("--engine", default="auto")
    p.add_argument("--sample", type=int, default=0, help="keep this many of the N protocols (0: all)")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--data", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "perr-bench")
    p.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" / "validate-vs-pyshacl.json")
    a = p.parse_args(argv)
    nq, texts = dataset(a.n, a.data)
    if a.sample:
        nq = sample(nq, a.sample, a.data)
    fast = run(nq, texts, a.engine, a.jobs, None)
    reference = run(nq, texts, "pyshacl", a.jobs, a.data / f"pyshacl-cache-{a.n}-{a.sample}")
    if "keys" not in fast or "keys" not in reference:
        print(json.dumps({"fast": fast, "reference": reference}, indent=2))
        return 2
    f, r = set(map(tuple, fast.pop("keys"))), set(map(tuple, reference.pop("keys")))
    entry = {
        "n": a.n,
        "protocols_compared": a.sample or a.n,
        a.engine: fast,
        "pyshacl": reference,
        "identical": f == r,
        "only_fast": len(f - r),
        "only_pyshacl": len(r - f),
        "note": "pySHACL's time may include units read back from its cache (--cache) after an interrupted run",
    }
    kept = json.loads(a.json.read_text(encoding="utf-8")) if a.json.is_file() else {}
    kept[f"{a.n}-{a.sample or a.n}-{a.engine}"] = entry
    a.json.parent.mkdir(parents=True, exist_ok=True)
    a.json.write_text(json.dumps(kept, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(entry, indent=2, ensure_ascii=False))
    return 0 if f == r else 1


if __name__ == "__main__":
    sys.exit(main())
