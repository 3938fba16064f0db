"""Compare the territories side by side: every table is the answer of one query of the library (``queries/3x``),
pivoted for people to read (protocols as columns), in French or English; :mod:`.compare_formats` writes them as a
terminal table, CSV or JSON.

Nothing here re-counts the graph: the counts are the queries' own; Python only pivots rows into columns and adds
an ``all`` column where a sum across protocols is meaningful (every commitment belongs to one protocol, so a sum of
commitment counts is the number of commitments in all protocols). The one table Python counts, ``lead-roles``,
sorts each commitment of query ``39-commitment-involvements`` under the strongest role among its involvements.
Labels of pillars, themes, roles and categories are the ontology's (:mod:`perr_graph.analysis.concepts`), in the
language asked for; titles, notes and column headers are messages of :mod:`perr_graph.i18n`. ``docs/compare.md``
documents each table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from perr_graph.analysis.answers import run, run_many
from perr_graph.analysis.concepts import Concepts, role_rank
from perr_graph.analysis.network import metrics_rows, partner_graphs
from perr_graph.i18n import N_, messages

#: column headers (messages), by column key; a protocol column is headed by its territory's name
HEADERS = {
    "category_label": N_("category"),
    "role_label": N_("role"),
    "pillar_label": N_("pillar"),
    "theme_label": N_("theme"),
    "all": N_("all"),
    "protocol": N_("territory"),
    "commitments": N_("commitments"),
    "with_lead": N_("with a chef de file"),
    "lead_share": N_("%% with a chef de file"),
    "with_committing_party": N_("with a committing party"),
    "committing_party_share": N_("%% with a committing party"),
    "with_indicator": N_("with an indicator"),
    "contribution_items": N_("contribution items"),
    "indicator_share": N_("%% with an indicator"),
    "partner_label": N_("partner"),
    "protocols": N_("protocols"),
    "leads": N_("leads"),
    "score": N_("score"),
    "relation": N_("relation"),
    "a": N_("commitment A"),
    "text_a": N_("text A"),
    "b": N_("commitment B"),
    "text_b": N_("text B"),
    "shared_terms": N_("shared terms"),
    "degree": N_("degree"),
    "weighted_degree": N_("weighted degree"),
    "betweenness": N_("betweenness"),
    "community": N_("community"),
    "no_partner": N_("no partner named"),
}
#: values shown as words
RELATIONS = {"exact": N_("exact"), "close": N_("close")}
#: columns that hold ids, left out of the terminal tables (their labels are shown)
ID_COLUMNS = {"partner", "commitment_a", "commitment_b", "category", "role", "pillar", "theme"}


@dataclass
class Table:
    """One comparison table: what it answers (``title`` and ``note`` are message ids, translated where shown),
    which query computed it, its columns and rows (plain values)."""

    name: str
    title: str
    query: str  # the query file that computed it
    columns: list[str]
    rows: list[list]
    note: str = ""
    #: columns holding one value per protocol (for heat maps)
    protocol_columns: list[str] = field(default_factory=list)
    #: headers of columns that are not in :data:`HEADERS` (roles), already in the table's language
    headers: dict[str, str] = field(default_factory=dict)

    def records(self) -> list[dict]:
        return [dict(zip(self.columns, r, strict=False)) for r in self.rows]


@dataclass
class Context:
    """What every table is made with: the protocols (column order), the concepts' labels, the language."""

    pids: list[str]
    concepts: Concepts
    lang: str = "fr"
    names: dict[str, str] = field(default_factory=dict)  # protocol id → territory name
    _graphs: dict | None = field(default=None, repr=False)
    _answers: dict = field(default_factory=dict, repr=False)

    def run(self, store, name: str) -> tuple[str, list[dict]]:
        """A library query's answer (:func:`perr_graph.analysis.answers.run`), asked once."""
        if name not in self._answers:
            self._answers[name] = run(store, name)
        return self._answers[name]

    def prefetch(self, store, names) -> None:
        """Ask the queries ``names`` not asked yet together (:func:`perr_graph.analysis.answers.run_many`)."""
        if missing := list(dict.fromkeys(n for n in names if n not in self._answers)):
            self._answers.update(run_many(store, missing))

    def graphs(self, store) -> dict:
        """The partner networks (:func:`perr_graph.analysis.network.partner_graphs`), made once."""
        if self._graphs is None:
            self._graphs = partner_graphs(store, self.run)
        return self._graphs

    def label(self, scheme: str, notation: str | None) -> str:
        if not notation:
            return messages(self.lang)._("(none)")
        return self.concepts.label(scheme, notation, self.lang)


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


