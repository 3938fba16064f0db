"""Labels of the ontology's concepts (pillars, themes, roles, partner categories …) in French or English, read from
the graph (query ``41-concepts``: ``skos:prefLabel`` @fr / @en of every concept of ``ontology/vocabularies.ttl``).

Nothing here lists the concepts: a role, pillar or category added to the vocabulary shows up with its labels in
every table and page without a change of code. :data:`ROLE_ORDER` only says in which order the roles known today
are shown (strongest involvement first); roles it does not name come after them, in label order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from perr_graph.analysis.answers import run

#: the short names the code uses for the concept schemes, and the last segment of their IRIs
SCHEMES = {
    "pillar": "pillar",
    "theme": "theme",
    "role": "role",
    "category": "partner-category",
    "rule": "rule",
    "doctype": "document-type",
    "body": "governance-body",
}

#: the display order of the roles known today, the strongest involvement in a commitment first (a hint, not a
#: list: the roles of the vocabulary are read from the graph)
ROLE_ORDER = (
    "chef-de-file",
    "partie-qui-s-engage",
    "structure-porteuse",
    "signataires-collectivement",
    "partenaire-associe",
    "service-de-suivi",
    "role-non-precise",
)


@dataclass
class Concepts:
    """Concept labels and definitions by scheme and notation: ``{scheme: {notation: record of query 41}}``."""

    by_scheme: dict[str, dict[str, dict]] = field(default_factory=dict)

    @classmethod
    def read(cls, store) -> Concepts:
        _, rows = run(store, "concepts")
        return cls.of(rows)

    @classmethod
    def of(cls, rows: list[dict]) -> Concepts:
        segments = {v: k for k, v in SCHEMES.items()}
        by_scheme: dict[str, dict[str, dict]] = defaultdict(dict)
        for r in rows:
            segment = str(r["scheme"]).rstrip("/").rsplit("/", 1)[-1]
            by_scheme[segments.get(segment, segment)][str(r["notation"])] = r
        return cls(dict(by_scheme))

    def label(self, scheme: str, notation: str | None, lang: str = "fr") -> str:
        """The concept's ``skos:prefLabel`` in ``lang`` (else in the other language, else its notation)."""
        if not notation:
            return ""
        r = self.by_scheme.get(scheme, {}).get(notation)
        if r is None:
            return notation
        other = "en" if lang == "fr" else "fr"
        return r.get(f"label_{lang}") or r.get(f"label_{other}") or notation

    def definition(self, scheme: str, notation: str, lang: str = "fr") -> str:
        r = self.by_scheme.get(scheme, {}).get(notation) or {}
        other = "en" if lang == "fr" else "fr"
        return r.get(f"definition_{lang}") or r.get(f"definition_{other}") or ""

    def notations(self, scheme: str) -> list[str]:
        """Every concept of the scheme, in label order (French)."""
        concepts = self.by_scheme.get(scheme, {})
        return sorted(concepts, key=lambda n: (self.label(scheme, n, "fr").casefold(), n))

    def roles(self, seen: list[str] | tuple[str, ...] = ()) -> list[str]:
        """The roles of the vocabulary (and any other role ``seen`` in the data), strongest first: those of
        :data:`ROLE_ORDER` in its order, then the others in label order."""
        known = set(self.by_scheme.get("role", {})) | set(seen)
        first = [r for r in ROLE_ORDER if r in known]
        rest = sorted(known - set(first), key=lambda n: (self.label("role", n, "fr").casefold(), n))
        return first + rest


def role_rank(roles: list[str], role: str) -> int:
    """Where ``role`` stands in ``roles`` (:meth:`Concepts.roles`), unknown roles last."""
    return roles.index(role) if role in roles else len(roles)
