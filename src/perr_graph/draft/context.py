"""What every drafting step shares: the text's lines, the parties, the draft being written, the classifier of
headings, and which lines a block or a fact already claims."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from perr_graph.draft.classify import Classifier
from perr_graph.draft.document import Document, spaced
from perr_graph.draft.draft import Draft, DraftBlock
from perr_graph.draft.parties import Parties
from perr_graph.read.base import heading_text
from perr_graph.text import clean, despace_letters


@dataclass
class DraftContext:
    doc: Document
    parties: Parties
    draft: Draft
    classifier: Classifier
    claimed: set[int] = field(default_factory=set)

    def claim(self, first: int, last: int) -> None:
        self.claimed |= set(range(first, last + 1))

    def free(self, n: int) -> bool:
        return n not in self.claimed

    def add_block(self, block: DraftBlock) -> None:
        self.draft.blocks.append(block)
        self.claim(block.first, block.last)
        for key in ("heading", "header", "evidence_line"):
            value = block.keys.get(key)
            if isinstance(value, int):
                self.claimed.add(value)

    def label(self, n: int) -> str:
        """Map the heading at line ``n`` in ``[labels]`` (pillar and themes from its words) and return it."""
        raw = self.doc.line(n).raw
        text = heading_text(raw)
        if text not in self.draft.labels:
            words = raw.strip()
            if spaced(clean(words)):  # "C O H É S I O N   S O C I A L E": words apart by wider spaces
                words = " ".join("".join(w.split()) for w in re.split(r"\s{2,}", words))
            pillar, themes = self.classifier.classify(words)
            entry: dict[str, object] = {}
            if pillar:
                entry["pillar"] = pillar
            entry["themes"] = themes
            self.draft.labels[text] = entry
        return text

    def group_label(self, raw: str) -> None:
        """Map an enjeu or orientation cell in ``[labels]`` by the themes its words name (when they name some)."""
        text = heading_text(raw)
        themes = self.classifier.themes_of(text)
        if themes and text not in self.draft.labels:
            self.draft.labels[text] = {"themes": themes}

    def theme_label(self, raw: str) -> None:
        """Map a theme cell that opens a sub-section ("C U L T U R E", read as "CULTURE") in ``[labels]``."""
        spelled = clean(raw)
        text = despace_letters(spelled)
        if text not in self.draft.labels:
            pillar, themes = self.classifier.classify(
                " ".join(spelled.split()) if text == spelled else text.lower()
            )
            entry: dict[str, object] = {"pillar": pillar} if pillar else {}
            entry["themes"] = themes or self.classifier.themes_of(text.capitalize())
            self.draft.labels[text] = entry

    def ignore(self, first: int, last: int, reason: str) -> None:
        self.draft.ignore.append((first, last, reason))
        self.claim(first, last)