def category_roles(store, cx: Context) -> Table:
    query, recs = cx.run(store, "category-by-territory")
    roles = cx.concepts.roles([r["role"] for r in recs])
    rows = _pivot(
        recs,
        ["category", "role"],
        "commitments",
        cx.pids,
        order=lambda k: (k[0], role_rank(roles, k[1]), k[1]),
    )
    rows = [[r[0], cx.label("category", r[0]), r[1], cx.label("role", r[1]), *r[2:]] for r in rows]
    return Table(
        "category-roles",
        N_("Commitments involving a partner category, by role and territory"),
        query,
        ["category", "category_label", "role", "role_label", *cx.pids, "all"],
        rows,
        protocol_columns=cx.pids,
        note=N_(
            "A commitment counts once per category and role, however many organisations of the category it "
            "involves in that role. Roles and their meaning are those of the ontology's role scheme."
        ),
    )


def category_partners(store, cx: Context) -> Table:
    query, recs = cx.run(store, "partner-activity")
    counts: dict[str, dict[str, int]] = {}
    totals: dict[str, set] = {}
    for r in recs:
        counts.setdefault(r["category"], {}).setdefault(r["protocol"], 0)
        counts[r["category"]][r["protocol"]] += 1
        totals.setdefault(r["category"], set()).add(r["partner"])
    rows = [
        [k, cx.label("category", k), *(counts[k].get(p, 0) for p in cx.pids), len(totals[k])]
        for k in sorted(counts, key=lambda k: (cx.label("category", k).casefold(), k))
    ]
    return Table(
        "category-partners",
        N_("Organisations of each category involved, by territory"),
        query,
        ["category", "category_label", *cx.pids, "all"],
        rows,
        protocol_columns=cx.pids,
        note=N_(
            "Distinct organisations involved (any role) in at least one commitment; 'all' counts an "
            "organisation present in several protocols once."
        ),
    )


def _concept_table(store, cx: Context, name: str, query_name: str, scheme: str, title: str, note: str = ""):
    query, recs = cx.run(store, query_name)
    rows = _pivot(recs, [scheme], "commitments", cx.pids)
    rows = [[r[0], cx.label(scheme, r[0]), *r[1:]] for r in rows]
    rows.sort(key=lambda r: (r[0] == "", r[1].casefold(), r[0]))
    return Table(
        name,
        title,
        query,
        [scheme, f"{scheme}_label", *cx.pids, "all"],
        rows,
        protocol_columns=cx.pids,
        note=note,
    )


def pillars(store, cx: Context) -> Table:
    return _concept_table(
        store, cx, "pillars", "pillar-by-territory", "pillar", N_("Commitments by pillar and territory")
    )


def themes(store, cx: Context) -> Table:
    return _concept_table(
        store,
        cx,
        "themes",
        "theme-by-territory",
        "theme",
        N_("Commitments by theme and territory"),
        N_(
            "A commitment with two themes counts in both, so a column can add up to more than the "
            "protocol's commitments; an empty theme counts the commitments without one."
        ),
    )


def lead_indicator(store, cx: Context) -> Table:
    query, recs = cx.run(store, "lead-and-indicator-share")
    cols = [
        "protocol",
        "commitments",
        "with_lead",
        "lead_share",
        "with_committing_party",
        "committing_party_share",
        "with_indicator",
        "indicator_share",
        "contribution_items",
    ]
    return Table(
        "lead-indicator",
        N_("Share of commitments with a chef de file, with a committing party and with an indicator"),
        query,
        cols,
        [[r[c] for c in cols] for r in recs],
        note=N_(
            "Shares are percentages of the protocol's own commitments (partners' contribution items are "
            "counted apart). A lead is perr:lead, the chef de file only; a committing party "
            "(perr:committingParty) is not a lead; an indicator is perr:indicatorOf on the commitment or on "
            "its objective."
        ),
    )


def strongest_roles(involvements: dict[str, set[str]], roles: list[str]) -> dict[str, str]:
    """Each commitment's strongest role (the first of ``roles`` among its involvements), ``""`` for none."""
    return {
        c: (min(found, key=lambda r: (role_rank(roles, r), r)) if found else "")
        for c, found in involvements.items()
    }


def lead_roles(store, cx: Context) -> Table:
    """Per protocol, its commitments by the strongest role among their involvements (query 39)."""
    query, recs = cx.run(store, "commitment-involvements")
    found: dict[str, set[str]] = defaultdict(set)
    protocol: dict[str, str] = {}
    for r in recs:
        protocol[r["commitment"]] = r["protocol"]
        roles_found = found.setdefault(r["commitment"], set())  # none: still counted
        if r["role"]:
            roles_found.add(r["role"])
    roles = cx.concepts.roles(sorted({x for v in found.values() for x in v}))
    strongest = strongest_roles(found, roles)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for c, role in strongest.items():
        counts[protocol[c]][role or "no_partner"] += 1
    keys = [*roles, "no_partner"]
    rows = [[pid, sum(counts[pid].values()), *(counts[pid].get(k, 0) for k in keys)] for pid in cx.pids]
    return Table(
        "lead-roles",
        N_("Who carries the commitments: each commitment under the strongest role among its partners"),
        query,
        ["protocol", "commitments", *keys],
        rows,
        note=N_(
            "A commitment counts once, under the first of these roles that one of its partners holds (in this "
            "order); a commitment whose partners are only associated, followed up or of undetermined role has "
            "no stated lead."
        ),
        headers={r: cx.label("role", r) for r in roles},
    )


