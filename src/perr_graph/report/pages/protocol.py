"""``protocol-<pid>.html`` (every commitment of a protocol under its section, with its partners by role and its
matches elsewhere) and ``source-<pid>.html`` (the source text, an anchor per line, read lines linked back)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from markupsafe import Markup

from perr_graph.analysis.compare import ROLES
from perr_graph.report.data import Commitment, ReportData, period
from perr_graph.report.labels import ROLE_TITLES, role_title
from perr_graph.report.svg import network_svg

TEMPLATE = "protocol.html.j2"
SOURCE_TEMPLATE = "source.html.j2"


def _commitment(data: ReportData, c: Commitment) -> dict:
    """A commitment as its article shows it: lines, pillar and themes, partner chips (the signatories together
    as one chip, the others by role then name, each with the mark or words as written) and matches."""
    collective = [i for i in c.involvements if i["role"] == "signataires-collectivement"]
    others = sorted(
        (i for i in c.involvements if i["role"] != "signataires-collectivement"),
        key=lambda i: (ROLES.index(i["role"]) if i["role"] in ROLES else 9, i["partner_label"] or ""),
    )
    return {
        "cls": "c" if c.has_lead else "c nolead",
        "key": c.key,
        "protocol": c.protocol,
        "line": c.line_start,
        "lines": f"L{c.line_start}" + (f"–{c.line_end}" if c.line_end != c.line_start else ""),
        "text": c.text,
        "pillar": data.concept_label("pillar", c.pillar) if c.pillar else "",
        "themes": c.themes,
        "collective": len(collective),
        "signatories": "; ".join(sorted(i["partner_label"] or "" for i in collective)),
        "chips": [
            (i["role"], f"{role_title(i['role'])} — as written: {i['evidence']}", i["partner_label"])
            for i in others
        ],
        "matches": [
            {"pid": p, "key": k, "name": data.pname(p), "line": line, "score": score, "relation": rel}
            for p, k, line, score, rel in c.matches
        ],
    }


def _picture(data: ReportData, pid: str) -> dict | None:
    """The protocol's partner network, when its partners share commitments."""
    h, drawing = data.graphs.get(pid), data.drawings.get(pid)
    if h is None or drawing is None or not h.number_of_edges():
        return None
    title = "Partner network, " + data.pname(pid)
    svg = network_svg(drawing.graph, drawing.positions, title, width=820, height=520, labels=20)
    return {"svg": Markup(svg), "alone": "; ".join(sorted(h.nodes[n]["label"] for n in drawing.alone))}


def context(data: ReportData, pid: str) -> dict:
    info, st, sh = data.info[pid], data.stats.get(pid, {}), data.shares.get(pid, {})
    cs = data.commitments.get(pid, [])
    sections: list[tuple[str, list[dict]]] = []
    for c in cs:
        if not sections or sections[-1][0] != c.section:
            sections.append((c.section, []))
        sections[-1][1].append(_commitment(data, c))
    return {
        "pid": pid,
        "name": data.pname(pid),
        "title": data.titles[pid],
        "info": info,
        "period": period(info),
        "commitments": len(cs),
        "lead_share": sh.get("lead_share"),
        "indicator_share": sh.get("indicator_share"),
        "partners": st.get("partners"),
        "matched": sum(1 for c in cs if c.matches),
        "roles": [(r, ROLE_TITLES[r][0]) for r in ROLES],
        "sections": sections,
        "picture": _picture(data, pid),
    }


def source_context(data: ReportData, pid: str) -> dict:
    info = data.info[pid]
    path = (data.sources or Path()) / str(info["source_file"])
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    starts: dict[int, list[str]] = defaultdict(list)
    read: set[int] = set()
    for c in data.commitments.get(pid, []):
        starts[c.line_start].append(c.key)
        read.update(range(c.line_start, c.line_end + 1))
    return {
        "pid": pid,
        "name": data.pname(pid),
        "source_file": info["source_file"],
        "lines": [(n, text, n in read, starts.get(n, [])) for n, text in enumerate(lines, start=1)],
    }
