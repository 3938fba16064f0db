"""The synthetic source text: lines written one after the other, each fact citing the line that holds its quote
(``docs/model.md``, "Provenance"), and the sentences of commitments, enjeux and objectives."""

from __future__ import annotations

import random
from collections.abc import Callable

from perr_graph.model import Span
from perr_graph.synth.names import OBJECTS, QUALIFIERS, VERBS


class SourceText:
    """The lines of one synthetic text, numbered from 1 as :class:`perr_graph.inputs.catalogue.SourceText`
    numbers a real one."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def line(self, text: str) -> int:
        """Write a line; its number."""
        self.lines.append(text)
        return len(self.lines)

    def span(self, n: int, quote: str) -> Span:
        """``quote``, which must stand in line ``n``, as the span of a fact."""
        assert quote in self.lines[n - 1], (quote, self.lines[n - 1])
        return Span(n, n, quote)

    def cite(self, text: str) -> Span:
        """A line holding ``text``, cited whole."""
        return self.span(self.line(text), text)


def sentence(
    rng: random.Random, label: Callable[[str, str], str], length: int, themes: list[str], lead_in: str = ""
) -> str:
    """A sentence of at least ``length`` characters about one of ``themes`` (``label`` gives a concept's French
    label): a verb, an object, the theme, then qualifiers until long enough; after ``lead_in`` if given ("Les
    partenaires s'engagent à …")."""
    theme = label("theme", rng.choice(themes)).lower() if themes else "politique de la ville"
    of = "d'" if theme[:1] in "aeiouéèêh" else "de "
    verb = rng.choice(VERBS)
    s = f"{lead_in}{verb.lower() if lead_in else verb} {rng.choice(OBJECTS)} en matière {of}{theme}"
    qualifiers = rng.sample(QUALIFIERS, len(QUALIFIERS))
    k = 0
    while len(s) < length:
        s += f", {qualifiers[k % len(qualifiers)]}"
        k += 1
    return s + "."
