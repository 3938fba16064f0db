"""The SHACL shapes (ontology/shapes/) on their paired examples and on the real protocols.

Every named shape with a target has ``tests/shapes/<Shape>/conforms.ttl`` and ``violates*.ttl``. A violating file lists, in
``# expect: <focus> <shape> <path> <severity>`` lines, exactly the results its shape (or one of the shape's property
shapes) must give; the test compares the sets, so a result that fires on the wrong shape, path or severity, or
does not fire, or fires too, fails. Each example is validated like a researcher's protocol: on its own, with the
shared graphs of the real build as data.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH

from perr_graph import namespaces as ns
from perr_graph.validation import QUOTE_SHAPE, Locator, Shapes, validate, validate_dataset, validate_report
from perr_graph.validation.paths import text as path_text
from perr_graph.validation.render import records
from perr_graph.validation.shapes import PERRSH as PERRSH_NS
from perr_graph.validation.terms import compact
from support import project

PERRSH = Namespace(PERRSH_NS)

EXAMPLES = Path(__file__).resolve().parent / "shapes"
PROTOCOLS = ("valence", "loriol", "montelimar", "voiron", "puy")
PREFIXES = {**{p: str(v) for p, v in ns.PREFIXES.items()}, "perrsh": str(PERRSH), "sh": str(SH)}


@pytest.fixture(scope="session")
def shapes() -> Shapes:
    return Shapes.load()


@pytest.fixture(scope="session")
def shared(built) -> list[Graph]:
    return [built.graphs[g] for g in (ns.ONTOLOGY_GRAPH, ns.REGISTRY_GRAPH, ns.REFERENCE_GRAPH)]


def example_files() -> list[Path]:
    return sorted(EXAMPLES.glob("*/*.ttl"))


def expectations(path: Path, graph: Graph) -> set:
    prefixes = {**PREFIXES, **{p: str(n) for p, n in graph.namespaces()}}

    def expand(token: str) -> str:
        prefix, _, local = token.partition(":")
        return prefixes[prefix] + local

    out = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect:"):
            focus, shape, result_path, severity = line.split(":", 1)[1].split()
            out.add((expand(focus), expand(shape), None if result_path == "-" else result_path, severity))
    return out


def focus_nodes(shapes: Shapes, shape: URIRef, data: Graph) -> set:
    """The focus nodes of a targeted shape in ``data`` (SHACL §2.1.3: class targets through rdfs:subClassOf)."""
    g = shapes.graph
    classes = set(g.objects(shape, SH.targetClass))
    if any(c in shapes.classes for c in g.objects(shape, RDF.type)):
        classes.add(shape)
    out = set(g.objects(shape, SH.targetNode))
    for c in classes:
        subclasses = set(data.transitive_subjects(ns.RDFS.subClassOf, c))
        out |= {x for k in subclasses for x in data.subjects(RDF.type, k)}
    out |= {x for p in g.objects(shape, SH.targetSubjectsOf) for x in data.subjects(p, None)}
    out |= {x for p in g.objects(shape, SH.targetObjectsOf) for x in data.objects(None, p)}
    return out


def found(report, shapes: Shapes, shape: URIRef, data: Graph) -> set:
    """The results a targeted shape gives: its own and its property shapes', on its own focus nodes (a property
    shape several node shapes hold, such as ``Fact-evidence``, answers for each of them)."""
    mine = {shape, *shapes.graph.objects(shape, SH.property)}
    targets = focus_nodes(shapes, shape, data)
    return {
        (str(r.focus), str(r.shape), path_text(r.path), compact(r.severity).split(":")[1])
        for u in report.units
        for r in u.results
        if r.shape in mine and (r.focus in targets or r.shape == QUOTE_SHAPE)
    }


def named_targeted(shapes: Shapes) -> list[URIRef]:
    return [s for s in shapes.targeted if isinstance(s, URIRef)]


# --- the examples ---------------------------------------------------------------------------------------


def test_every_shape_has_a_conforming_and_a_violating_example(shapes):
    names = {str(s).rsplit("#", 1)[1] for s in named_targeted(shapes)}
    assert QUOTE_SHAPE in named_targeted(shapes), (
        "the Python quote check must be declared as a (deactivated) shape"
    )
    missing = sorted(
        n
        for n in names
        if not (EXAMPLES / n / "conforms.ttl").is_file() or not list((EXAMPLES / n).glob("violates*.ttl"))
    )
    assert not missing, f"shapes without tests/shapes/<shape>/conforms.ttl and violates.ttl: {missing}"
    strays = sorted(d.name for d in EXAMPLES.iterdir() if d.is_dir() and d.name not in names)
    assert not strays, f"examples for shapes that do not exist: {strays}"


def test_every_shape_speaks_french_and_english(shapes):
    named = {s for s in shapes.graph.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}
    named |= {s for s in shapes.graph.subjects(RDF.type, SH.PropertyShape) if isinstance(s, URIRef)}
    for s in sorted(named):
        langs = sorted(m.language for m in shapes.graph.objects(s, SH.message) if isinstance(m, Literal))
        assert langs == ["en", "fr"], (
            f"{compact(s)} needs one sh:message in French and one in English: {langs}"
        )


def test_every_property_shape_fires_in_some_example(shapes):
    expected = set()
    for f in example_files():
        if f.name.startswith("violates"):
            expected |= {e[1] for e in expectations(f, Graph().parse(f, format="turtle"))}
    targeted = named_targeted(shapes)
    property_shapes = {str(p) for n in targeted for p in shapes.graph.objects(n, SH.property)}
    property_shapes |= {
        str(n) for n in targeted if (n, SH.sparql, None) in shapes.graph or (n, SH.path, None) in shapes.graph
    }
    assert not sorted(property_shapes - expected), "no violating example for these shapes"


@pytest.mark.parametrize("path", example_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example(path, shapes, shared):
    node_shape = PERRSH[path.parent.name]
    g = Graph().parse(path, format="turtle")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#"), "each example starts with a comment that says what it tests"
    report = validate_report(g, shapes, shared=shared, sources=project.SOURCES, name=path.parent.name)
    data = Graph()
    for part in (g, *shared):
        data += part
    results = found(report, shapes, node_shape, data)
    if path.name == "conforms.ttl":
        assert not results, render_text(report)
        if node_shape == PERRSH.ProtocolShape:  # the complete protocol: nothing at all, from any shape
            assert not report.units[0].results, render_text(report)
    else:
        expected = expectations(path, g)
        assert expected, "a violating example lists its expected results in '# expect:' lines"
        assert results == expected


def test_validate_is_pyshacl_shaped_and_leaves_its_input_alone(shapes, shared):
    g = Graph().parse(EXAMPLES / "ProtocolShape" / "violates.ttl", format="turtle")
    before = set(g)
    shared_before = [len(s) for s in shared]
    conforms, report_graph, text = validate(g, shared=shared, sources=project.SOURCES, lang="en")
    assert conforms is False
    assert set(g) == before and [len(s) for s in shared] == shared_before
    assert (None, RDF.type, SH.ValidationReport) in report_graph
    assert (None, SH.sourceShape, PERRSH["Protocol-territory"]) in report_graph
    assert "Protocol-territory" in text and shapes.message(PERRSH["Protocol-territory"], "en") in text
    conforms, _, _ = validate(g, shared=shared, sources=project.SOURCES, fail_on="warning")
    assert conforms is False
    fr = validate(g, shared=shared, sources=project.SOURCES)[2]  # French by default
    assert shapes.message(PERRSH["Protocol-territory"], "fr") in fr


# --- the real protocols ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def real(built, shapes, shared):
    """Each real protocol's report (perr engine), by protocol id."""
    return {
        pid: validate_report(
            built.graphs[ns.protocol_graph(pid)], shapes, shared=shared, sources=project.SOURCES, name=pid
        )
        for pid in PROTOCOLS
    }


