"""Readers for signatories: who signs, for which organisation, in which post.

Four layouts, one function each:

* ``signatory-list`` — bullets "- L'État représenté par **monsieur Hugues MOUTOUH**, Préfet de la Drôme";
* ``signature-html`` — "<p>L'ÉTAT Le Préfet de la Drôme Monsieur Hugues MOUTOUH</p>": the organisation in
  capitals, then the post, then the person;
* ``signature-blocks`` — the post on one or more lines, then the name on its own line ("BEFFRE Lionel",
  "Nicolas de MAISTRE"); the organisation is the one the post names (however many of its names it contains), or
  the one a "Pour X," line before the post names, which then is no part of the post; blocks side by side in
  tab-separated columns are read column by column; a line "Pour X, post, Prénom NOM" is a whole signature;
* ``signature-for`` — "Pour la Ville de Montélimar": organisations only (no person, no post is written), or a
  whole signature on one line "Pour X et pour Y, post, Prénom NOM" (one person signing for each organisation).

A name is split into given names and family name by case: the family name is the word(s) in capitals, with a
particle just before them ("de MAISTRE"). One signatory per organisation and protocol: a second mention (the list
at the start and the signature page at the end) adds its evidence and spelling to the same signatory.
"""

from __future__ import annotations

import re

from perr_graph.inputs.config import Block
from perr_graph.model import Signatory, Span
from perr_graph.read.base import Context
from perr_graph.text import clean

_CIVILITY = re.compile(r"^(?:monsieur|madame|m\.|mme)\s+", re.IGNORECASE)
_UPPER_WORD = re.compile(r"^[A-ZÀ-Ý][A-ZÀ-Ý'’-]+$")
_PARTICLES = {"de", "du", "d'", "des", "le", "la"}


def split_name(name: str) -> tuple[str, str]:
    """(given names, family name) of a name as written; the family name is in capitals."""
    words = _CIVILITY.sub("", clean(name)).split()
    family_idx = [i for i, w in enumerate(words) if _UPPER_WORD.match(w)]
    if not family_idx:
        raise ValueError(f"no family name in capitals in {name!r}")
    lo, hi = min(family_idx), max(family_idx)
    while lo > 0 and words[lo - 1].lower() in _PARTICLES:
        lo -= 1
    family = " ".join(words[lo : hi + 1])
    given = " ".join(words[:lo] + words[hi + 1 :])
    return given, family


def is_name_line(line: str) -> bool:
    """A line that is only a person's name: 2–4 words, one in capitals, the others capitalised or particles."""
    words = clean(line).split()
    if not 2 <= len(words) <= 4:
        return False
    if not any(_UPPER_WORD.match(w) for w in words):
        return False
    return all(w[0].isupper() or w.lower() in _PARTICLES for w in words)


def _add(ctx: Context, s: Signatory) -> None:
    for existing in ctx.protocol.signatories:
        if existing.partner == s.partner:
            existing.also.append(s)
            return
    ctx.protocol.signatories.append(s)


def read_list(ctx: Context, block: Block) -> None:
    pattern = re.compile(
        r"^-\s*(?P<org>.+?)\s+(?:représentée?\s+)?par\s+\*\*(?P<name>.+?)\*\*,?\s*(?P<post>.*)$"
    )
    first, last = block.lines
    for n in range(first, last + 1):
        line = ctx.source.line(n).strip()
        if not line:
            continue
        m = pattern.match(line)
        if not m:
            raise ctx.error(
                "signatory line does not read as '- <organisation> représenté par **<name>**, <post>'", n
            )
        partner = ctx.partner(m.group("org"), n, what="organisation")
        given, family = _split(ctx, m.group("name"), n)
        _add(
            ctx,
            Signatory(
                partner,
                ctx.span(n, line),
                given,
                family,
                clean(_CIVILITY.sub("", m.group("name"))),
                clean(m.group("post")) or None,
            ),
        )


def read_html(ctx: Context, block: Block) -> None:
    first, last = block.lines
    for n in range(first, last + 1):
        raw = ctx.source.line(n).strip()
        if not clean(raw):
            continue
        words = clean(raw).split()
        # the organisation: the leading words in capitals (articles such as "L'ÉTAT", "D'AGGLOMÉRATION" included)
        i = 0
        while i < len(words) and (
            (words[i].upper() == words[i] and any(ch.isalpha() for ch in words[i])) or words[i] in ("–", "-")
        ):
            i += 1
        org_words = words[:i]
        # the person: an optional civility, capitalised given names, then the family name in capitals
        j = len(words)
        while j > i and _UPPER_WORD.match(words[j - 1]):
            j -= 1
        k = j - 1  # one given name (compound names are hyphenated: "Marie-Pierre")
        if k > i and words[k - 1].lower() in ("monsieur", "madame"):
            k -= 1
        if not org_words or j == len(words):
            raise ctx.error("signature line does not read as '<ORGANISATION> <post> <Name NAME>'", n)
        partner = ctx.partner(" ".join(org_words), n, what="organisation")
        name = " ".join(words[k:])
        given, family = _split(ctx, name, n)
        post = " ".join(words[i:k]) or None
        _add(ctx, Signatory(partner, ctx.span(n, raw), given, family, clean(_CIVILITY.sub("", name)), post))


