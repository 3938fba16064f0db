"""Checks of the hand-edited ontology (ontology/perr.ttl) and concept schemes (ontology/vocabularies.ttl).

They hold the two files to the contract in docs/model.md: every term and concept the model names is defined,
with French and English labels and definitions, no blank nodes, and no standard term redefined.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "perr.ttl"
VOCABULARIES = ROOT / "ontology" / "vocabularies.ttl"
MODEL = ROOT / "docs" / "model.md"

try:
    from perr_graph import namespaces as ns
except ImportError:  # the package is not installed: read it from the source tree
    sys.path.insert(0, str(ROOT / "src"))
    from perr_graph import namespaces as ns

PERR = ns.PERR
QB = ns.QB
VANN = Namespace("http://purl.org/vocab/vann/")
ONTOLOGY_IRI = URIRef("https://w3id.org/perr-graph/ontology")
PERR_TERM_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}

#: the reading rules the readers rely on; each must be defined in the rule scheme
REQUIRED_RULES = [
    "matrix-uppercase-lead",
    "matrix-lowercase-associated",
    "matrix-unmarked-code",
    "matrix-mark-without-convention",
    "matrix-legend-column",
    "committing-party",
    "inline-commitment",
    "named-actor",
    "partner-section",
    "explicit-words",
    "scheme-carrier",
    "collective-signatories",
    "annex-author",
    "annex-followup-service",
    "annex-table-structure",
    "governance-chair",
    "named-territory",
    "config-pillar",
]


def scheme_iri(prefix: str) -> URIRef:
    """The IRI of a concept scheme: its concept namespace without the trailing slash."""
    return URIRef(str(ns.SCHEMES[prefix]).rstrip("/"))


def in_perr(node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(PERR))


def in_concepts(node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(ns.CONCEPT))


def langs(graph: Graph, subject, predicate) -> Counter:
    return Counter(o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal))


# --- fixtures -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def vocab() -> Graph:
    return Graph().parse(VOCABULARIES, format="turtle")


@pytest.fixture(scope="module")
def both(onto, vocab) -> Graph:
    graph = Graph()
    for triple in onto:
        graph.add(triple)
    for triple in vocab:
        graph.add(triple)
    return graph


@pytest.fixture(scope="module")
def perr_terms(onto) -> set[URIRef]:
    return {s for t in PERR_TERM_TYPES for s in onto.subjects(RDF.type, t) if in_perr(s)}


@pytest.fixture(scope="module")
def concepts(vocab) -> set[URIRef]:
    return set(vocab.subjects(RDF.type, SKOS.Concept))


@pytest.fixture(scope="module")
def model_text() -> str:
    return MODEL.read_text(encoding="utf-8")


# --- syntax -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [ONTOLOGY, VOCABULARIES], ids=lambda p: p.name)
def test_file_parses_and_is_not_empty(path):
    graph = Graph().parse(path, format="turtle")
    assert len(graph) > 100


@pytest.mark.parametrize("path", [ONTOLOGY, VOCABULARIES], ids=lambda p: p.name)
def test_file_parses_with_oxigraph(path):
    """The store the project uses parses Turtle more strictly than rdflib."""
    pyoxigraph = pytest.importorskip("pyoxigraph")
    with path.open("rb") as handle:
        quads = list(pyoxigraph.parse(handle, format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(Graph().parse(path, format="turtle"))


@pytest.mark.parametrize("path", [ONTOLOGY, VOCABULARIES], ids=lambda p: p.name)
def test_no_blank_nodes(path):
    graph = Graph().parse(path, format="turtle")
    blank = [t for t in graph if any(isinstance(node, BNode) for node in t)]
    assert blank == [], f"{len(blank)} triples with a blank node, e.g. {blank[:3]}"


@pytest.mark.parametrize("path", [ONTOLOGY, VOCABULARIES], ids=lambda p: p.name)
def test_no_list_or_blank_node_syntax(path):
    """Blank-node syntax ([ ], ( ), _:) would make the build non-deterministic; none is written."""
    text = re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', path.read_text(encoding="utf-8"))  # string contents
    text = re.sub(r"<[^<>\s]*>", "<>", text)  # IRIs (they may hold '#')
    text = re.sub(r"#[^\n]*", "", text)  # comments
    assert "_:" not in text, "labelled blank node"
    assert "[" not in text, "anonymous blank node"
    assert "(" not in text, "RDF collection"


# --- ontology header ----------------------------------------------------------------------------------------


def test_ontology_header(onto):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    titles = langs(onto, ONTOLOGY_IRI, DCTERMS.title)
    assert titles["fr"] == 1 and titles["en"] == 1
    assert set(onto.objects(ONTOLOGY_IRI, DCTERMS.description))
    assert set(onto.objects(ONTOLOGY_IRI, OWL.versionInfo)) == {Literal("0.1.0")}
    assert (ONTOLOGY_IRI, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in onto
    assert set(onto.objects(ONTOLOGY_IRI, VANN.preferredNamespacePrefix)) == {Literal("perr")}
    assert {str(o) for o in onto.objects(ONTOLOGY_IRI, VANN.preferredNamespaceUri)} == {str(PERR)}
    assert list(onto.objects(None, OWL.imports)) == [], "no owl:imports: there is no network at run time"


# --- the perr: terms ----------------------------------------------------------------------------------------


def test_perr_terms_have_french_and_english_labels_and_definitions(onto, perr_terms):
    assert len(perr_terms) > 60
    problems = []
    for term in sorted(perr_terms):
        labels = langs(onto, term, RDFS.label)
        definitions = langs(onto, term, SKOS.definition)
        if labels["fr"] != 1 or labels["en"] != 1:
            problems.append(f"{term}: rdfs:label by language {dict(labels)}")
        if definitions["en"] != 1 or definitions["fr"] != 1:
            problems.append(f"{term}: skos:definition by language {dict(definitions)}")
        if None in labels or None in definitions:
            problems.append(f"{term}: a label or definition without a language tag")
    assert problems == [], "\n".join(problems)


def test_every_perr_subject_is_a_declared_term(onto):
    """Nothing in perr: is described without a type, and every term points back to the ontology."""
    declared_types = PERR_TERM_TYPES | {QB.DataStructureDefinition, QB.ComponentSpecification}
    problems = []
    for subject in {s for s in onto.subjects() if in_perr(s)}:
        types = set(onto.objects(subject, RDF.type))
        if not types & declared_types:
            problems.append(f"{subject}: types {types}")
        if (subject, RDFS.isDefinedBy, ONTOLOGY_IRI) not in onto:
            problems.append(f"{subject}: no rdfs:isDefinedBy")
        if langs(onto, subject, RDFS.label)["fr"] != 1 or langs(onto, subject, RDFS.label)["en"] != 1:
            problems.append(f"{subject}: labels")
    assert problems == [], "\n".join(problems)


def test_every_perr_iri_used_is_defined(both, onto):
    """A typo in a domain, range, component or superproperty would leave an undefined perr: IRI."""
    defined = {s for s in onto.subjects(RDF.type, None) if in_perr(s)}
    used = {node for triple in both for node in triple if in_perr(node)}
    assert used - defined == set()


def test_no_standard_term_is_redefined(onto, vocab):
    """perr.ttl only describes perr: terms and the ontology; vocabularies.ttl only our concepts and schemes."""
    outside = {s for s in onto.subjects() if not in_perr(s) and s != ONTOLOGY_IRI}
    assert outside == set()
    outside = {s for s in vocab.subjects() if not in_concepts(s)}
    assert outside == set()


def test_property_kinds_are_consistent(onto):
    object_properties = set(onto.subjects(RDF.type, OWL.ObjectProperty))
    datatype_properties = set(onto.subjects(RDF.type, OWL.DatatypeProperty))
    classes = set(onto.subjects(RDF.type, OWL.Class))
    assert object_properties & datatype_properties == set()
    assert classes & (object_properties | datatype_properties) == set()
    xsd = str(ns.XSD)
    for prop in datatype_properties:
        for rng in onto.objects(prop, RDFS.range):
            assert str(rng).startswith(xsd) or rng in (RDF.langString, RDFS.Literal), (prop, rng)
    for prop in object_properties:
        for rng in onto.objects(prop, RDFS.range):
            assert not str(rng).startswith(xsd) and rng != RDF.langString, (prop, rng)


@pytest.mark.parametrize(
    ("sub", "sup"),
    [
        ("Protocol", ns.PROV.Entity),
        ("SourceDocument", ns.FOAF.Document),
        ("SourceDocument", ns.PROV.Entity),
        ("Territory", DCTERMS.Location),
        ("Intercommunality", PERR.Territory),
        ("Commune", PERR.Territory),
        ("PriorityNeighbourhood", PERR.Territory),
        ("LocalPlace", PERR.Territory),
        ("GovernanceBody", ns.ORG.Organization),
        ("CollectiveParty", ns.ORG.Organization),
        ("ReferencedDocument", DCTERMS.BibliographicResource),
    ],
)
def test_subclass_axioms_of_the_model(onto, sub, sup):
    assert (PERR[sub], RDFS.subClassOf, sup) in onto


def test_lead_shortcuts_are_subproperties_of_involved_partner(onto):
    assert (PERR.lead, RDFS.subPropertyOf, PERR.involvedPartner) in onto
    assert (PERR.associatedPartner, RDFS.subPropertyOf, PERR.involvedPartner) in onto


def test_qualified_relations_name_the_org_membership_pattern(onto):
    for cls in (PERR.Involvement, PERR.Signatory):
        assert (cls, RDFS.seeAlso, ns.ORG.Membership) in onto
        notes = " ".join(str(n) for n in onto.objects(cls, SKOS.note))
        assert "org:Membership" in notes


def test_standard_terms_get_no_domain_or_range(both):
    own = {str(PERR)}
    for predicate in (RDFS.domain, RDFS.range, RDFS.subPropertyOf, RDFS.subClassOf):
        for subject in both.subjects(predicate, None):
            assert any(str(subject).startswith(n) for n in own), (subject, predicate)


# --- RDF Data Cube ------------------------------------------------------------------------------------------


def test_data_cube_component_properties(onto):
    assert (PERR.refArea, RDF.type, QB.DimensionProperty) in onto
    assert (PERR.statistic, RDF.type, QB.DimensionProperty) in onto
    assert (PERR.statValue, RDF.type, QB.MeasureProperty) in onto
    assert (PERR.unit, RDF.type, QB.AttributeProperty) in onto
    assert (PERR.statistic, QB.codeList, scheme_iri("stat")) in onto


def test_data_structure_definition(onto):
    dsd = PERR.qpvStatisticsStructure
    assert (dsd, RDF.type, QB.DataStructureDefinition) in onto
    components = set(onto.objects(dsd, QB.component))
    assert components == {
        PERR[f"qpvStatisticsStructure-{name}"] for name in ("refArea", "statistic", "statValue", "unit")
    }
    found = defaultdict(set)
    for component in components:
        assert (component, RDF.type, QB.ComponentSpecification) in onto
        kinds = [(k, p) for k in (QB.dimension, QB.measure, QB.attribute) for p in onto.objects(component, k)]
        assert len(kinds) == 1, (component, kinds)
        found[kinds[0][0]].add(kinds[0][1])
    assert found[QB.dimension] == {PERR.refArea, PERR.statistic}
    assert found[QB.measure] == {PERR.statValue}
    assert found[QB.attribute] == {PERR.unit}


# --- concept schemes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", sorted(ns.SCHEMES))
def test_every_scheme_is_declared(vocab, prefix):
    scheme = scheme_iri(prefix)
    assert (scheme, RDF.type, SKOS.ConceptScheme) in vocab
    labels = langs(vocab, scheme, SKOS.prefLabel)
    assert labels["fr"] == 1 and labels["en"] == 1
    definitions = langs(vocab, scheme, SKOS.definition)
    assert definitions["en"] == 1 and definitions["fr"] == 1


def test_concepts_are_complete(vocab, concepts):
    assert len(concepts) > 80
    problems = []
    for concept in sorted(concepts):
        schemes = set(vocab.objects(concept, SKOS.inScheme))
        if len(schemes) != 1 or (next(iter(schemes)), RDF.type, SKOS.ConceptScheme) not in vocab:
            problems.append(f"{concept}: skos:inScheme {schemes}")
        if not set(vocab.objects(concept, SKOS.topConceptOf)) | set(vocab.objects(concept, SKOS.broader)):
            problems.append(f"{concept}: neither skos:topConceptOf nor skos:broader")
        labels = langs(vocab, concept, SKOS.prefLabel)
        if labels["fr"] != 1 or labels["en"] != 1 or None in labels:
            problems.append(f"{concept}: skos:prefLabel by language {dict(labels)}")
        definitions = langs(vocab, concept, SKOS.definition)
        if definitions["en"] != 1 or definitions["fr"] != 1:
            problems.append(f"{concept}: skos:definition by language {dict(definitions)}")
        if not all(o.language == "fr" for o in vocab.objects(concept, SKOS.altLabel)):
            problems.append(f"{concept}: an skos:altLabel not in French")
    assert problems == [], "\n".join(problems)


def test_concepts_live_in_their_scheme_namespace(vocab, concepts):
    for concept in concepts:
        scheme = next(vocab.objects(concept, SKOS.inScheme))
        assert str(concept).startswith(str(scheme) + "/"), concept
        assert any(str(concept).startswith(str(space)) for space in ns.SCHEMES.values()), concept
        slug = str(concept)[len(str(scheme)) + 1 :]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), concept
        assert set(vocab.objects(concept, SKOS.notation)) == {Literal(slug)}, concept


def test_top_concepts_are_consistent(vocab, concepts):
    for concept in concepts:
        for scheme in vocab.objects(concept, SKOS.topConceptOf):
            assert (scheme, SKOS.hasTopConcept, concept) in vocab
            assert (concept, SKOS.inScheme, scheme) in vocab
    for scheme, concept in vocab.subject_objects(SKOS.hasTopConcept):
        assert (concept, SKOS.topConceptOf, scheme) in vocab


def test_labels_are_unambiguous_within_a_scheme(vocab, concepts):
    """SKOS integrity: one concept per preferred label and language; a label is never both pref and alt."""
    seen: dict[tuple, URIRef] = {}
    for concept in concepts:
        scheme = next(vocab.objects(concept, SKOS.inScheme))
        pref = set(vocab.objects(concept, SKOS.prefLabel))
        alt = set(vocab.objects(concept, SKOS.altLabel))
        assert pref & alt == set(), concept
        for label in pref | alt:
            key = (scheme, str(label).casefold(), label.language)
            assert key not in seen or seen[key] == concept, f"{label!r} names {seen.get(key)} and {concept}"
            seen[key] = concept


def test_concept_references_resolve(both, concepts, vocab):
    """Every concept IRI used (skos:related, qb:codeList, seeAlso …) is a defined concept or scheme."""
    schemes = set(vocab.subjects(RDF.type, SKOS.ConceptScheme))
    used = {node for triple in both for node in triple if in_concepts(node)}
    assert used - concepts - schemes == set()


def test_related_concepts_stay_in_their_scheme(vocab):
    for a, b in vocab.subject_objects(SKOS.related):
        assert set(vocab.objects(a, SKOS.inScheme)) == set(vocab.objects(b, SKOS.inScheme)), (a, b)
        assert (b, SKOS.related, a) in vocab, f"skos:related is symmetric: {b} -> {a} missing"


def test_statistic_scheme_has_no_hand_written_concepts(vocab):
    assert list(vocab.subjects(SKOS.inScheme, scheme_iri("stat"))) == []


@pytest.mark.parametrize("slug", REQUIRED_RULES)
def test_reading_rule_is_defined(vocab, slug):
    rule = ns.RULE[slug]
    assert (rule, SKOS.inScheme, scheme_iri("rule")) in vocab
    definition = next(d for d in vocab.objects(rule, SKOS.definition) if d.language == "en")
    assert len(str(definition)) > 120, f"{slug}: the definition must say what was read and how"


def test_theme_alternative_labels_cover_the_texts_wording(vocab):
    alt = {str(label) for label in vocab.objects(ns.THEME["securite-tranquillite"], SKOS.altLabel)}
    assert {"tranquillité publique", "prévention et sécurité"} <= alt


# --- the model document -------------------------------------------------------------------------------------

PREFIXED = re.compile(
    r"\b(perr|pillar|theme|role|category|rule|doctype|body|stat|hypothesis):([A-Za-z][\w-]*)"
)
BACKTICKED = re.compile(r"`([^`\n]+)`")


def model_prefixed_names(text: str) -> set[tuple[str, str]]:
    names = set()
    for code in BACKTICKED.findall(text):
        names.update(PREFIXED.findall(code))
    return names


def model_scheme_slugs(text: str) -> dict[str, set[str]]:
    """The slugs listed under "Concept schemes": ``- `theme:` — `emploi`, `insertion`, …`` (bullets may wrap)."""
    section = text.split("## Concept schemes", 1)[1]
    slugs: dict[str, set[str]] = {}
    for bullet in re.split(r"\n(?=- )", section):
        match = re.match(r"- `(\w+):`", bullet)
        if match:
            codes = BACKTICKED.findall(bullet)[1:]
            slugs[match.group(1)] = {c for c in codes if re.fullmatch(r"[a-z0-9-]+", c)}
    return slugs


def test_model_parsing_finds_the_contract(model_text):
    """Guard for the two parsers below: if model.md changes shape, they must not silently find nothing."""
    names = model_prefixed_names(model_text)
    assert ("perr", "Protocol") in names
    assert len({n for n in names if n[0] == "perr"}) > 60
    slugs = model_scheme_slugs(model_text)
    assert set(slugs) == set(ns.SCHEMES), set(slugs)
    assert {"emploi", "evaluation"} <= slugs["theme"] and len(slugs["category"]) > 10


def test_every_perr_term_of_the_model_is_defined(onto, model_text):
    defined = {s for s in onto.subjects(RDF.type, None) if in_perr(s)}
    missing = sorted(
        name
        for prefix, name in model_prefixed_names(model_text)
        if prefix == "perr" and PERR[name] not in defined
    )
    assert missing == []


def test_every_prefixed_concept_of_the_model_is_defined(concepts, model_text):
    missing = sorted(
        f"{prefix}:{name}"
        for prefix, name in model_prefixed_names(model_text)
        if prefix not in ("perr", "stat") and ns.SCHEMES[prefix][name] not in concepts
    )
    assert missing == []


@pytest.mark.parametrize("prefix", ["pillar", "theme", "role", "category", "doctype", "body"])
def test_every_listed_concept_of_the_model_is_defined(vocab, concepts, model_text, prefix):
    listed = model_scheme_slugs(model_text)[prefix]
    assert listed, f"model.md lists no {prefix}: concepts"
    defined = {
        str(c)[len(str(ns.SCHEMES[prefix])) :]
        for c in concepts
        if (c, SKOS.inScheme, scheme_iri(prefix)) in vocab
    }
    assert listed - defined == set(), f"in model.md but not in vocabularies.ttl: {sorted(listed - defined)}"
    if prefix != "theme":  # themes may grow beyond the model's list when the texts need it
        assert defined - listed == set(), f"not in model.md: {sorted(defined - listed)}"
