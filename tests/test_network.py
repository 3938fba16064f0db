"""The partner network (src/perr_graph/network.py): built from queries 37 and 38, checked against co-involvements
counted from the facts; measures, communities, layout and exports are deterministic."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import networkx as nx
import pytest

from perr_graph.analysis import network as N

ORG = "https://w3id.org/perr-graph/id/org/"


@pytest.fixture(scope="module")
def graphs(store):
    return N.partner_graphs(store)


def co_involvement(p) -> Counter:
    pairs: Counter = Counter()
    for c in p.commitments:
        partners = sorted({ORG + i.partner for i in c.involvements})
        for a, b in combinations(partners, 2):
            pairs[(a, b)] += 1
    return pairs


def test_one_graph_per_protocol_and_one_overall(graphs, protocols):
    assert list(graphs) == ["all", *sorted(protocols)]


def test_nodes_and_weights_match_the_facts(graphs, protocols):
    overall: Counter = Counter()
    for pid, p in protocols.items():
        g = graphs[pid]
        assert set(g) == {ORG + i.partner for c in p.commitments for i in c.involvements}
        expected = co_involvement(p)
        overall.update(expected)
        got = {tuple(sorted((a, b))): d["weight"] for a, b, d in g.edges(data=True)}
        assert got == dict(expected), pid
        for n in g:
            assert g.nodes[n]["commitments"] == sum(
                1 for c in p.commitments if n in {ORG + i.partner for i in c.involvements}
            )
    assert {tuple(sorted((a, b))): d["weight"] for a, b, d in graphs["all"].edges(data=True)} == dict(overall)


def test_named_weight_leaves_out_collective_signatories(graphs, protocols):
    g = graphs["valence"]
    # Valence's Article 4 rows are commitments of the signatories together: shared by all, named by none
    assert all(d["named"] <= d["weight"] for _, _, d in g.edges(data=True))
    assert any(d["named"] < d["weight"] for _, _, d in g.edges(data=True))


def test_measures(graphs):
    g = graphs["all"]
    m = N.metrics(g)
    assert set(m) == set(g)
    for n, v in m.items():
        assert v["degree"] == len(list(g.neighbors(n)))
        assert v["weighted_degree"] == sum(d["weight"] for _, _, d in g.edges(n, data=True))
        assert 0 <= v["betweenness"] <= 1
    top = max(m, key=lambda n: m[n]["betweenness"])
    assert top == ORG + "etat"  # the State takes part in every protocol and bridges them
    communities = N.communities(g)
    assert sorted(n for c in communities for n in c) == sorted(g)
    assert communities == N.communities(g)


def test_layout_is_deterministic_and_in_the_unit_square(graphs):
    g = graphs["montelimar"]
    first, second = N.layout(g), N.layout(g)
    assert first == second
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in first.values())
    assert len({(round(x, 2), round(y, 2)) for x, y in first.values()}) == len(first)


def test_exports_parse_and_carry_the_measures(graphs):
    import io

    text = N.graphml(graphs["loriol"])
    h = nx.read_graphml(io.BytesIO(text.encode("utf-8")))
    assert set(h) == set(graphs["loriol"])
    node = next(iter(h.nodes(data=True)))[1]
    assert {"label", "category", "commitments", "degree", "betweenness", "community"} <= set(node)
    gexf = N.gexf(graphs["loriol"])
    assert "lastmodifieddate" not in gexf and gexf == N.gexf(graphs["loriol"])


def _exact_betweenness(g) -> dict:
    """networkx's betweenness with lengths as exact fractions: the oracle (no float tie is missed)."""
    from fractions import Fraction

    h = nx.Graph()
    h.add_nodes_from(sorted(g))
    h.add_edges_from((a, b, {"length": Fraction(1, d["weight"])}) for a, b, d in g.edges(data=True))
    return nx.betweenness_centrality(h, weight="length")


def test_betweenness_is_exact(graphs):
    """igraph's betweenness equals exact arithmetic's on every network of the five (each protocol's and all)."""
    for name, g in graphs.items():
        exact = _exact_betweenness(g)
        got = N.betweenness(g)
        assert set(got) == set(g), name
        assert max(abs(got[n] - float(exact[n])) for n in g) < 1e-9, name


def test_betweenness_counts_paths_of_equal_length():
    """Two shortest paths of the same length share the load, as exact arithmetic says: a-b-c-d is 1/2 + 1/3 + 1/6
    and a-x-d is 1/2 + 1/2, both 1. Summed in floats from a, the first is 0.9999999999999999 and networkx's float
    betweenness drops a-x-d for that pair; igraph keeps both."""
    g = nx.Graph()
    for a, b, w in [("a", "b", 2), ("b", "c", 3), ("c", "d", 6), ("a", "x", 2), ("x", "d", 2)]:
        g.add_edge(a, b, weight=w)
    exact = {n: float(v) for n, v in _exact_betweenness(g).items()}
    floats = nx.Graph()
    floats.add_edges_from((a, b, {"length": 1 / d["weight"]}) for a, b, d in g.edges(data=True))
    assert nx.betweenness_centrality(floats, weight="length")["x"] != pytest.approx(exact["x"])  # the trap
    assert N.betweenness(g) == pytest.approx(exact)
    # x lies on one of the two shortest a-d paths, and on no other: 1/2 of one pair among the 6 pairs of the others
    assert exact["x"] == pytest.approx(1 / 12)
