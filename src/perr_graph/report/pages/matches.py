"""``matches.html``: commitments that say the same thing in two protocols, both texts side by side."""

from __future__ import annotations

from collections import Counter

from perr_graph.analysis.matching import MIN_SHARED, THRESHOLD
from perr_graph.report.data import ReportData
from perr_graph.report.downloads import Downloads, Link
from perr_graph.report.links import Links

TEMPLATE = "matches.html.j2"


def _pair(data: ReportData, links: Links, r: dict) -> dict:
    sides = []
    for side in ("a", "b"):
        pid, line = r[side].rsplit(" L", 1)
        key = r[f"commitment_{side}"].rsplit("/", 1)[-1]
        sides.append(
            {
                "href": links.commitment(pid, key),
                "line_href": links.line(pid, line),
                "name": data.pname(pid),
                "line": line,
                "text": r[f"text_{side}"],
            }
        )
    return {"score": r["score"], "relation": r["relation"], "sides": sides, "shared": r["shared_terms"]}


def context(data: ReportData, links: Links, dl: Downloads) -> dict:
    m = data.m
    t = data.tables["matches"]
    recs = t.records()
    pairs: Counter[tuple[str, ...]] = Counter()
    for r in recs:
        pairs[tuple(sorted((r["a"].rsplit(" L", 1)[0], r["b"].rsplit(" L", 1)[0])))] += 1
    exact = [_pair(data, links, r) for r in recs if r["relation"] == "exact"]
    close = [_pair(data, links, r) for r in recs if r["relation"] == "close"]
    everything = dl.table(
        "pairs",
        m._("Matched pairs"),
        [
            m._("score"),
            m._("relation"),
            m._("territory A"),
            m._("line A"),
            m._("text A"),
            m._("territory B"),
            m._("line B"),
            m._("text B"),
            m._("shared terms"),
        ],
        [
            [
                p["score"],
                m._(p["relation"]),
                *(x for s in p["sides"] for x in (Link(s["name"], s["href"]), s["line"], s["text"])),
                p["shared"],
            ]
            for p in close + exact
        ],
        numeric=(0,),
    )
    by_protocols = dl.table(
        "by-protocols",
        m._("Pairs by protocols"),
        [m._("protocols"), m._("pairs")],
        [[f"{data.pname(a)} — {data.pname(b)}", n] for (a, b), n in sorted(pairs.items())],
        numeric=(1,),
    )
    return {
        "query": t.query,
        "pairs": len(recs),
        "exact": len(exact),
        "close": len(close),
        "threshold": THRESHOLD,
        "min_shared": MIN_SHARED,
        "by_protocols": by_protocols,
        "everything": everything,
        "groups": [(m._("Close matches"), close), (m._("Word-for-word copies"), exact)],
    }
