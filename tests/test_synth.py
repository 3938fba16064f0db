"""The synthetic France (``perr synth``): deterministic, in our model, conforming, provenance coherent, and
distributed like the real five."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph

from perr_graph import namespaces as ns
from perr_graph.cli import main
from perr_graph.rdf import serialize as rdfio
from perr_graph.synth.basis import Basis, summary, used_partners
from perr_graph.synth.protocol import generate
from perr_graph.synth.registry import RegistryBuilder
from perr_graph.synth.write import emit_protocol, serialise, write


@pytest.fixture(scope="module")
def basis(built):
    return Basis.from_build(built.protocols, built.graphs[ns.ONTOLOGY_GRAPH])


@pytest.fixture(scope="module")
def sample(basis):
    """Sixty synthetic protocols, in memory (facts and texts, not RDF)."""
    return list(generate(basis, 60, seed=11))


@pytest.fixture(scope="module")
def written(basis, tmp_path_factory):
    """Five synthetic protocols written as N-Quads, with their source texts."""
    d = tmp_path_factory.mktemp("synth")
    out = write(d / "s.nq", 5, seed=3, basis=basis, jobs=1, texts=d / "texts")
    return out, d / "texts"


def test_same_seed_same_bytes_whatever_the_workers(basis, tmp_path):
    for suffix in (".nq", ".trig"):
        a, b, c = (tmp_path / f"{x}{suffix}" for x in "abc")
        write(a, 4, seed=5, basis=basis, jobs=1)
        write(b, 4, seed=5, basis=basis, jobs=2)
        write(c, 4, seed=6, basis=basis, jobs=1)
        assert a.read_bytes() == b.read_bytes()
        assert a.read_bytes() != c.read_bytes()


def test_same_bytes_when_the_workers_are_spawned(basis, tmp_path):
    """The workers build their state from what they are given (no module state inherited by forking)."""
    a, b = tmp_path / "a.nq", tmp_path / "b.nq"
    write(a, 3, seed=5, basis=basis, jobs=1)
    write(b, 3, seed=5, basis=basis, jobs=2, start_method="spawn")
    assert a.read_bytes() == b.read_bytes()


def test_protocol_i_depends_only_on_seed_and_i(basis):
    """Generating 3 or 4 protocols gives the same first three (what makes parallel generation deterministic)."""
    three = [sp.text for sp in generate(basis, 3, seed=2)]
    four = [sp.text for sp in generate(basis, 4, seed=2)]
    assert three == four[:3]


def test_the_output_is_our_model_through_our_emitter(basis):
    """The fast target (a plain set of triples) holds exactly what the emitter gives an rdflib Graph, and the
    one writer gives the same bytes for either."""
    for sp in generate(basis, 5, seed=9):
        g = Graph()
        emit_protocol(sp, into=g)
        fast = emit_protocol(sp)
        assert set(g) == set(fast)
        name = ns.protocol_graph(sp.protocol.pid)
        assert serialise({name: fast}, "nquads") == "".join(rdfio.nquads({name: g}))
        assert serialise({name: fast}, "trig", prefixes=True) == "".join(rdfio.trig({name: g}))


def test_every_quote_stands_in_the_synthetic_text_at_its_lines(sample):
    checked = 0
    for sp in sample:
        p = sp.protocol
        spans = [p.title_span, *(x[2] for x in (p.period, p.signing, p.contract) if x)]
        spans += [s for _, s in [*p.qpv, *p.watch]]
        spans += [
            x.span
            for x in [
                *p.populations,
                *p.references,
                *p.challenges,
                *p.objectives,
                *p.indicators,
                *p.amounts,
                *p.statistics,
                *p.bodies,
            ]
        ]
        spans += [x.span for x in p.sections if x.span]
        spans += [s for b in p.bodies for _, s in [*b.chairs, *b.members]]
        spans += [m.span for s in p.signatories for m in [s, *s.also]]
        spans += [o.span for t in p.statistics for r in t.rows for o in r.observations]
        for c in p.commitments:
            spans += [c.span, *(i.span for i in c.involvements)]
        for span in spans:
            assert 1 <= span.start <= span.end <= len(sp.lines)
            assert span.quote and span.quote in sp.span_text(span.start, span.end), (p.pid, span)
            checked += 1
    assert checked > 60 * 150


def test_the_written_graph_cites_the_written_texts(written):
    """Read back from the file: every oa:exact is in its lines of the text named by dcterms:identifier, whose
    checksum and line count the graph gives."""
    from perr_graph.store import open_store

    out, texts = written
    store = open_store([out.path])
    q = """
    PREFIX oa: <http://www.w3.org/ns/oa#>
    PREFIX perr: <https://w3id.org/perr-graph/ontology#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    PREFIX spdx: <http://spdx.org/rdf/terms#>
    SELECT ?file ?sha ?count ?start ?end ?exact WHERE { GRAPH ?g {
        ?res oa:hasSource ?doc ; perr:lineStart ?start ; perr:lineEnd ?end ;
             oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?exact ] .
        ?doc dcterms:identifier ?file ; perr:lineCount ?count ; spdx:checksum/spdx:checksumValue ?sha } }"""
    cache, n = {}, 0
    for row in store.query(q):
        path = texts / row["file"].value
        if path not in cache:
            raw = path.read_bytes()
            assert hashlib.sha256(raw).hexdigest() == row["sha"].value
            cache[path] = raw.decode("utf-8").split("\n")
            assert len(cache[path]) - 1 == int(row["count"].value)
        lines = cache[path]
        start, end = int(row["start"].value), int(row["end"].value)
        assert row["exact"].value in "\n".join(lines[start - 1 : end])
        n += 1
    assert len(cache) == 5 and n > 5 * 150


def test_synthetic_data_conforms_to_the_shapes(written):
    """No violation (the warnings and infos are those a real protocol gets: commitments without a known lead …);
    the shared graphs (synthetic registry and identifiers) give no result at all."""
    from rdflib.namespace import SH

    from perr_graph.validation import SHARED, Locator, validate_dataset

    out, texts = written
    report = validate_dataset([out.path], locator=Locator(texts))
    assert report.conforms
    assert report.counts()[SH.Violation] == 0
    assert len([u for u in report.units if u.name != SHARED]) == 5
    shared = [u for u in report.units if u.name == SHARED]
    assert shared and shared[0].results == []
    assert not any(u.notes for u in report.units)  # every quote was compared with its text


def test_distributions_follow_the_real_five(built, sample):
    real, fake = summary(built.protocols), summary(sp.protocol for sp in sample)
    assert fake["commitments_per_protocol"] == pytest.approx(real["commitments_per_protocol"], rel=0.15)
    assert fake["involvements_per_commitment"] == pytest.approx(real["involvements_per_commitment"], rel=0.3)
    assert fake["share_with_lead"] == pytest.approx(real["share_with_lead"], abs=0.12)
    assert fake["indicators_per_protocol"] == pytest.approx(real["indicators_per_protocol"], rel=0.6)
    assert fake["signatories_per_protocol"] == pytest.approx(real["signatories_per_protocol"], rel=0.35)
    real_roles = {k for k in real if k.startswith("role_share:")}
    assert {k for k in fake if k.startswith("role_share:")} == real_roles
    for k in real_roles:
        assert fake[k] == pytest.approx(real[k], abs=0.15), k


def test_partners_are_shared_as_in_the_real_five(sample):
    """National bodies in (nearly) every protocol, departmental ones across the protocols of a département,
    local ones in one protocol only."""
    users = defaultdict(set)
    for sp in sample:
        for sid in used_partners(sp.protocol):
            users[sid].add(sp.protocol.pid)
    assert len(users["etat"]) >= 0.8 * len(sample)
    departmental = [k for k in users if k.startswith("synth-d")]
    assert departmental and max(len(users[k]) for k in departmental) >= 2
    local = [k for k in users if not k.startswith(("synth-d", "synth-r")) and k.startswith("synth-")]
    assert local and all(users[k] == {k[:10]} for k in local)


def test_registry_knows_every_partner_and_place_named(sample):
    reg = RegistryBuilder()
    for sp in sample:
        reg.add(sp.partners, sp.territories, sp.identifiers)
    registry = reg.registry()
    for sp in sample:
        p = sp.protocol
        assert used_partners(p) <= set(registry.partners)
        places = {
            p.territory,
            *(t for t, _ in [*p.qpv, *p.watch]),
            *(t for c in p.commitments for t in c.places),
        }
        assert places <= set(registry.territories)
    for t in registry.territories.values():
        assert not t.part_of or t.part_of in registry.territories


def test_the_command(tmp_path, capsys):
    assert main(["synth", "--protocols", "2", "--seed", "1", "--output", str(tmp_path / "s.trig"), "-q"]) == 0
    assert (tmp_path / "s.trig").read_text(encoding="utf-8").startswith("@prefix ")
    assert main(["synth", "-n", "2", "-o", str(tmp_path / "s.ttl")]) == 2
    assert "use .trig or .nq" in capsys.readouterr().err


def test_synth_help_from_the_console_script():
    exe = Path(sys.executable).parent / "perr"
    out = subprocess.run([str(exe), "synth", "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "usage: perr synth" in out.stdout and "--protocols" in out.stdout
