"""The engines against each other on probes (``tests/fixtures/shacl-probes/``): small files, data and shapes in one,
each exercising one SHACL feature where shacl-rust 0.2.12 and pySHACL might read things differently.

For every probe: ``--engine auto`` gives exactly pySHACL's results; ``--engine shacl-rust`` gives them too or
refuses (never a different answer); and where shacl-rust run alone on the whole shapes graph gives another
answer than pySHACL, the routing (:mod:`perr_graph.validation.routing`) or the data checks
(:mod:`perr_graph.validation.guards`) take the shape away from it — the probes that prove each entry of the
list of features shacl-rust is not trusted with.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from perr_graph.validation import Shapes, ShapesError, validate_dataset
from perr_graph.validation.engines import EngineRefusal, rdflib_graph, run_pyshacl, run_shacl_rust
from perr_graph.validation.rdfin import read_quads

PROBES = sorted((Path(__file__).resolve().parent / "fixtures" / "shacl-probes").glob("*.ttl"))
#: probes whose SPARQL pySHACL refuses (SHACL §5.1 forbids MINUS and VALUES): every engine refuses them
REFUSED_BY_PYSHACL = {"sparql-minus", "sparql-values-value"}


def keys(path: Path, engine: str) -> set:
    report = validate_dataset(
        [path], shapes=Shapes.load([path]), own_shapes=True, shared=False, engine=engine
    )
    return {r.key for u in report.units for r in u.results}


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: p.stem)
def test_auto_is_pyshacl_and_the_fast_engine_is_right_or_refuses(probe):
    if probe.stem in REFUSED_BY_PYSHACL:
        for engine in ("auto", "pyshacl", "shacl-rust"):
            with pytest.raises(ShapesError):
                keys(probe, engine)
        return
    reference = keys(probe, "pyshacl")
    assert keys(probe, "auto") == reference
    try:
        fast = keys(probe, "shacl-rust")
    except EngineRefusal as exc:
        assert "shacl-rust engine is not trusted with" in str(exc)
    else:
        assert fast == reference


def _raw(probe: Path) -> tuple[set, set]:
    """shacl-rust on the whole shapes graph (no routing, no data checks) and pySHACL, on the probe."""
    import pyoxigraph as ox

    shapes = Shapes.load([probe])
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in read_quads(probe, "d", own_graph=False)]
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    rust = {r.key for r in run_shacl_rust(data, shapes.ntriples(), shapes)}
    python = {r.key for r in run_pyshacl(rdflib_graph(data), shapes.graph)}
    return rust, python


def test_where_shacl_rust_alone_differs_it_is_never_given_the_shape():
    """The probes are real: shacl-rust run alone differs from pySHACL on many of them, and on each of those the
    fast engine refuses rather than answer (so ``auto`` sends the shape to pySHACL)."""
    differing = []
    for probe in PROBES:
        if probe.stem in REFUSED_BY_PYSHACL:
            continue
        try:
            rust, python = _raw(probe)
        except ShapesError:
            rust, python = None, set()
        if rust != python:
            differing.append(probe.stem)
            with pytest.raises(EngineRefusal):
                keys(probe, "shacl-rust")
    assert len(differing) >= 20, differing
