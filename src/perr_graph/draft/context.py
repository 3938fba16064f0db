"""What every drafting step shares: the text's lines, the parties, the draft being written, the classifier of
headings, and which lines a block or a fact already claims."""

from __future__ import annotations

from dataclasses import dataclass, field

from perr_graph.draft.classify import Classifier
from perr_graph.draft.document import Document
from perr_graph.draft.draft import Draft, DraftBlock
from perr_graph.draft.parties import Parties
from perr_graph.read.base import heading_text


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
        text = heading_text(self.doc.line(n).raw)
        if text not in self.draft.labels:
            pillar, themes = self.classifier.classify(text)
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

    def ignore(self, first: int, last: int, reason: str) -> None:
        self.draft.ignore.append((first, last, reason))
        self.claim(first, last)