def partners_everywhere(store, cx: Context) -> Table:
    query, recs = cx.run(store, "partners-everywhere")
    cols = ["partner_label", "category", "category_label", "protocols", "commitments", "leads", "partner"]
    rows = [
        [r[c] if c != "category_label" else cx.label("category", r["category"]) for c in cols] for r in recs
    ]
    return Table("partners-everywhere", N_("Partners involved in every protocol"), query, cols, rows)


def partners_once(store, cx: Context) -> Table:
    query, recs = cx.run(store, "partners-once")
    cols = ["protocol", "partner_label", "category", "category_label", "commitments", "leads", "partner"]
    rows = [
        [r[c] if c != "category_label" else cx.label("category", r["category"]) for c in cols] for r in recs
    ]
    return Table("partners-once", N_("Partners involved in one protocol only"), query, cols, rows)


def matches(store, cx: Context) -> Table:
    query, recs = cx.run(store, "matched-commitments")
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
        N_("Commitments that say the same thing in two protocols"),
        query,
        cols,
        rows,
        note=N_(
            "score 1 and relation 'exact': the same text once normalised; 'close': TF-IDF cosine at or "
            "above the threshold (docs/compare.md)."
        ),
    )


def network_table(store, cx: Context) -> Table:
    graphs = cx.graphs(store)
    cols = [
        "partner_label",
        "category",
        "category_label",
        "protocols",
        "degree",
        "weighted_degree",
        "betweenness",
        "community",
        "partner",
    ]
    rows = metrics_rows(graphs["all"], cols)
    i, j = cols.index("category"), cols.index("category_label")
    for r in rows:
        r[j] = cx.label("category", r[i])
    return Table(
        "network",
        N_("Partner network (all protocols): centrality and communities"),
        "37-partner-pairs.rq + 38-partner-activity.rq",
        cols,
        rows,
        note=N_(
            "Partners are linked when involved in the same commitment; weight = commitments shared. "
            "Betweenness uses 1/weight as the length of a link; communities: networkx greedy modularity "
            "(Louvain beyond 1,000 partners)."
        ),
    )


#: the library queries each table reads (asked together before the tables are made)
QUERIES = {
    "category-roles": ["category-by-territory"],
    "category-partners": ["partner-activity"],
    "pillars": ["pillar-by-territory"],
    "themes": ["theme-by-territory"],
    "lead-indicator": ["lead-and-indicator-share"],
    "lead-roles": ["commitment-involvements"],
    "partners-everywhere": ["partners-everywhere"],
    "partners-once": ["partners-once"],
    "matches": ["matched-commitments"],
    "network": ["partner-activity", "partner-pairs"],
}

TABLES = {
    "category-roles": category_roles,
    "category-partners": category_partners,
    "pillars": pillars,
    "themes": themes,
    "lead-indicator": lead_indicator,
    "lead-roles": lead_roles,
    "partners-everywhere": partners_everywhere,
    "partners-once": partners_once,
    "matches": matches,
    "network": network_table,
}


def context(store, lang: str = "fr", also: Sequence[str] = ()) -> Context:
    """The protocols, the concepts' labels and the territories' names, read once for every table; the library
    queries ``also`` are asked in the same batch (one child process instead of two: about 1.5 s at 500
    protocols)."""
    cx = Context([], Concepts(), lang)
    cx.prefetch(store, ["protocols", "lead-and-indicator-share", "concepts", *also])
    _, protocols = cx.run(store, "protocols")
    _, shares = cx.run(store, "lead-and-indicator-share")
    _, concepts = cx.run(store, "concepts")
    cx.pids = [r["protocol"] for r in shares]
    cx.concepts = Concepts.of(concepts)
    cx.names = {p["protocol"]: p["territory_label"] or p["protocol"] for p in protocols}
    return cx


def compare(
    store, names: list[str] | None = None, lang: str = "fr", cx: Context | None = None
) -> list[Table]:
    """The comparison tables (all, or those named), in the order of :data:`TABLES`, labelled in ``lang``."""
    chosen = [n for n in TABLES if not names or n in names]
    cx = cx or context(store, lang, table_queries(chosen))
    cx.prefetch(store, table_queries(chosen))
    return [TABLES[n](store, cx) for n in chosen]


def table_queries(names: Sequence[str] | None = None) -> list[str]:
    """The library queries the tables ``names`` (all when None or empty) read, each once."""
    return list(dict.fromkeys(q for n in TABLES if not names or n in names for q in QUERIES[n]))
