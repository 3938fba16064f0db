"""``compare.html``: the comparison tables (:mod:`perr_graph.analysis.compare`) as heat maps, each cell a link to
the commitments it counts (the search page, filtered). Up to :data:`WIDE` protocols they are the columns; beyond,
the territories are the rows, so that a heat map stays readable at 500 protocols."""

from __future__ import annotations

from perr_graph.analysis.compare import HEADERS
from perr_graph.analysis.concepts import role_rank
from perr_graph.report.data import ReportData
from perr_graph.report.downloads import Downloads, Link
from perr_graph.report.heat import HeatMap, heat_map
from perr_graph.report.links import Links

TEMPLATE = "compare.html.j2"
#: up to this many protocols, protocols are the columns of a heat map
WIDE = 12


def _heat(data, links, recs, key, label_key, head, href, hue="blue"):
    """A heat map of ``recs`` (one per concept, a value per protocol and ``all``), protocols as columns or, when
    there are many, as rows."""
    m = data.m
    if len(data.pids) <= WIDE:
        cols = [(p, data.names[p]) for p in data.pids]
        return heat_map(
            [(label_key, head)],
            cols,
            recs,
            ("all", m._("all")),
            hue=hue,
            href=lambda r, p: href(r[key], p or None),
        )
    concept_cols = [(r[key], r[label_key]) for r in recs]
    rows = []
    for p in data.pids:
        rec = {"_t": Link(data.pname(p), links.protocol(p)), "_p": p}
        for r in recs:
            rec[r[key]] = r.get(p, 0)
        rows.append(rec)
    return heat_map(
        [("_t", m._("territory"))], concept_cols, rows, hue=hue, href=lambda r, k: href(k, r["_p"])
    )


def heat_table(dl: Downloads, id: str, title: str, heat: HeatMap) -> HeatMap:
    """Offer a heat map for download (its labels and figures), and return it."""
    columns = [*heat.labels, *heat.values, *([heat.total] if heat.total else [])]
    rows = [[str(v) for v in r.labels] + [c.value for c in r.cells] for r in heat.rows]
    heat.download = dl.table(id, title, columns, rows, numeric=tuple(range(len(heat.labels), len(columns))))
    return heat


def context(data: ReportData, links: Links, dl: Downloads) -> dict:
    out = _context(data, links, dl)
    m = data.m
    for n, r in enumerate(out["roles"], start=1):
        heat_table(dl, f"role-{n}", r["title"], r["heat"])
    heat_table(dl, "organisations", out["titles"]["category-partners"], out["organisations"])
    for c in out["concepts"]:
        heat_table(dl, c["anchor"], c["title"], c["heat"])
    heat_table(dl, "counts", m._("Commitments with a known lead"), out["counts"])
    heat_table(dl, "shares", out["titles"]["lead-indicator"], out["shares"])
    return out


def _role_maps(data: ReportData, links: Links) -> list[dict]:
    """A heat map per role: categories by territory, each cell a link to its commitments."""
    m = data.m
    tables = data.tables
    roles = data.roles()
    by_role: dict[str, list[dict]] = {}
    for r in tables["category-roles"].records():
        by_role.setdefault(r["role"], []).append(r)
    role_maps = []
    for role in sorted(by_role, key=lambda r: (role_rank(roles, r), r)):
        heat = _heat(
            data,
            links,
            by_role[role],
            "category",
            "category_label",
            m._("category"),
            lambda cat, p, role=role: links.search(category=cat, role=role, territory=p),
        )
        role_maps.append(
            {
                "role": role,
                "title": data.label("role", role),
                "what": data.concepts.definition("role", role, data.lang),
                "heat": heat,
            }
        )
    return role_maps


def _context(data: ReportData, links: Links, dl: Downloads) -> dict:
    m = data.m
    tables = data.tables
    role_maps = _role_maps(data, links)
    organisations = _heat(
        data,
        links,
        tables["category-partners"].records(),
        "category",
        "category_label",
        m._("category"),
        lambda cat, p: f"partners.html#cat-{cat}",
        hue="green",
    )
    concepts = []
    for name, scheme in (("pillars", "pillar"), ("themes", "theme")):
        t = tables[name]
        recs = [dict(r, **{f"{scheme}_label": r[f"{scheme}_label"] or m._("(none)")}) for r in t.records()]
        heat = _heat(
            data,
            links,
            recs,
            scheme,
            f"{scheme}_label",
            m._(HEADERS[f"{scheme}_label"]),
            lambda v, p, scheme=scheme: links.search(**{scheme: v or "none", "territory": p}),
        )
        concepts.append(
            {
                "anchor": name,
                "title": m._(t.title),
                "note": m._(t.note) if t.note else "",
                "query": t.query,
                "heat": heat,
            }
        )
    shares = [
        dict(r, territory=Link(data.names[r["protocol"]], links.protocol(r["protocol"])))
        for r in tables["lead-indicator"].records()
    ]
    territory = [("territory", m._("territory"))]
    return {
        "tables": tables,
        "titles": {n: m._(t.title) for n, t in tables.items()},
        "notes": {n: m._(t.note) if t.note else "" for n, t in tables.items()},
        "protocols": len(data.pids),
        "roles": role_maps,
        "organisations": organisations,
        "concepts": concepts,
        "counts": heat_map(
            territory,
            [("commitments", m._("commitments")), ("with_lead", m._("with a lead"))],
            shares,
            hue="blue",
            href=lambda r, k: links.search(territory=r["protocol"], lead="1" if k == "with_lead" else None),
        ),
        "shares": heat_map(
            territory,
            [("lead_share", m._("%% with a lead")), ("indicator_share", m._("%% with an indicator"))],
            shares,
            hue="green",
            top=100,
        ),
        **_partner_tables(data, links, dl),
    }


def _partner_tables(data: ReportData, links: Links, dl: Downloads) -> dict:
    m, tables = data.m, data.tables
    every = tables["partners-everywhere"].records()
    once = tables["partners-once"].records()
    return {
        "everywhere": dl.table(
            "everywhere",
            m._(tables["partners-everywhere"].title),
            [m._("partner"), m._("category"), m._("protocols"), m._("commitments"), m._("leads")],
            [
                [
                    Link(r["partner_label"], links.partner(r["partner"])),
                    r["category_label"],
                    r["protocols"],
                    r["commitments"],
                    r["leads"],
                ]
                for r in every
            ],
            numeric=(2, 3, 4),
        ),
        "once": dl.table(
            "once",
            m._(tables["partners-once"].title),
            [m._("territory"), m._("partner"), m._("category"), m._("commitments"), m._("leads")],
            [
                [
                    Link(data.pname(r["protocol"]), links.protocol(r["protocol"])),
                    Link(r["partner_label"], links.partner(r["partner"])),
                    r["category_label"],
                    r["commitments"],
                    r["leads"],
                ]
                for r in once
            ],
            numeric=(3, 4),
        ),
    }
