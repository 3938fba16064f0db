"""Readers for signatories: who signs, for which organisation, in which post.

Four layouts, one function each:

* ``signatory-list`` — bullets "- L'État représenté par **monsieur Hugues MOUTOUH**, Préfet de la Drôme";
* ``signature-html`` — "<p>L'ÉTAT Le Préfet de la Drôme Monsieur Hugues MOUTOUH</p>": the organisation in
  capitals, then the post, then the person;
* ``signature-blocks`` — the post on one or more lines, then the name on its own line ("BEFFRE Lionel",
  "Nicolas de MAISTRE"); the organisation is the longest registry alias inside the post's words;
* ``signature-for`` — "Pour la Ville de Montélimar": organisations only (no person, no post is written).

A name is split into given names and family name by case: the family name is the word(s) in capitals, with a
particle just before them ("de MAISTRE"). One signatory per organisation and protocol: a second mention (the list
at the start and the signature page at the end) adds its evidence and spelling to the same signatory.
"""

from __future__ import annotations

import re

from perr_graph.inputs.config import Block
from perr_graph.model import Signatory
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
    first, last = block.lines
    role_lines: list[int] = []
    for n in range(first, last + 1):
        line = ctx.source.line(n)
        if not clean(line):
            continue
        if is_name_line(line) and role_lines:
            role = clean(" ".join(ctx.source.line(r) for r in role_lines)).rstrip(" ,")
            partners = ctx.partners_in_phrase(role, role_lines[0])
            if len(partners) != 1:
                raise ctx.error(
                    f"the post {role!r} names {len(partners)} organisations; expected one", role_lines[0]
                )
            given, family = _split(ctx, line, n)
            span = ctx.line_span(role_lines[0], n)
            _add(ctx, Signatory(partners[0], span, given, family, clean(line), role))
            role_lines = []
        else:
            role_lines.append(n)
    if role_lines:
        raise ctx.error("post with no name line after it", role_lines[0])


def read_for(ctx: Context, block: Block) -> None:
    first, last = block.lines
    n = first
    while n <= last:
        line = ctx.source.line(n)
        if clean(line).startswith("Pour "):
            start, parts = n, [line]
            while "**" in line and clean(parts[-1]) and not parts[-1].rstrip().endswith("**") and n < last:
                n += 1
                parts.append(ctx.source.line(n))
            phrase = clean(" ".join(parts))[len("Pour ") :].rstrip(" ,")
            partner = ctx.partner(phrase, start, what="organisation")
            _add(ctx, Signatory(partner, ctx.line_span(start, n)))
        elif clean(line):
            raise ctx.error("line in a 'Pour …' signature list that does not start with 'Pour '", n)
        n += 1


def _split(ctx: Context, name: str, line: int) -> tuple[str, str]:
    try:
        return split_name(name)
    except ValueError as exc:
        raise ctx.error(str(exc), line) from None
