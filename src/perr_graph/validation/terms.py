"""RDF terms between the three libraries validation uses: pyoxigraph (the data), rdflib (pySHACL, the shapes'
messages, the report graph) and N-Triples text (what shacl-rust reads and answers).

Terms keep their lexical form as written (RDF 1.1 Concepts, section 3.3: a literal *is* its lexical form and
datatype; ``"4.0"^^xsd:decimal`` and ``"4"^^xsd:decimal`` are different terms, and SHACL compares terms: sh:in,
sh:hasValue, sh:minLength on the lexical form …). So rdflib literals are made with ``normalize=False``, and
N-Triples terms are read by :func:`from_nt` (RDF 1.1 N-Triples, section 2: ``IRIREF``, ``BLANK_NODE_LABEL``,
``STRING_LITERAL_QUOTE`` with its ``ECHAR`` and ``UCHAR`` escapes, then ``LANGTAG`` or ``^^IRIREF``).
"""

from __future__ import annotations

import logging
import re
import warnings
from typing import Any, overload

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from perr_graph.rdf.terms import PrefixTable, literal, prefix_table, prefixed

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
SH_NS = "http://www.w3.org/ns/shacl#"


class _IllTypedNoise(logging.Filter):
    """rdflib logs a warning with a traceback for every ill-typed literal it makes (``"x"^^xsd:integer``);
    validation reports ill-typed literals itself, so standard error stays one line per error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form")


logging.getLogger("rdflib.term").addFilter(_IllTypedNoise())
warnings.filterwarnings("ignore", message="Parsing weird boolean", category=UserWarning)

_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_LITERAL = re.compile(r'^"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?$', re.DOTALL)


def _unescape(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        if m.group(1) or m.group(2):
            return chr(int(m.group(1) or m.group(2), 16))
        return _ECHAR.get(m.group(3), m.group(3))

    return _ESCAPE.sub(one, text) if "\\" in text else text


def plain_literal(lexical: str, language: str | None = None, datatype: str | None = None) -> Literal:
    """An rdflib literal that keeps its lexical form (no normalisation)."""
    if language:
        return Literal(lexical, lang=language)
    if datatype and datatype != XSD_STRING:
        return Literal(lexical, datatype=URIRef(datatype), normalize=False)
    return Literal(lexical)


def from_nt(text: str | None) -> Node | None:
    """One N-Triples term (``<iri>``, ``_:label``, ``"lexical"@lang``, ``"lexical"^^<datatype>``) as an rdflib term;
    None for None or the empty string."""
    if not text:
        return None
    if text.startswith("<") and text.endswith(">"):
        return URIRef(_unescape(text[1:-1]))
    if text.startswith("_:"):
        return BNode(text[2:])
    m = _LITERAL.match(text)
    if m is None:
        raise ValueError(f"not an N-Triples term: {text!r}")
    return plain_literal(_unescape(m.group(1)), m.group(2), m.group(3))


def to_nt(term: Node) -> str:
    """An rdflib term in N-Triples (blank nodes by their label)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        return literal(str(term), term.language, str(term.datatype) if term.datatype else None)
    raise TypeError(f"not an RDF term: {term!r}")


@overload
def from_ox(t: None) -> None: ...
@overload
def from_ox(t: Any) -> Node: ...
def from_ox(t: Any) -> Node | None:
    """A pyoxigraph term as an rdflib term (blank nodes keep their label, literals their lexical form)."""
    import pyoxigraph as ox

    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if isinstance(t, ox.Literal):
        return plain_literal(t.value, t.language, t.datatype.value)
    raise TypeError(f"not an RDF term: {t!r}")


def to_ox(t: Node) -> Any:
    """An rdflib term as a pyoxigraph term (blank-node labels made safe for N-Triples)."""
    import pyoxigraph as ox

    if isinstance(t, URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, BNode):
        return ox.BlankNode(re.sub(r"[^A-Za-z0-9_]", "_", str(t)))
    if isinstance(t, Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        if t.datatype:
            return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
        return ox.Literal(str(t))
    raise TypeError(f"not an RDF term: {t!r}")


def _report_table() -> PrefixTable:
    from perr_graph import namespaces as ns

    return prefix_table({**ns.PREFIXES, "perrsh": ns.BASE + "shapes#", "sh": SH_NS})


#: the project's prefixes and sh:, perrsh: (what a report shortens IRIs with)
REPORT_PREFIXES: PrefixTable = _report_table()


def compact(term: Node | None) -> str:
    """A term as a short string for people: ``id:protocol/valence/commitment/L330``, ``perr:lead``,
    ``"text"``, ``_:b0``; an IRI no prefix shortens stays whole, between angle brackets."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return prefixed(str(term), local="nonempty", table=REPORT_PREFIXES) or f"<{term}>"
    if isinstance(term, Literal):
        return f'"{term}"'
    return f"_:{term}"


def local_name(iri: object) -> str:
    """The part of an IRI after its last ``#`` or, failing that, its last ``/``."""
    s = str(iri)
    for sep in ("#", "/"):
        if sep in s:
            return s.rsplit(sep, 1)[1]
    return s
