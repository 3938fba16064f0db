"""``network.html``: the partner network as pictures (all protocols, then each), its measures, its communities and
the GraphML/GEXF files written beside the report."""

from __future__ import annotations

from markupsafe import Markup

from perr_graph.analysis.network import CATEGORY_COLOURS, communities
from perr_graph.report.data import ReportData
from perr_graph.report.svg import network_svg

TEMPLATE = "network.html.j2"


def _labels(g, nodes) -> str:
    return "; ".join(sorted(g.nodes[n]["label"] for n in nodes))


def context(data: ReportData, exports: list[str]) -> dict:
    """``exports``: the names of the files in ``network/``, linked from the page."""
    g, drawn = data.graphs["all"], data.drawings["all"]
    per_protocol = []
    for pid in data.pids:
        h, drawing = data.graphs.get(pid), data.drawings.get(pid)
        if h is None or drawing is None:
            continue
        part, title = drawing.graph, "Partner network, " + data.pname(pid)
        picture = (
            network_svg(part, drawing.positions, title, width=600, height=420, labels=14)
            if part.number_of_nodes()
            else ""
        )
        per_protocol.append(
            {
                "pid": pid,
                "name": data.pname(pid),
                "picture": Markup(picture),
                "nodes": h.number_of_nodes(),
                "edges": h.number_of_edges(),
                "alone": _labels(h, drawing.alone),
            }
        )
    members = [
        [i, len(group), _labels(g, group)]
        for i, group in enumerate(communities(g), start=1)
        if len(group) >= 2
    ]
    return {
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "legend": [(c, CATEGORY_COLOURS.get(c, "#999")) for c in sorted({g.nodes[n]["category"] for n in g})],
        "picture": Markup(
            network_svg(
                drawn.graph,
                drawn.positions,
                "Partner network, all protocols",
                width=1190,
                height=720,
                labels=30,
            )
        ),
        "alone": len(drawn.alone),
        "alone_labels": _labels(g, drawn.alone),
        "exports": exports,
        "note": data.tables["network"].note,
        "centrality": [r[:7] for r in data.tables["network"].rows],
        "communities": members,
        "per_protocol": per_protocol,
    }
