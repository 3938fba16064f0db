"""``ontology.html``: the classes and properties of ``perr:`` and the concept schemes, from the ontology graph
(queries ``40-ontology-terms`` and ``41-concepts``)."""

from __future__ import annotations

from collections import defaultdict

from perr_graph.report.data import ReportData
from perr_graph.sparql.output import compact

TEMPLATE = "ontology.html.j2"

KINDS = (
    ("class", "classes", "Classes"),
    ("object property", "object-properties", "Object properties"),
    ("datatype property", "datatype-properties", "Datatype properties"),
)


def _term(r: dict) -> dict:
    """A term with its IRI compacted and what it refines: super-class or super-property, domain, range."""
    extra = []
    if r.get("parent"):
        extra.append(f"⊑ {compact(r['parent'])}")
    if r.get("domain"):
        extra.append(f"domain {compact(r['domain'])}")
    if r.get("range"):
        extra.append(f"range {compact(r['range'])}")
    return dict(r, term=compact(r["term"]), extra=extra)


def context(data: ReportData) -> dict:
    kinds = [
        {"anchor": anchor, "title": title, "terms": [_term(r) for r in data.terms if r["kind"] == kind]}
        for kind, anchor, title in KINDS
    ]
    schemes: dict[str, list[dict]] = defaultdict(list)
    labels = {}
    for r in data.concepts:
        schemes[r["scheme"]].append(r)
        labels[r["scheme"]] = r["scheme_label"]
    return {
        "kinds": kinds,
        "schemes": [
            {"label": labels[s], "iri": compact(s), "concepts": schemes[s]}
            for s in sorted(schemes, key=lambda s: labels[s])
        ],
    }
