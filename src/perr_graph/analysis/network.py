"""The partner network: organisations linked by the commitments they share, per protocol and overall.

Nodes are the organisations involved (any role) in at least one commitment (query ``38-partner-activity``); an
edge joins two organisations involved in the same commitment, its ``weight`` the number of commitments they share
and ``named`` the same count leaving out involvements as the signatories collectively (query
``37-partner-pairs``). Every commitment belongs to one protocol, so the overall weight is the sum of the
per-protocol weights.

Measures (networkx): degree (neighbours), weighted degree (sum of weights), betweenness centrality with
``1 / weight`` as the length of a link (a strong tie is a short path), and communities by greedy modularity
maximisation on the weights (Clauset–Newman–Moore; deterministic for a given node order, and nodes are added in
IRI order). Exports: GraphML and GEXF for Gephi, written atomically, byte-identical from run to run.

Layout for pictures: networkx's layouts need numpy, which is not a dependency, so :func:`layout` is a plain
Fruchterman–Reingold spring layout over :class:`random.Random` with a fixed seed — the same picture every time.
"""

from __future__ import annotations

import math
import random
import re
from pathlib import Path

import networkx as nx

from perr_graph.analysis.answers import run
from perr_graph.outputs import write_atomic

ALL = "all"
SEED = 20192022


def partner_graphs(store) -> dict[str, nx.Graph]:
    """``{"all": G, pid: G, …}`` from the query library's answers on the store."""
    _, activity = run(store, "partner-activity")
    _, pairs = run(store, "partner-pairs")
    graphs: dict[str, nx.Graph] = {}
    nodes: dict[str, dict[str, dict]] = {}
    for r in activity:
        nodes.setdefault(r["protocol"], {})[r["partner"]] = r
    for pid in [ALL, *sorted(nodes)]:
        graphs[pid] = nx.Graph(name=pid)
    overall: dict[str, dict] = {}
    for pid in sorted(nodes):
        for iri in sorted(nodes[pid]):
            r = nodes[pid][iri]
            graphs[pid].add_node(
                iri,
                label=r["partner_label"],
                category=r["category"],
                category_label=r["category_label"],
                commitments=r["commitments"],
                leads=r["leads"],
                protocols=pid,
            )
            o = overall.setdefault(
                iri,
                {
                    "label": r["partner_label"],
                    "category": r["category"],
                    "category_label": r["category_label"],
                    "commitments": 0,
                    "leads": 0,
                    "protocols": [],
                },
            )
            o["commitments"] += r["commitments"]
            o["leads"] += r["leads"]
            o["protocols"].append(pid)
    for iri in sorted(overall):
        o = dict(overall[iri])
        o["protocols"] = " ".join(o["protocols"])
        graphs[ALL].add_node(iri, **o)
    edges: dict[tuple[str, str], list[int]] = {}
    for r in sorted(pairs, key=lambda r: (r["protocol"], r["partner_a"], r["partner_b"])):
        graphs[r["protocol"]].add_edge(
            r["partner_a"], r["partner_b"], weight=r["commitments"], named=r["named_commitments"]
        )
        e = edges.setdefault((r["partner_a"], r["partner_b"]), [0, 0])
        e[0] += r["commitments"]
        e[1] += r["named_commitments"]
    for (a, b), (w, named) in sorted(edges.items()):
        graphs[ALL].add_edge(a, b, weight=w, named=named)
    return graphs


def communities(g: nx.Graph) -> list[list[str]]:
    """Greedy-modularity communities (weights), largest first, members sorted; isolated nodes are their own."""
    if g.number_of_edges() == 0:
        return [[n] for n in sorted(g)]
    from networkx.algorithms.community import greedy_modularity_communities

    found = greedy_modularity_communities(g, weight="weight")
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c))


def metrics(g: nx.Graph) -> dict[str, dict]:
    """Per node: degree, weighted degree, betweenness (length 1/weight, normalised) and community number."""
    h = nx.Graph()
    h.add_nodes_from(sorted(g))
    h.add_edges_from((a, b, {"length": 1.0 / d["weight"]}) for a, b, d in sorted(g.edges(data=True)))
    between = nx.betweenness_centrality(h, weight="length", normalized=True)
    member = {n: i for i, c in enumerate(communities(g), start=1) for n in c}
    return {
        n: {
            "degree": g.degree(n),
            "weighted_degree": g.degree(n, weight="weight"),
            "betweenness": round(between[n], 4),
            "community": member[n],
        }
        for n in sorted(g)
    }


def metrics_rows(g: nx.Graph, columns: list[str]) -> list[list]:
    """Rows for a table, most central first (betweenness, then weighted degree, then label)."""
    m = metrics(g)
    rows = []
    for n in g:
        rec = {"partner": n, "partner_label": g.nodes[n]["label"], **g.nodes[n], **m[n]}
        rows.append([rec.get(c) for c in columns])
    key = {c: i for i, c in enumerate(columns)}
    return sorted(
        rows, key=lambda r: (-r[key["betweenness"]], -r[key["weighted_degree"]], r[key["partner_label"]])
    )


# --- exports ------------------------------------------------------------------------------------------------


def _annotated(g: nx.Graph) -> nx.Graph:
    """A copy with the measures as node attributes (what Gephi shows), nodes and edges in sorted order."""
    m = metrics(g)
    out = nx.Graph(name=g.graph.get("name", ""))
    for n in sorted(g):
        out.add_node(n, **g.nodes[n], **m[n])
    out.add_edges_from(sorted(g.edges(data=True)))
    return out


