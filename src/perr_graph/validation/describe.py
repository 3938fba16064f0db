"""What makes a result readable: labels of its nodes, where its focus node stands in the source texts, and
what exactly is wrong, in words (a detail per result, in French and English, from its constraint component:
"no pillar", "2 values of pillar, at most 1 expected: « … », « … »").

Labels are ``rdfs:label``, ``skos:prefLabel`` or ``foaf:name`` (French first), or, for a node without one, the
label of its nearest parent IRI with the rest of the IRI (``…/commitment/L330/involvement/etat``). A focus node
is located by the evidence of ``prov:wasDerivedFrom`` (its file and first line, docs/model.md, "Provenance"), or
by its nearest parent IRI's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rdflib import Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from perr_graph import namespaces as ns
from perr_graph.validation import paths
from perr_graph.validation.model import Location, Result
from perr_graph.validation.quotes import QUOTE_COMPONENT, Locator
from perr_graph.validation.shapes import Shapes
from perr_graph.validation.terms import compact, from_ox, local_name
from perr_graph.validation.wording import LANGUAGES, no_value, tr

_LABELS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX perr: <https://w3id.org/perr-graph/ontology#>
SELECT ?s ?label ?org ?commitment WHERE {
    VALUES ?s { %s }
    { ?s rdfs:label ?label } UNION { ?s skos:prefLabel ?label } UNION { ?s <http://xmlns.com/foaf/0.1/name> ?label }
    UNION { ?s a perr:Signatory ; perr:organization/skos:prefLabel ?org . }
    UNION { ?s a perr:Involvement ; perr:partner/skos:prefLabel ?org . ?c perr:involvement ?s ; rdfs:label ?commitment }
}"""

_LOCATIONS = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX perr: <https://w3id.org/perr-graph/ontology#>
SELECT ?s ?id ?path ?line ?exact WHERE {
    VALUES ?s { %s }
    { ?s prov:wasDerivedFrom ?evidence . ?evidence oa:hasSource ?source ; perr:lineStart ?line . }
    UNION { ?s oa:hasSource ?source ; perr:lineStart ?line . BIND (?s AS ?evidence) }
    UNION { ?signatory perr:person ?s ; prov:wasDerivedFrom ?evidence . ?evidence oa:hasSource ?source ;
            perr:lineStart ?line . }
    ?source dcterms:identifier ?id .
    OPTIONAL { ?source rdfs:label ?path }
    OPTIONAL { ?evidence oa:hasSelector/oa:exact ?exact }
}"""

_IRI_OK = re.compile(r'^[^\s<>"{}|\\^`]*$')
_LANG_ORDER = {"fr": 0, None: 1, "en": 2}


@dataclass
class Described:
    """Labels, locations and details of a unit's results."""

    labels: dict[Node, str]
    locations: dict[Node, Location]
    details: dict[Any, dict[str, str]]


def _values(nodes: set[Node]) -> str:
    return " ".join(
        f"<{n}>" for n in sorted(nodes, key=str) if isinstance(n, URIRef) and _IRI_OK.match(str(n))
    )


def _parents(node: Node) -> list[URIRef]:
    """The IRI's parents inside the project's ``id:`` space, nearest first."""
    if not isinstance(node, URIRef) or not str(node).startswith(str(ns.ID)):
        return []
    s = str(node)
    parts = s.split("/")
    top = str(ns.ID).count("/") + 1
    return [URIRef("/".join(parts[:cut])) for cut in range(len(parts) - 1, top, -1)]


def _nearest(node: Node, table: dict[Node, Any]) -> tuple[Any, str] | None:
    if node in table:
        return table[node], ""
    for parent in _parents(node):
        if parent in table:
            return table[parent], str(node)[len(str(parent)) + 1 :]
    return None


def describe(store: Any, results: list[Result], shapes: Shapes, locator: Locator) -> Described:
    """Labels, locations and details of ``results``, read from the unit's ``store``."""
    wanted: set[Node] = set()
    for r in results:
        for node in (r.focus, r.value):
            if node is not None:
                wanted.add(node)
                wanted.update(_parents(node))
        if r.path is not None:
            wanted.update(paths.predicates(r.path))
        wanted.update(o for o in shapes.graph.objects(r.shape, SH["class"]))
    labels = _labels(store, wanted)
    out_labels: dict[Node, str] = {}
    for r in results:
        for node in (r.focus, r.value):
            if node is None or node in out_labels:
                continue
            found = _nearest(node, {k: v[None] for k, v in labels.items() if None in v})
            if found is not None:
                out_labels[node] = found[0] if not found[1] else f"{found[0]} › {found[1]}"
    locations = _locations(store, {r.focus for r in results}, locator)
    located = {}
    for r in results:
        loc = _nearest(r.focus, locations)
        if loc is not None:
            located[r.focus] = loc[0]
    words = _Words(store, shapes, labels, out_labels)
    details = {r.key: {lang: words.detail(r, lang) for lang in LANGUAGES} for r in results}
    return Described(out_labels, located, details)


