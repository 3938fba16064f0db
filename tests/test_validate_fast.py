"""``validate_fast`` gives exactly the report of the plain path (``perr validate``), whatever the processes and
the cache, on the real five, on damaged copies of them and on synthetic protocols."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.namespace import SH

from perr_graph import namespaces as ns
from perr_graph import validate as V
from perr_graph import validate_fast as F
from perr_graph.synth.basis import Basis
from perr_graph.synth.write import write
from support import project

PROTOCOL = "https://w3id.org/perr-graph/graph/protocol/"
PERR = "https://w3id.org/perr-graph/ontology#"


def same(a: V.Report, b: V.Report) -> None:
    """Identical reports: units in order, results, labels and lines, and every rendering."""
    assert [u.name for u in a.units] == [u.name for u in b.units]
    for x, y in zip(a.units, b.units, strict=False):
        assert sorted(r.key for r in x.results) == sorted(r.key for r in y.results), x.name
        assert x.graph == y.graph and x.notes == y.notes
    assert a.json() == b.json()
    assert a.text("en") == b.text("en") and a.text("fr") == b.text("fr")
    assert a.records() == b.records()


@pytest.fixture(scope="module")
def plain_real(dataset_nq):
    return V.validate_dataset([dataset_nq], sources=project.SOURCES)


def test_real_five_same_report(dataset_nq, plain_real):
    fast = F.validate_dataset([dataset_nq], sources=project.SOURCES, jobs=2)
    same(plain_real, fast)
    assert fast.counts()[SH.Warning] > 100  # not a trivial comparison


@pytest.fixture(scope="module")
def damaged(dataset_nq, tmp_path_factory) -> Path:
    """The real dataset with faults of several kinds: a missing text, a registry organisation described again in
    a protocol graph (two labels), a place outside the protocol's territory, an involvement without partner."""
    lines = Path(dataset_nq).read_text(encoding="utf-8").splitlines(keepends=True)
    text = f"<{PERR}text>"
    dropped_text = dropped_partner = False
    out = []
    for line in lines:
        if not dropped_text and text in line and f"<{PROTOCOL}loriol>" in line:
            dropped_text = True
            continue
        if not dropped_partner and f"<{PERR}partner>" in line and f"<{PROTOCOL}puy>" in line:
            dropped_partner = True
            continue
        out.append(line)
    assert dropped_text and dropped_partner
    out += [
        "<https://w3id.org/perr-graph/id/org/etat> <http://www.w3.org/2004/02/skos/core#prefLabel> "
        f'"L\'Etat, autrement"@fr <{PROTOCOL}valence> .\n',
        "<https://w3id.org/perr-graph/id/protocol/voiron/commitment/L33> <http://purl.org/dc/terms/spatial> "
        f"<https://w3id.org/perr-graph/id/territory/polygone> <{PROTOCOL}voiron> .\n",
    ]
    path = tmp_path_factory.mktemp("damaged") / "damaged.nq"
    path.write_text("".join(out), encoding="utf-8")
    return path


def test_damaged_copy_same_report(damaged):
    plain = V.validate_dataset([damaged], sources=project.SOURCES)
    fast = F.validate_dataset([damaged], sources=project.SOURCES, jobs=1)
    same(plain, fast)
    assert plain.counts()[SH.Violation] >= 3  # the faults were seen


def test_synthetic_same_report_and_cache(built, tmp_path):
    basis = Basis.from_build(built.protocols, built.graphs[ns.ONTOLOGY_GRAPH])
    data = write(tmp_path / "s.nq", 6, seed=4, basis=basis, jobs=1, texts=tmp_path / "texts")
    plain = V.validate_dataset([data.path], sources=tmp_path / "texts")
    cache = tmp_path / "cache"
    cold = F.validate_dataset([data.path], sources=tmp_path / "texts", jobs=2, cache=cache)
    same(plain, cold)
    assert len(list(cache.glob("*.pickle"))) == 6  # one per protocol

    warm = F.validate_dataset([data.path], sources=tmp_path / "texts", jobs=2, cache=cache)
    same(plain, warm)

    # a changed source text invalidates only the protocol that cites it
    text = tmp_path / "texts" / "synth-0002.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("a", "à", 3), encoding="utf-8")
    plain2 = V.validate_dataset([data.path], sources=tmp_path / "texts")
    again = F.validate_dataset([data.path], sources=tmp_path / "texts", jobs=1, cache=cache)
    same(plain2, again)
    assert len(list(cache.glob("*.pickle"))) == 7
    assert any(r.shape == V.QUOTE_SHAPE for u in again.units for r in u.results)


def test_checks_are_the_plain_ones_restricted(plain_real):
    """Every compiled check is kept; those restricted to the unit's own focus nodes keep the plain query around
    the added graph pattern."""
    fast = F.FastChecks(plain_real.shapes)
    assert [c for c, _, _ in fast.checks] == plain_real.shapes.checks
    assert not fast.names_graphs
    restricted = [t for _, t, r in fast.checks if r]
    assert restricted and all(F.OWN in t for t in restricted)
    assert all(F.OWN not in t for _, t, r in fast.checks if not r)