def test_the_real_protocols_have_no_violation(real):
    for _pid, report in real.items():
        violations = [r for r in report.units[0].results if r.severity == SH.Violation]
        assert not violations, report.text()


def test_warnings_on_the_real_protocols_are_the_documented_findings(real, protocols):
    """docs/validation.md reports these: commitments without a chef de file (a partner's contribution items are
    not expected to have one), Loriol without signatory …"""

    def count(pid, shape):
        return sum(1 for r in real[pid].units[0].results if r.shape == PERRSH[shape])

    for pid in PROTOCOLS:
        no_lead = sum(
            1
            for c in protocols[pid].commitments
            if not c.contribution and not any(i.role == "chef-de-file" for i in c.involvements)
        )
        assert count(pid, "Commitment-lead") == no_lead
    assert count("loriol", "Protocol-signatory") == 1
    assert count("montelimar", "Protocol-qpv") == 1
    assert count("valence", "Protocol-indicator") == 0 and count("voiron", "Protocol-indicator") == 1


def _broken(built, pid: str) -> Graph:
    g = Graph()
    for t in built.graphs[ns.protocol_graph(pid)]:
        g.add(t)
    return g


def _results(report, shape: str) -> list:
    return [r for r in report.units[0].results if r.shape == PERRSH[shape]]