def _labels(store: Any, nodes: set[Node]) -> dict[Node, dict[str | None, str]]:
    """Each node's label per language (None: the one shown whatever the language, French first)."""
    values = _values(nodes)
    found: dict[Node, list[tuple[int, str, str | None]]] = defaultdict(list)
    if values:
        for row in store.query(_LABELS % values):
            s = from_ox(row["s"])
            label = row["label"]
            if label is not None:
                lang = label.language or None
                found[s].append((_LANG_ORDER.get(lang, 3), label.value, lang))
            elif row["commitment"] is not None:
                found[s].append((0, f"{row['org'].value} › « {row['commitment'].value} »", None))
            elif row["org"] is not None:
                found[s].append((0, row["org"].value, None))
    out: dict[Node, dict[str | None, str]] = {}
    for s, rows in found.items():
        rows.sort()
        out[s] = {None: rows[0][1]}
        for _, text, lang in rows:
            if lang is not None:
                out[s].setdefault(lang, text)
    return out


def _locations(store: Any, focus: set[Node], locator: Locator) -> dict[Node, Location]:
    nodes = set(focus)
    for f in focus:
        nodes.update(_parents(f))
    values = _values(nodes)
    best: dict[Node, tuple[int, str, str, str | None]] = {}
    if values:
        for row in store.query(_LOCATIONS % values):
            s, line = from_ox(row["s"]), int(row["line"].value)
            file_id = row["id"].value
            shown = row["path"].value if row["path"] is not None else locator.path(file_id)
            exact = row["exact"].value if row["exact"] is not None else None
            candidate = (line, shown, file_id, exact)
            if s not in best or candidate[:2] < best[s][:2]:
                best[s] = candidate
    return {
        s: Location(shown, line, locator.column(file_id, line, exact) if exact else None)
        for s, (line, shown, file_id, exact) in best.items()
    }


class _Words:
    """The detail of a result, in words, from its constraint component (SHACL §4)."""

    def __init__(self, store: Any, shapes: Shapes, labels: dict[Node, dict[str | None, str]], shown: dict):
        self.store, self.shapes, self.labels, self.shown = store, shapes, labels, shown

    def label(self, node: Node | None, lang: str) -> str:
        if node is None:
            return ""
        by_lang = self.labels.get(node, {})
        return by_lang.get(lang) or by_lang.get(None) or compact(node)

    def value(self, node: Node | None, lang: str = "fr") -> str:
        if node is None:
            return "—"
        if isinstance(node, Literal):
            text = " ".join(str(node).split())
            return f"« {text if len(text) <= 60 else text[:59] + '…'} »"
        label = self.shown.get(node)
        return f"« {label} »" if label else compact(node)

    def path(self, r: Result, lang: str) -> str:
        if r.path is None:
            return "—"
        if isinstance(r.path, URIRef):
            return self.label(r.path, lang)
        return paths.text(r.path) or "—"

    def param(self, r: Result, name: str) -> Node | None:
        return self.shapes.graph.value(r.shape, SH[name])

    def path_values(self, r: Result) -> list[Node]:
        if not isinstance(r.focus, URIRef) or r.path is None:
            return []
        query = f"SELECT DISTINCT ?v WHERE {{ <{r.focus}> {paths.key(r.path)} ?v }}"
        try:
            return sorted((from_ox(row["v"]) for row in self.store.query(query)), key=str)
        except (SyntaxError, ValueError):
            return []

    def detail(self, r: Result, lang: str) -> str:
        name = local_name(r.component)
        if r.component == QUOTE_COMPONENT:
            return tr(
                lang, "the quote %(value)s is not in the lines of the source", value=self.value(r.value)
            )
        handler = _DETAILS.get(name)
        v = self.value(r.value, lang)
        if handler is None:
            return (
                tr(lang, "%(value)s", value=v)
                if r.value is not None
                else tr(
                    lang,
                    "the constraint %(component)s of %(shape)s is not met",
                    component=name,
                    shape=self.shapes.name(r.shape),
                )
            )
        return handler(self, r, lang, v)


def _min_count(w: _Words, r: Result, lang: str, v: str) -> str:
    n = len(w.path_values(r))
    if n == 0:
        return no_value(lang, w.path(r, lang))
    return tr(lang, "%(count)s values of %(path)s, at least %(min)s expected", count=n, path=w.path(r, lang),
              min=w.param(r, "minCount"))  # fmt: skip


