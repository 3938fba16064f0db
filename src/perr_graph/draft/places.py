"""Drafting the places a text names: its priority neighbourhoods (QPV), the communes they lie in, and the
populations it states for them.

Two ways a text names them. A list after an intro that speaks of "quartiers prioritaires", one bullet per commune:
"- à Montbrévin : les Tilleraies et Champ-Rollin ;" — each commune and each QPV is found in the registry, or
proposed (``territories.csv``, status proposed, with its line), and the protocol names it (``[[qpv]]``,
``[[place]]``). Or names the registry already knows as QPV or communes, wherever they first stand.

Populations: "Les Tilleraies – 3 410 habitants" (a heading), "recense 2 840 habitants (INSEE 2013)", "les Garennes
(1 270 habitants)", "près de 98 000 habitants" — each the figure of the territory named just before it in its
sentence, with its year when the parenthesis gives one and "près de" or "environ" said as approximate. Two
figures for one place are two facts; the draft chooses none.
"""

from __future__ import annotations

import re

from perr_graph.draft.context import DraftContext
from perr_graph.draft.parties import bare
from perr_graph.text import clean, fold, parse_number

_LIST_ITEM = re.compile(r"^\s*[-•▪]\s*(?:à|a|au)\s+(?P<commune>[^:]{2,60}?)\s*:\s*(?P<names>.+?)\s*[;.]?\s*$")
_HABITANTS = re.compile(
    r"(?P<approx>(?:pr[eè]s de|environ)\s+)?(?P<n>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d{3,6})\s+habitants"
    r"(?:\s*\((?:INSEE\s+)?(?P<year>(?:19|20)\d\d)\))?",
    re.IGNORECASE,
)


def places(ctx: DraftContext, epci_territory: str | None) -> None:
    qpv_lists(ctx, epci_territory)
    known(ctx)
    populations(ctx)


def qpv_lists(ctx: DraftContext, epci_territory: str | None) -> None:
    """Bullets "à <commune> : <QPV>, <QPV> et <QPV>" after an intro that speaks of "quartiers prioritaires"."""
    for line in ctx.doc.lines:
        m = _LIST_ITEM.match(line.raw)
        if m is None:
            continue
        intro = ctx.doc.previous_content(line.n)
        while intro is not None and _LIST_ITEM.match(intro.raw):
            intro = ctx.doc.previous_content(intro.n)
        if intro is None or not re.search(r"quartiers? prioritaires?|\bqpv\b", fold(intro.text), re.I):
            continue
        commune = _territory(ctx, m.group("commune"), "commune", line.n, epci_territory or "")
        _mention(ctx, "place", commune, line.n, m.group("commune"))
        for name in re.split(r"\s*,\s*|\s+et\s+", m.group("names")):
            if clean(name):
                qpv = _territory(ctx, name, "qpv", line.n, commune)
                _mention(ctx, "qpv", qpv, line.n, name.strip())


def known(ctx: DraftContext) -> None:
    """QPV and communes of the registry the text names, where each first stands."""
    seen = {e["territory"] for kind in ("qpv", "place") for e in ctx.draft.mentions.get(kind, [])}
    for line in ctx.doc.lines:
        for alias, _start, _end in ctx.parties.territories.search(line.raw, ctx.parties.pid):
            kind = ctx.parties.territory_type(alias.target)
            if alias.target in seen or kind not in ("qpv", "commune"):
                continue
            written = _as_written(line.raw, alias.alias)
            if written:
                seen.add(alias.target)
                _mention(ctx, "qpv" if kind == "qpv" else "place", alias.target, line.n, written)


def populations(ctx: DraftContext) -> None:
    """The inhabitants a text gives a territory it names just before the figure."""
    for line in ctx.doc.lines:
        for m in _HABITANTS.finditer(line.raw):
            before = line.raw[: m.start()]
            sentence = re.split(r"(?<=[.!?])\s+", before)[-1]
            hits = ctx.parties.territories.search(sentence, ctx.parties.pid)
            if not hits:
                continue
            territory = hits[-1][0].target
            value = parse_number(m.group("n"))
            if not isinstance(value, int):
                continue
            entry: dict[str, object] = {"territory": territory, "value": value}
            if m.group("year"):
                entry["year"] = int(m.group("year"))
            if m.group("approx"):
                entry["approximate"] = True
            entry.update(line=line.n, quote=m.group(0).strip())
            ctx.draft.populations.append(entry)


def _territory(ctx: DraftContext, name: str, kind: str, line: int, part_of: str) -> str:
    """The territory a name means in this text: the registry's, or a proposed one."""
    hit = ctx.parties.territories.lookup(clean(name), ctx.parties.pid) or ctx.parties.territories.lookup(
        bare(name), ctx.parties.pid
    )
    if hit is not None:
        return hit.target
    label = re.sub(r"\s*\([^)]*\)\s*$", "", clean(name)).strip()  # a place keeps its article: "Les Garennes"
    tid = ctx.parties.propose_territory(label[:1].upper() + label[1:], kind, line, clean(name), part_of)
    ctx.parties.territory_alias(clean(name), tid, line)
    return tid


def _mention(ctx: DraftContext, kind: str, territory: str, line: int, quote: str) -> None:
    mentions = ctx.draft.mentions.setdefault(kind, [])
    if not any(e["territory"] == territory for e in mentions):
        mentions.append({"territory": territory, "line": line, "quote": quote.strip()})


def _as_written(raw: str, alias: str) -> str | None:
    """The words of ``raw`` that the alias matched, as written (accents and case as the text has them)."""
    m = re.search(re.escape(fold(alias)), fold(raw), re.IGNORECASE)
    if m is None:
        return None
    written = raw[m.start() : m.end()]
    return written if fold(written).lower() == fold(alias).lower() else None
