"""What several pages show the same way: the split of commitments by the strongest role among their partners, a
commitment as an article (its lines, pillar, themes, partners by role, matches), a partner network picture."""

from __future__ import annotations

from markupsafe import Markup

from perr_graph.analysis.concepts import role_rank
from perr_graph.report.data import Commitment, ReportData
from perr_graph.report.downloads import DataTable, Downloads, Link
from perr_graph.report.links import Links
from perr_graph.report.svg import network_svg


def lead_split(
    data: ReportData, links: Links, dl: Downloads, pids: list[str], id: str = "lead-split"
) -> DataTable:
    """Per protocol, its commitments under the strongest role among their partners (table ``lead-roles``), each
    figure a link to the commitments it counts."""
    m = data.m
    t = data.tables["lead-roles"]
    keys = t.columns[2:]
    heads = [t.headers.get(k) or m._("no partner named") for k in keys]
    by_pid = {r[0]: r for r in t.rows}
    rows = []
    for pid in pids:
        r = by_pid.get(pid)
        if r is None:
            continue
        cells: list = [Link(data.pname(pid), links.protocol(pid)), r[1]]
        for k, v in zip(keys, r[2:], strict=True):
            strongest = "none" if k == "no_partner" else k
            cells.append(Link(m.number(v), links.search(territory=pid, strongest=strongest)) if v else 0)
        rows.append(cells)
    return dl.table(
        id,
        m._("Commitments by strongest role"),
        [m._("territory"), m._("commitments"), *heads],
        rows,
        numeric=tuple(range(1, 2 + len(keys))),
    )


def commitment(data: ReportData, links: Links, c: Commitment, roles: list[str]) -> dict:
    """A commitment as its article shows it: lines (a link to the source line when there is a source page),
    pillar and themes, partner chips (the signatories together as one chip, the others by role then name, each a
    link to the partner's page, the mark or words as written in its tooltip) and matches."""
    m = data.m
    collective = [i for i in c.involvements if i["role"] == "signataires-collectivement"]
    others = sorted(
        (i for i in c.involvements if i["role"] != "signataires-collectivement"),
        key=lambda i: (role_rank(roles, i["role"]), i["partner_label"] or ""),
    )
    return {
        "cls": "c" if c.has_lead else "c nolead",
        "key": c.key,
        "line_href": links.line(c.protocol, c.line_start),
        "lines": f"L{c.line_start}" + (f"–{c.line_end}" if c.line_end != c.line_start else ""),
        "text": c.text,
        "pillar": data.label("pillar", c.pillar) if c.pillar else "",
        "themes": [data.label("theme", t) for t in c.themes],
        "collective": len(collective),
        "signatories": "; ".join(sorted(i["partner_label"] or "" for i in collective)),
        "chips": [
            {
                "role": i["role"],
                "tip": m._(
                    "%(role)s — as written: %(evidence)s",
                    role=data.label("role", i["role"]),
                    evidence=i["evidence"],
                ),
                "label": i["partner_label"] or i["partner"],
                "href": links.partner(i["partner"]),
            }
            for i in others
        ],
        "matches": [
            {
                "href": links.commitment(p, k),
                "name": data.pname(p),
                "line": line,
                "score": score,
                "relation": m._(rel),
            }
            for p, k, line, score, rel in c.matches
        ],
    }


def network_picture(data: ReportData, pid: str, width: int = 820, height: int = 520) -> dict | None:
    """The protocol's partner network, when its partners share commitments."""
    from perr_graph.report.data import Drawing

    h = data.graphs.get(pid)
    if h is None or not h.number_of_edges():
        return None
    drawing = Drawing.of(h)
    title = data.m._("Partner network, %(name)s", name=data.pname(pid))
    svg = network_svg(
        drawing.graph, drawing.positions, title, width=width, height=height, labels=20, lang=data.lang
    )
    return {"svg": Markup(svg), "alone": "; ".join(sorted(h.nodes[n]["label"] for n in drawing.alone))}
