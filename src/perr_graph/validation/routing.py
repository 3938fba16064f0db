"""Which engine evaluates which shape: the features each shape uses, the features the fast engine is trusted
with, and the split of a shapes graph between the fast engine and pySHACL (engine ``auto``).

A *feature* is a constraint parameter, a target kind or a path kind (SHACL §2.1.3 targets, §2.3.1 paths,
§4 core constraint components, §5 SPARQL-based constraints), or a combination the fast engine is known to get
wrong. The fast engine is trusted with a feature when the W3C SHACL Core tests and the probes of
``tests/test_engines.py`` show it gives pySHACL's results for it; the list is per engine version.

A targeted shape (:attr:`~perr_graph.validation.shapes.Shapes.targeted`) is evaluated by the fast engine only
when every shape it reaches (through sh:property, sh:node, sh:not, sh:and, sh:or, sh:xone,
sh:qualifiedValueShape) uses trusted features only. Each engine then gets the whole shapes graph with the
*targets* of the other engine's shapes removed: those shapes are still there to be reached, but start no
validation, so every result comes from exactly one engine (:func:`half`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from perr_graph.validation import paths
from perr_graph.validation.shapes import OWL_CLASS, SHAPE_LISTS, SHAPE_VALUED, TARGETS, Shapes

SH_NS = str(SH)

#: what validation reads of a shape besides its constraints (SHACL §2.1.5, §2.3.2: non-validating properties)
_NOT_FEATURES = {
    "message", "severity", "deactivated", "name", "description", "order", "group", "defaultValue",
    "path", "property",
}  # fmt: skip

#: features of the SHACL Core and SHACL-SPARQL the fast engine gives pySHACL's results for (shacl-rust 0.2.12:
#: the 90 W3C Core tests, the project's shapes on the five protocols and on synthetic ones, and the probes)
TRUSTED = frozenset(
    {
        # targets (§2.1.3)
        "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "implicitClassTarget",
        # paths (§2.3.1)
        "path:predicate", "path:sequence", "path:alternative", "path:inverse", "path:zeroOrMore",
        "path:oneOrMore", "path:zeroOrOne",
        # value type, cardinality, range, string, property pair, logical, shape-based, other (§4.1-§4.8)
        "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive",
        "maxExclusive", "maxInclusive", "minLength", "maxLength", "pattern", "flags", "languageIn",
        "uniqueLang", "equals", "disjoint", "lessThan", "lessThanOrEquals", "not", "and", "or", "xone", "node",
        "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint",
        "closed", "ignoredProperties", "hasValue", "in",
        # SPARQL-based constraints (§5) with pre-bound $this, $value and $PATH
        "sparql", "sparql:select", "sparql:prefixes", "sparql:property-no-value", "sparql:property-value-by-path",
    }
)  # fmt: skip

#: what each feature the fast engine is not trusted with means, for the one-line refusal; every entry was found
#: by a probe of tests/test_engines.py where shacl-rust 0.2.12 and pySHACL disagree
WHY = {
    "closed:non-predicate-path": "sh:closed with a property shape whose sh:path is not an IRI (SHACL §4.8.1: "
    "only predicate paths are declared properties)",
    "implicitClassTarget:owl": "a shape typed owl:Class but not rdfs:Class (implicit class target, SHACL §2.1.3.3)",
    "implicitClassTarget:indirect": "a shape typed with an indirect subclass of rdfs:Class (SHACL §2.1.3.3)",
    "node:literal-accepting": "sh:node naming a shape a literal may conform to (SHACL §4.7.1, literal value nodes)",
    "qualifiedValueShape:literal-accepting": "sh:qualifiedValueShape a literal may conform to (SHACL §4.7.3, "
    "literal value nodes)",
    "deactivated:nested": "sh:deactivated on a shape reached from another shape (SHACL §2.1.6)",
    "flags:other": "sh:flags other than i and m (SHACL §4.4.2)",
    "pattern:syntax": "a regular expression outside the syntax both engines read alike (SHACL §4.4.2)",
    "sparql:computed-binding": "a SPARQL constraint that computes ?value or ?path (BIND, AS, VALUES or an "
    "aggregate; SHACL §5.3.2)",
    "sparql:$PATH-complex": "a SPARQL constraint using $PATH on a property shape whose path is not an IRI "
    "(SHACL §5.2.1)",
    "sparql:restricted": "a SPARQL constraint using MINUS, SERVICE, VALUES or a nested SELECT (SHACL §5.1)",
    "sparql:shapesGraph": "a SPARQL constraint that uses $shapesGraph or $currentShape (SHACL §5.2.1)",
    "sparql:deactivated": "a deactivated SPARQL constraint (SHACL §5.1)",
    "sparql:property-value": "a SPARQL constraint of a property shape whose ?value may be other than a value of "
    "the shape's path (SHACL §5.3.1: shacl-rust binds ?value to each value node)",
    "sparql:property-mixed": "a property shape with SPARQL constraints that project ?value and others that do not",
    # found in a unit's data (perr_graph.validation.guards)
    "literal:read-differently": "a typed literal whose validity the engines read differently (XML Schema lexical "
    "space, SHACL §4.1.2), with a shape that checks datatypes or compares values",
    "literal:ill-typed": "an ill-typed literal with a shape that compares values (sh:lessThan, "
    "sh:lessThanOrEquals or SPARQL; SHACL §4.5, §5)",
    "range:read-differently": "a range (sh:minInclusive …) on a value of another kind than its limit, or "
    "ill-typed, that the engines compare differently (SHACL §4.3)",
    "pattern:line-feed": "sh:pattern anchored with $ on a value ending with a line feed (SHACL §4.4.1)",
}
ENGINE_VERSIONS = {"shacl-rust": "0.2.12"}


#: regular expressions both engines read alike (Python's re for pySHACL, Rust's regex for shacl-rust): no
#: lookaround, back-reference, Unicode class, inline flag, POSIX class or set operation
_PATTERN_UNSAFE = re.compile(r"\(\?[^:]|\\[1-9pPkAzZbBGX]|\[:|&&|--|~~|\\[uUx]")
_RESTRICTED = re.compile(r"\b(MINUS|SERVICE|VALUES)\b|\{\s*SELECT\b", re.IGNORECASE)
_COMPUTED = re.compile(r"\bAS\s+[?$](value|path)\b|\b(COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(", re.I)
_NON_LITERAL_KINDS = (SH.IRI, SH.BlankNode, SH.BlankNodeOrIRI)


def _path_features(g: Graph, node: Node, out: set[str], depth: int = 0) -> None:
    if depth > 50:
        out.add("path:too-deep")
        return
    if isinstance(node, URIRef):
        out.add("path:predicate")
        return
    if isinstance(node, Literal):
        out.add("path:literal")
        return
    if (node, RDF.first, None) in g:
        out.add("path:sequence")
        for item in Collection(g, node):
            _path_features(g, item, out, depth + 1)
        return
    for prop, name in (
        (SH.alternativePath, "alternative"),
        (SH.inversePath, "inverse"),
        (SH.zeroOrMorePath, "zeroOrMore"),
        (SH.oneOrMorePath, "oneOrMore"),
        (SH.zeroOrOnePath, "zeroOrOne"),
    ):
        inner = g.value(node, prop)
        if inner is not None:
            out.add(f"path:{name}")
            for item in Collection(g, inner) if prop == SH.alternativePath else [inner]:
                _path_features(g, item, out, depth + 1)
            return
    out.add("path:unknown")


def _prefixes(g: Graph) -> dict[str, str]:
    """Every prefix the shapes graph declares (SHACL §5.2.1, ``sh:declare``)."""
    out = {}
    for decl in g.objects(None, SH.declare):
        prefix, namespace = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
        if prefix is not None and namespace is not None:
            out[str(prefix)] = str(namespace)
    return out


def _rdflib_path(p: object) -> object:
    """An rdflib SPARQL path (or IRI, or variable) as a :mod:`~perr_graph.validation.paths` value."""
    from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath

    if isinstance(p, SequencePath):
        return ("seq", *(_rdflib_path(a) for a in p.args))
    if isinstance(p, AlternativePath):
        return ("alt", *(_rdflib_path(a) for a in p.args))
    if isinstance(p, InvPath):
        return ("inv", _rdflib_path(p.arg))
    if isinstance(p, MulPath):
        return ({"*": "star", "+": "plus", "?": "opt"}[p.mod], _rdflib_path(p.path))
    return p


def _binds_value_by_path(query: str, path: object, prefixes: dict[str, str]) -> bool:
    """Whether every solution of the query binds ``?value`` to a value of the shape's path: a triple
    ``$this <path> ?value`` (or ``$this $PATH ?value``) in a part of the pattern every solution matches (not in a
    UNION, OPTIONAL, MINUS or sub-query)."""
    from rdflib import Variable
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        algebra = prepareQuery(query, initNs=prefixes).algebra
    except Exception:  # rdflib raises many kinds of parse errors
        return False
    this, value, var_path = Variable("this"), Variable("value"), Variable("PATH")
    todo: list[object] = [algebra]
    while todo:
        node = todo.pop()
        if not isinstance(node, CompValue):
            continue
        if node.name == "BGP":
            for s, p, o in node.triples:
                if (
                    s == this
                    and o == value
                    and (_rdflib_path(p) == path or (p == var_path and isinstance(path, URIRef)))
                ):
                    return True
        elif node.name in ("SelectQuery", "Distinct", "Reduced", "Project", "Slice", "OrderBy", "Filter", "Extend",
                           "ToMultiSet", "Group", "AggregateJoin"):  # fmt: skip
            todo.append(node.p)
        elif node.name == "Join":
            todo += [node.p1, node.p2]
        elif node.name == "LeftJoin":
            todo.append(node.p1)
    return False


def _sparql_features(g: Graph, shape: Node, constraint: Node, out: set[str]) -> None:
    """SHACL §5: a SPARQL-based constraint, with what shacl-rust reads differently from pySHACL.

    On a property shape, shacl-rust runs the query once per value node with ``?value`` bound to it (SHACL
    §5.3.1 pre-binds only ``$this``, ``$PATH``, ``$currentShape`` and ``$shapesGraph``): the same results as
    pySHACL's when every solution's ``?value`` is a value of the path anyway, or when the query does not use
    ``?value`` at all (its results are then merged back into one per focus node,
    :func:`~perr_graph.validation.engines.run_shacl_rust`)."""
    out.add("sparql")
    for p, o in g.predicate_objects(constraint):
        if p == RDF.type:
            if o != SH.SPARQLConstraint:
                out.add(f"sparql:type {o}")
        elif p == SH.select:
            out.add("sparql:select")
            query = str(o)
            if re.search(r"\$(shapesGraph|currentShape)\b", query):
                out.add("sparql:shapesGraph")
            if _RESTRICTED.search(query):
                out.add("sparql:restricted")
            if _COMPUTED.search(query):
                out.add("sparql:computed-binding")
            path = g.value(shape, SH.path)
            if "$PATH" in query and path is not None and not isinstance(path, URIRef):
                out.add("sparql:$PATH-complex")
            if path is not None:
                if not re.search(r"[?$]value\b", query):
                    out.add("sparql:property-no-value")
                elif _binds_value_by_path(query, paths.from_graph(g, path), _prefixes(g)):
                    out.add("sparql:property-value-by-path")
                else:
                    out.add("sparql:property-value")
        elif p == SH.prefixes:
            out.add("sparql:prefixes")
        elif p == SH.deactivated:
            if o == Literal(True):
                out.add("sparql:deactivated")
        elif str(p).startswith(SH_NS) and p != SH.message:
            out.add(f"sparql:{str(p)[len(SH_NS) :]}")


def _forward_first(g: Graph, node: Node) -> bool:
    """Whether every value of the path starts with a step forward from the node (so a literal has none)."""
    if isinstance(node, URIRef):
        return True
    if (node, RDF.first, None) in g:
        items = list(Collection(g, node))
        return bool(items) and _forward_first(g, items[0])
    alternatives = g.value(node, SH.alternativePath)
    if alternatives is not None:
        items = list(Collection(g, alternatives))
        return bool(items) and all(_forward_first(g, i) for i in items)
    inner = g.value(node, SH.oneOrMorePath)
    return inner is not None and _forward_first(g, inner)


@dataclass
class Features:
    """What the shapes graph's shapes use."""

    shapes: Shapes
    custom: frozenset[URIRef] = field(default_factory=frozenset)
    _own: dict[Node, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        g = self.shapes.graph
        params = set()
        for component in g.subjects(RDF.type, SH.ConstraintComponent):
            for parameter in g.objects(component, SH.parameter):
                params |= {p for p in g.objects(parameter, SH.path) if isinstance(p, URIRef)}
        self.custom = frozenset(params)

    def own(self, shape: Node) -> frozenset[str]:
        """The features one shape uses itself (not those of the shapes it reaches)."""
        if shape not in self._own:
            self._own[shape] = self._features(shape)
        return self._own[shape]

    def _features(self, shape: Node) -> frozenset[str]:
        g = self.shapes.graph
        out: set[str] = set()
        for p, o in g.predicate_objects(shape):
            if p in self.custom:
                out.add(f"component:{p}")
            if p == RDF.type and o in self.shapes.classes:
                out.add(
                    "implicitClassTarget"
                    if o != OWL_CLASS or (shape, RDF.type, RDFS.Class) in g
                    else "implicitClassTarget:owl"
                )
            elif p == RDF.type and (o, RDFS.subClassOf * "+", RDFS.Class) in g:  # type: ignore[operator]
                out.add("implicitClassTarget:indirect")
            if not str(p).startswith(SH_NS):
                continue
            name = str(p)[len(SH_NS) :]
            if name == "path":
                _path_features(g, o, out)
            elif name == "sparql":
                _sparql_features(g, shape, o, out)
            elif name == "flags":
                out.add("flags" if set(str(o)) <= {"i", "m"} else "flags:other")
            elif name == "pattern":
                out.add("pattern:syntax" if _PATTERN_UNSAFE.search(str(o)) else "pattern")
            elif name == "node":
                out.add("node" if self.rejects_literals(o) else "node:literal-accepting")
            elif name == "qualifiedValueShape":
                out.add(
                    "qualifiedValueShape"
                    if self.rejects_literals(o)
                    else "qualifiedValueShape:literal-accepting"
                )
            elif name not in _NOT_FEATURES:
                out.add(name)
        if {"sparql:property-no-value", "sparql:property-value-by-path"} <= out:
            out.add("sparql:property-mixed")
        if (shape, SH.closed, Literal(True)) in g:
            for ps in g.objects(shape, SH.property):
                if not isinstance(g.value(ps, SH.path), URIRef):
                    out.add("closed:non-predicate-path")
        return frozenset(out)

    def rejects_literals(self, shape: Node, depth: int = 0) -> bool:
        """Whether no literal can conform to ``shape`` (shacl-rust treats every literal as not conforming to a
        shape named by sh:node or sh:qualifiedValueShape; that is right exactly for such shapes)."""
        g = self.shapes.graph
        if depth > 20 or (shape, SH.deactivated, Literal(True)) in g:
            return False
        if (shape, SH["class"], None) in g or any(
            k in _NON_LITERAL_KINDS for k in g.objects(shape, SH.nodeKind)
        ):
            return True
        if (shape, SH.path, None) in g:
            return self._property_rejects(shape)
        if any(not isinstance(v, Literal) for v in g.objects(shape, SH.hasValue)):
            return True
        for head in g.objects(shape, SH["in"]):
            if not any(isinstance(m, Literal) for m in Collection(g, head)):
                return True
        if any(self._property_rejects(ps) for ps in g.objects(shape, SH.property)):
            return True
        for head in g.objects(shape, SH["and"]):
            if any(self.rejects_literals(m, depth + 1) for m in Collection(g, head)):
                return True
        return any(self.rejects_literals(x, depth + 1) for x in g.objects(shape, SH.node))

    def _property_rejects(self, ps: Node) -> bool:
        g = self.shapes.graph
        path = g.value(ps, SH.path)
        if path is None or (ps, SH.deactivated, Literal(True)) in g or not _forward_first(g, path):
            return False
        min_count = g.value(ps, SH.minCount)
        return (ps, SH.hasValue, None) in g or (
            isinstance(min_count, Literal) and isinstance(min_count.value, int) and min_count.value >= 1
        )

    def reached(self, shape: Node) -> list[Node]:
        """``shape`` and every shape it reaches through shape-valued parameters."""
        g = self.shapes.graph
        seen: dict[Node, None] = {}
        todo = [shape]
        while todo:
            s = todo.pop()
            if s in seen:
                continue
            seen[s] = None
            for p in SHAPE_VALUED:
                todo += [o for o in g.objects(s, p) if not isinstance(o, Literal)]
            for p in SHAPE_LISTS:
                for head in g.objects(s, p):
                    todo += [m for m in Collection(g, head) if not isinstance(m, Literal)]
        return list(seen)

    def untrusted(self, shape: Node, trusted: frozenset[str] = TRUSTED) -> list[str]:
        """The features of ``shape`` and of the shapes it reaches that the fast engine is not trusted with."""
        g = self.shapes.graph
        out: set[str] = set()
        for s in self.reached(shape):
            out |= self.own(s) - trusted
            if s != shape and (s, SH.deactivated, Literal(True)) in g:
                out.add("deactivated:nested")
        return sorted(out)


def no_value_property_shapes(shapes: Shapes) -> frozenset[Node]:
    """The property shapes whose SPARQL constraints never use ``?value``: shacl-rust's results of them are merged
    back into one per focus node, without a value, as pySHACL gives them."""
    g = shapes.graph
    out = set()
    for shape in set(g.subjects(SH.sparql, None)):
        if (shape, SH.path, None) in g and all(
            not re.search(r"[?$]value\b", str(g.value(c, SH.select) or ""))
            for c in g.objects(shape, SH.sparql)
        ):
            out.add(shape)
    return frozenset(out)


@dataclass
class Plan:
    """Which targeted shapes each engine evaluates, and why the others were not given to the fast engine."""

    fast: list[Node]
    reference: list[Node]
    reasons: dict[Node, list[str]]


def plan(shapes: Shapes, trusted: frozenset[str] = TRUSTED) -> Plan:
    """Split the targeted shapes between the fast engine (trusted features only) and pySHACL."""
    features = Features(shapes)
    fast, reference, reasons = [], [], {}
    for shape in shapes.targeted:
        bad = features.untrusted(shape, trusted)
        if bad:
            reference.append(shape)
            reasons[shape] = bad
        else:
            fast.append(shape)
    return Plan(fast, reference, reasons)


def half(shapes: Shapes, others: list[Node]) -> Graph:
    """The shapes graph with the targets of ``others`` removed (explicit targets, and the class typing that
    gives a shape an implicit class target): a copy; ``shapes.graph`` is not changed."""
    g = Graph()
    drop = set(others)
    for s, p, o in shapes.graph:
        if s in drop and (p in TARGETS or (p == RDF.type and o in shapes.classes)):
            continue
        g.add((s, p, o))
    return g


def describe(feature: str) -> str:
    """A feature in words, for a refusal."""
    if feature in WHY:
        return WHY[feature]
    if feature.startswith("component:"):
        return f"the SPARQL-based constraint component parameter <{feature.split(':', 1)[1]}> (SHACL §6)"
    if feature.startswith("path:"):
        return f"a {feature[5:]} path"
    return f"sh:{feature}"
