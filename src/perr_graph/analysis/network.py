"""The partner network: organisations linked by the commitments they share, per protocol and overall.

Nodes are the organisations involved (any role) in at least one commitment (query ``38-partner-activity``); an
edge joins two organisations involved in the same commitment, its ``weight`` the number of commitments they share
and ``named`` the same count leaving out involvements as the signatories collectively (query
``37-partner-pairs``). Every commitment belongs to one protocol, so the overall weight is the sum of the
per-protocol weights.

Measures: degree (neighbours), weighted degree (sum of weights), betweenness centrality with ``1 / weight`` as
the length of a link (a strong tie is a short path), exact at every size (:func:`betweenness`, igraph's C
implementation of Brandes' algorithm), and communities by greedy modularity maximisation on the weights (networkx's
Clauset–Newman–Moore; deterministic for a given node order, and nodes are added in IRI order), or, beyond
:data:`EXACT_COMMUNITIES` organisations (a national network), networkx's Louvain method from a fixed seed: seconds
instead of minutes. Exports: GraphML and GEXF for Gephi, written atomically, byte-identical from run to run.

Layout for pictures (:func:`layout`): networkx's Fruchterman–Reingold spring layout (vectorised with numpy) from a
fixed seed, coordinates rounded, so the same graph gives the same picture on every run. A picture draws at most
:data:`DRAWN` organisations (:func:`drawn_part`: the most linked); the exports hold them all.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import networkx as nx

from perr_graph.analysis.answers import run
from perr_graph.analysis.names import file_stem
from perr_graph.outputs import write_atomic

ALL = "all"
SEED = 20192022
#: the most organisations a picture draws (the most linked ones); the GraphML and GEXF files hold every one
DRAWN = 420
#: up to this many organisations, communities by greedy modularity (Clauset–Newman–Moore); beyond, by Louvain
EXACT_COMMUNITIES = 1000


def partner_graphs(store, answer=run) -> dict[str, nx.Graph]:
    """``{"all": G, pid: G, …}`` from the query library's answers on the store (``answer(store, name)``: the
    records of a library query, :func:`perr_graph.analysis.answers.run` by default)."""
    _, activity = answer(store, "partner-activity")
    _, pairs = answer(store, "partner-pairs")
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
    """Communities (weights), largest first, members sorted; isolated nodes are their own: greedy modularity up to
    :data:`EXACT_COMMUNITIES` nodes, Louvain (seed :data:`SEED`) beyond. Computed once per graph (kept in
    ``g.graph``)."""
    cached = g.graph.get("_communities")
    if cached is not None:
        return cached
    if g.number_of_edges() == 0:
        found = [[n] for n in sorted(g)]
    else:
        if g.number_of_nodes() > EXACT_COMMUNITIES:
            groups = nx.community.louvain_communities(g, weight="weight", seed=SEED)
        else:
            groups = nx.community.greedy_modularity_communities(g, weight="weight")
        found = sorted((sorted(c) for c in groups), key=lambda c: (-len(c), c))
    g.graph["_communities"] = found
    return found


def betweenness(g: nx.Graph) -> dict[str, float]:
    """Betweenness centrality of every node, normalised as networkx's ``betweenness_centrality`` (the share of
    the shortest paths between two other nodes that pass through it), with ``1 / weight`` as the length of a link.

    Computed by igraph (Brandes' algorithm in C): exact at national scale in seconds, where networkx in pure Python
    had to estimate it from a sample of sources. igraph compares path lengths with a tolerance, so two paths of
    the same length (1/3 + 1/6 and 1/2) are both shortest, as exact arithmetic says; networkx compares the float
    sums exactly and may keep one (tests/test_network.py checks igraph against networkx on exact fractions)."""
    import igraph

    nodes = sorted(g)
    if len(nodes) < 3:
        return dict.fromkeys(nodes, 0.0)
    index = {n: i for i, n in enumerate(nodes)}
    edges = sorted(g.edges(data="weight"))
    h = igraph.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b, _ in edges])
    raw = h.betweenness(directed=False, weights=[1.0 / w for _, _, w in edges])
    pairs = (len(nodes) - 1) * (len(nodes) - 2) / 2  # pairs of other nodes (each counted once)
    return {n: raw[i] / pairs for i, n in enumerate(nodes)}


def metrics(g: nx.Graph) -> dict[str, dict]:
    """Per node: degree, weighted degree, betweenness (:func:`betweenness`, rounded to 4 decimals) and community
    number; computed once per graph (kept in ``g.graph``)."""
    cached = g.graph.get("_metrics")
    if cached is not None:
        return cached
    between = betweenness(g)
    member = {n: i for i, c in enumerate(communities(g), start=1) for n in c}
    g.graph["_metrics"] = {
        n: {
            "degree": g.degree(n),
            "weighted_degree": g.degree(n, weight="weight"),
            "betweenness": round(between[n], 4),
            "community": member[n],
        }
        for n in sorted(g)
    }
    return g.graph["_metrics"]


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
    cached = g.graph.get("_annotated")
    if cached is not None:
        return cached
    m = metrics(g)
    out = nx.Graph(name=g.graph.get("name", ""))
    for n in sorted(g):
        out.add_node(n, **g.nodes[n], **m[n])
    out.add_edges_from(sorted(g.edges(data=True)))
    g.graph["_annotated"] = out
    return out


def graphml(g: nx.Graph) -> str:
    return "\n".join(nx.generate_graphml(_annotated(g))) + "\n"


def gexf(g: nx.Graph) -> str:
    text = "\n".join(nx.generate_gexf(_annotated(g), prettyprint=True)) + "\n"
    # networkx stamps today's date: drop it so the file depends only on the graph
    return re.sub(r' lastmodifieddate="[^"]*"', "", text)


def write_exports(graphs: dict[str, nx.Graph], directory: Path) -> list[Path]:
    """``partners-<name>.graphml`` and ``.gexf`` for every graph, written atomically; a name that is not a slug
    is replaced by a digest (:func:`perr_graph.analysis.names.file_stem`)."""
    out = []
    for name, g in graphs.items():
        for ext, render in (("graphml", graphml), ("gexf", gexf)):
            path = Path(directory) / f"partners-{file_stem(name)}.{ext}"
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
    part.graph = {k: v for k, v in g.graph.items() if not k.startswith("_")}  # measures of g are not part's
    part.remove_nodes_from(alone)
    return part, alone


def drawn_part(g: nx.Graph, limit: int = DRAWN) -> tuple[nx.Graph, list[str], int]:
    """What a picture draws: the connected part of ``g`` (:func:`connected_part`), cut to the ``limit``
    organisations with the largest weighted degree (ties by IRI); the isolated organisations, and how many linked
    ones were left out."""
    part, alone = connected_part(g)
    if part.number_of_nodes() <= limit:
        return part, alone, 0
    strength = {n: part.degree(n, weight="weight") for n in part}
    keep = set(sorted(part, key=lambda n: (-strength[n], n))[:limit])
    cut = part.number_of_nodes() - limit
    part.remove_nodes_from([n for n in list(part) if n not in keep])
    part.remove_nodes_from(sorted(n for n in part if part.degree(n) == 0))
    return part, alone, cut


def layout(g: nx.Graph, seed: int = SEED, iterations: int = 50) -> dict[str, tuple[float, float]]:
    """Positions in [0, 1]² from networkx's Fruchterman–Reingold layout (``spring_layout``; weights pull linked
    nodes together), started from ``seed`` over the nodes in IRI order, rounded to 4 decimals: the same graph
    gives the same positions on every run."""
    nodes = sorted(g)
    if not nodes:
        return {}
    if len(nodes) == 1:
        return {nodes[0]: (0.5, 0.5)}
    h = nx.Graph()
    h.add_nodes_from(nodes)
    h.add_edges_from(
        sorted(
            (min(a, b), max(a, b), {"weight": 1.0 + 0.3 * math.log(d.get("weight", 1))})
            for a, b, d in g.edges(data=True)
        )
    )
    k = 2.0 / math.sqrt(len(nodes))
    pos = nx.spring_layout(h, k=k, seed=seed, iterations=iterations, weight="weight")
    xs = [float(p[0]) for p in pos.values()]
    ys = [float(p[1]) for p in pos.values()]
    x0, y0 = min(xs), min(ys)
    w, hh = (max(xs) - x0) or 1.0, (max(ys) - y0) or 1.0
    return {v: (round((float(pos[v][0]) - x0) / w, 4), round((float(pos[v][1]) - y0) / hh, 4)) for v in nodes}


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