def test_broken_copy_lead_removed(built, shapes, shared, real):
    g = _broken(built, "montelimar")
    commitment = sorted(g.subjects(ns.PERR.lead, None))[0]
    for inv in list(g.objects(commitment, ns.PERR.involvement)):
        if str(g.value(inv, ns.PERR.role)).endswith("chef-de-file"):
            partner = g.value(inv, ns.PERR.partner)
            g.remove((commitment, ns.PERR.involvement, inv))
            g.remove((inv, None, None))
            g.remove((commitment, ns.PERR.lead, partner))
            g.remove((commitment, ns.PERR.involvedPartner, partner))
    report = validate_report(g, shapes, shared=shared, sources=project.SOURCES)
    before = {r.focus for r in real["montelimar"].units[0].results if r.shape == PERRSH["Commitment-lead"]}
    after = {(r.focus, r.severity, path_text(r.path)) for r in _results(report, "Commitment-lead")}
    assert after - {(f, SH.Warning, "perr:lead") for f in before} == {(commitment, SH.Warning, "perr:lead")}
    assert not [r for r in report.units[0].results if r.severity == SH.Violation], report.text()
    # only the shortcut removed: the involvements still say who leads, a Violation
    g2 = _broken(built, "montelimar")
    partner = g2.value(commitment, ns.PERR.lead)
    g2.remove((commitment, ns.PERR.lead, partner))
    report2 = validate_report(g2, shapes, shared=shared, sources=project.SOURCES)
    assert [(r.focus, r.value, r.severity) for r in _results(report2, "Commitment-leadShortcutMissing")] == [
        (commitment, partner, SH.Violation)
    ]


def test_broken_copy_qpv_of_another_territory(built, shapes, shared):
    g = _broken(built, "valence")
    commitment = ns.in_protocol("valence", "commitment", "L330")
    brunetiere = ns.territory("brunetiere")  # a QPV of Voiron
    g.add((ns.protocol("valence"), ns.PERR.priorityNeighbourhood, brunetiere))
    g.add((commitment, URIRef("http://purl.org/dc/terms/spatial"), brunetiere))
    report = validate_report(g, shapes, shared=shared, sources=project.SOURCES)
    assert [(r.focus, r.value, r.severity) for r in _results(report, "Protocol-qpvInTerritory")] == [
        (ns.protocol("valence"), brunetiere, SH.Violation)
    ]
    assert [(r.focus, r.value) for r in _results(report, "Commitment-spatialInTerritory")] == [
        (commitment, brunetiere)
    ]


def test_broken_copy_no_signatory(built, shapes, shared):
    g = _broken(built, "valence")
    g.remove((None, ns.PERR.signatory, None))
    for s in list(g.subjects(RDF.type, ns.PERR.Signatory)):
        g.remove((s, None, None))
    report = validate_report(g, shapes, shared=shared, sources=project.SOURCES)
    assert [(r.focus, r.severity) for r in _results(report, "Protocol-signatory")] == [
        (ns.protocol("valence"), SH.Warning)
    ]
    assert not _results(report, "Protocol-stateSignatory")
    # the State alone removed: signatories are listed, the State is not among them
    g2 = _broken(built, "valence")
    g2.remove((ns.protocol("valence"), ns.PERR.signatory, ns.org("etat")))
    g2.remove((ns.in_protocol("valence", "signatory", "etat"), None, None))
    report2 = validate_report(g2, shapes, shared=shared, sources=project.SOURCES)
    assert [(r.focus, r.severity) for r in _results(report2, "Protocol-stateSignatory")] == [
        (ns.protocol("valence"), SH.Violation)
    ]