def graphml(g: nx.Graph) -> str:
    return "\n".join(nx.generate_graphml(_annotated(g))) + "\n"


def gexf(g: nx.Graph) -> str:
    text = "\n".join(nx.generate_gexf(_annotated(g), prettyprint=True)) + "\n"
    # networkx stamps today's date: drop it so the file depends only on the graph
    return re.sub(r' lastmodifieddate="[^"]*"', "", text)


def write_exports(graphs: dict[str, nx.Graph], directory: Path) -> list[Path]:
    """``partners-<name>.graphml`` and ``.gexf`` for every graph, written atomically."""
    out = []
    for name, g in graphs.items():
        for ext, render in (("graphml", graphml), ("gexf", gexf)):
            path = Path(directory) / f"partners-{name}.{ext}"
            write_atomic(path, [render(g)])
            out.append(path)
    return out


# --- layout and picture -------------------------------------------------------------------------------------


def connected_part(g: nx.Graph) -> tuple[nx.Graph, list[str]]:
    """The graph without its isolated nodes (drawn apart they only stretch the picture), and those nodes.

    A copy with the isolated nodes removed keeps ``g``'s node order; ``g.subgraph(nodes).copy()`` would not: when
    it keeps fewer than half of the nodes, networkx iterates the kept nodes as a set, whose order changes with
    Python's string hashing from one process to the next, and with it the orientation of every edge."""
    alone = sorted(n for n in g if g.degree(n) == 0)
    part = g.copy()
    part.remove_nodes_from(alone)
    return part, alone


def layout(
    g: nx.Graph, seed: int = SEED, iterations: int = 400, spread: float = 4.0
) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold: nodes repel as k²/d, linked nodes attract as d²/k × (1 + 0.3 ln weight), with
    k = ``spread`` × √(1/n); positions start from :class:`random.Random` (``seed``), a weak pull to the centre keeps
    separate components on the page, and the temperature falls linearly. Result scaled into [0, 1]²."""
    nodes = sorted(g)
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.5, 0.5)}
    rng = random.Random(seed)
    pos = {v: [rng.random(), rng.random()] for v in nodes}
    k = spread * math.sqrt(1.0 / n)
    # each edge once, its endpoints in IRI order (networkx gives them in the order the nodes were added)
    edges = sorted(
        (min(a, b), max(a, b), 1.0 + 0.3 * math.log(d.get("weight", 1))) for a, b, d in g.edges(data=True)
    )
    gravity = 0.6
    t0 = 0.12
    t = t0
    for step in range(iterations):
        disp = {v: [0.0, 0.0] for v in nodes}
        for i in range(n):
            a = nodes[i]
            pa = pos[a]
            for j in range(i + 1, n):
                b = nodes[j]
                dx, dy = pa[0] - pos[b][0], pa[1] - pos[b][1]
                d2 = dx * dx + dy * dy or 1e-9
                f = k * k / d2
                disp[a][0] += dx * f
                disp[a][1] += dy * f
                disp[b][0] -= dx * f
                disp[b][1] -= dy * f
        for a, b, w in edges:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            d = math.sqrt(dx * dx + dy * dy) or 1e-9
            f = d * w / k
            disp[a][0] -= dx * f
            disp[a][1] -= dy * f
            disp[b][0] += dx * f
            disp[b][1] += dy * f
        for v in nodes:
            disp[v][0] -= (pos[v][0] - 0.5) * gravity * k * n**0.5
            disp[v][1] -= (pos[v][1] - 0.5) * gravity * k * n**0.5
        for v in nodes:
            dx, dy = disp[v]
            d = math.sqrt(dx * dx + dy * dy) or 1e-9
            step_len = min(d, t)
            pos[v][0] += dx / d * step_len
            pos[v][1] += dy / d * step_len
        t = t0 * (1 - (step + 1) / iterations) + 0.001
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    w = (max(xs) - min(xs)) or 1.0
    h = (max(ys) - min(ys)) or 1.0
    return {v: (round((pos[v][0] - min(xs)) / w, 5), round((pos[v][1] - min(ys)) / h, 5)) for v in nodes}


#: category → colour family for pictures (ColorBrewer-like, readable on white)
CATEGORY_COLOURS = {
    "etat": "#1f4e9c",
    "service-etat": "#4f7fd0",
    "justice": "#8aa8e0",
    "region": "#7b3fa0",
    "departement": "#d9681a",
    "service-departement": "#f2a05c",
    "epci": "#2e8b57",
    "commune": "#5cbf7f",
    "service-communal": "#a3dcb4",
    "caf": "#c0392b",
    "ars": "#e0607e",
    "assurance-maladie": "#f0a0b0",
    "service-public-emploi": "#138d90",
    "mission-locale": "#5fc4c6",
    "bailleur-social": "#8d6e4f",
    "caisse-des-depots": "#b89a7a",
    "association": "#7f7f7f",
    "conseil-citoyen": "#a5a5a5",
    "collectif": "#c9c9c9",
    "chambre-consulaire": "#b5a52e",
    "autre": "#d8cf7a",
}


def colour(category: str) -> str:
    return CATEGORY_COLOURS.get(category, "#999999")


def short_label(label: str, iri: str, limit: int = 26) -> str:
    return label if len(label) <= limit else iri.rsplit("/", 1)[-1]
