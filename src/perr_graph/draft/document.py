"""A text as lines of known kinds: what the drafter looks at before it looks for layouts.

Kinds, one per line: ``blank``; ``footer`` (a page footer: the same words, then a tab and a page number, on two or
more lines); ``toc`` (a table of contents: dot leaders or a tab before a page number under "Sommaire"); ``table``
(two or more tab-separated cells with words); ``bullet`` (a line starting with a bullet mark); ``heading`` (a short
line that ends no sentence: capitals, "Article 2 :", "### …", "1/ …", "Au titre de …"); ``paragraph`` (the rest).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from perr_graph.text import clean, fold

BULLET = re.compile(r"^\s*(?:[-•▪▶✓○◦➢►]\s*)+(?=\S)")
_PAGE = re.compile(r"^(?P<words>.*\S)\s*\t\s*(?P<page>\d{1,3})\s*$")
_DOTS = re.compile(r"\.{4,}|…{2,}")
_SENTENCE_END = (".", ";", ",", "!", "?", "»")
_ENGAGE = re.compile(r"s'engag", re.IGNORECASE)


@dataclass
class Line:
    n: int
    raw: str
    text: str  # cleaned: no HTML, no markdown bold, one space between words
    kind: str

    @property
    def cells(self) -> list[str]:
        return self.raw.split("\t")

    @property
    def filled(self) -> list[str]:
        """The cells with words."""
        return [c.strip() for c in self.raw.split("\t") if clean(c)]


class Document:
    """The lines of a text (``lines[0]`` is line 1), each with its kind."""

    def __init__(self, lines: list[str]):
        self.raw = lines
        footers = _footers(lines)
        self.lines = [Line(n, raw, clean(raw.replace("#", " ")), "") for n, raw in enumerate(lines, start=1)]
        toc = _toc(self.lines)
        for line in self.lines:
            line.kind = _kind(line, footers, toc)

    def __len__(self) -> int:
        return len(self.lines)

    def line(self, n: int) -> Line:
        return self.lines[n - 1]

    def text(self, n: int) -> str:
        return self.lines[n - 1].text

    def content(self) -> list[Line]:
        """The lines with words."""
        return [line for line in self.lines if line.kind != "blank"]

    def next_content(self, n: int, stop: int | None = None) -> Line | None:
        """The first line with words after line ``n`` (up to ``stop``)."""
        for line in self.lines[n : stop if stop is not None else len(self.lines)]:
            if line.kind != "blank":
                return line
        return None

    def previous_content(self, n: int, floor: int = 1) -> Line | None:
        """The last line with words before line ``n`` (down to ``floor``)."""
        for m in range(n - 1, floor - 1, -1):
            if self.lines[m - 1].kind != "blank":
                return self.lines[m - 1]
        return None


def _footers(lines: list[str]) -> set[str]:
    """The words of page footers: "<words>\\t<page number>" standing on two or more lines."""
    seen: Counter[str] = Counter()
    for raw in lines:
        m = _PAGE.match(raw)
        if m and not _DOTS.search(raw):
            seen[fold(m.group("words")).lower()] += 1
    return {words for words, count in seen.items() if count >= 2}


def _toc(lines: list[Line]) -> set[int]:
    """Lines of a table of contents: dot leaders before a page number, or "<title>\\t<page>" lines right under a
    "Sommaire" heading."""
    out: set[int] = set()
    under = False
    for line in lines:
        if re.fullmatch(r"(?:##\s*)?(?:sommaire|table des matieres)\s*:?", fold(line.text).lower()):
            under = True
            out.add(line.n)
            continue
        if not line.text:
            continue
        if _PAGE.match(line.raw) and (_DOTS.search(line.raw) or under):
            out.add(line.n)
        else:
            under = False
    return out


def _kind(line: Line, footers: set[str], toc: set[int]) -> str:
    if not re.search(r"\w", line.text):
        return "blank"
    if line.n in toc:
        return "toc"
    m = _PAGE.match(line.raw)
    if m and fold(m.group("words")).lower() in footers:
        return "footer"
    if len(line.filled) >= 2:
        return "table"
    if BULLET.match(line.raw):
        return "bullet"
    if is_heading(line.raw):
        return "heading"
    return "paragraph"


def is_heading(raw: str) -> bool:
    """A heading: markdown marks, "Article N", "N/ …" or "N. …", a line in capitals, "Au titre de …", or a short
    line with a capital that ends no sentence and holds no "s'engage"."""
    text = clean(raw.replace("#", " ")).strip()
    if not text or len(text) > 110 or _ENGAGE.search(fold(text)):
        return False
    if raw.lstrip().startswith("#"):
        return True
    if text.endswith(_SENTENCE_END) or (text.endswith(":") and len(text.split()) > 6):
        return False
    if re.match(r"^(?:article|annexe|axe|pilier|titre|chapitre|au titre d)\b", fold(text), re.IGNORECASE):
        return True
    if re.match(r"^\d{1,2}\s*[/.)-]\s*\S", text):
        return True
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) > 0.8 and len(letters) >= 3:
        return True
    return text[:1].isupper() and len(text.split()) <= 14 and not text.endswith(":")


def spaced(text: str) -> bool:
    """A heading the conversion spelled one letter at a time ("C O H É S I O N   S O C I A L E")."""
    words = text.split()
    return len(words) >= 4 and sum(len(w) == 1 for w in words) / len(words) > 0.8


def top_heading(line: Line) -> bool:
    """A heading of the first level: capitals (or spaced letters), markdown "#"/"##", "Article N", "ANNEXE"."""
    text = line.text
    letters = [c for c in text if c.isalpha()]
    capitals = bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8
    return (
        capitals
        or spaced(text)
        or bool(re.match(r"^#{1,2}\s", line.raw.lstrip()))
        or bool(re.match(r"^(?:article|annexe)\b", fold(text), re.IGNORECASE))
    )
