"""``ontology.html``: the classes and properties of ``perr:`` and the concept schemes, from the ontology graph
(queries ``40-ontology-terms`` and ``41-concepts``), labels and definitions in the report's language first."""

from __future__ import annotations

from collections import defaultdict

from perr_graph.i18n import N_
from perr_graph.report.data import ReportData
from perr_graph.sparql.output import compact

TEMPLATE = "ontology.html.j2"

KINDS = (
    ("class", "classes", N_("Classes")),
    ("object property", "object-properties", N_("Object properties")),
    ("datatype property", "datatype-properties", N_("Datatype properties")),
)


def _pick(r: dict, key: str, lang: str) -> tuple[str, str]:
    """The value of ``key`` in ``lang`` and in the other language."""
    other = "en" if lang == "fr" else "fr"
    return r.get(f"{key}_{lang}") or "", r.get(f"{key}_{other}") or ""


def _term(r: dict, lang: str) -> dict:
    """A term with its IRI compacted and what it refines: super-class or super-property, domain, range."""
    extra = []
    if r.get("parent"):
        extra.append(f"⊑ {compact(r['parent'])}")
    if r.get("domain"):
        extra.append(f"domain {compact(r['domain'])}")
    if r.get("range"):
        extra.append(f"range {compact(r['range'])}")
    label, label_other = _pick(r, "label", lang)
    definition, definition_other = _pick(r, "definition", lang)
    return {
        "term": compact(r["term"]),
        "extra": extra,
        "label": label,
        "label_other": label_other,
        "definition": definition,
        "definition_other": definition_other,
    }


def context(data: ReportData) -> dict:
    m = data.m
    kinds = [
        {
            "anchor": anchor,
            "title": m._(title),
            "terms": [_term(r, data.lang) for r in data.terms if r["kind"] == kind],
        }
        for kind, anchor, title in KINDS
    ]
    schemes: dict[str, list[dict]] = defaultdict(list)
    labels = {}
    for scheme in data.concepts.by_scheme.values():
        for r in scheme.values():
            schemes[r["scheme"]].append(
                _term(dict(r, term=r["concept"]), data.lang) | {"notation": r["notation"]}
            )
            labels[r["scheme"]] = r["scheme_label"]
    return {
        "kinds": kinds,
        "other": "en" if data.lang == "fr" else "fr",
        "schemes": [
            {
                "label": labels[s],
                "iri": compact(s),
                "concepts": sorted(schemes[s], key=lambda c: c["notation"]),
            }
            for s in sorted(schemes, key=lambda s: labels[s])
        ],
    }
