"""``partner-<id>.html``, the page of an organisation: what it leads, commits to, is associated with or follows
(one part per role of the vocabulary), in which territories, the organisation it belongs to and its
sub-organisations (``org:subOrganizationOf`` in the registry); and ``partners.html``, every organisation by
category."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from perr_graph.analysis.concepts import role_rank
from perr_graph.report.data import Commitment, ReportData
from perr_graph.report.downloads import Downloads, Link
from perr_graph.report.links import Links, partner_key

TEMPLATE = "partner.html.j2"
LIST_TEMPLATE = "partners.html.j2"


@dataclass
class Partner:
    iri: str
    label: str
    category: str
    #: (commitment, role, evidence as written)
    involvements: list[tuple[Commitment, str, str]] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    #: the protocols it signs
    signs: list[str] = field(default_factory=list)


def partners(data: ReportData) -> dict[str, Partner]:
    """Every organisation involved in a commitment, and every organisation above one (``org:subOrganizationOf``),
    with its involvements in document order."""
    out: dict[str, Partner] = {}

    def get(iri: str, label: str | None = None) -> Partner:
        if iri not in out:
            org = data.organisations.get(iri) or {}
            out[iri] = Partner(iri, org.get("label") or label or iri, org.get("category") or "")
        return out[iri]

    for c in data.all_commitments():
        for i in c.involvements:
            get(i["partner"], i["partner_label"]).involvements.append((c, i["role"], i["evidence"] or ""))
    for pid in data.pids:
        for r in data.signatories.get(pid, []):
            signer = get(r["organisation"], r["organisation_label"])
            if pid not in signer.signs:
                signer.signs.append(pid)
    todo = list(out)
    while todo:
        iri = todo.pop()
        for parent in (data.organisations.get(iri) or {}).get("parents", []):
            if parent not in out:
                todo.append(parent)
            get(parent)
            if parent not in out[iri].parents:
                out[iri].parents.append(parent)
    children: dict[str, list[str]] = defaultdict(list)
    for iri, org in data.organisations.items():
        for parent in org.get("parents", []):
            children[parent].append(iri)
    label: dict[str, str] = {iri: str(org.get("label") or iri) for iri, org in data.organisations.items()}
    for p in out.values():
        p.children = sorted(children.get(p.iri, []), key=lambda c: ((label.get(c) or c).casefold(), c))
    return dict(sorted(out.items(), key=lambda kv: (kv[1].label.casefold(), kv[0])))


def _role_tables(data: ReportData, links: Links, dl: Downloads, p: Partner, roles: list[str]) -> list[dict]:
    m = data.m
    by_role: dict[str, list] = defaultdict(list)
    for c, role, evidence in p.involvements:
        by_role[role].append((c, evidence))
    out = []
    for n, role in enumerate(sorted(by_role, key=lambda r: (role_rank(roles, r), r))):
        rows = [
            [
                Link(data.pname(c.protocol), links.protocol(c.protocol)),
                Link(str(c.line_start), links.line(c.protocol, c.line_start) or "")
                if links.line(c.protocol, c.line_start)
                else c.line_start,
                Link(c.text, links.commitment(c.protocol, c.key)),
                data.label("pillar", c.pillar) if c.pillar else "",
                evidence,
            ]
            for c, evidence in by_role[role]
        ]
        label = data.label("role", role)
        table = dl.table(
            f"role-{n + 1}",
            label,
            [m._("territory"), m._("line"), m._("commitment"), m._("pillar"), m._("as written")],
            rows,
        )
        out.append(
            {
                "role": role,
                "label": label,
                "what": data.concepts.definition("role", role, data.lang),
                "table": table,
            }
        )
    return out


def context(data: ReportData, links: Links, dl: Downloads, p: Partner, everyone: dict[str, Partner]) -> dict:
    m = data.m
    roles = data.roles()
    key = partner_key(p.iri)
    role_counts = Counter(role for _, role, _ in p.involvements)
    used = [r for r in sorted(role_counts, key=lambda r: (role_rank(roles, r), r))]
    summary = dl.table(
        "roles",
        m._("Commitments by role"),
        [m._("role"), m._("commitments")],
        [
            [data.label("role", r), Link(m.number(role_counts[r]), links.search(partner=key, role=r))]
            for r in used
        ],
        numeric=(1,),
    )
    where: dict[str, Counter] = defaultdict(Counter)
    for c, role, _ in p.involvements:
        where[c.protocol][role] += 1
    territories = dl.table(
        "territories",
        m._("Territories"),
        [m._("territory"), *(data.label("role", r) for r in used)],
        [
            [
                Link(data.pname(pid), links.protocol(pid)),
                *(
                    Link(m.number(where[pid][r]), links.search(partner=key, territory=pid, role=r))
                    if where[pid][r]
                    else 0
                    for r in used
                ),
            ]
            for pid in sorted(where, key=lambda pid: (data.pname(pid).casefold(), pid))
        ],
        numeric=tuple(range(1, 1 + len(used))),
    )

    def org(iri: str) -> dict:
        q = everyone.get(iri)
        return {
            "label": q.label if q else (data.organisations.get(iri) or {}).get("label", iri),
            "href": links.partner(iri) if q else None,
            "commitments": len({c.iri for c, _, _ in q.involvements}) if q else 0,
        }

    return {
        "label": p.label,
        "key": key,
        "category": data.label("category", p.category) if p.category else "",
        "commitments": len({c.iri for c, _, _ in p.involvements}),
        "leads": len({c.iri for c, role, _ in p.involvements if role in data.lead_roles}),
        "territory_count": len(where),
        "search": links.search(partner=key),
        "parents": [org(x) for x in p.parents],
        "signs": [{"label": data.pname(pid), "href": links.protocol(pid)} for pid in p.signs],
        "children": [org(x) for x in p.children],
        "summary": summary,
        "territories": territories,
        "roles": _role_tables(data, links, dl, p, roles),
    }


def list_context(data: ReportData, links: Links, dl: Downloads, everyone: dict[str, Partner]) -> dict:
    m = data.m
    groups: dict[str, list[Partner]] = defaultdict(list)
    for p in everyone.values():
        groups[p.category].append(p)

    def row(p: Partner) -> list:
        return [
            Link(p.label, links.partner(p.iri)),
            len({c.iri for c, _, _ in p.involvements}),
            len({c.iri for c, role, _ in p.involvements if role in data.lead_roles}),
            len({c.protocol for c, _, _ in p.involvements}),
        ]

    heads = [m._("partner"), m._("commitments"), m._("leads"), m._("territories")]
    sections = []
    for n, cat in enumerate(sorted(groups, key=lambda c: (not c, data.label("category", c).casefold(), c))):
        label = data.label("category", cat) if cat else m._("(no category)")
        table = dl.table(f"category-{n + 1}", label, heads, [row(p) for p in groups[cat]], numeric=(1, 2, 3))
        sections.append({"anchor": f"cat-{cat or 'none'}", "label": label, "table": table})
    everything = dl.table(
        "partners",
        m._("Every partner"),
        [m._("partner"), m._("category"), *heads[1:]],
        [[r[0], data.label("category", p.category), *r[1:]] for p in everyone.values() for r in [row(p)]],
        numeric=(2, 3, 4),
    )
    return {"count": len(everyone), "sections": sections, "everything": everything}
