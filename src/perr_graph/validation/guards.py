"""Checks of a unit's data that decide, before it is validated, which shapes the fast engine may evaluate on it.

Some of shacl-rust's disagreements with pySHACL depend on the data, not on the shapes (the probes of
``tests/test_engines.py``):

* **Typed literals whose validity the engines read differently** (XML Schema lexical spaces, RDF 1.1 Concepts
  section 3.3: ``" 1"^^xsd:integer``, ``"1e2"^^xsd:decimal``), and ill-typed literals, which comparisons treat
  differently. Each distinct typed literal of a unit is put to both engines once per process, with an
  ``sh:datatype`` shape (:mod:`~perr_graph.validation.verdicts`). When they disagree on one, the shapes that
  use sh:datatype, ranges, property-pair comparisons or SPARQL do not go to the fast engine for that unit; when
  both find one ill-typed (so sh:datatype agrees), the shapes with property-pair comparisons or SPARQL do not.
* **Range constraints on values of another kind than the limit, or ill-typed** (SHACL §4.3: a value that cannot
  be compared with the limit is a violation): the engines disagree on many such pairs (shacl-rust compares a
  string that reads as a number with a number, pySHACL a year with a date, a boolean with a number …: the probes
  ``ranges`` and ``ranges-kinds``). A range constraint's result on a value depends on that value and the
  limits only, so each such value a range shape reaches in the unit is put to both engines with that shape's
  limits (:func:`~perr_graph.validation.verdicts.ranges`); the shape goes to the fast engine for the unit only
  when they agree on every one.
* **A pattern anchored with ``$``** on a value ending with a line feed (Python's ``$`` also matches before it).

:meth:`Guards.check` answers, for one unit, the targeted shapes to take from the fast engine and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from perr_graph.validation import paths, verdicts
from perr_graph.validation.routing import Features
from perr_graph.validation.shapes import SHAPE_LISTS, SHAPE_VALUED, TARGETS, Shapes
from perr_graph.validation.terms import to_nt

RANGES = (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive)
#: constraint parameters whose results depend on reading a literal's value
VALUE_SENSITIVE = frozenset({SH.datatype, *RANGES, SH.lessThan, SH.lessThanOrEquals, SH.sparql})
#: those that compare values other than one value with fixed limits (an ill-typed literal is read differently
#: there even when both engines find it ill-typed)
COMPARING = frozenset({SH.lessThan, SH.lessThanOrEquals, SH.sparql})
_XSD = str(XSD)
_NUMERIC = {
    "decimal", "integer", "float", "double", "nonPositiveInteger", "negativeInteger", "long", "int", "short",
    "byte", "nonNegativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    "positiveInteger",
}  # fmt: skip
_NOT_TESTED = {str(XSD.string), str(RDF.langString)}
_SHAPE_REFS = set(SHAPE_VALUED) - {SH.property} | set(SHAPE_LISTS) | {RDF.first}


def family(datatype: str) -> str:
    """The kind of value a datatype's literals are compared as (XPath: numbers together, each date and time
    type on its own, strings)."""
    if datatype.startswith(_XSD):
        local = datatype[len(_XSD) :]
        if local in _NUMERIC:
            return "numeric"
        if local == "dateTimeStamp":
            return "dateTime"
        return local
    return datatype


def _targets(shapes: Shapes, shape: Node) -> list[str] | None:
    """SPARQL patterns binding ``?s`` to the focus nodes of a targeted shape (SHACL §2.1.3); None when it has
    a target these cannot say."""
    g = shapes.graph
    out = [f"{{ ?s <{RDF.type}>/<{RDFS.subClassOf}>* {to_nt(c)} }}" for c in g.objects(shape, SH.targetClass)]
    if any(c in shapes.classes for c in g.objects(shape, RDF.type)):
        out.append(f"{{ ?s <{RDF.type}>/<{RDFS.subClassOf}>* {to_nt(shape)} }}")
    out += [f"{{ ?s {to_nt(p)} ?_o }}" for p in g.objects(shape, SH.targetSubjectsOf)]
    out += [f"{{ ?_o {to_nt(p)} ?s }}" for p in g.objects(shape, SH.targetObjectsOf)]
    out += [f"{{ VALUES ?s {{ {to_nt(n)} }} }}" for n in g.objects(shape, SH.targetNode)]
    if (
        any(not isinstance(t, URIRef) for p in TARGETS if p != SH.targetNode for t in g.objects(shape, p))
        or any(isinstance(t, BNode) for t in g.objects(shape, SH.targetNode))
        or isinstance(shape, BNode)
    ):
        return None
    return out


def _focus_pattern(shapes: Shapes, shape: Node) -> str | None:
    """A pattern binding ``?s`` to every focus node the shape can be evaluated on, when all of them come from
    targets: its own, or those of the node shapes that hold it as a property shape and are targeted. None
    when the shape is reached some other way (then any subject is checked)."""
    g = shapes.graph
    if shape in shapes.targeted:
        own = _targets(shapes, shape)
        return " UNION ".join(own) if own else None
    parents = list(g.subjects(SH.property, shape))
    if not parents or any(p not in shapes.targeted for p in parents):
        return None
    if any(s in _SHAPE_REFS for p in parents for s in g.predicates(None, p)):
        return None  # a parent is also reached from another shape (sh:node …): its focus nodes are not only its targets
    patterns: list[str] = []
    for p in parents:
        t = _targets(shapes, p)
        if not t:
            return None
        patterns += t
    return " UNION ".join(patterns)


@dataclass
class Check:
    """One data condition on one shape: a SPARQL ASK on the unit's store; true means "do not trust"."""

    shape: Node  # the shape that holds the constraint
    reason: str
    ask: str


