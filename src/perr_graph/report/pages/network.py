"""``network.html``: the partner network of all protocols as a picture (at most
:data:`perr_graph.analysis.network.DRAWN` organisations, the most linked, hubs labelled), its measures and
communities, each protocol's network size, and the GraphML/GEXF files written beside the report."""

from __future__ import annotations

from markupsafe import Markup

from perr_graph.analysis.network import CATEGORY_COLOURS, communities
from perr_graph.report.data import ReportData
from perr_graph.report.downloads import Downloads, Link
from perr_graph.report.links import Links
from perr_graph.report.svg import network_svg

TEMPLATE = "network.html.j2"
#: how many of the most linked organisations the picture labels
HUBS = 30


def _labels(g, nodes) -> str:
    return "; ".join(sorted(g.nodes[n]["label"] for n in nodes))


def context(data: ReportData, links: Links, dl: Downloads, exports: list[str]) -> dict:
    """``exports``: the names of the files in ``network/``, linked from the page."""
    m = data.m
    g, drawn = data.graphs["all"], data.drawing()
    sizes = dl.table(
        "protocols",
        m._("Partner network of each protocol"),
        [m._("territory"), m._("organisations"), m._("links")],
        [
            [
                Link(data.pname(pid), links.protocol(pid)),
                data.graphs[pid].number_of_nodes(),
                data.graphs[pid].number_of_edges(),
            ]
            for pid in data.pids
            if pid in data.graphs
        ],
        numeric=(1, 2),
    )
    members = dl.table(
        "communities",
        m._("Communities"),
        [m._("community"), m._("partners"), m._("members")],
        [
            [i, len(group), _labels(g, group)]
            for i, group in enumerate(communities(g), start=1)
            if len(group) >= 2
        ],
        numeric=(0, 1),
    )
    t = data.tables["network"]
    cols = [
        "partner_label",
        "category_label",
        "protocols",
        "degree",
        "weighted_degree",
        "betweenness",
        "community",
    ]
    idx = [t.columns.index(c) for c in cols]
    pi = t.columns.index("partner")
    centrality = dl.table(
        "centrality",
        m._("Centrality"),
        [
            m._("partner"),
            m._("category"),
            m._("protocols"),
            m._("degree"),
            m._("weighted degree"),
            m._("betweenness"),
            m._("community"),
        ],
        [[Link(r[idx[0]], links.partner(r[pi])), *(r[i] for i in idx[1:])] for r in t.rows],
        numeric=(3, 4, 5, 6),
    )
    categories = sorted({g.nodes[n]["category"] for n in g})
    return {
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "legend": [(data.label("category", c), CATEGORY_COLOURS.get(c, "#999")) for c in categories],
        "picture": Markup(
            network_svg(
                drawn.graph,
                drawn.positions,
                m._("Partner network, all protocols"),
                width=1190,
                height=720,
                labels=HUBS,
                lang=data.lang,
            )
        ),
        "drawn": drawn.graph.number_of_nodes(),
        "cut": drawn.cut,
        "alone": len(drawn.alone),
        "alone_labels": _labels(g, drawn.alone) if len(drawn.alone) <= 60 else "",
        "exports": exports,
        "note": m._(t.note),
        "centrality": centrality,
        "communities": members,
        "sizes": sizes,
    }
