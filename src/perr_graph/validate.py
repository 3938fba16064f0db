"""SHACL validation of protocols, in plain words (``perr validate``).

The shapes in ``ontology/shapes/`` say what a complete, coherent protocol is. Each protocol's named graph is
validated on its own, unioned with the shared graphs (ontology, registry, reference) as data; results whose focus
node only the shared graphs describe are reported once, under ``shared``.

Two engines give the same results:

* ``perr`` (default): compiles each shape to SPARQL and runs it set-at-a-time on the embedded store (pyoxigraph):
  one query per constraint for all focus nodes, instead of one per focus node. It implements the part of SHACL Core
  our shapes use (targets sh:targetClass / sh:targetSubjectsOf / sh:targetObjectsOf / sh:targetNode; predicate,
  inverse, sequence and alternative paths; sh:minCount, sh:maxCount, sh:class, sh:datatype, sh:languageIn,
  sh:minLength, sh:maxLength, sh:min/maxInclusive/Exclusive, sh:pattern, sh:in, sh:hasValue, sh:node, sh:or,
  sh:not, sh:qualifiedValueShape, sh:lessThanOrEquals) and SHACL-SPARQL constraints (SHACL §5), evaluated with
  ``$this`` joined to the focus nodes in the query's top-level group (so a query must bind ``$this`` in every
  UNION branch that tests it). A shape using anything else is refused with :class:`ShapesError` rather than
  silently skipped.
* ``pyshacl``: pySHACL on an rdflib union graph, the reference implementation (about 20 times slower here, because
  it parses each SPARQL constraint once per focus node).

One check cannot be said in SHACL because it needs the source files: every ``oa:exact`` must stand in lines
``perr:lineStart..perr:lineEnd`` of the source named by ``oa:hasSource`` / ``dcterms:identifier`` under
``data/sources/`` (docs/model.md, "Provenance"). It is reported like a SHACL result of the (deactivated) shape
``perrsh:QuoteMatchesSource``.

The API is shaped like pySHACL's: :func:`validate` returns ``(conforms, report_graph, text)`` and never mutates
its input.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SH, SKOS, XSD

from perr_graph import namespaces as ns
from perr_graph.errors import InputError, PerrError

#: the shapes' own namespace (``perrsh:`` in ontology/shapes/*.ttl)
PERRSH = Namespace(ns.BASE + "shapes#")
#: the check done in Python (see the module docstring), reported with this shape
QUOTE_SHAPE = PERRSH["QuoteMatchesSource"]
QUOTE_COMPONENT = PERRSH["QuoteConstraintComponent"]
QUOTE_PATH = (PROV.wasDerivedFrom, ns.OA.hasSelector, ns.OA.exact)

SHARED = "shared"
SEVERITIES = {"info": SH.Info, "warning": SH.Warning, "violation": SH.Violation}
RANK = {SH.Info: 0, SH.Warning: 1, SH.Violation: 2}
SEVERITY_WORDS = {
    "en": {
        SH.Violation: ("violation", "violations"),
        SH.Warning: ("warning", "warnings"),
        SH.Info: ("info", "infos"),
    },
    "fr": {
        SH.Violation: ("violation", "violations"),
        SH.Warning: ("avertissement", "avertissements"),
        SH.Info: ("information", "informations"),
    },
}
SHARED_GRAPHS = (ns.ONTOLOGY_GRAPH, ns.REGISTRY_GRAPH, ns.REFERENCE_GRAPH)


class ShapesError(PerrError):
    """A shapes file cannot be read, or uses a SHACL feature the ``perr`` engine does not implement."""


# ==========================================================================================================
# Results
# ==========================================================================================================


@dataclass(frozen=True)
class Result:
    """One validation result, as in a SHACL report (``sh:ValidationResult``)."""

    focus: object  # rdflib term
    shape: URIRef  # sh:sourceShape
    severity: URIRef  # sh:resultSeverity
    component: URIRef  # sh:sourceConstraintComponent
    path: object = None  # sh:resultPath: URIRef, or a tuple (sequence) / ("^", p) (inverse) …
    value: object = None  # sh:value
    line: int | None = None  # where the check itself points (the quote check); else from the focus node
    node_shape: object = None  # the targeted node shape whose check gave it (perr engine)

    @property
    def key(self):
        return (str(self.focus), str(self.shape), str(self.component), str(self.path), str(self.value))


@dataclass
class UnitReport:
    """The results of one validation unit: one protocol graph, or the shared graphs."""

    name: str
    graph: str | None
    results: list[Result]
    labels: dict = field(default_factory=dict)  # focus or value -> label
    locations: dict = field(default_factory=dict)  # focus -> (file, line)
    notes: list[str] = field(default_factory=list)


@dataclass
class Report:
    """What ``perr validate`` prints: units (protocols, then ``shared``) and the shapes' messages."""

    units: list[UnitReport]
    shapes: Shapes
    fail_on: str = "violation"
    #: the folder of the source texts as the user finds it (``data/sources`` in the project's checkout): findings
    #: name ``<folder>/<file>:<line>``; empty, the file name alone
    sources_prefix: str = ""

    def where(self, file: str | None) -> str | None:
        """A source file as findings name it (see ``sources_prefix``)."""
        return f"{self.sources_prefix}/{file}" if file and self.sources_prefix else file

    def failing(self) -> list[Result]:
        threshold = RANK[SEVERITIES[self.fail_on]]
        return [r for u in self.units for r in u.results if RANK[r.severity] >= threshold]

    @property
    def conforms(self) -> bool:
        return not self.failing()

    def counts(self, unit: UnitReport | None = None) -> dict:
        units = [unit] if unit else self.units
        c = {SH.Violation: 0, SH.Warning: 0, SH.Info: 0}
        for u in units:
            for r in u.results:
                c[r.severity] += 1
        return c

    # --- report graph ---------------------------------------------------------------------------------------

    def graph(self) -> Graph:
        """A SHACL validation report: one ``sh:ValidationReport`` per unit (labelled with the unit's name)."""
        g = Graph()
        g.bind("sh", SH)
        g.bind("perrsh", PERRSH)
        ns.bind_prefixes(g)
        threshold = RANK[SEVERITIES[self.fail_on]]
        for unit in self.units:
            report = BNode()
            g.add((report, RDF.type, SH.ValidationReport))
            g.add((report, RDFS.label, Literal(unit.name)))
            if unit.graph:
                g.add((report, DCTERMS.subject, URIRef(unit.graph)))
            g.add(
                (report, SH.conforms, Literal(not any(RANK[r.severity] >= threshold for r in unit.results)))
            )
            for r in sorted(unit.results, key=_sort_key):
                node = BNode()
                g.add((report, SH.result, node))
                g.add((node, RDF.type, SH.ValidationResult))
                g.add((node, SH.focusNode, r.focus))
                g.add((node, SH.sourceShape, r.shape))
                g.add((node, SH.resultSeverity, r.severity))
                g.add((node, SH.sourceConstraintComponent, r.component))
                if r.path is not None:
                    g.add((node, SH.resultPath, _path_to_rdf(g, r.path)))
                if r.value is not None:
                    g.add((node, SH.value, r.value))
                for lang in ("en", "fr"):
                    g.add((node, SH.resultMessage, Literal(self.shapes.message(r.shape, lang), lang=lang)))
        return g

    # --- plain words ----------------------------------------------------------------------------------------

    def records(self, lang: str = "en") -> list[dict]:
        out = []
        for unit in self.units:
            for r in sorted(unit.results, key=_sort_key):
                file, line = unit.locations.get(r.focus, (None, None))
                out.append(
                    {
                        "protocol": unit.name,
                        "severity": _local(r.severity),
                        "shape": _local(r.shape),
                        "path": path_text(r.path),
                        "focus": str(r.focus),
                        "label": unit.labels.get(r.focus) or compact(r.focus),
                        "file": self.where(file),
                        "line": r.line if r.line is not None else line,
                        "value": None if r.value is None else str(r.value),
                        "value_label": unit.labels.get(r.value) if r.value is not None else None,
                        "message": self.shapes.message(r.shape, lang),
                    }
                )
        return out

    def json(self, lang: str = "en") -> str:
        units = []
        for unit in self.units:
            c = self.counts(unit)
            units.append(
                {
                    "name": unit.name,
                    "graph": unit.graph,
                    "violations": c[SH.Violation],
                    "warnings": c[SH.Warning],
                    "infos": c[SH.Info],
                    "notes": unit.notes,
                }
            )
        c = self.counts()
        return (
            json.dumps(
                {
                    "conforms": self.conforms,
                    "fail_on": self.fail_on,
                    "violations": c[SH.Violation],
                    "warnings": c[SH.Warning],
                    "infos": c[SH.Info],
                    "units": units,
                    "results": self.records(lang),
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )

    def text(self, lang: str = "en", summary: bool = False) -> str:
        words = SEVERITY_WORDS["fr" if lang == "fr" else "en"]

        def count_words(c: dict) -> str:
            return ", ".join(
                f"{c[s]} {words[s][0] if c[s] == 1 else words[s][1]}"
                for s in (SH.Violation, SH.Warning, SH.Info)
            )

        lines: list[str] = []
        for unit in self.units:
            c = self.counts(unit)
            head = f"{unit.name}" + (f"  <{unit.graph}>" if unit.graph else "")
            lines.append(f"{head}\n  {count_words(c)}")
            for note in unit.notes:
                lines.append(f"  note: {note}")
            groups: dict = defaultdict(list)
            for r in unit.results:
                groups[(r.severity, r.shape)].append(r)
            for (severity, shape), results in sorted(
                groups.items(), key=lambda kv: (-RANK[kv[0][0]], str(kv[0][1]))
            ):
                n = len(results)
                lines.append(f"  {words[severity][0].capitalize()}: {_local(shape)} ({n})")
                lines.append(f"    {self.shapes.message(shape, lang)}")
                if summary:
                    continue
                for r in sorted(results, key=_sort_key):
                    file, line = unit.locations.get(r.focus, (None, None))
                    line = r.line if r.line is not None else line
                    where = f"{self.where(file)}:{line}" if file else "(no source line)"
                    label = unit.labels.get(r.focus) or compact(r.focus)
                    item = f"      {where}  {_clip(label)}"
                    if r.value is not None:
                        vlabel = unit.labels.get(r.value)
                        value = _clip(str(r.value), 60) if isinstance(r.value, Literal) else compact(r.value)
                        item += f"  [{'valeur' if lang == 'fr' else 'value'}: {value}"
                        item += f" « {_clip(vlabel, 40)} »]" if vlabel else "]"
                    lines.append(item)
            lines.append("")
        c = self.counts()
        verdict = (
            ("conforms" if self.conforms else "does not conform")
            if lang != "fr"
            else ("conforme" if self.conforms else "non conforme")
        )
        threshold = {"en": f"threshold: {self.fail_on}", "fr": f"seuil : {self.fail_on}"}[
            "fr" if lang == "fr" else "en"
        ]
        n = sum(1 for u in self.units if u.name != SHARED)
        what = (
            f"{n} protocol{'s' if n != 1 else ''}"
            if lang != "fr"
            else f"{n} protocole{'s' if n != 1 else ''}"
        )
        lines.append(
            f"{verdict} ({threshold}): {count_words(c)} in {what}"
            if lang != "fr"
            else f"{verdict} ({threshold}) : {count_words(c)} dans {what}"
        )
        return "\n".join(lines) + "\n"


def _sort_key(r: Result):
    return (-RANK[r.severity], str(r.shape), str(r.focus), str(r.value))


def _clip(s: str, n: int = 90) -> str:
    s = " ".join(str(s).split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _local(iri) -> str:
    s = str(iri)
    for sep in ("#", "/"):
        if sep in s:
            s = s.rsplit(sep, 1)[1]
            break
    return s


_NAMESPACES = sorted(
    ((str(v), k) for k, v in {**ns.PREFIXES, "perrsh": PERRSH, "sh": SH}.items()), key=lambda x: -len(x[0])
)


def compact(term) -> str:
    """A term as a short string: ``id:protocol/valence/commitment/L330``, ``perr:lead``, ``"text"``."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        s = str(term)
        for namespace, prefix in _NAMESPACES:
            if s.startswith(namespace) and len(s) > len(namespace):
                return f"{prefix}:{s[len(namespace) :]}"
        return f"<{s}>"
    if isinstance(term, Literal):
        return f'"{term}"'
    return f"_:{term}"


def path_text(path) -> str | None:
    """A result path in SPARQL property-path syntax with prefixes: ``perr:signing/dcterms:date``, ``^perr:protocol``."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return compact(path)
    kind, *parts = path
    if kind == "seq":
        return "/".join(_paren(p) for p in parts)
    if kind == "alt":
        return "(" + "|".join(path_text(p) for p in parts) + ")"
    if kind == "inv":
        return "^" + _paren(parts[0])
    return _paren(parts[0]) + {"star": "*", "plus": "+", "opt": "?"}[kind]


def _paren(p) -> str:
    t = path_text(p)
    return t if isinstance(p, URIRef) or p[0] == "alt" else f"({t})"


def _path_to_rdf(g: Graph, path):
    if isinstance(path, URIRef):
        return path
    kind, *parts = path
    if kind == "seq":
        head = BNode()
        Collection(g, head, [_path_to_rdf(g, p) for p in parts])
        return head
    node = BNode()
    if kind == "alt":
        items = BNode()
        Collection(g, items, [_path_to_rdf(g, p) for p in parts])
        g.add((node, SH.alternativePath, items))
    else:
        prop = {
            "inv": SH.inversePath,
            "star": SH.zeroOrMorePath,
            "plus": SH.oneOrMorePath,
            "opt": SH.zeroOrOnePath,
        }
        g.add((node, prop[kind], _path_to_rdf(g, parts[0])))
    return node


# ==========================================================================================================
# Shapes: loading and compiling to SPARQL
# ==========================================================================================================

#: parameters that are not constraints (ignored by the compiler)
_NOT_CONSTRAINTS = {
    SH.path,
    SH.property,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.message,
    SH.severity,
    SH.deactivated,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.defaultValue,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    RDF.type,
    RDFS.label,
    RDFS.comment,
    SKOS.note,
    SKOS.definition,
}
_COMPONENT = {
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
    SH.node: SH.NodeConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    SH.qualifiedValueShape: None,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH.sparql: SH.SPARQLConstraintComponent,
    SH.flags: None,
}


@dataclass
class Check:
    """One constraint of one shape, compiled to a SPARQL SELECT returning ``?this`` (and ``?value``, ``?path``)."""

    node_shape: URIRef
    shape: URIRef
    component: URIRef
    severity: URIRef
    path: object
    query: str


class Shapes:
    """The shapes graph, its messages, and its constraints compiled to SPARQL."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.checks: list[Check] = []
        self._messages: dict = {}
        self._vars = itertools.count()
        for shape in sorted(set(graph.subjects(SH.message, None)), key=str):
            for m in graph.objects(shape, SH.message):
                if isinstance(m, Literal) and m.language:
                    self._messages[(shape, m.language)] = str(m)
        self._compile()

    @classmethod
    def load(cls, directory: Path | Sequence[Path] | None = None) -> Shapes:
        """The shapes in ``directory``: one folder or several (a corpus's own join the bundled ones); by default
        the bundled shapes."""
        from perr_graph import resources

        if directory is None:
            folders = [resources.shapes()]
        else:
            folders = [directory] if isinstance(directory, Path) else list(directory)
        g = Graph()
        files = [f for folder in folders for f in sorted(Path(folder).glob("*.ttl"))]
        if not files:
            raise ShapesError("no shapes (*.ttl) in the folder", ", ".join(str(f) for f in folders))
        for f in files:
            try:
                g.parse(f, format="turtle")
            except Exception as exc:  # rdflib raises several exception types for syntax errors
                raise ShapesError(f"cannot parse shapes: {_first_line(exc)}", f, _line_of(exc)) from None
        return cls(g)

    def message(self, shape, lang: str = "en") -> str:
        return (
            self._messages.get((shape, lang))
            or self._messages.get((shape, "en"))
            or f"constraint {compact(shape)} failed"
        )

    def node_shapes(self) -> list[URIRef]:
        """Every named node shape that has a target (what ``tests/shapes/`` must give examples for)."""
        g = self.graph
        out = set()
        for s in g.subjects(RDF.type, SH.NodeShape):
            if isinstance(s, URIRef) and any(
                (s, p, None) in g
                for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
            ):
                out.add(s)
        return sorted(out, key=str)

    def parent(self, shape) -> URIRef:
        """The node shape a property shape belongs to (itself for a node shape)."""
        return next(iter(sorted(self.graph.subjects(SH.property, shape), key=str)), shape)

    # --- compilation ----------------------------------------------------------------------------------------

    def _compile(self) -> None:
        g = self.graph
        for node_shape in self.node_shapes():
            if _true(g.value(node_shape, SH.deactivated)):
                continue
            focus = self._focus(node_shape)
            self._compile_shape(node_shape, node_shape, focus, None)
            for ps in sorted(g.objects(node_shape, SH.property), key=str):
                if _true(g.value(ps, SH.deactivated)):
                    continue
                path_node = g.value(ps, SH.path)
                if path_node is None:
                    raise ShapesError(f"property shape {compact(ps)} has no sh:path")
                self._compile_shape(node_shape, ps, focus, path_node)

    def _focus(self, shape) -> str:
        g = self.graph
        parts = [
            f"?this rdf:type/rdfs:subClassOf* {_sparql_term(c)} ." for c in g.objects(shape, SH.targetClass)
        ]
        parts += [f"?this {_sparql_term(p)} ?_target ." for p in g.objects(shape, SH.targetSubjectsOf)]
        parts += [f"?_target {_sparql_term(p)} ?this ." for p in g.objects(shape, SH.targetObjectsOf)]
        parts += [f"VALUES ?this {{ {_sparql_term(n)} }}" for n in g.objects(shape, SH.targetNode)]
        return (
            "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(f"{{ {p} }}" for p in sorted(parts)) + " } }"
        )

    def _compile_shape(self, node_shape, shape, focus: str, path_node) -> None:
        g = self.graph
        severity = g.value(shape, SH.severity) or SH.Violation
        path = _path_value(g, path_node) if path_node is not None else None
        p = _sparql_path(g, path_node) if path_node is not None else None
        params = {pred for pred in g.predicates(shape, None)}
        for param in sorted(params, key=str):
            if param in _NOT_CONSTRAINTS or param == SH.flags:
                continue
            if param not in _COMPONENT:
                if str(param).startswith(str(SH)):
                    raise ShapesError(
                        f"{compact(shape)}: {compact(param)} is not supported by the perr engine"
                    )
                continue  # an annotation (rdfs:label, rdfs:comment …)

            def add(component, query, _path=path):
                self.checks.append(Check(node_shape, shape, component, severity, _path, query))

            for arg in g.objects(shape, param):
                if param == SH.sparql:
                    if _true(g.value(arg, SH.deactivated)):
                        continue
                    add(SH.SPARQLConstraintComponent, self._sparql_constraint(arg, focus, p))
                    continue
                if p is None:  # node-level core constraint: the focus node is the value node
                    if param in (SH.minCount, SH.maxCount, SH.qualifiedValueShape, SH.lessThanOrEquals):
                        raise ShapesError(f"{compact(shape)}: {compact(param)} needs sh:path")
                    cond = self._condition(shape, param, arg, "?this")
                    add(
                        _COMPONENT[param],
                        f"SELECT ?this (?this AS ?value) WHERE {{ {focus} FILTER (!({cond})) }}",
                    )
                    continue
                if param == SH.minCount:
                    add(
                        SH.MinCountConstraintComponent,
                        f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {p} ?value }} }} "
                        f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {int(arg)})",
                    )
                elif param == SH.maxCount:
                    add(
                        SH.MaxCountConstraintComponent,
                        f"SELECT ?this WHERE {{ {focus} ?this {p} ?value . }} "
                        f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {int(arg)})",
                    )
                elif param == SH.hasValue:
                    add(
                        SH.HasValueConstraintComponent,
                        f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {p} {_sparql_term(arg)} }} }}",
                    )
                elif param == SH.qualifiedValueShape:
                    cond = self._conforms(arg, "?value")
                    for bound, op, comp in (
                        (SH.qualifiedMinCount, "<", SH.QualifiedMinCountConstraintComponent),
                        (SH.qualifiedMaxCount, ">", SH.QualifiedMaxCountConstraintComponent),
                    ):
                        n = g.value(shape, bound)
                        if n is not None:
                            add(
                                comp,
                                f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {p} ?value FILTER ({cond}) }} }} "
                                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) {op} {int(n)})",
                            )
                elif param == SH.lessThanOrEquals:
                    add(
                        SH.LessThanOrEqualsConstraintComponent,
                        f"SELECT ?this ?value WHERE {{ {focus} ?this {p} ?value . ?this {_sparql_term(arg)} ?other . "
                        f"FILTER (!COALESCE(?value <= ?other, false)) }}",
                    )
                else:
                    cond = self._condition(shape, param, arg, "?value")
                    add(
                        _COMPONENT[param],
                        f"SELECT ?this ?value WHERE {{ {focus} ?this {p} ?value . FILTER (!({cond})) }}",
                    )

    def _condition(self, shape, param, arg, var: str) -> str:
        """A SPARQL expression true when ``var`` satisfies one value-level constraint."""
        g = self.graph
        if param == SH["class"]:
            return f"EXISTS {{ {var} rdf:type/rdfs:subClassOf* {_sparql_term(arg)} }}"
        if param == SH.datatype:
            return f"(isLiteral({var}) && DATATYPE({var}) = {_sparql_term(arg)})"
        if param == SH.languageIn:
            langs = [str(x) for x in Collection(g, arg)]
            return (
                f'(LANG({var}) != "" && ('
                + " || ".join(f"LANGMATCHES(LANG({var}), {_str(x)})" for x in langs)
                + "))"
            )
        if param == SH.minLength:
            return f"(!isBlank({var}) && STRLEN(STR({var})) >= {int(arg)})"
        if param == SH.maxLength:
            return f"(!isBlank({var}) && STRLEN(STR({var})) <= {int(arg)})"
        ops = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
        if param in ops:
            return f"COALESCE({var} {ops[param]} {_sparql_term(arg)}, false)"
        if param == SH.pattern:
            flags = g.value(shape, SH.flags)
            extra = f", {_str(str(flags))}" if flags else ""
            return f"(!isBlank({var}) && REGEX(STR({var}), {_str(str(arg))}{extra}))"
        if param == SH["in"]:
            members = list(Collection(g, arg))
            return (
                "(" + " || ".join(f"sameTerm({var}, {_sparql_term(m)})" for m in members) + ")"
                if members
                else "false"
            )
        if param == SH.hasValue:
            return f"sameTerm({var}, {_sparql_term(arg)})"
        if param == SH.node:
            return self._conforms(arg, var)
        if param == SH["or"]:
            return "(" + " || ".join(self._conforms(m, var) for m in Collection(g, arg)) + ")"
        if param == SH["not"]:
            return f"!({self._conforms(arg, var)})"
        raise ShapesError(f"{compact(shape)}: {compact(param)} is not supported here by the perr engine")

    def _conforms(self, shape, var: str) -> str:
        """A SPARQL expression true when ``var`` conforms to a nested shape (sh:node, sh:or, sh:not, qualified)."""
        g = self.graph
        conds = []
        for param in sorted(set(g.predicates(shape, None)), key=str):
            if param in _NOT_CONSTRAINTS:
                continue
            for arg in g.objects(shape, param):
                conds.append(self._condition(shape, param, arg, var))
        for ps in g.objects(shape, SH.property):
            path = _sparql_path(g, g.value(ps, SH.path))
            for param in sorted(set(g.predicates(ps, None)), key=str):
                if param in _NOT_CONSTRAINTS:
                    continue
                arg = g.value(ps, param)
                v = f"?_n{next(self._vars)}"
                if param == SH.hasValue:
                    conds.append(f"EXISTS {{ {var} {path} {_sparql_term(arg)} }}")
                elif param == SH.minCount and int(arg) == 1:
                    conds.append(f"EXISTS {{ {var} {path} {v} }}")
                elif param in (SH["class"], SH.datatype, SH.hasValue, SH["in"], SH.pattern):
                    conds.append(
                        f"NOT EXISTS {{ {var} {path} {v} FILTER (!({self._condition(ps, param, arg, v)})) }}"
                    )
                else:
                    raise ShapesError(
                        f"{compact(ps)}: {compact(param)} in a nested shape is not supported by the "
                        "perr engine"
                    )
        return "(" + " && ".join(conds) + ")" if conds else "true"

    def _sparql_constraint(self, constraint, focus: str, path: str | None) -> str:
        """SHACL-SPARQL (SHACL §5.3): ``$this`` is joined to the focus nodes in the top-level group."""
        g = self.graph
        select = g.value(constraint, SH.select)
        if select is None:
            raise ShapesError(f"SPARQL constraint of {compact(g.value(None, SH.sparql))} has no sh:select")
        prologue = []
        for prefixes in g.objects(constraint, SH.prefixes):
            for decl in g.objects(prefixes, SH.declare):
                prologue.append(f"PREFIX {g.value(decl, SH.prefix)}: <{g.value(decl, SH.namespace)}>")
        q = re.sub(r"\$this\b", "?this", str(select))
        if path is not None:
            q = re.sub(r"\$PATH\b", path, q)
        m = re.search(r"\bWHERE\s*\{", q, re.IGNORECASE) or re.search(r"\{", q)
        if m is None:
            raise ShapesError("a SPARQL constraint's sh:select has no WHERE clause")
        q = q[: m.end()] + f" {focus} " + q[m.end() :]
        return "\n".join(sorted(set(prologue))) + "\n" + q


def _true(v) -> bool:
    return v is not None and str(v).lower() == "true"


def _str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _sparql_term(t) -> str:
    if isinstance(t, URIRef):
        return f"<{t}>"
    if isinstance(t, Literal):
        lexical = _str(str(t))
        if t.language:
            return f"{lexical}@{t.language}"
        if t.datatype:
            return f"{lexical}^^<{t.datatype}>"
        return lexical
    raise ShapesError(f"a blank node cannot be used as a value in a shape ({t})")


def _path_value(g: Graph, node):
    """A shapes-graph path as a Python value: URIRef, ("seq", …), ("inv", p), ("alt", …), ("star"|"plus"|"opt", p)."""
    if isinstance(node, URIRef):
        return node
    if (node, RDF.first, None) in g:
        return ("seq", *[_path_value(g, x) for x in Collection(g, node)])
    for prop, kind in (
        (SH.inversePath, "inv"),
        (SH.zeroOrMorePath, "star"),
        (SH.oneOrMorePath, "plus"),
        (SH.zeroOrOnePath, "opt"),
    ):
        inner = g.value(node, prop)
        if inner is not None:
            return (kind, _path_value(g, inner))
    alt = g.value(node, SH.alternativePath)
    if alt is not None:
        return ("alt", *[_path_value(g, x) for x in Collection(g, alt)])
    raise ShapesError(f"unsupported property path {node}")


def _sparql_path(g: Graph, node) -> str:
    def render(p) -> str:
        if isinstance(p, URIRef):
            return f"<{p}>"
        kind, *parts = p
        if kind in ("seq", "alt"):
            return "(" + ("/" if kind == "seq" else "|").join(render(x) for x in parts) + ")"
        if kind == "inv":
            return f"^({render(parts[0])})"
        return f"({render(parts[0])})" + {"star": "*", "plus": "+", "opt": "?"}[kind]

    return render(_path_value(g, node))


_PROLOGUE = "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


# ==========================================================================================================
# Terms between rdflib and pyoxigraph
# ==========================================================================================================


def to_ox(t):
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


def from_ox(t):
    import pyoxigraph as ox

    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return Literal(t.value, lang=t.language)
        dt = t.datatype.value
        return Literal(t.value, datatype=None if dt == str(XSD.string) else URIRef(dt))
    raise TypeError(f"not an RDF term: {t!r}")


def add_graph(store, graph: Graph, name: URIRef) -> None:
    """Copy an rdflib graph into the store, as the named graph ``name`` (the graph itself is not touched)."""
    import pyoxigraph as ox

    gname = ox.NamedNode(str(name))
    cache: dict = {}

    def conv(t):
        o = cache.get(t)
        if o is None:
            o = cache[t] = to_ox(t)
        return o

    store.extend([ox.Quad(conv(s), conv(p), conv(o), gname) for s, p, o in graph])


# ==========================================================================================================
# Running the checks
# ==========================================================================================================


@dataclass
class Unit:
    """What to validate: the unit's own graphs, plus the shared graphs (as data)."""

    name: str
    own: list  # graph names (str or ox.DefaultGraph) holding the unit's own data
    shared: list  # graph names of the shared graphs


def _graphs(names: Iterable):
    import pyoxigraph as ox

    out = []
    for n in names:
        if isinstance(n, ox.DefaultGraph):
            out.append(n)
        else:
            out.append(ox.NamedNode(str(n)))
    return out


def _select(store, query: str, graphs) -> list:
    try:
        return list(store.query(query, default_graph=graphs))
    except (SyntaxError, ValueError, OSError) as exc:
        raise ShapesError(f"a compiled shape query fails ({exc}):\n{query}") from None


def _subjects(store, graphs) -> set:
    if not graphs:
        return set()
    return {
        from_ox(r["s"]) for r in store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }", default_graph=graphs)
    }


def run_shapes(store, shapes: Shapes, unit: Unit) -> list[Result]:
    """Every compiled check on the union of the unit's graphs; results on shared-only nodes are left out."""
    graphs = _graphs(list(unit.own) + list(unit.shared))
    own_subjects = _subjects(store, _graphs(unit.own))
    shared_subjects = _subjects(store, _graphs(unit.shared)) if unit.shared else set()
    results: dict = {}
    for check in shapes.checks:
        for row in _select(store, _PROLOGUE + check.query, graphs):
            focus = from_ox(row["this"])
            if focus in shared_subjects and focus not in own_subjects:
                continue
            value = _get(row, "value")
            path = _get(row, "path")
            r = Result(
                focus,
                check.shape,
                check.severity,
                check.component,
                path if path is not None else check.path,
                value,
                node_shape=check.node_shape,
            )
            results.setdefault(r.key, r)
    return list(results.values())


def _get(row, var: str):
    try:
        return from_ox(row[var])
    except (KeyError, IndexError):
        return None


_QUOTES = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX perr: <https://w3id.org/perr-graph/ontology#>
SELECT ?fact ?file ?start ?end ?exact WHERE {
    ?fact prov:wasDerivedFrom ?evidence .
    ?evidence oa:hasSource ?source ; perr:lineStart ?start ; perr:lineEnd ?end ; oa:hasSelector ?selector .
    ?selector a oa:TextQuoteSelector ; oa:exact ?exact .
    ?source dcterms:identifier ?file .
}"""


def check_quotes(store, unit: Unit, sources: Path | None = None) -> tuple[list[Result], list[str]]:
    """``perrsh:QuoteMatchesSource``: every quote stands verbatim in its lines of the source file, when that file is
    under ``sources`` (docs/model.md: "a substring of those lines", lines joined by newlines)."""
    from perr_graph.inputs.catalogue import SourceText

    results, notes, texts, missing = [], [], {}, set()
    if sources is None:
        return results, ["quotes not compared with the source texts (no sources folder)"]
    for row in store.query(_QUOTES, default_graph=_graphs(list(unit.own) + list(unit.shared))):
        file = row["file"].value
        if "/" in file or "\\" in file or file in ("", ".", ".."):
            missing.add(file)
            continue
        if file not in texts:
            path = Path(sources) / file
            try:
                texts[file] = SourceText.load(path) if path.is_file() else None
            except PerrError:
                texts[file] = None
        text = texts[file]
        if text is None:
            missing.add(file)
            continue
        start, end, exact = int(row["start"].value), int(row["end"].value), row["exact"].value
        ok = 1 <= start <= end <= len(text.lines) and exact in "\n".join(text.lines[start - 1 : end])
        if not ok:
            results.append(
                Result(
                    from_ox(row["fact"]),
                    QUOTE_SHAPE,
                    SH.Violation,
                    QUOTE_COMPONENT,
                    ("seq", *QUOTE_PATH),
                    from_ox(row["exact"]),
                    line=start,
                    node_shape=QUOTE_SHAPE,
                )
            )
    for file in sorted(missing):
        notes.append(f"quotes citing {file!r} not compared: the file is not under {sources}")
    unique = {(*r.key, r.line): r for r in results}
    return list(unique.values()), notes


_LABELS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX perr: <https://w3id.org/perr-graph/ontology#>
SELECT ?s ?label WHERE {
    { ?s rdfs:label ?label } UNION { ?s skos:prefLabel ?label }
    UNION { ?s <http://xmlns.com/foaf/0.1/name> ?label }
    UNION { ?s a perr:Signatory ; perr:organization/skos:prefLabel ?org . BIND (CONCAT("signatory: ", STR(?org)) AS ?label) }
    UNION { ?s a perr:Involvement ; perr:partner/skos:prefLabel ?org . ?c perr:involvement ?s ; rdfs:label ?cl .
            BIND (CONCAT(STR(?org), " in « ", STR(?cl), " »") AS ?label) }
}"""

_LOCATIONS = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX perr: <https://w3id.org/perr-graph/ontology#>
SELECT ?s ?file (MIN(?line) AS ?first) WHERE {
    { ?s prov:wasDerivedFrom ?evidence . ?evidence oa:hasSource ?source ; perr:lineStart ?line . }
    UNION { ?s oa:hasSource ?source ; perr:lineStart ?line . }
    UNION { ?signatory perr:person ?s ; prov:wasDerivedFrom ?evidence . ?evidence oa:hasSource ?source ;
            perr:lineStart ?line . }
    ?source dcterms:identifier ?file .
} GROUP BY ?s ?file"""


def _restrict(query: str, values: str) -> str:
    """``query`` with ``values`` (a VALUES block) at the start of its WHERE clause."""
    m = re.search(r"\bWHERE\s*\{", query)
    return query[: m.end()] + " " + values + query[m.end() :]


def describe(store, unit: Unit, results: list[Result], values: str | None = None) -> tuple[dict, dict]:
    """Labels (rdfs:label / skos:prefLabel, or the nearest labelled parent IRI) and source locations (file, first
    line, from prov:wasDerivedFrom, or from the nearest parent IRI that has one) of the results' nodes.
    ``values`` (a ``VALUES ?s { … }`` block) restricts the nodes read to those it lists."""
    graphs = _graphs(list(unit.own) + list(unit.shared))
    label_query, location_query = (
        (_LABELS, _LOCATIONS)
        if values is None
        else (_restrict(_LABELS, values), _restrict(_LOCATIONS, values))
    )
    labels: dict = {}
    for row in store.query(label_query, default_graph=graphs):
        s, label = from_ox(row["s"]), row["label"]
        if s not in labels or (getattr(label, "language", None) == "fr"):
            labels[s] = label.value
    locations: dict = {}
    for row in store.query(location_query, default_graph=graphs):
        s = from_ox(row["s"])
        line = int(row["first"].value)
        if s not in locations or line < locations[s][1]:
            locations[s] = (row["file"].value, line)
    out_labels, out_locations = {}, {}
    for r in results:
        for node in (r.focus, r.value):
            if node is None or node in out_labels:
                continue
            label = _nearest(node, labels)
            if label is not None:
                found, suffix = label
                out_labels[node] = found if not suffix else f"{found} › {suffix}"
        loc = _nearest(r.focus, locations)
        if loc is not None:
            out_locations[r.focus] = loc[0]
    return out_labels, out_locations


def _nearest(node, table: dict):
    """``table[node]``, or the entry of the closest IRI parent (``…/commitment/L330/involvement/etat`` →
    ``…/commitment/L330``) with the rest of the IRI as a suffix."""
    if node in table:
        return table[node], ""
    if not isinstance(node, URIRef):
        return None
    s = str(node)
    if not s.startswith(str(ns.ID)):
        return None
    parts = s.split("/")
    for cut in range(len(parts) - 1, s.count("/") - str(ns.ID).count("/") + 1, -1):
        parent = URIRef("/".join(parts[:cut]))
        if parent in table:
            return table[parent], "/".join(parts[cut:])
    return None


# ==========================================================================================================
# Validation units from a store; the API
# ==========================================================================================================


def validate_store(
    store,
    units: list[Unit],
    shapes: Shapes | None = None,
    sources: Path | None = None,
    fail_on: str = "violation",
) -> Report:
    """Validate each unit of a pyoxigraph store (read only) with the ``perr`` engine."""
    shapes = shapes or Shapes.load()
    reports = []
    for unit in units:
        results = run_shapes(store, shapes, unit)
        notes: list[str] = []
        if unit.name != SHARED:
            quote_results, notes = check_quotes(store, unit, sources)
            results += quote_results
        labels, locations = describe(store, unit, results)
        graph = (
            str(unit.own[0])
            if unit.name != SHARED and len(unit.own) == 1 and isinstance(unit.own[0], str)
            else None
        )
        reports.append(UnitReport(unit.name, graph, results, labels, locations, notes))
    return Report(reports, shapes, fail_on)


def validate(
    data_graph: Graph,
    shacl_graph: Graph | Shapes | None = None,
    ont_graph: Graph | None = None,
    *,
    shared: Graph | Iterable[Graph] | None = None,
    sources: Path | None = None,
    fail_on: str = "violation",
    lang: str = "en",
    engine: str = "perr",
    name: str = "data",
) -> tuple[bool, Graph, str]:
    """Validate one protocol graph, pySHACL style: ``(conforms, report_graph, report_text)``.

    ``shared`` graphs (ontology, registry, reference) and ``ont_graph`` are added as data; results on nodes that
    only they describe are left out. ``conforms`` is False when a result is at or above ``fail_on``. No input graph
    is modified."""
    report = validate_report(
        data_graph,
        shacl_graph,
        ont_graph,
        shared=shared,
        sources=sources,
        fail_on=fail_on,
        engine=engine,
        name=name,
    )
    return report.conforms, report.graph(), report.text(lang)


def validate_report(
    data_graph: Graph,
    shacl_graph: Graph | Shapes | None = None,
    ont_graph: Graph | None = None,
    *,
    shared: Graph | Iterable[Graph] | None = None,
    sources: Path | None = None,
    fail_on: str = "violation",
    engine: str = "perr",
    name: str = "data",
) -> Report:
    """As :func:`validate`, but returns the :class:`Report` (results, labels, source lines)."""
    import pyoxigraph as ox

    check_severity(fail_on)
    shapes = (
        shacl_graph
        if isinstance(shacl_graph, Shapes)
        else Shapes(shacl_graph)
        if shacl_graph is not None
        else Shapes.load()
    )
    shared_graphs = [shared] if isinstance(shared, Graph) else list(shared or [])
    if ont_graph is not None:
        shared_graphs.append(ont_graph)
    store = ox.Store()
    own_name = URIRef("urn:perr:validate:data")
    add_graph(store, data_graph, own_name)
    shared_names = []
    for i, g in enumerate(shared_graphs):
        gname = URIRef(f"urn:perr:validate:shared{i}")
        add_graph(store, g, gname)
        shared_names.append(gname)
    unit = Unit(name, [own_name], shared_names)
    if engine == "pyshacl":
        results = run_pyshacl(data_graph, shared_graphs, shapes, store, unit)
        quote_results, notes = check_quotes(store, unit, sources)
        results += quote_results
        labels, locations = describe(store, unit, results)
        return Report([UnitReport(name, None, results, labels, locations, notes)], shapes, fail_on)
    if engine != "perr":
        raise InputError(f"unknown engine {engine!r} (use perr or pyshacl)")
    report = validate_store(store, [unit], shapes, sources, fail_on)
    report.units[0].graph = None
    return report


def run_pyshacl(
    data_graph: Graph, shared_graphs: list[Graph], shapes: Shapes, store, unit: Unit
) -> list[Result]:
    """The same validation with pySHACL (the reference engine) on an rdflib union graph (a copy)."""
    from pyshacl import validate as pyshacl_validate

    union = Graph()
    for g in [data_graph, *shared_graphs]:
        for t in g:
            union.add(t)
    _, report, _ = pyshacl_validate(
        union, shacl_graph=shapes.graph, inplace=True, allow_infos=True, allow_warnings=True
    )
    return results_from_report(
        report,
        shapes.graph,
        exclude=_subjects(store, _graphs(unit.shared)) - _subjects(store, _graphs(unit.own)),
    )


def results_from_report(report: Graph, shapes_graph: Graph, exclude: set = frozenset()) -> list[Result]:
    """Results of a SHACL report graph (pySHACL's), as :class:`Result` (paths read from the shapes graph)."""
    out = {}
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(node, SH.focusNode)
        if focus in exclude:
            continue
        path_node = report.value(node, SH.resultPath)
        path = None
        if path_node is not None:
            path = (
                _path_value(report, path_node)
                if (path_node, None, None) in report or isinstance(path_node, URIRef)
                else None
            )
        r = Result(
            focus,
            report.value(node, SH.sourceShape),
            report.value(node, SH.resultSeverity),
            report.value(node, SH.sourceConstraintComponent),
            path,
            report.value(node, SH.value),
        )
        out.setdefault(r.key, r)
    return list(out.values())


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _line_of(exc: Exception) -> int | None:
    """The line an rdflib or pyoxigraph parser error points at (``lineno`` or "line N" in its message)."""
    line = getattr(exc, "lineno", None)
    if isinstance(line, int):
        return line
    m = re.search(r"\bline:?\s*(\d+)", str(exc), re.IGNORECASE)
    return int(m.group(1)) if m else None


# ==========================================================================================================
# Datasets and files (what `perr validate` reads)
# ==========================================================================================================


def discover_units(store) -> tuple[list[Unit], list[str]]:
    """The validation units of a store: each named graph except the shared ones (ontology, registry, reference)
    and the build's other ``graph:`` graphs (dataset description …), and the default graph when it holds triples;
    a protocol's graph of inferences (``graph:inferences/<pid>``) joins its protocol's unit. Returns (units, shared
    graphs present in the store)."""
    import pyoxigraph as ox

    special = {str(g) for g in SHARED_GRAPHS}
    present, units = [], []
    names = sorted(store.named_graphs(), key=lambda n: n.value)
    inferences = {g.value for g in names if g.value.startswith(str(ns.GRAPH) + "inferences/")}
    for g in names:
        if g.value in special:
            present.append(g.value)
        elif g.value.startswith(str(ns.GRAPH)) and not g.value.startswith(str(ns.GRAPH) + "protocol/"):
            continue  # the build's other graphs (dataset description …) are not protocols
        else:
            # a protocol's graph of inferences is validated with it (its inferred involvements hang on it)
            pid = g.value[len(str(ns.GRAPH) + "protocol/") :]
            own = [g.value, *(x for x in [str(ns.inference_graph(pid))] if x in inferences)]
            units.append(Unit(_unit_name(store, g), own, []))
    if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        units.append(Unit(_unit_name(store, ox.DefaultGraph()), [ox.DefaultGraph()], []))
    return units, sorted(present, key=[str(g) for g in SHARED_GRAPHS].index)


def _unit_name(store, graph) -> str:
    import pyoxigraph as ox

    protocol_prefix = str(ns.ID) + "protocol/"
    rows = list(store.query(f"SELECT ?p WHERE {{ ?p a <{ns.PERR.Protocol}> }}", default_graph=[graph]))
    pids = sorted(
        r["p"].value[len(protocol_prefix) :]
        for r in rows
        if isinstance(r["p"], ox.NamedNode) and r["p"].value.startswith(protocol_prefix)
    )
    if len(pids) == 1 and "/" not in pids[0]:
        return pids[0]
    if isinstance(graph, ox.DefaultGraph):
        return "default graph"
    name = graph.value
    if name.startswith("file://"):
        return Path(name[len("file://") :]).name
    return name.rstrip("/").rsplit("/", 1)[-1]


def open_units(files: list[Path] | None = None, shared: bool = True, dataset: Path | None = None):
    """What ``perr validate`` reads: the built ``dataset`` (``files`` empty), or the given RDF files, as a
    pyoxigraph store and its validation units.

    Each protocol graph is one unit, with the shared graphs; a file without named graphs is one protocol. Shared
    graphs a file does not bring are taken from the built dataset (only the ontology when ``shared`` is False: the
    shapes' class checks need its rdfs:subClassOf). The shared graphs are a unit of their own, ``shared``, when
    they are the built dataset's own or the files bring them."""
    import pyoxigraph as ox

    from perr_graph.store import load_file, open_store

    if files:
        store = ox.Store()
        for f in files:
            load_file(store, Path(f))
    elif dataset is not None:
        store = open_store([dataset])
    else:
        raise InputError("nothing to validate: give RDF files or the built dataset")
    units, present = discover_units(store)
    if not units:
        raise InputError(
            "no protocol graph to validate (the input holds only shared graphs)", files[0] if files else None
        )
    report_shared = bool(present)
    wanted = [str(g) for g in SHARED_GRAPHS] if shared else [str(ns.ONTOLOGY_GRAPH)]
    missing = [g for g in wanted if g not in present]
    if missing:
        if dataset is None:
            raise InputError(
                f"the files lack the shared graph(s) {', '.join(missing)} and no built dataset was given to "
                "take them from",
                files[0] if files else None,
            )
        built = open_store([dataset])
        for g in missing:
            store.extend(list(built.quads_for_pattern(None, None, None, ox.NamedNode(g))))
    shared_names = [g for g in (str(x) for x in SHARED_GRAPHS) if g in present or g in missing]
    for u in units:
        u.shared = shared_names
    if report_shared:
        units.append(Unit(SHARED, [g for g in shared_names if g in present], []))
    return store, units


def check_severity(fail_on: str) -> None:
    if fail_on not in SEVERITIES:
        raise InputError(f"unknown severity {fail_on!r} (use violation, warning or info)")


def validate_dataset(
    files: list[Path] | None = None,
    shared: bool = True,
    shapes: Shapes | None = None,
    sources: Path | None = None,
    fail_on: str = "violation",
    dataset: Path | None = None,
) -> Report:
    """The reference path of ``perr validate`` (:func:`open_units`, then :func:`validate_store`): every check of
    every protocol on the one store that holds them all. :mod:`perr_graph.validate_fast` gives the same report,
    linear in the number of protocols. ``sources``: the folder of the source texts the quotes are compared with
    (None: not compared); ``dataset``: the built dataset, validated when ``files`` is empty and the source of the
    shared graphs the files lack."""
    check_severity(fail_on)
    store, units = open_units(files, shared, dataset)
    return validate_store(store, units, shapes or Shapes.load(), sources, fail_on)