def read_blocks(ctx: Context, block: Block) -> None:
    """Signature blocks: post line(s), then the name on its own line; "Pour X," lines before the post name the
    organisation (and leave the post: "Pour le Préfet … et par délégation," is a delegation, not a post); blocks
    side by side in tab-separated columns are read column by column; a one-line "Pour X, post, Prénom NOM" is a
    block of its own."""
    first, last = block.lines
    columns: dict[int, list[tuple[int, str]]] = {}  # column → its pending lines (line number, cell)
    for n in range(first, last + 1):
        line = ctx.source.line(n)
        if not clean(line) or ctx.skipped(n):
            continue
        cells = line.split("\t") if "\t" in line else [line]
        for k, cell in enumerate(cells):
            if not clean(cell):
                continue
            pending = columns.setdefault(k, [])
            if not pending and _one_line(ctx, cell, n):
                continue
            if is_name_line(cell) and pending:
                _block_signatory(ctx, pending, cell, n)
                pending.clear()
            else:
                pending.append((n, cell))
    for pending in columns.values():
        if pending:
            raise ctx.error("post with no name line after it", pending[0][0])


def _block_signatory(ctx: Context, pending: list[tuple[int, str]], name: str, n: int) -> None:
    """One signature block: its "Pour X" lines name the organisation, its other lines are the post."""
    fors = [(m, c) for m, c in pending if _FOR.match(clean(c))]
    posts = [(m, c) for m, c in pending if not _FOR.match(clean(c))]
    post = clean(" ".join(c for _, c in posts)).rstrip(" ,") or None
    if fors:
        line, cell = fors[0]
        partners = _one(ctx, _FOR.sub("", clean(cell)).rstrip(" ,"), line)
    else:
        line = posts[0][0]
        partners = _one(ctx, post or "", line)
    given, family = _split(ctx, name, n)
    start = pending[0][0]
    if "\t" in ctx.source.span(start, n):  # side by side: the block's own words are its name, on its line
        span = Span(start, n, ctx.span(n, name.strip()).quote)
    else:
        span = ctx.line_span(start, n)
    _add(ctx, Signatory(partners, span, given, family, clean(name), post))


_FOR = re.compile(r"^pour\s+", re.IGNORECASE)


def _one(ctx: Context, phrase: str, line: int) -> str:
    """The one organisation a post or a "Pour X" names, however many of its names it contains ("Pour le Préfet
    de l'Aubrelle", "l'État": the State once)."""
    partners = sorted(set(ctx.partners_in_phrase(phrase, line)))
    if len(partners) != 1:
        raise ctx.error(
            f"the post {phrase!r} names {len(partners)} organisations ({', '.join(partners)}); expected one",
            line,
        )
    return partners[0]


def _one_line(ctx: Context, cell: str, n: int) -> bool:
    """A whole signature on one line, "Pour X [et pour Y], post, Prénom NOM": read it and say so."""
    text = clean(cell)
    parts = [p.strip() for p in text.split(", ")]
    if not _FOR.match(text) or len(parts) < 2 or not is_name_line(parts[-1]):
        return False
    names = [_FOR.sub("", p).strip() for p in re.split(r"\s+et\s+(?=pour\s)", parts[0], flags=re.IGNORECASE)]
    post = ", ".join(parts[1:-1]) or None
    given, family = _split(ctx, parts[-1], n)
    for name in names:
        _add(ctx, Signatory(_one(ctx, name, n), ctx.line_span(n), given, family, parts[-1], post))
    return True


def read_for(ctx: Context, block: Block) -> None:
    """ "Pour X" lines: the organisation only (no person, no post is written); a line "Pour X, post, Prénom NOM"
    gives the person and the post too."""
    first, last = block.lines
    n = first
    while n <= last:
        line = ctx.source.line(n)
        if ctx.skipped(n) or not clean(line) or _one_line(ctx, line, n):
            pass
        elif clean(line).startswith("Pour "):
            start, parts = n, [line]
            while "**" in line and clean(parts[-1]) and not parts[-1].rstrip().endswith("**") and n < last:
                n += 1
                parts.append(ctx.source.line(n))
            phrase = clean(" ".join(parts))[len("Pour ") :].rstrip(" ,")
            partner = ctx.partner(phrase, start, what="organisation")
            _add(ctx, Signatory(partner, ctx.line_span(start, n)))
        else:
            raise ctx.error("line in a 'Pour …' signature list that does not start with 'Pour '", n)
        n += 1


def _split(ctx: Context, name: str, line: int) -> tuple[str, str]:
    try:
        return split_name(name)
    except ValueError as exc:
        raise ctx.error(str(exc), line) from None
