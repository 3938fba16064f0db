"""The one term writer and IRI shortener (``rdf/terms.py``) and the one N-Quads/TriG writer
(``rdf/serialize.py``): RDF 1.1 N-Triples terms, the shortener's local-part rules, the writer's tie-break, and
the dataset read back as written."""

from __future__ import annotations

import random

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD

from perr_graph import namespaces as ns
from perr_graph.rdf import serialize, terms
from perr_graph.rdf.emit import Triples

ID = str(ns.ID)


@pytest.mark.parametrize(
    ("t", "nt", "ttl"),
    [
        (URIRef(ID + "org/etat"), f"<{ID}org/etat>", f"<{ID}org/etat>"),
        (ns.PERR.lead, f"<{ns.PERR}lead>", "perr:lead"),
        (ns.THEME["emploi"], f"<{ns.THEME}emploi>", "theme:emploi"),
        (
            URIRef("http://example.org/a b>c"),
            "<http://example.org/a%20b%3Ec>",
            "<http://example.org/a%20b%3Ec>",
        ),
        (Literal("Valence"), '"Valence"', '"Valence"'),
        (Literal("Valence", datatype=XSD.string), '"Valence"', '"Valence"'),
        (Literal("près de", lang="fr"), '"près de"@fr', '"près de"@fr'),
        (Literal("5", datatype=XSD.integer), f'"5"^^<{XSD}integer>', '"5"^^xsd:integer'),
        (Literal('a "b"\\c\nd\re\tf'), '"a \\"b\\"\\\\c\\nd\\re\tf"', '"a \\"b\\"\\\\c\\nd\\re\tf"'),
    ],
)
def test_term_in_n_triples_and_turtle(t, nt, ttl):
    assert terms.term(t) == nt
    assert terms.term(t, compact=True) == ttl


def test_blank_nodes_and_non_terms_are_refused():
    with pytest.raises(ValueError, match="blank nodes"):
        terms.term(BNode())
    with pytest.raises(TypeError):
        terms.term("text")


def test_every_echar_escape_on_request():
    """N-Triples' ECHAR escapes for text that travels in a query; the dataset writers escape only what
    N-Triples requires."""
    assert terms.escape('\t\b\f"\\\n\r', terms.ECHAR_ESCAPES) == '\\t\\b\\f\\"\\\\\\n\\r'
    assert terms.escape('\t\b\f"\\\n\r') == '\t\b\f\\"\\\\\\n\\r'
    assert terms.literal("x\ty", "fr", escapes=terms.ECHAR_ESCAPES) == '"x\\ty"@fr'


def test_the_shortener_and_its_local_part_rules():
    commitment = ID + "protocol/valence/commitment/L330"
    assert terms.compact(commitment) == "id:protocol/valence/commitment/L330"
    assert terms.prefixed(commitment, local="nonempty") == "id:protocol/valence/commitment/L330"
    assert terms.prefixed(commitment, local="turtle") is None  # a slash is no Turtle local name
    assert terms.compact(str(ns.ID)) == "id:"  # any rest, the empty one included
    assert terms.prefixed(str(ns.ID), local="nonempty") is None
    assert terms.compact("http://example.org/x") == "http://example.org/x"
    # the longest namespace wins: theme: rather than a shorter one that also starts the IRI
    assert terms.compact(str(ns.THEME) + "emploi") == "theme:emploi"
    # a longer namespace whose rest breaks the rule gives way to a shorter one
    table = terms.prefix_table({"a": "http://x.org/", "ab": "http://x.org/ab/"})
    assert terms.prefixed("http://x.org/ab/c.d", local="turtle", table=table) is None
    assert terms.prefixed("http://x.org/ab/cd", local="turtle", table=table) == "ab:cd"
    assert terms.prefixed("http://x.org/ab/", local="nonempty", table=table) == "a:ab/"


def test_objects_tied_by_lexical_form_are_ordered_by_their_written_form():
    """The tie-break: one lexical form with two datatypes is written in one order, whatever the set order."""
    s, p = URIRef(ID + "x"), ns.PERR.value
    objects = [
        Literal("1", datatype=XSD.integer),
        Literal("1", datatype=XSD.decimal),
        Literal("1", datatype=XSD.string),
        Literal("1", lang="fr"),
        URIRef(ID + "1"),
    ]
    outputs = set()
    for seed in range(20):
        random.Random(seed).shuffle(objects)
        g = Triples((s, p, o) for o in objects)
        outputs.add("".join(serialize.trig({ns.GRAPH["g"]: g})))
    assert len(outputs) == 1
    block = outputs.pop()
    assert block.index('"1"^^xsd:decimal') < block.index('"1"^^xsd:integer')


def test_a_graph_and_a_set_give_the_same_bytes(built):
    graphs = {name: g for name, g in built.graphs.items() if name != ns.ONTOLOGY_GRAPH}
    sets = {name: Triples(g) for name, g in graphs.items()}
    assert serialize.nquads(graphs) == serialize.nquads(sets)
    assert serialize.trig(graphs) == serialize.trig(sets)


def test_the_dataset_reads_back_as_written(built):
    """Every statement of the built dataset, written as N-Quads and as TriG, parses back to itself."""
    expected = {(s, p, o, name) for name, g in built.graphs.items() for s, p, o in g}
    for fmt, text in (("nquads", serialize.nquads(built.graphs)), ("trig", serialize.trig(built.graphs))):
        ds = Dataset()
        ds.parse(data="".join(text), format=fmt)
        got = {(s, p, o, c) for s, p, o, c in ds.quads() if c is not None}
        assert got == expected, fmt


def test_trig_without_prefixes_is_the_stream_continuation():
    g = Graph()
    g.add((URIRef(ID + "a"), ns.PERR.lead, URIRef(ID + "b")))
    whole = "".join(serialize.trig({ns.GRAPH["g"]: g}))
    head = "".join(serialize.trig({}))
    assert whole == head + "".join(serialize.trig({ns.GRAPH["g"]: g}, prefixes=False))