def _max_count(w: _Words, r: Result, lang: str, v: str) -> str:
    values = w.path_values(r)
    return tr(lang, "%(count)s values of %(path)s, at most %(max)s expected: %(values)s", count=len(values),
              path=w.path(r, lang), max=w.param(r, "maxCount"),
              values=", ".join(w.value(x, lang) for x in values[:5]) + (" …" if len(values) > 5 else ""))  # fmt: skip


def _in(w: _Words, r: Result, lang: str, v: str) -> str:
    head = w.param(r, "in")
    members = list(Collection(w.shapes.graph, head)) if head is not None else []
    shown = ", ".join(w.value(m, lang) for m in members[:6]) + (" …" if len(members) > 6 else "")
    return tr(lang, "%(value)s is not among %(allowed)s", value=v, allowed=f"[{shown}]")


def _language_in(w: _Words, r: Result, lang: str, v: str) -> str:
    head = w.param(r, "languageIn")
    tags = [str(t) for t in Collection(w.shapes.graph, head)] if head is not None else []
    return tr(lang, "%(value)s is not in %(languages)s", value=v, languages=", ".join(tags))


def _shape_message(w: _Words, r: Result, lang: str, v: str) -> str:
    nested = w.param(r, "node")
    message = w.shapes.message(nested, lang) if nested is not None else None
    if message:
        return tr(lang, "%(value)s: %(why)s", value=v, why=message)
    return tr(lang, "%(value)s does not conform to %(shape)s", value=v, shape=w.shapes.name(nested))


def _simple(msgid: str, **params: str) -> Callable[[_Words, Result, str, str], str]:
    def detail(w: _Words, r: Result, lang: str, v: str) -> str:
        values: dict[str, object] = {"value": v, "path": w.path(r, lang)}
        for key, param in params.items():
            node = w.param(r, param)
            values[key] = (
                compact(node)
                if key in ("datatype", "kind")
                else w.label(node, lang)
                if key in ("class", "other")
                else str(node)
                if isinstance(node, Literal)
                else w.value(node, lang)
            )
        return tr(lang, msgid, **values)

    return detail


_DETAILS: dict[str, Callable[[_Words, Result, str, str], str]] = {
    "MinCountConstraintComponent": _min_count,
    "MaxCountConstraintComponent": _max_count,
    "InConstraintComponent": _in,
    "NodeConstraintComponent": _shape_message,
    "DatatypeConstraintComponent": _simple("%(value)s is not of type %(datatype)s", datatype="datatype"),
    "ClassConstraintComponent": _simple("%(value)s is not a %(class)s", **{"class": "class"}),
    "NodeKindConstraintComponent": _simple("%(value)s is not a %(kind)s", kind="nodeKind"),
    "HasValueConstraintComponent": _simple("%(expected)s missing from %(path)s", expected="hasValue"),
    "PatternConstraintComponent": _simple("%(value)s does not match %(pattern)s", pattern="pattern"),
    "MinLengthConstraintComponent": _simple("%(value)s is shorter than %(n)s characters", n="minLength"),
    "MaxLengthConstraintComponent": _simple("%(value)s is longer than %(n)s characters", n="maxLength"),
    "MinInclusiveConstraintComponent": _simple("%(value)s is below %(limit)s", limit="minInclusive"),
    "MinExclusiveConstraintComponent": _simple("%(value)s is not above %(limit)s", limit="minExclusive"),
    "MaxInclusiveConstraintComponent": _simple("%(value)s is above %(limit)s", limit="maxInclusive"),
    "MaxExclusiveConstraintComponent": _simple("%(value)s is not below %(limit)s", limit="maxExclusive"),
    "LanguageInConstraintComponent": _language_in,
    "UniqueLangConstraintComponent": _simple("two values of %(path)s in one language"),
    "EqualsConstraintComponent": _simple("%(value)s differs from %(other)s", other="equals"),
    "DisjointConstraintComponent": _simple("%(value)s is also a value of %(other)s", other="disjoint"),
    "LessThanConstraintComponent": _simple("%(value)s is not below %(other)s", other="lessThan"),
    "LessThanOrEqualsConstraintComponent": _simple("%(value)s is above %(other)s", other="lessThanOrEquals"),
    "NotConstraintComponent": _simple("%(value)s conforms to a shape it must not conform to"),
    "OrConstraintComponent": _simple("%(value)s conforms to none of the shapes"),
    "AndConstraintComponent": _simple("%(value)s does not conform to all the shapes"),
    "XoneConstraintComponent": _simple("%(value)s conforms to more than one shape"),
    "QualifiedMinCountConstraintComponent": _simple(
        "fewer than %(n)s values of %(path)s of the expected kind", n="qualifiedMinCount"
    ),
    "QualifiedMaxCountConstraintComponent": _simple(
        "more than %(n)s values of %(path)s of the expected kind", n="qualifiedMaxCount"
    ),
    "ClosedConstraintComponent": _simple("property %(path)s not allowed: %(value)s"),
}
