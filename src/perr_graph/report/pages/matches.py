"""``matches.html``: commitments that say the same thing in two protocols, both texts side by side."""

from __future__ import annotations

from collections import Counter

from perr_graph.analysis.matching import MIN_SHARED, THRESHOLD
from perr_graph.report.data import ReportData

TEMPLATE = "matches.html.j2"


def _pair(data: ReportData, r: dict) -> dict:
    sides = []
    for side in ("a", "b"):
        pid, line = r[side].split(" L")
        key = r[f"commitment_{side}"].rsplit("/", 1)[-1]
        sides.append(
            {"pid": pid, "key": key, "name": data.pname(pid), "line": line, "text": r[f"text_{side}"]}
        )
    return {"score": r["score"], "relation": r["relation"], "sides": sides, "shared": r["shared_terms"]}


def context(data: ReportData) -> dict:
    t = data.tables["matches"]
    recs = t.records()
    pairs: Counter[tuple[str, ...]] = Counter()
    for r in recs:
        pairs[tuple(sorted((r["a"].split(" ")[0], r["b"].split(" ")[0])))] += 1
    exact = [_pair(data, r) for r in recs if r["relation"] == "exact"]
    close = [_pair(data, r) for r in recs if r["relation"] == "close"]
    return {
        "query": t.query,
        "pairs": len(recs),
        "exact": len(exact),
        "close": len(close),
        "threshold": THRESHOLD,
        "min_shared": MIN_SHARED,
        "by_protocols": [[f"{data.pname(a)} — {data.pname(b)}", n] for (a, b), n in sorted(pairs.items())],
        "groups": [("Close matches", close), ("Word-for-word copies", exact)],
    }
