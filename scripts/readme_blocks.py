"""The generated blocks of README.md, shared by scripts/refresh-readme.py and tests/test_readme.py."""

import contextlib
import io
import json

from perr_graph.cli import main

BLOCKS = ("stats", "example", "findings")
EXAMPLE = [
    "query",
    "who-leads-what",
    "--param",
    "protocol=https://w3id.org/perr-graph/id/protocol/montelimar",
    "--format",
    "csv",
]
#: the example's rows shown in the README (header, then lines 121-123 of the Montélimar text)
EXAMPLE_ROWS = (0, 14, 15, 16)


def _run(argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(argv)
    if code not in (0, 1):
        raise SystemExit(f"perr {' '.join(argv)} failed with exit code {code}")
    return out.getvalue()


def generate(name: str) -> str:
    if name == "stats":
        return _run(["stats"]).rstrip("\n")
    if name == "example":
        rows = _run(EXAMPLE).splitlines()
        return "\n".join(rows[i] for i in EXAMPLE_ROWS)
    if name == "findings":
        report = json.loads(_run(["validate", "--format", "json"]))
        counts: dict = {}
        for r in report["results"]:
            counts.setdefault(r["protocol"], {}).setdefault((r["severity"], r["shape"]), 0)
            counts[r["protocol"]][(r["severity"], r["shape"])] += 1
        lines = []
        for unit in sorted(counts):
            lines.append(f"{unit}:")
            for (severity, shape), n in sorted(
                counts[unit].items(), key=lambda x: (x[0][0] != "Warning", x[0][1])
            ):
                lines.append(f"  {severity:<8} {n:>4}  {shape}")
        return "\n".join(lines)
    raise KeyError(name)
