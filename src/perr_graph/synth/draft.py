"""One synthetic protocol while it is being written: its random source, its template (the real protocol whose
layout it follows), its text, its territories and its partners."""

from __future__ import annotations

import random

from perr_graph.model import Span
from perr_graph.synth.basis import Basis
from perr_graph.synth.names import name
from perr_graph.synth.partners import Partners
from perr_graph.synth.territory import Geography, Places
from perr_graph.synth.text import SourceText, sentence


def protocol_id(i: int, n: int) -> str:
    """``synth-0001`` …: at least four digits, as many as ``n`` needs."""
    return f"synth-{i:0{max(4, len(str(n)))}d}"


class Draft:
    """Protocol number ``i`` of ``n`` while it is written. Its random source depends only on ``(seed, i)``, and
    its first draws choose the département (uniformly among the geography's), the template (uniformly among the
    real protocols) and the EPCI's name; every later draw comes from the same source, in the order the text is
    written."""

    def __init__(self, basis: Basis, seed: int, i: int, n: int, geo: Geography):
        self.basis, self.seed = basis, seed
        self.rng = random.Random(f"perr-synth:{seed}:{i}")
        self.pid = protocol_id(i, n)
        d = 1 + self.rng.randrange(geo.departements)
        self.template = self.rng.choice(basis.protocols)
        self.epci_name = name(self.rng)
        self.text = SourceText()
        self.places = Places(
            basis, self.template, self.rng, seed, self.pid, d, geo.region_of(d), self.epci_name
        )
        self.partners = Partners(basis, self.places)
        #: sections whose heading is missing, as in the template (they get ``L0``, ``L0-2`` …)
        self.sections_lost = 0

    @property
    def d(self) -> int:
        """The number of the protocol's synthetic département."""
        return self.places.d

    def line(self, text: str) -> int:
        return self.text.line(text)

    def span(self, n: int, quote: str) -> Span:
        return self.text.span(n, quote)

    def cite(self, text: str) -> Span:
        return self.text.cite(text)

    def sentence(self, length: int, themes: list[str], lead_in: str = "") -> str:
        return sentence(self.rng, self.basis.label, length, themes, lead_in)

    def territory(self, real_id: str) -> str:
        return self.places.territory(real_id)

    def tlabel(self, sid: str) -> str:
        return self.places.label(sid)

    def partner(self, real_id: str) -> str:
        return self.partners.partner(real_id)

    def plabel(self, sid: str) -> str:
        return self.partners.label(sid)
