"""perr build: deterministic, atomic, and its stats agree with the facts read."""

import os

import pytest
from rdflib import Dataset

from perr_graph.build import build
from perr_graph.cli import main
from perr_graph.outputs import write_atomic


def test_build_is_byte_identical_from_one_run_to_the_next(built, corpus, tmp_path):
    again = build(corpus, tmp_path)
    for first, second in zip(built.outputs, again.outputs, strict=False):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_trig_and_nquads_hold_the_same_quads(dataset_trig, dataset_nq):
    a, b = Dataset(), Dataset()
    a.parse(dataset_trig, format="trig")
    b.parse(dataset_nq, format="nquads")
    assert len(a) == len(b) > 30000
    assert {str(g.identifier) for g in a.graphs()} == {str(g.identifier) for g in b.graphs()}


def test_one_named_graph_per_protocol_and_the_shared_graphs(built):
    """Plus the graph of inferences of the one protocol a hypothesis is applied to (docs/model.md)."""
    names = sorted(str(g).rsplit("/graph/", 1)[1] for g in built.graphs)
    assert names == [
        "dataset",
        "inferences/loriol",
        "matches",
        "ontology",
        "protocol/loriol",
        "protocol/montelimar",
        "protocol/puy",
        "protocol/valence",
        "protocol/voiron",
        "reference",
        "registry",
    ]


def test_write_atomic_leaves_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "out.nq"
    target.write_text("old\n")

    def chunks():
        yield "new partial\n"
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomic(target, chunks())
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["out.nq"]


def test_stats_match_the_facts_read(built, dataset_nq, capsys):
    assert main(["stats", "--json", "--data", str(dataset_nq)]) == 0
    import json

    stats = {r["protocol"]: r for r in json.loads(capsys.readouterr().out)}
    for p in built.protocols:
        s = stats[p.pid]
        own = [c for c in p.commitments if not c.contribution]  # partners' contribution items apart
        assert (s["commitments"], s["contribution_items"]) == (len(own), len(p.commitments) - len(own))
        led = sum(1 for c in own if any(i.role == "chef-de-file" for i in c.involvements))
        assert (s["with_lead"], s["without_lead"]) == (led, len(own) - led)
        committed = sum(1 for c in own if any(i.role == "partie-qui-s-engage" for i in c.involvements))
        assert s["with_committing_party"] == committed
        assert s["indicators"] == len(p.indicators)
        assert s["signatories"] == len(p.signatories)
        assert s["qpv"] == len(p.qpv)
        assert s["partners"] == len({i.partner for c in p.commitments for i in c.involvements})
        assert s["triples"] == len(built.graphs[next(g for g in built.graphs if str(g).endswith(p.pid))])
