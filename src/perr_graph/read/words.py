"""Who a commitment's own words name, whatever layout it came from: words add, never hide.

Two readings apply to the text of every commitment, in every protocol, after the layout readers:

1. "porté(e) par X", "coordonné(e) par X", "piloté(e) par X", "mis(e) en place par X". The words qualify a noun
   that stands before them. When that noun is the action the commitment itself opens with ("Mise en œuvre d'une
   action de médiation coordonnée par le Conseil départemental", Le Puy line 203; "Mise en œuvre d'une nouvelle
   action : « … » portée par Pole Emploi", Montélimar line 130), X is the commitment's chef de file (rule
   ``explicit-words``). When the noun is a named programme, convention, scheme, policy or another action the
   commitment only relies on ("les actions de la convention territoriale d'éducation artistique et culturelle
   (CTEAC) portée par la CCVD", Val de Drôme line 114; "en articulation avec une action de type médiation en santé
   (… portée par l'ARS)", Le Puy line 89), X is that scheme's carrier: role ``structure-porteuse``, rule
   ``scheme-carrier``, not a lead. Words that qualify nothing this module can name (no such noun before them) give
   nothing.
2. In a table cell, "X s'engage à …" (Val de Drôme line 128: "l'État s'engage à accompagner la collectivité"): X is
   a committing party of the row (rule ``inline-commitment``).

What the words give is added to the involvements the layout gave (the marks of a table row, the intro of a
bullet): a mark is never replaced (Val de Drôme line 128 keeps "ETAT X, Ville X, CR X"). The same partner with the
same role is one involvement with both pieces of evidence. A line listed in the configuration's
``explicit_words_ignore`` is left alone, with the reason the configuration gives.
"""

from __future__ import annotations

import re

from perr_graph.model import Commitment, Involvement
from perr_graph.read.base import Context
from perr_graph.text import fold

_BY = re.compile(
    r"\b(?:port|coordonn|pilot)[ée]{1,2}s?\s+par\s+|\bmis(?:es?)?\s+en\s+place\s+par\s+", re.IGNORECASE
)
_ENGAGE = re.compile(r"s'engagen?t?\s+à", re.IGNORECASE)
#: nouns naming an action, programme, convention, scheme or policy that "porté(e) par" may qualify (an acronym
#: in parentheses stands for the name before it, which is the noun then)
_SCHEME = re.compile(
    r"\b(?:actions?|programmes?|dispositifs?|conventions?|contrats?|plans?|politiques?|chartes?|projets?|"
    r"schémas?|stratégies?|démarches?|initiatives?)\b|(?<!\()\b(?:CLSM|CLS|CLAS|PRE|CTEAC|PEDT|GUSP|NPNRU)\b",
    re.IGNORECASE,
)
#: what joins a noun to the noun it complements ("politique d'action sociale")
_OF = re.compile(r"^\s+(?:d'|de\s+|du\s+|des\s+)$", re.IGNORECASE)
#: what may stand before the noun when it is the action the commitment opens with
_OPENING = re.compile(
    r"^\W*(?:(?:mise\s+en\s+(?:œ|oe)uvre|mettre\s+en\s+(?:œ|oe)uvre)\s+(?:d'|de\s+)?)?(?:une?|la|l')?\s*"
    r"(?:nouvelles?\s+)?$",
    re.IGNORECASE,
)

#: (partner id, evidence as written, role, rule)
Found = tuple[str, str, str, str]


def apply(ctx: Context) -> None:
    """Module docstring: the words of every commitment add their involvements."""
    ignore = {e.line for e in ctx.config.explicit_words_ignore}
    for c in ctx.protocol.commitments:
        if c.span.start in ignore:
            continue
        found = by_words(ctx, c.text)
        if not any(
            i.rule in ("committing-party", "inline-commitment", "named-actor") for i in c.involvements
        ):
            found += _engage_in_cell(ctx, c.text)
        for partner, evidence, role, rule in found:
            add(c, Involvement(partner, role, evidence, rule, c.span))


def by_words(ctx: Context, text: str) -> list[Found]:
    """Reading 1 of the module docstring on one text: the lead or the carrier each "… par X" names."""
    found: list[Found] = []
    for m in _BY.finditer(text):
        after = text[m.end() :]
        hits = [
            h
            for h in ctx.registry.partner_aliases.search(after[:100], ctx.pid)
            if len(fold(after)[: h[1]].split()) <= 1 and h[0].target != "-"  # right after "par"
        ]
        if not hits:
            continue
        alias, _, end = hits[0]
        nouns = list(_SCHEME.finditer(text, 0, m.start()))
        if not nouns:
            continue
        k = len(nouns) - 1
        while k > 0 and _OF.match(text[nouns[k - 1].end() : nouns[k].start()]):
            k -= 1  # the head of "politique d'action sociale" is "politique"
        noun = nouns[k]
        evidence = text[noun.start() : m.end() + end]
        if noun.group(0).lower().startswith("action") and _OPENING.match(text[: noun.start()]):
            found.append((alias.target, evidence, "chef-de-file", "explicit-words"))
        else:
            found.append((alias.target, evidence, "structure-porteuse", "scheme-carrier"))
    return found


def _engage_in_cell(ctx: Context, text: str) -> list[Found]:
    """Reading 2: "X s'engage à" inside a commitment's text; X is the organisation named last before the verb,
    the evidence runs from its name to the verb."""
    found: list[Found] = []
    for m in _ENGAGE.finditer(text):
        stop = text.rfind(". ", 0, m.start())
        start = stop + 2 if stop >= 0 else 0
        hits = [
            h
            for h in ctx.registry.partner_aliases.search(text[start : m.start()], ctx.pid)
            if h[0].target != "-"
        ]
        if hits:
            found.append(
                (
                    hits[-1][0].target,
                    text[start + hits[-1][1] : m.end()],
                    "partie-qui-s-engage",
                    "inline-commitment",
                )
            )
    return found


def add(c: Commitment, inv: Involvement) -> None:
    """Add ``inv`` to ``c``: the same partner with the same role (and column) is one involvement, whose evidence
    gains the new words; nothing else is changed."""
    for existing in c.involvements:
        if existing.partner == inv.partner and existing.role == inv.role and existing.column == inv.column:
            if inv.evidence not in existing.evidence.split(" | "):
                existing.evidence += " | " + inv.evidence
            return
    c.involvements.append(inv)
