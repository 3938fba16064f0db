"""RDF terms as text: the one term writer (N-Triples, N-Quads, Turtle, TriG) and the one IRI shortener.

The term writer follows RDF 1.1 N-Triples, section 2.3 ("Literals": a string between double quotes with
``ECHAR`` escapes, then ``@lang`` or ``^^<datatype>``, ``xsd:string`` left implicit) and section 2.2 ("IRIs":
between angle brackets). Turtle's prefixed names (Turtle, section 2.4) replace an IRI only where the caller
asks for it (:func:`term` with ``compact=True``).

The shortener :func:`prefixed` writes ``prefix:local`` with the longest project namespace that starts the IRI
(``docs/model.md``, "Namespaces"). Callers differ in what they accept as the local part, and keep that
difference as a parameter (:data:`LocalRule`): the dataset writers need a valid Turtle local name, reports accept
any non-empty rest, people-facing tables accept any rest at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal as OneOf

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from perr_graph.namespaces import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

#: what the dataset writers escape in a string: the four characters N-Triples requires to be escaped
#: (``STRING_LITERAL_QUOTE`` excludes ``"``, ``\``, line feed and carriage return); everything else as is
DATASET_ESCAPES: Mapping[str, str] = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}

#: every ``ECHAR`` escape of N-Triples (section 2.3), for text that is read by less forgiving parsers
#: (SPARQL query text): also tab, backspace and form feed
ECHAR_ESCAPES: Mapping[str, str] = {**DATASET_ESCAPES, "\t": "\\t", "\b": "\\b", "\f": "\\f"}

#: which rest of an IRI may stand as the local part of a prefixed name:
#: ``"turtle"`` a conservative Turtle ``PN_LOCAL`` (a letter or ``_``, then letters, digits, ``_`` and ``-``),
#: ``"nonempty"`` anything but nothing, ``"any"`` anything, the empty string included
LocalRule = OneOf["turtle", "nonempty", "any"]

_TURTLE_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")

#: (namespace, prefix) pairs, the longest namespace first
PrefixTable = tuple[tuple[str, str], ...]


def prefix_table(prefixes: Mapping[str, object]) -> PrefixTable:
    """``prefix -> namespace`` as the (namespace, prefix) pairs :func:`prefixed` tries, longest namespace first
    (two different namespaces of one length never both start one IRI, so the order among them does not matter)."""
    return tuple(sorted(((str(ns), p) for p, ns in prefixes.items()), key=lambda x: -len(x[0])))


#: the project's prefixes (:data:`perr_graph.namespaces.PREFIXES`)
PROJECT_PREFIXES: PrefixTable = prefix_table(PREFIXES)


def prefixed(iri: str, *, local: LocalRule = "any", table: PrefixTable = PROJECT_PREFIXES) -> str | None:
    """``prefix:local`` for ``iri``, or None when no namespace of ``table`` starts it with an acceptable rest.

    Namespaces are tried longest first; one whose rest breaks the ``local`` rule is passed over for a shorter
    one (``id:`` then ``<…>`` in TriG for ``id:protocol/valence``, whose rest holds a slash)."""
    for namespace, prefix in table:
        if iri.startswith(namespace):
            rest = iri[len(namespace) :]
            if local == "any" or (rest and (local == "nonempty" or _TURTLE_LOCAL.match(rest))):
                return f"{prefix}:{rest}"
    return None


def compact(iri: str, *, local: LocalRule = "any", table: PrefixTable = PROJECT_PREFIXES) -> str:
    """``id:org/etat`` for ``https://w3id.org/perr-graph/id/org/etat``: :func:`prefixed`, or the IRI unchanged
    when no prefix applies (for people to read: tables, reports, progress lines)."""
    return prefixed(iri, local=local, table=table) or iri


def iri_ref(iri: str) -> str:
    """An ``IRIREF`` (N-Triples, section 2.2): the IRI between angle brackets, ``>`` and spaces percent-encoded
    so that a malformed IRI cannot end the term early."""
    return "<" + iri.replace(">", "%3E").replace(" ", "%20") + ">"


def _iri(iri: str, compact: bool) -> str:
    if compact:
        short = prefixed(iri, local="turtle")
        if short is not None:
            return short
    return iri_ref(iri)


def escape(lexical: str, escapes: Mapping[str, str] = DATASET_ESCAPES) -> str:
    """The lexical form with ``escapes`` applied, for a string between double quotes."""
    if escapes is DATASET_ESCAPES:  # the hot path of the dataset writers
        return lexical.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return lexical.translate({ord(ch): esc for ch, esc in escapes.items()})


def literal(
    lexical: str,
    language: str | None = None,
    datatype: str | None = None,
    *,
    compact: bool = False,
    escapes: Mapping[str, str] = DATASET_ESCAPES,
) -> str:
    """A literal (N-Triples, section 2.3): ``"text"@fr``, ``"5"^^<…#integer>`` (``xsd:integer`` with
    ``compact``), ``"text"`` for a plain or ``xsd:string`` literal."""
    quoted = f'"{escape(lexical, escapes)}"'
    if language:
        return f"{quoted}@{language}"
    if datatype and str(datatype) != XSD_STRING:
        return f"{quoted}^^{_iri(str(datatype), compact)}"
    return quoted


def term(t: Node, compact: bool = False) -> str:
    """An rdflib IRI or literal as written in N-Triples and N-Quads, or in Turtle and TriG with ``compact``
    (prefixed names where the local part is a valid Turtle local name). Blank nodes are refused: every node of
    the dataset has an IRI (``docs/model.md``, "IRIs")."""
    if isinstance(t, URIRef):
        return _iri(str(t), compact)
    if isinstance(t, Literal):
        return literal(str(t), t.language, t.datatype, compact=compact)
    if isinstance(t, BNode):
        raise ValueError("blank nodes are not allowed in the dataset (every node has an IRI)")
    raise TypeError(f"not an RDF term: {t!r}")
