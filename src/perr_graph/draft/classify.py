"""Pillar and themes of a heading, from its words and the ontology's own labels.

A theme is named by its French preferred or alternative labels in ``ontology/vocabularies.ttl`` ("tranquillité
publique", "NPNRU", "réussite éducative"); a pillar by its own labels ("cohésion sociale", "axes transversaux",
"pilotage") or, failing that, by the pillar most of the heading's themes belong to. A heading whose words name
no theme and no pillar gets neither: the draft says so rather than guess.
"""

from __future__ import annotations

import re
from collections import Counter

from rdflib import Graph, Literal
from rdflib.namespace import RDF, SKOS

from perr_graph import namespaces as ns
from perr_graph.text import fold

#: the pillar each theme belongs to, where a heading names no pillar itself
THEME_PILLAR = {
    "emploi": "developpement-economique-emploi",
    "insertion": "developpement-economique-emploi",
    "developpement-economique": "developpement-economique-emploi",
    "logement": "cadre-de-vie-renouvellement-urbain",
    "mixite-sociale": "cadre-de-vie-renouvellement-urbain",
    "renouvellement-urbain": "cadre-de-vie-renouvellement-urbain",
    "cadre-de-vie": "cadre-de-vie-renouvellement-urbain",
    "mobilite": "cadre-de-vie-renouvellement-urbain",
    "egalite-femmes-hommes": "axes-transversaux",
    "lutte-discriminations": "axes-transversaux",
    "laicite": "axes-transversaux",
    "gouvernance": "gouvernance",
    "evaluation": "gouvernance",
}
#: words that name a pillar, beside its labels
PILLAR_WORDS = {
    "cohesion-sociale": ["cohésion sociale"],
    "cadre-de-vie-renouvellement-urbain": [
        "cadre de vie et renouvellement urbain",
        "cadre de vie et du renouvellement",
    ],
    "developpement-economique-emploi": [
        "développement économique et emploi",
        "développement économique et de l'emploi",
        "économie et de l'emploi",
        "emploi et développement économique",
    ],
    "axes-transversaux": ["axes transversaux", "transversal", "transversaux", "transversales"],
    "gouvernance": ["pilotage", "gouvernance"],
}


class Classifier:
    def __init__(self, onto: Graph):
        self.themes: list[tuple[re.Pattern, str]] = []
        prefix = str(ns.SCHEMES["theme"])
        for concept in sorted(onto.subjects(RDF.type, SKOS.Concept), key=str):
            if not str(concept).startswith(prefix):
                continue
            slug = str(concept)[len(prefix) :]
            for prop in (SKOS.prefLabel, SKOS.altLabel):
                for label in onto.objects(concept, prop):
                    if isinstance(label, Literal) and label.language == "fr":
                        self.themes.append((_pattern(str(label)), slug))
        self.pillars = [(_pattern(w), p) for p, words in PILLAR_WORDS.items() for w in words]

    def themes_of(self, text: str) -> list[str]:
        folded = fold(text)
        return sorted({slug for pattern, slug in self.themes if pattern.search(folded)})

    def classify(self, text: str) -> tuple[str | None, list[str]]:
        """(pillar, themes) that the words of ``text`` name; (None, []) when they name none."""
        folded = fold(text)
        themes = self.themes_of(text)
        for pattern, pillar in self.pillars:
            if pattern.search(folded):
                return pillar, themes
        votes = Counter(THEME_PILLAR.get(t, "cohesion-sociale") for t in themes)
        return (votes.most_common(1)[0][0] if votes else None), themes


def _pattern(label: str) -> re.Pattern:
    words = fold(label)
    flags = 0 if len(words) <= 3 else re.IGNORECASE
    return re.compile(r"(?<![\w])" + re.escape(words) + r"(?![\w])", flags)