def test_broken_copy_partner_both_lead_and_associated(built, shapes, shared):
    g = _broken(built, "montelimar")
    commitment = sorted(g.subjects(ns.PERR.lead, None))[0]
    partner = g.value(commitment, ns.PERR.lead)
    inv = ns.child(commitment, "involvement", "broken-copy")
    g.add((commitment, ns.PERR.involvement, inv))
    g.add((inv, RDF.type, ns.PERR.Involvement))
    g.add((inv, ns.PERR.partner, partner))
    g.add((inv, ns.PERR.role, ns.ROLE["partenaire-associe"]))
    g.add((commitment, ns.PERR.associatedPartner, partner))
    report = validate_report(g, shapes, shared=shared, sources=project.SOURCES)
    found = [(r.focus, r.value, r.severity) for r in _results(report, "Commitment-leadAndAssociated")]
    assert (commitment, partner, SH.Warning) in found
    # 002 l.130: Pôle emploi in the "Autres" column (associated, legend l.89) and "portée par Pole Emploi"
    l130 = ns.in_protocol("montelimar", "commitment", "L130")
    assert sorted(found) == sorted(
        {(commitment, partner, SH.Warning), (l130, ns.org("pole-emploi"), SH.Warning)}
    )


def test_broken_copy_quote_not_in_the_source(built, shapes, shared):
    g = _broken(built, "puy")
    commitment = sorted(g.subjects(RDF.type, ns.PERR.Commitment))[0]
    quote = ns.child(commitment, "source", "quote")
    line = int(g.value(ns.child(commitment, "source"), ns.PERR.lineStart))
    g.set((quote, ns.OA.exact, Literal("Une phrase que le protocole n'a jamais écrite")))
    report = validate_report(g, shapes, shared=shared, sources=project.SOURCES)
    quotes = _results(report, "QuoteMatchesSource")
    assert [(r.focus, r.severity, r.line) for r in quotes] == [(commitment, SH.Violation, line)]
    record = next(x for x in records(report) if x["shape"] == "QuoteMatchesSource")
    assert record["file"].endswith("004_960758c36737445e.txt") and record["line"] == line
    # without the source file, the quotes are not compared, and the report says so
    report2 = validate_report(g, shapes, shared=shared, sources=EXAMPLES)
    assert not _results(report2, "QuoteMatchesSource")
    assert any("not compared" in n for n in report2.units[0].notes)


def test_reports_name_focus_nodes_by_label_and_source_line(real):
    record = next(x for x in records(real["loriol"], "en") if x["shape"] == "Commitment-lead")
    assert record["file"].endswith("001_8c36ca10e46b7ce9.txt") and isinstance(record["line"], int)
    assert record["label"] and not record["label"].startswith("id:")
    assert record["message"].startswith("The commitment has no chef de file")
    assert records(real["loriol"], "fr")[0]["message"] != records(real["loriol"], "en")[0]["message"]


@pytest.mark.slow
def test_auto_gives_pyshacls_results_on_the_five(dataset_nq):
    """The project's shapes, every constraint (SPARQL included), on the five protocols as ``perr validate`` runs
    them (each protocol with a slice of the shared graphs, and the shared graphs alone): the default engine gives
    exactly pySHACL's results. pySHACL takes minutes here; its reports are kept between runs in the user's cache
    (``~/.cache/perr-graph/``), keyed by everything they depend on."""
    locator = Locator(project.SOURCES, (project.ROOT,))
    auto = validate_dataset([dataset_nq], locator=locator, engine="auto", jobs=2)
    reference = validate_dataset(
        [dataset_nq], locator=locator, engine="pyshacl", jobs=2, cache=project.user_cache() / "pyshacl-five"
    )
    assert [u.name for u in auto.units] == [u.name for u in reference.units]
    for a, b in zip(auto.units, reference.units, strict=True):
        assert sorted(r.key for r in a.results) == sorted(r.key for r in b.results), a.name
    # not vacuous: every protocol has findings (warnings and infos), and some come from SPARQL constraints
    assert all(u.results for u in auto.units if u.name != "shared")
    assert any(str(r.component).endswith("SPARQLConstraintComponent") for u in auto.units for r in u.results)


def render_text(report) -> str:
    from perr_graph.validation.render import text

    return text(report, "en")
