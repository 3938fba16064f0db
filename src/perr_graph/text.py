"""Small text helpers shared by the readers: HTML residue, white space, accents, numbers, dates, slugs."""

from __future__ import annotations

import html
import re
import unicodedata

_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})


#: an ordinal suffix in superscript after a number: "1 <sup>er</sup>" is "1er" (Valence, line 341)
_ORDINAL_SUP = re.compile(r"(\d)\s*<sup>\s*(er|re|ère|e|ème|eme|nd|nde)\s*</sup>", re.IGNORECASE)
#: markdown emphasis the conversion left around words: "« *Démocratie … citoyens* »" (Valence, line 77)
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*]*?[^\s*])\*(?![\w*])")


def strip_html(text: str) -> str:
    """Remove the HTML fragments the PDF conversion left (``<p>``, ``<b>``, ``<ul><li>``, ``<sup>``). An ordinal
    suffix in superscript joins its number ("1 <sup>er</sup> quartile" → "1er quartile"); any other superscript
    is a footnote marker and goes."""
    text = _ORDINAL_SUP.sub(r"\1\2", text)
    text = re.sub(r"<sup>\s*[^<]*</sup>", "", text)  # footnote markers
    text = re.sub(r"</(p|li|ul)>|<br\s*/?>", " ", text)
    return html.unescape(_TAG.sub(" ", text))


def clean(text: str) -> str:
    """Text for humans: no HTML, no markdown bold or emphasis, one space between words, trimmed."""
    text = _EMPHASIS.sub(r"\1", strip_html(text).replace("**", ""))
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """Comparison key: cleaned, typographic apostrophes made straight, accents removed, case kept."""
    text = clean(text).translate(_APOSTROPHES)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slug(text: str) -> str:
    """An IRI-safe slug: lowercase ASCII words joined by hyphens."""
    text = fold(text).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def despace_letters(text: str, words: set[str] | None = None) -> str:
    """``"C U L T U R E"`` → ``"CULTURE"``: headings the conversion spelled one letter at a time.

    The conversion also lost the spaces between the words ("T R A N Q U I L L I T E P U B L I Q U E"). Given
    ``words`` (the folded, upper-case words of the document itself, :func:`vocabulary`), the letters are cut into
    the fewest of the document's own words ("TRANQUILLITE PUBLIQUE", from "La tranquillité publique" elsewhere
    in the text); when no such cut exists, the letters stay joined."""
    t = text.strip()
    if re.fullmatch(r"(?:\S ){2,}\S", t) and all(len(w) == 1 for w in t.split(" ")):
        joined = t.replace(" ", "")
        if words:
            cut = _cut_into_words(joined, words)
            if cut:
                return " ".join(cut)
        return joined
    return t


def vocabulary(text: str) -> set[str]:
    """The words of a text, folded and upper-cased (accents removed), for :func:`despace_letters`."""
    return {w.upper() for w in re.findall(r"[^\W\d_]{2,}", fold(text))}


def _cut_into_words(letters: str, words: set[str]) -> list[str] | None:
    """``letters`` as the fewest words of ``words`` (compared folded and upper-case), or None."""
    key = fold(letters).upper()
    best: list[list[str] | None] = [None] * (len(key) + 1)
    best[0] = []
    for i in range(1, len(key) + 1):
        for j in range(i):
            prev, current = best[j], best[i]
            if prev is not None and key[j:i] in words and (current is None or len(prev) + 1 < len(current)):
                best[i] = [*prev, letters[j:i]]
    return best[len(key)]


def shorten(text: str, limit: int = 100) -> str:
    """The first ``limit`` characters, cut at a word, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d+)?|\d+(?:,\d+)?"


def parse_number(text: str) -> float | int:
    """A French number as written: ``"2 190"`` → 2190, ``"16,7"`` → 16.7, ``"55 903"`` → 55903."""
    t = re.sub(r"[ \u00a0\u202f]", "", text.strip())
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", t):
        t = t.replace(".", "")
    if "," in t:
        return float(t.replace(",", "."))
    return int(t)


NUMBER_RE = re.compile(_NUMBER)

MONTHS = {
    "janvier": 1,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
    "janv": 1,
    "fevr": 2,
    "fev": 2,
    "avr": 4,
    "juil": 7,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}

_DATE = re.compile(
    r"\b(?:(1er|\d{1,2})(?:\^\{er\})?\s+)?("
    + "|".join(sorted(MONTHS, key=len, reverse=True))
    + r")\.?\s+(\d{4})\b",
    re.IGNORECASE,
)


def find_dates(text: str) -> list[tuple[str, str]]:
    """French dates in a text, as (as written, ISO value): a full date gives ``YYYY-MM-DD``, a month
    ``YYYY-MM``. Years alone are not read here (too ambiguous in running text)."""
    out = []
    for m in _DATE.finditer(fold(text)):
        day, month, year = m.group(1), MONTHS[m.group(2).lower()], m.group(3)
        if day:
            d = 1 if day.lower() == "1er" else int(day)
            out.append((m.group(0), f"{year}-{month:02d}-{d:02d}"))
        else:
            out.append((m.group(0), f"{year}-{month:02d}"))
    return out


def line_key_for(line: int, n: int = 1) -> str:
    """``L<line>``, or ``L<line>-<n>`` for the n-th item (n >= 2) read from the same line."""
    return f"L{line}" if n == 1 else f"L{line}-{n}"
