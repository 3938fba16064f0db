"""The validation report as RDF: a SHACL validation report (SHACL §3.6, ``sh:ValidationReport`` with its
``sh:ValidationResult`` values) per unit, in Turtle written here so the same report always gives the same bytes
(results sorted, prefixes fixed, no generated blank-node label).

Beyond SHACL's properties, each unit's report carries its name (``rdfs:label``) and graph (``dcterms:subject``),
each result its message in French and English (``sh:resultMessage``) and, where its focus node stands in a source
text, a Web Annotation target: ``oa:hasTarget [ a oa:SpecificResource ; dcterms:identifier "<file>" ;
perr:lineStart <line> ]``. Blank nodes a result names (a focus node, a value, a shape) are described at the end of
the document, so that the report can be read on its own.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from perr_graph import namespaces as ns
from perr_graph.rdf.terms import literal, prefix_table, prefixed
from perr_graph.validation import paths
from perr_graph.validation.model import Report
from perr_graph.validation.render import record
from perr_graph.validation.shapes import PERRSH
from perr_graph.validation.terms import to_nt

_PREFIXES = {**{p: str(v) for p, v in ns.PREFIXES.items()}, "sh": str(SH), "perrsh": PERRSH}
_TABLE = prefix_table(_PREFIXES)
_I = "    "


def term(t: Node) -> str:
    """A term in Turtle: a prefixed name where the rest is a valid local name, else N-Triples."""
    if isinstance(t, URIRef):
        return prefixed(str(t), local="turtle", table=_TABLE) or f"<{t}>"
    if isinstance(t, Literal):
        return literal(str(t), t.language, str(t.datatype) if t.datatype else None, compact=True)
    return to_nt(t)


def turtle(report: Report, lang: str = "fr") -> str:
    """The whole report in Turtle (messages in both languages; ``lang`` orders nothing, it is kept for the
    signature shared with the other renderers)."""
    out = [f"@prefix {p}: <{iri}> .\n" for p, iri in sorted(_PREFIXES.items())]
    described: dict[str, list[str]] = {}
    for unit in report.units:
        out.append("\n[] a sh:ValidationReport ;\n")
        out.append(f"{_I}rdfs:label {term(Literal(unit.name))} ;\n")
        if unit.graph:
            out.append(f"{_I}dcterms:subject {term(URIRef(unit.graph))} ;\n")
        results = unit.sorted()
        conforms = report.unit_conforms(unit)
        out.append(f"{_I}sh:conforms {'true' if conforms else 'false'}" + (" ;\n" if results else " .\n"))
        for i, r in enumerate(results):
            out.append(f"{_I}sh:result [\n")
            lines = [
                "a sh:ValidationResult",
                f"sh:focusNode {term(r.focus)}",
            ]
            if r.path is not None:
                lines.append(f"sh:resultPath {paths.turtle(r.path, term)}")
            if r.value is not None:
                lines.append(f"sh:value {term(r.value)}")
            lines += [
                f"sh:sourceShape {term(r.shape)}",
                f"sh:sourceConstraintComponent {term(r.component)}",
                f"sh:resultSeverity {term(r.severity)}",
            ]
            messages = []
            for lg in ("en", "fr"):
                rec = record(report, unit, r, lg)
                text = rec["message"] + (
                    f" — {rec['detail']}" if rec["detail"] and rec["detail"] != rec["message"] else ""
                )
                messages.append(term(Literal(text, lang=lg)))
            lines.append("sh:resultMessage " + " , ".join(messages))
            loc = unit.location(r)
            if loc is not None:
                lines.append(
                    f"oa:hasTarget [ a oa:SpecificResource ; dcterms:identifier {term(Literal(loc.file))} ; "
                    f"perr:lineStart {loc.line} ]"
                )
            out.append("".join(f"{_I * 2}{line} ;\n" for line in lines[:-1]) + f"{_I * 2}{lines[-1]}\n")
            out.append(f"{_I}]" + (" ;\n" if i < len(results) - 1 else " .\n"))
            for node in (r.focus, r.value):
                if isinstance(node, BNode) and str(node) in unit.bnodes:
                    described[str(node)] = unit.bnodes[str(node)]
            if isinstance(r.shape, BNode):
                described.setdefault(str(r.shape), _cbd(report.shapes.graph, r.shape))
    if described:
        out.append("\n")
        out += sorted({line for lines in described.values() for line in lines})
    return "".join(out)


def _cbd(g: Graph, node: Node, seen: set[Node] | None = None) -> list[str]:
    """The triples of a blank node and of the blank nodes it leads to (its concise bounded description)."""
    seen = seen if seen is not None else set()
    if node in seen:
        return []
    seen.add(node)
    out = []
    for p, o in g.predicate_objects(node):
        out.append(f"{to_nt(node)} {to_nt(p)} {to_nt(o)} .\n")
        if isinstance(o, BNode):
            out += _cbd(g, o, seen)
    return out


def report_graph(report: Report, lang: str = "fr") -> Graph:
    """The report as an rdflib graph (what :func:`perr_graph.validation.validate` returns)."""
    g = Graph()
    g.parse(data=turtle(report, lang), format="turtle")
    return g
