"""Compare the territories side by side: every table is the answer of one query of the library (``queries/3x``),
pivoted for people to read (protocols as columns) and written as a terminal table, CSV or JSON.

Nothing here re-counts the graph: the counts are the queries' own; Python only pivots rows into columns and adds
an ``all`` column where a sum across protocols is meaningful (every commitment belongs to one protocol, so a sum of
commitment counts is the number of commitments in all protocols). ``docs/compare.md`` documents each table.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from perr_graph.analysis.answers import run
from perr_graph.analysis.network import metrics_rows, partner_graphs
from perr_graph.terminal import plain_value, render

#: the roles an involvement can carry, in the order the tables show them (``role:`` concepts)
ROLES = [
    "chef-de-file",
    "partie-qui-s-engage",
    "partenaire-associe",
    "signataires-collectivement",
    "role-non-determine",
    "service-de-suivi",
]


@dataclass
class Table:
    """One comparison table: what it answers, which query computed it, its columns and rows (plain values)."""

    name: str
    title: str
    query: str  # the query file that computed it
    columns: list[str]
    rows: list[list]
    note: str = ""
    #: columns holding one value per protocol (for heat maps)
    protocol_columns: list[str] = field(default_factory=list)

    def records(self) -> list[dict]:
        return [dict(zip(self.columns, r, strict=False)) for r in self.rows]


def protocol_ids(store) -> list[str]:
    """The protocols of the dataset that hold commitments, sorted by id (the column order of every table)."""
    _, recs = run(store, "lead-and-indicator-share")
    return [r["protocol"] for r in recs]


def _pivot(recs: list[dict], keys: list[str], value: str, pids: list[str], order=None) -> list[list]:
    cells: dict[tuple, dict[str, int]] = {}
    for r in recs:
        k = tuple(r[c] for c in keys)
        cells.setdefault(k, {})[r["protocol"]] = r[value]
    out = []
    for k in sorted(cells, key=order) if order else cells:
        counts = cells[k]
        out.append([*k, *(counts.get(p, 0) for p in pids), sum(counts.values())])
    return out


def category_roles(store, pids: list[str]) -> Table:
    query, recs = run(store, "category-by-territory")
    rows = _pivot(
        recs,
        ["category", "category_label", "role"],
        "commitments",
        pids,
        order=lambda k: (k[0], ROLES.index(k[2]) if k[2] in ROLES else len(ROLES), k[2]),
    )
    return Table(
        "category-roles",
        "Commitments involving a partner category, by role and territory",
        query,
        ["category", "category_label", "role", *pids, "all"],
        rows,
        protocol_columns=pids,
        note="A commitment counts once per category and role, however many organisations of the category "
        "it involves in that role. role: chef-de-file = lead, partie-qui-s-engage = committing party "
        "(both are perr:lead), partenaire-associe = associated, signataires-collectivement = the "
        "signatories together, role-non-determine = marked in a table that does not say who leads, "
        "service-de-suivi = service following the measure.",
    )


def category_partners(store, pids: list[str]) -> Table:
    query, recs = run(store, "partner-activity")
    counts: dict[tuple, dict[str, int]] = {}
    for r in recs:
        counts.setdefault((r["category"], r["category_label"]), {}).setdefault(r["protocol"], 0)
        counts[(r["category"], r["category_label"])][r["protocol"]] += 1
    totals: dict[tuple, set] = {}
    for r in recs:
        totals.setdefault((r["category"], r["category_label"]), set()).add(r["partner"])
    rows = [[*k, *(counts[k].get(p, 0) for p in pids), len(totals[k])] for k in sorted(counts)]
    return Table(
        "category-partners",
        "Organisations of each category involved, by territory",
        query,
        ["category", "category_label", *pids, "all"],
        rows,
        protocol_columns=pids,
        note="Distinct organisations involved (any role) in at least one commitment; 'all' counts an "
        "organisation present in several protocols once.",
    )


def pillars(store, pids: list[str]) -> Table:
    query, recs = run(store, "pillar-by-territory")
    rows = _pivot(recs, ["pillar", "pillar_label"], "commitments", pids, order=lambda k: (k[0] == "", k[1]))
    return Table(
        "pillars",
        "Commitments by pillar and territory",
        query,
        ["pillar", "pillar_label", *pids, "all"],
        rows,
        protocol_columns=pids,
    )


def themes(store, pids: list[str]) -> Table:
    query, recs = run(store, "theme-by-territory")
    rows = _pivot(recs, ["theme", "theme_label"], "commitments", pids, order=lambda k: (k[0] == "", k[1]))
    return Table(
        "themes",
        "Commitments by theme and territory",
        query,
        ["theme", "theme_label", *pids, "all"],
        rows,
        protocol_columns=pids,
        note="A commitment with two themes counts in both, so a column can add up to more than the "
        "protocol's commitments; an empty theme counts the commitments without one.",
    )


def lead_indicator(store) -> Table:
    query, recs = run(store, "lead-and-indicator-share")
    cols = ["protocol", "commitments", "with_lead", "lead_share", "with_indicator", "indicator_share"]
    return Table(
        "lead-indicator",
        "Share of commitments with a known lead and with an indicator",
        query,
        cols,
        [[r[c] for c in cols] for r in recs],
        note="Shares are percentages of the protocol's commitments. A lead is perr:lead (chef de file or "
        "committing party); an indicator is perr:indicatorOf on the commitment or on its objective.",
    )


def partners_everywhere(store) -> Table:
    query, recs = run(store, "partners-everywhere")
    cols = ["partner_label", "category", "protocols", "commitments", "leads", "partner"]
    return Table(
        "partners-everywhere",
        "Partners involved in every protocol",
        query,
        cols,
        [[r[c] for c in cols] for r in recs],
    )


def partners_once(store) -> Table:
    query, recs = run(store, "partners-once")
    cols = ["protocol", "partner_label", "category", "commitments", "leads", "partner"]
    return Table(
        "partners-once",
        "Partners involved in one protocol only",
        query,
        cols,
        [[r[c] for c in cols] for r in recs],
    )


def matches(store) -> Table:
    query, recs = run(store, "matched-commitments")
    cols = ["score", "relation", "a", "text_a", "b", "text_b", "shared_terms", "commitment_a", "commitment_b"]
    rows = [
        [
            r["score"],
            r["relation"],
            f"{r['protocol_a']} L{r['line_a']}",
            r["text_a"],
            f"{r['protocol_b']} L{r['line_b']}",
            r["text_b"],
            r["shared_terms"],
            r["commitment_a"],
            r["commitment_b"],
        ]
        for r in recs
    ]
    return Table(
        "matches",
        "Commitments that say the same thing in two protocols",
        query,
        cols,
        rows,
        note="score 1 and relation 'exact': the same text once normalised; 'close': TF-IDF cosine at or "
        "above the threshold (docs/compare.md).",
    )


def network_table(store) -> Table:
    graphs = partner_graphs(store)
    cols = [
        "partner_label",
        "category",
        "protocols",
        "degree",
        "weighted_degree",
        "betweenness",
        "community",
        "partner",
    ]
    return Table(
        "network",
        "Partner network (all protocols): centrality and communities",
        "37-partner-pairs.rq + 38-partner-activity.rq",
        cols,
        metrics_rows(graphs["all"], cols),
        note="Partners are linked when involved in the same commitment; weight = commitments shared. "
        "Betweenness uses 1/weight as the length of a link; communities: networkx greedy modularity.",
    )


TABLES = {
    "category-roles": lambda s, p: category_roles(s, p),
    "category-partners": lambda s, p: category_partners(s, p),
    "pillars": lambda s, p: pillars(s, p),
    "themes": lambda s, p: themes(s, p),
    "lead-indicator": lambda s, p: lead_indicator(s),
    "partners-everywhere": lambda s, p: partners_everywhere(s),
    "partners-once": lambda s, p: partners_once(s),
    "matches": lambda s, p: matches(s),
    "network": lambda s, p: network_table(s),
}


def compare(store, names: list[str] | None = None) -> list[Table]:
    """The comparison tables (all, or those named), in the order of :data:`TABLES`."""
    pids = protocol_ids(store)
    return [TABLES[n](store, pids) for n in TABLES if not names or n in names]


# --- output -------------------------------------------------------------------------------------------------


def to_text(tables: list[Table], max_width: int = 48) -> str:
    out = []
    for t in tables:
        cols = [
            c for c in t.columns if c not in ("partner", "commitment_a", "commitment_b", "category_label")
        ]
        idx = [t.columns.index(c) for c in cols]
        out.append(f"== {t.title} [{t.name}; {t.query}]")
        out.append(render(cols, [[plain_value(r[i]) for i in idx] for r in t.rows], max_width=max_width))
        if t.note:
            out.append(f"   {t.note}")
        out.append("")
    return "\n".join(out)


def to_csv(tables: list[Table]) -> str:
    """One CSV for one table; several tables as sections, each opened by a ``# name: title`` line and closed
    by a blank line."""
    buf = io.StringIO()
    for i, t in enumerate(tables):
        if len(tables) > 1:
            if i:
                buf.write("\n")
            buf.write(f"# {t.name}: {t.title}\n")
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(t.columns)
        for r in t.rows:
            w.writerow([plain_value(v) for v in r])
    return buf.getvalue()


def to_json(tables: list[Table]) -> str:
    doc = {
        t.name: {
            "title": t.title,
            "query": t.query,
            "note": t.note,
            "columns": t.columns,
            "rows": [dict(zip(t.columns, r, strict=False)) for r in t.rows],
        }
        for t in tables
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
