"""SHACL property paths (SHACL §2.3.1) as plain values, read from a shapes graph or from SPARQL path syntax, and
written back as text, as Turtle or as triples.

A path is an IRI (a predicate path, §2.3.1.1) or a tuple whose head says its kind: ``("seq", p1, p2, …)`` a
sequence path (§2.3.1.2, an RDF list), ``("alt", p1, …)`` an alternative path (§2.3.1.3, ``sh:alternativePath``),
``("inv", p)`` an inverse path (§2.3.1.4, ``sh:inversePath``), ``("star", p)``, ``("plus", p)``, ``("opt", p)``
(§2.3.1.5–7, ``sh:zeroOrMorePath``, ``sh:oneOrMorePath``, ``sh:zeroOrOnePath``). Paths are hashable, so two
engines' results compare by value whatever blank nodes each engine wrote its paths with.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from perr_graph.validation.terms import compact

Path = URIRef | tuple

#: the SHACL property of each unary path kind
UNARY = {"inv": SH.inversePath, "star": SH.zeroOrMorePath, "plus": SH.oneOrMorePath, "opt": SH.zeroOrOnePath}
_SUFFIX = {"star": "*", "plus": "+", "opt": "?"}


class PathError(ValueError):
    """A node is not a well-formed SHACL path."""


def from_graph(g: Graph, node: Node, depth: int = 0) -> Path:
    """The path a shapes (or report) graph describes at ``node`` (SHACL §2.3.1)."""
    if depth > 50:
        raise PathError("path nested too deep")
    if isinstance(node, URIRef):
        return node
    if not isinstance(node, BNode):
        raise PathError(f"a literal is not a path: {node}")
    if (node, RDF.first, None) in g:
        items = list(Collection(g, node))
        if len(items) < 2:
            raise PathError("a sequence path has at least two members")
        return ("seq", *(from_graph(g, i, depth + 1) for i in items))
    alternatives = g.value(node, SH.alternativePath)
    if alternatives is not None:
        items = list(Collection(g, alternatives))
        if len(items) < 2:
            raise PathError("an alternative path has at least two members")
        return ("alt", *(from_graph(g, i, depth + 1) for i in items))
    for kind, prop in UNARY.items():
        inner = g.value(node, prop)
        if inner is not None:
            return (kind, from_graph(g, inner, depth + 1))
    raise PathError("a blank node that is not a SHACL path")


def is_predicate(path: Path | None) -> bool:
    return isinstance(path, URIRef)


def text(path: Path | None, name: Callable[[URIRef], str] = compact) -> str | None:
    """The path in SPARQL property-path syntax, IRIs written by ``name`` (prefixed by default):
    ``perr:signing/dcterms:date``, ``^perr:protocol``, ``(a|b)*``."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return name(path)
    kind, *parts = path
    if kind == "seq":
        return "/".join(_group(p, name) for p in parts)
    if kind == "alt":
        return "(" + "|".join(text(p, name) or "" for p in parts) + ")"
    if kind == "inv":
        return "^" + _group(parts[0], name)
    return _group(parts[0], name) + _SUFFIX[kind]


def _group(p: Path, name: Callable[[URIRef], str]) -> str:
    t = text(p, name) or ""
    return t if isinstance(p, URIRef) or p[0] == "alt" else f"({t})"


def key(path: Path | None) -> str:
    """The path with full IRIs (``<…>/^<…>``): what results are compared and sorted by."""
    return text(path, lambda iri: f"<{iri}>") or ""


_TOKEN = re.compile(r"\s*(<[^>]*>|\^|/|\||\(|\)|\*|\+|\?)")


def from_sparql(source: str) -> Path:
    """A path written in SPARQL 1.1 property-path syntax with full IRIs (``<a> / ^<b>``, ``(<a> | <c>)``,
    ``(<a>*)``), as shacl-rust reports ``resultPath``."""
    tokens, pos = [], 0
    source = source.strip()
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if not m:
            raise PathError(f"cannot read the path {source!r}")
        tokens.append(m.group(1))
        pos = m.end()
    reader = _Reader(tokens, source)
    path = reader.alternative()
    if reader.i != len(tokens):
        raise PathError(f"cannot read the path {source!r}")
    return path


class _Reader:
    """A recursive-descent reader of SPARQL paths (SPARQL 1.1, section 9.1: alternative, sequence, inverse,
    modifiers, groups)."""

    def __init__(self, tokens: list[str], source: str):
        self.tokens, self.source, self.i = tokens, source, 0

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def alternative(self) -> Path:
        items = [self.sequence()]
        while self.peek() == "|":
            self.i += 1
            items.append(self.sequence())
        return items[0] if len(items) == 1 else ("alt", *items)

    def sequence(self) -> Path:
        items = [self.element()]
        while self.peek() == "/":
            self.i += 1
            items.append(self.element())
        return items[0] if len(items) == 1 else ("seq", *items)

    def element(self) -> Path:
        inverse = self.peek() == "^"
        if inverse:
            self.i += 1
        token = self.peek()
        if token == "(":
            self.i += 1
            node = self.alternative()
            if self.peek() != ")":
                raise PathError(f"unbalanced parentheses in the path {self.source!r}")
            self.i += 1
        elif token and token.startswith("<"):
            node = URIRef(token[1:-1])
            self.i += 1
        else:
            raise PathError(f"cannot read the path {self.source!r}")
        modifier = self.peek()
        if modifier in ("*", "+", "?"):
            self.i += 1
            node = ({"*": "star", "+": "plus", "?": "opt"}[modifier], node)
        return ("inv", node) if inverse else node


def to_graph(g: Graph, path: Path) -> Node:
    """Add the path's triples to ``g`` (blank nodes, RDF lists) and return its node."""
    if isinstance(path, URIRef):
        return path
    kind, *parts = path
    if kind == "seq":
        head = BNode()
        Collection(g, head, [to_graph(g, p) for p in parts])
        return head
    node = BNode()
    if kind == "alt":
        items = BNode()
        Collection(g, items, [to_graph(g, p) for p in parts])
        g.add((node, SH.alternativePath, items))
    else:
        g.add((node, UNARY[kind], to_graph(g, parts[0])))
    return node


def turtle(path: Path, name: Callable[[URIRef], str]) -> str:
    """The path as a Turtle object (``( a b )``, ``[ sh:inversePath a ]``), IRIs written by ``name``."""
    if isinstance(path, URIRef):
        return name(path)
    kind, *parts = path
    if kind == "seq":
        return "( " + " ".join(turtle(p, name) for p in parts) + " )"
    if kind == "alt":
        return "[ sh:alternativePath ( " + " ".join(turtle(p, name) for p in parts) + " ) ]"
    prop = {"inv": "inversePath", "star": "zeroOrMorePath", "plus": "oneOrMorePath", "opt": "zeroOrOnePath"}
    return f"[ sh:{prop[kind]} {turtle(parts[0], name)} ]"


def predicates(path: Path) -> set[URIRef]:
    """Every predicate the path names."""
    if isinstance(path, URIRef):
        return {path}
    out: set[URIRef] = set()
    for p in path[1:]:
        out |= predicates(p)
    return out
