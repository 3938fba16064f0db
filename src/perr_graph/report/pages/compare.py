"""``compare.html``: the comparison tables (:mod:`perr_graph.analysis.compare`) as heat maps and tables."""

from __future__ import annotations

from perr_graph.analysis.compare import ROLES
from perr_graph.report.data import ReportData
from perr_graph.report.heat import heat_map
from perr_graph.report.labels import ROLE_TITLES

TEMPLATE = "compare.html.j2"


def context(data: ReportData) -> dict:
    cols = [(p, data.names[p]) for p in data.pids]
    tables = data.tables
    roles = []
    for role in ROLES:
        recs = [r for r in tables["category-roles"].records() if r["role"] == role]
        if recs:
            title, what = ROLE_TITLES[role]
            heat = heat_map([("category_label", "category")], cols, recs, ("all", "all"))
            roles.append({"role": role, "title": title, "what": what, "heat": heat})
    concepts = []
    for name, anchor, label in (("pillars", "pillars", "pillar"), ("themes", "themes", "theme")):
        t = tables[name]
        recs = [dict(r, **{f"{label}_label": r[f"{label}_label"] or "(none)"}) for r in t.records()]
        heat = heat_map([(f"{label}_label", label)], cols, recs, ("all", "all"))
        concepts.append({"anchor": anchor, "table": t, "heat": heat})
    shares = [dict(r, territory=data.names[r["protocol"]]) for r in tables["lead-indicator"].records()]
    territory = [("territory", "territory")]
    return {
        "tables": tables,
        "protocols": len(data.pids),
        "roles": roles,
        "organisations": heat_map(
            [("category_label", "category")],
            cols,
            tables["category-partners"].records(),
            ("all", "all"),
            hue="green",
        ),
        "concepts": concepts,
        "counts": heat_map(
            territory, [("commitments", "commitments"), ("with_lead", "with a lead")], shares, hue="blue"
        ),
        "shares": heat_map(
            territory,
            [("lead_share", "% with a lead"), ("indicator_share", "% with an indicator")],
            shares,
            hue="green",
            top=100,
        ),
        "everywhere": [
            [r["partner_label"], r["category"], r["protocols"], r["commitments"], r["leads"]]
            for r in tables["partners-everywhere"].records()
        ],
        "once": [
            [data.names[r["protocol"]], r["partner_label"], r["category"], r["commitments"], r["leads"]]
            for r in tables["partners-once"].records()
        ],
    }
