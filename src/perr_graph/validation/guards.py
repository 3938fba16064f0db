"""Checks of a unit's data that decide, before it is validated, which shapes the fast engine may evaluate on it.

Some of shacl-rust's disagreements with pySHACL depend on the data, not on the shapes (the probes of
``tests/test_engines.py``):

* **Typed literals whose validity the engines read differently** (XML Schema lexical spaces, RDF 1.1 Concepts
  section 3.3: ``" 1"^^xsd:integer``, ``"1e2"^^xsd:decimal``), and ill-typed literals, which range and SPARQL
  comparisons treat differently. Each distinct typed literal of a unit is tested once per process, by both
  engines, with an ``sh:datatype`` shape; when either finds one ill-typed, the shapes that use sh:datatype,
  ranges, property-pair comparisons or SPARQL do not go to the fast engine for that unit.
* **Range comparisons across kinds of values** (SHACL §4.3: a value that cannot be compared with the limit is a
  violation): shacl-rust compares a plain string with a number, and pySHACL a date with a year. A range shape
  whose path reaches a literal of another kind than its limit does not go to the fast engine for that unit.
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

from perr_graph.validation import paths
from perr_graph.validation.routing import Features
from perr_graph.validation.shapes import SHAPE_LISTS, SHAPE_VALUED, TARGETS, Shapes
from perr_graph.validation.terms import to_nt

RANGES = (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive)
#: constraint parameters whose results depend on reading a literal's value
VALUE_SENSITIVE = frozenset({SH.datatype, *RANGES, SH.lessThan, SH.lessThanOrEquals, SH.sparql})
_XSD = str(XSD)
_NUMERIC = {
    "decimal", "integer", "float", "double", "nonPositiveInteger", "negativeInteger", "long", "int", "short",
    "byte", "nonNegativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    "positiveInteger",
}  # fmt: skip
_NOT_TESTED = {str(XSD.string), str(RDF.langString)}
#: what each typed literal tested so far in this process gave (a pure function's results, kept: the same literals
#: come back in every unit)
_VERDICTS: dict[tuple[str, str], bool] = {}
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
    if any(not isinstance(t, URIRef) for p in TARGETS for t in g.objects(shape, p)) or isinstance(
        shape, BNode
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


def _family_test(fam: str) -> str:
    """A SPARQL condition true for literals ``?v`` of the family."""
    if fam == "numeric":
        return " || ".join(f"datatype(?v) = <{_XSD}{t}>" for t in sorted(_NUMERIC))
    if fam == "dateTime":
        return f"datatype(?v) = <{_XSD}dateTime> || datatype(?v) = <{_XSD}dateTimeStamp>"
    return f"datatype(?v) = <{_XSD + fam if ':' not in fam else fam}>"


@dataclass
class Check:
    """One data condition on one shape: a SPARQL ASK on the unit's store; true means "do not trust"."""

    shape: Node  # the shape that holds the constraint
    reason: str
    ask: str


@dataclass
class Guards:
    """The data checks of a shapes graph, and the typed literals already tested in this process."""

    shapes: Shapes
    features: Features
    checks: list[Check] = field(default_factory=list)
    value_sensitive: set[Node] = field(default_factory=set)

    @classmethod
    def make(cls, shapes: Shapes) -> Guards:
        guards = cls(shapes, Features(shapes))
        g = shapes.graph
        for shape in shapes.shapes:
            if any((shape, p, None) in g for p in VALUE_SENSITIVE):
                guards.value_sensitive.add(shape)
            path_node = g.value(shape, SH.path)
            focus = _focus_pattern(shapes, shape)
            step = "?s ?p ?v" if path_node is None else f"?s {paths.key(paths.from_graph(g, path_node))} ?v"
            where = f"{focus} {step}" if focus else step
            for p in RANGES:
                for limit in g.objects(shape, p):
                    if isinstance(limit, Literal):
                        fam = family(str(limit.datatype or XSD.string))
                        test = f"isLiteral(?v) && !({_family_test(fam)})"
                        guards.checks.append(
                            Check(shape, "range:other-kind", f"ASK {{ {where} FILTER ({test}) }}")
                        )
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
        if self.questionable(typed):
            for s in self.value_sensitive:
                hit.setdefault(s, "literal:ill-typed")
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

    def questionable(self, typed: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """The typed literals either engine finds ill-typed, or the two read differently."""
        todo = sorted({t for t in typed if t[1] not in _NOT_TESTED and t not in _VERDICTS})
        if todo:
            _VERDICTS.update(_verdicts(todo))
        return [t for t in typed if _VERDICTS.get(t)]


def _verdicts(literals: list[tuple[str, str]]) -> dict[tuple[str, str], bool]:
    """For each (lexical form, datatype): whether shacl-rust or pySHACL finds it ill-typed (SHACL §4.1.2)."""
    from rdflib import Graph

    from perr_graph.validation.engines import rdflib_graph, run_pyshacl, shacl_rust_validate
    from perr_graph.validation.terms import plain_literal, to_nt

    datatypes = sorted({dt for _, dt in literals})
    prop = {dt: URIRef(f"urn:perr:guard:p{i}") for i, dt in enumerate(datatypes)}
    shapes = Graph()
    for dt, p in prop.items():
        node, ps = URIRef(str(p) + "/shape"), URIRef(str(p) + "/property")
        shapes.add((node, RDF.type, SH.NodeShape))
        shapes.add((node, SH.targetSubjectsOf, p))
        shapes.add((node, SH.property, ps))
        shapes.add((ps, SH.path, p))
        shapes.add((ps, SH.datatype, URIRef(dt)))
    lines = [
        f"<urn:perr:guard:s> {to_nt(prop[dt])} {to_nt(plain_literal(lex, None, dt))} .\n"
        for lex, dt in literals
    ]
    data = "".join(lines)
    shapes_nt = "".join(f"{to_nt(s)} {to_nt(p)} {to_nt(o)} .\n" for s, p, o in shapes)
    rust = {r.get("value") for r in shacl_rust_validate(data, shapes_nt)["results"]}
    python = {to_nt(r.value) for r in run_pyshacl(rdflib_graph(data), shapes) if r.value is not None}
    return {
        (lex, dt): (nt in rust) or (nt in python)
        for (lex, dt), nt in ((t, to_nt(plain_literal(t[0], None, t[1]))) for t in literals)
    }


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