@dataclass
class RangeCheck:
    """The range constraints of one shape, and a query for the literals of the unit it may be evaluated on."""

    shape: Node
    limits: tuple[tuple[Node, Literal], ...]
    select: str

    def needs_asking(self, value: Any) -> bool:
        """Whether a literal (pyoxigraph) is of another kind than a limit, or ill-typed for either engine."""
        dt = str(RDF.langString) if value.language else value.datatype.value
        if any(family(dt) != family(str(limit.datatype or XSD.string)) for _, limit in self.limits):
            return True
        return any(verdicts.DATATYPES.get((value.value, dt), (False, False)))


@dataclass
class Guards:
    """The data checks of a shapes graph, and the typed literals already tested in this process."""

    shapes: Shapes
    features: Features
    checks: list[Check] = field(default_factory=list)
    value_sensitive: set[Node] = field(default_factory=set)
    comparing: set[Node] = field(default_factory=set)
    ranges: list[RangeCheck] = field(default_factory=list)

    @classmethod
    def make(cls, shapes: Shapes) -> Guards:
        guards = cls(shapes, Features(shapes))
        g = shapes.graph
        for shape in shapes.shapes:
            if any((shape, p, None) in g for p in VALUE_SENSITIVE):
                guards.value_sensitive.add(shape)
            if any((shape, p, None) in g for p in COMPARING):
                guards.comparing.add(shape)
            path_node = g.value(shape, SH.path)
            focus = _focus_pattern(shapes, shape)
            if path_node is not None:  # a property shape: its value nodes are the values of its path
                step = f"?s {paths.key(paths.from_graph(g, path_node))} ?v"
                where = f"{focus} {step}" if focus else step
            else:  # a node shape: its value node is the focus node itself (SHACL §2.3)
                where = f"{focus} BIND (?s AS ?v)" if focus else "{ ?v ?_p ?_o } UNION { ?_s ?_p ?v }"
            limits = tuple((p, o) for p in RANGES for o in g.objects(shape, p) if isinstance(o, Literal))
            if limits:
                select = f"SELECT DISTINCT ?v WHERE {{ {where} FILTER (isLiteral(?v)) }}"
                guards.ranges.append(RangeCheck(shape, limits, select))
            for pattern in g.objects(shape, SH.pattern):
                flags = str(g.value(shape, SH.flags) or "")
                if "$" in str(pattern) and "m" not in flags:
                    test = 'isLiteral(?v) && STRENDS(STR(?v), "\\n")'
                    guards.checks.append(
                        Check(shape, "pattern:line-feed", f"ASK {{ {where} FILTER ({test}) }}")
                    )
        return guards

    def check(
        self, store: Any, typed: Iterable[tuple[str, str]], targeted: Iterable[Node]
    ) -> dict[Node, str]:
        """The targeted shapes (of ``targeted``) the fast engine must not evaluate on this unit, with the reason.
        ``store`` holds the unit's data; ``typed`` are its typed literals as written (lexical form, datatype)."""
        hit: dict[Node, str] = {}
        for c in self.checks:
            if bool(store.query(c.ask)):
                hit.setdefault(c.shape, c.reason)
        disagree, ill_typed = self.questionable(typed)
        if disagree:
            for s in self.value_sensitive:
                hit.setdefault(s, "literal:read-differently")
        elif ill_typed:
            for s in self.comparing:
                hit.setdefault(s, "literal:ill-typed")
        for rc in self.ranges:
            if rc.shape not in hit:
                values = [str(row["v"]) for row in store.query(rc.select) if rc.needs_asking(row["v"])]
                if values and verdicts.ranges(rc.limits, values):
                    hit[rc.shape] = "range:read-differently"
        if not hit:
            return {}
        out = {}
        for root in targeted:
            reached = self.features.reached(root)
            for s in reached:
                if s in hit:
                    out[root] = hit[s]
                    break
        return out

    def questionable(self, typed: Iterable[tuple[str, str]]) -> tuple[bool, bool]:
        """Whether the engines disagree on the validity of some typed literal, and whether some typed literal is
        ill-typed for either (:func:`~perr_graph.validation.verdicts.datatypes`)."""
        typed = [t for t in typed if t[1] not in _NOT_TESTED]
        verdicts.datatypes(typed)
        answers = [verdicts.DATATYPES[t] for t in typed]
        return any(a != b for a, b in answers), any(a or b for a, b in answers)


def typed_literals(triples: Iterable[Any]) -> set[tuple[str, str]]:
    """The typed literals of pyoxigraph triples (objects), as (lexical form, datatype IRI), XML Schema strings and
    language-tagged strings excepted."""
    import pyoxigraph as ox

    out = set()
    for t in triples:
        o = t.object
        if isinstance(o, ox.Literal) and not o.language and o.datatype.value not in _NOT_TESTED:
            out.add((o.value, o.datatype.value))
    return out
