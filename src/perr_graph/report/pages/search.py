"""``commitments.html``: every commitment of every protocol, searched and filtered in the browser (partner, role,
category, pillar, theme, territory, known lead, strongest role, words), the filters kept in the address's fragment
so that other pages link to a filtered list (``commitments.html#territory=valence&pillar=…``).

The data are inline (a JSON block, ``<`` escaped so that no text can close it), read by an inline script
(``templates/search.js``): nothing is fetched, the page opens from disk."""

from __future__ import annotations

from perr_graph.analysis.concepts import role_rank
from perr_graph.report.data import ReportData
from perr_graph.report.downloads import inline_json
from perr_graph.report.links import Links, partner_key

TEMPLATE = "commitments.html.j2"
#: rows shown per page of results
PAGE = 100


def _ui(data: ReportData) -> dict[str, str]:
    m = data.m
    return {
        "all": m.raw("all"),
        "none": m.raw("(none)"),
        "count_one": m.raw("%(num)s commitment found"),
        "count_many": m.raw("%(num)s commitments found"),
        "zero_is_singular": "1" if data.lang == "fr" else "",
        "of": m.raw("of %(num)s"),
        "page": m.raw("page %(page)s of %(pages)s"),
        "previous": m.raw("← previous"),
        "next": m.raw("next →"),
        "lead_yes": m.raw("with a known lead"),
        "lead_no": m.raw("without a known lead"),
        "strongest": m.raw("strongest role"),
        "no_partner": m.raw("no partner named"),
        "category": m.raw("category"),
        "clear": m.raw("clear the filters"),
        "signatories": m.raw("signatories together"),
        "csv": m.raw("download these commitments (CSV)"),
        "head_territory": m.raw("territory"),
        "head_line": m.raw("line"),
        "head_text": m.raw("commitment"),
        "head_pillar": m.raw("pillar"),
        "head_partners": m.raw("partners (role)"),
        "head_themes": m.raw("themes"),
    }


def payload(data: ReportData, links: Links) -> dict:
    """The page's data: lookup tables, then one compact row per commitment."""
    roles = data.roles()
    role_index = {r: i for i, r in enumerate(roles)}
    pillars = sorted(
        {c.pillar for c in data.all_commitments() if c.pillar}, key=lambda p: data.label("pillar", p)
    )
    themes = sorted(
        {t for c in data.all_commitments() for t in c.themes}, key=lambda t: data.label("theme", t)
    )
    pillar_index = {p: i for i, p in enumerate(pillars)}
    theme_index = {t: i for i, t in enumerate(themes)}
    partners: dict[str, int] = {}
    partner_rows: list[list] = []
    categories: dict[str, int] = {}
    for c in data.all_commitments():
        for i in c.involvements:
            if i["partner"] not in partners:
                cat = i["category"] or ""
                if cat not in categories:
                    categories[cat] = len(categories)
                partners[i["partner"]] = len(partners)
                partner_rows.append(
                    [
                        partner_key(i["partner"]),
                        i["partner_label"] or i["partner"],
                        links.partner(i["partner"]),
                        categories[cat],
                    ]
                )
    territory_index = {pid: n for n, pid in enumerate(data.pids)}
    rows = []
    for c in data.all_commitments():
        inv = sorted(
            {(partners[i["partner"]], role_index.get(i["role"], len(roles))) for i in c.involvements}
        )
        rows.append(
            [
                territory_index[c.protocol],
                c.key,
                c.line_start,
                pillar_index.get(c.pillar, -1),
                sorted(theme_index[t] for t in c.themes if t in theme_index),
                c.text,
                [list(x) for x in inv],
                1 if c.has_lead else 0,
            ]
        )
    return {
        "ui": _ui(data),
        "page": PAGE,
        "territories": [
            [pid, data.pname(pid), links.protocol(pid), links.source(pid) or ""] for pid in data.pids
        ],
        "partners": partner_rows,
        "categories": [[k, data.label("category", k) if k else ""] for k in categories],
        "roles": [[r, data.label("role", r)] for r in sorted(roles, key=lambda r: role_rank(roles, r))],
        "pillars": [[p, data.label("pillar", p)] for p in pillars],
        "themes": [[t, data.label("theme", t)] for t in themes],
        "c": rows,
    }


def context(data: ReportData, links: Links) -> dict:
    p = payload(data, links)
    return {"data_json": inline_json(p), "total": len(p["c"])}
