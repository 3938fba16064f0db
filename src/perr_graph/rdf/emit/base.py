"""What every emitter shares: the target it writes into, literals, and the provenance of a fact.

Implements ``docs/model.md``, "Provenance (every fact)": a fact ``prov:wasDerivedFrom`` a Web Annotation
specific resource that holds its source, line span and verbatim quote; and the triples every fact of a protocol
has (its class, ``perr:protocol``, its label, its evidence).
"""

from __future__ import annotations

from typing import Protocol

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD
from rdflib.term import Node

from perr_graph import namespaces as ns
from perr_graph.model import Span

PERR, OA = ns.PERR, ns.OA

#: roles for which the shortcut ``perr:lead`` is asserted (``docs/model.md``, "Involvement"): the chef de file
#: only; a committing party is not a lead
LEAD_ROLES = {"chef-de-file"}
#: roles for which the shortcut ``perr:committingParty`` is asserted
COMMITTING_ROLES = {"partie-qui-s-engage"}
#: roles for which the shortcut ``perr:associatedPartner`` is asserted
ASSOCIATED_ROLES = {"partenaire-associe"}


class TripleSink(Protocol):
    """What an emitter writes into: anything with ``add((s, p, o))``, an rdflib ``Graph`` (``perr build``) or a
    plain set of triples (``perr synth``: the same triples at a fifth of the cost)."""

    def add(self, triple: tuple[Node, Node, Node], /) -> object: ...


class Triples(set[tuple[Node, Node, Node]]):
    """A target for the emitters when speed matters: a plain set of triples.

    The emitters only call ``add``; a set holds the same triples as an rdflib ``Graph`` (both deduplicate) at a
    fifth of the cost, and :mod:`perr_graph.rdf.serialize` writes either (``tests/test_synth.py`` checks that
    both hold the same triples)."""


def fr(text: str) -> Literal:
    """French text: labels, titles and commitments as the protocols write them."""
    return Literal(text, lang="fr")


def decimal(value: float | int) -> Literal:
    """A decimal literal (``docs/model.md``: measures, targets and amounts are ``xsd:decimal``)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return Literal(text, datatype=XSD.decimal)


def integer(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def year(value: int | str) -> Literal:
    return Literal(str(value), datatype=XSD.gYear)


def evidence(g: TripleSink, fact: URIRef, source: URIRef, span: Span) -> None:
    """``fact prov:wasDerivedFrom`` a Web Annotation specific resource: the text span and verbatim quote, with an
    RFC 5147 fragment selector (line ``a..b``, 1-based, is ``line=a-1,b``)."""
    res = ns.child(fact, "source")
    quote, lines = ns.child(res, "quote"), ns.child(res, "lines")
    g.add((fact, PROV.wasDerivedFrom, res))
    g.add((res, RDF.type, OA.SpecificResource))
    g.add((res, OA.hasSource, source))
    g.add((res, PERR.lineStart, integer(span.start)))
    g.add((res, PERR.lineEnd, integer(span.end)))
    g.add((res, OA.hasSelector, quote))
    g.add((res, OA.hasSelector, lines))
    g.add((quote, RDF.type, OA.TextQuoteSelector))
    g.add((quote, OA.exact, Literal(span.quote)))
    g.add((lines, RDF.type, OA.FragmentSelector))
    g.add((lines, DCTERMS.conformsTo, ns.RFC5147))
    g.add((lines, RDF.value, Literal(f"line={span.start - 1},{span.end}")))


class ProtocolFacts:
    """One protocol's named graph being written: the target, the protocol's node and its source document.

    Facts that belong to one protocol have IRIs ``id:protocol/<pid>/<kind>/<key>`` (``docs/model.md``, "IRIs")
    and cite lines of the protocol's source text."""

    def __init__(self, g: TripleSink, pid: str):
        self.g = g
        self.pid = pid
        self.protocol = ns.protocol(pid)
        self.source = ns.source(pid)

    def add(self, s: Node, p: Node, o: Node) -> None:
        self.g.add((s, p, o))

    def node(self, kind: str, key: str) -> URIRef:
        """``id:protocol/<pid>/<kind>/<key>``."""
        return ns.in_protocol(self.pid, kind, key)

    def evidence(self, fact: URIRef, span: Span) -> None:
        """The fact's provenance in this protocol's source text (:func:`evidence`)."""
        evidence(self.g, fact, self.source, span)

    def fact(self, node: URIRef, cls: URIRef, span: Span | None, label: Literal | None = None) -> URIRef:
        """The triples every fact of this protocol has: its class, its protocol, its label, its evidence."""
        self.add(node, RDF.type, cls)
        self.add(node, PERR.protocol, self.protocol)
        if label is not None:
            self.add(node, RDFS.label, label)
        if span is not None:
            self.evidence(node, span)
        return node
