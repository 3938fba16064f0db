"""Reader for commitments written as prose and bullets.

The text is first assembled into items: bullets (``-``, ``•``, ``▶``, ``✓``), paragraphs, headings. A line that
starts in lowercase right after an item that did not end a sentence continues that item (a page break cut it).

Who commits, in this order:

* an intro line "X s'engage(nt) à … :" — X is the committing party of the bullets that follow
  (rule ``committing-party``);
* a paragraph sentence in which a named actor commits or will act ("X s'engage(nt) à …", "X mettra en œuvre …",
  "… seront soutenues par X"; after a bullet, also "le dispositif … porté par X") — the paragraph, cut at each
  such sentence, gives commitments of their own (rules ``inline-commitment``, ``named-actor``,
  ``scheme-carrier``: :mod:`perr_graph.read.actors`);
* the block's heading, when ``heading_party`` is ``"heading"`` (a section headed by a partner's name,
  rule ``partner-section``) or ``"parentheses"`` (a heading "Habitat (DDT)": the services in parentheses,
  role and rule from the block);
* else the block's own ``party``/``role``/``rule`` (an annex that is one partner's contribution, or
  ``@signatories`` for "Les signataires s'engagent à").

Paragraphs after a bullet that name no other actor are kept as its description (``describe = false`` turns this
off), except those ending with a colon, which introduce what follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from perr_graph.model import Commitment, Span
from perr_graph.read import actors
from perr_graph.read.base import Context, heading_text
from perr_graph.read.blocks import ProseBlock
from perr_graph.text import clean, fold

_BULLET = re.compile(r"^(\s*)(?:[-•▶✓]\s*)+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+\.\s+(.+?)\s*$")
_ENGAGE = re.compile(r"s'engagen?t?\b", re.IGNORECASE)

#: who commits to the bullets that follow: (partner ids, role, rule, evidence as written, span of the evidence)
Party = tuple[list[str], str, str, str, Span | None]


@dataclass
class Item:
    kind: str  # bullet | sub | paragraph | heading | numbered
    start: int
    end: int
    raw: str  # the raw text of the first line (after the bullet marker): always a verbatim quote
    text: str  # the cleaned text of all its lines


def assemble(ctx: Context, first: int, last: int, headings: set[int], numbered: bool) -> list[Item]:
    items: list[Item] = []
    for n in range(first, last + 1):
        line = ctx.source.line(n)
        if not clean(line) or ctx.skipped(n):
            continue
        if n in headings:
            items.append(Item("heading", n, n, line.strip(), _heading(line)))
            continue
        m = _BULLET.match(line)
        if m:
            body = m.group(2).strip()
            if not clean(body):
                continue  # an empty bullet
            kind = "sub" if m.group(1) else "bullet"
            items.append(Item(kind, n, n, body, clean(body)))
            continue
        numbered_heading = _NUMBERED.match(line) if numbered else None
        if numbered_heading:
            items.append(Item("numbered", n, n, line.strip(), clean(numbered_heading.group(1))))
            continue
        body = line.strip()
        prev = items[-1] if items else None
        if (
            prev
            and prev.kind in ("bullet", "sub", "paragraph")
            and clean(body)[:1].islower()
            and not prev.text.endswith((".", ":", ";", "!", "?"))
        ):
            prev.end = n
            prev.text = f"{prev.text} {clean(body)}"
            continue
        items.append(Item("paragraph", n, n, body, clean(body)))
    return items


def _heading(line: str) -> str:
    return heading_text(line)


def read(ctx: Context, block: ProseBlock) -> None:
    first, last = block.lines
    headings = set(block.headings)
    heading_party = block.heading_party
    describe = block.describe
    merge_sub = block.sub_bullets == "merge"

    section = ctx.block_section(block)  # the block's own section
    top = section
    current = section

    default = _block_party(ctx, block)
    party: Party | None = default
    last_commitment: Commitment | None = None
    heading_section = None  # the last heading's section, parent of numbered sub-headings

    for item in assemble(ctx, first, last, headings, block.numbered_headings):
        if item.kind in ("heading", "numbered"):
            parent = top.key if top else None
            if item.kind == "heading":
                current = ctx.add_section(item.text, item.start, quote=item.raw, parent=parent)
                heading_section = current
                if heading_party:
                    party = _heading_party(ctx, block, item, heading_party)
                else:
                    party = default
            else:
                base = heading_section or top
                current = ctx.add_section(
                    item.text, item.start, quote=item.raw, parent=base.key if base else None
                )
            last_commitment = None
            continue

        if item.kind == "paragraph" and _ENGAGE.search(fold(item.text)) and item.text.rstrip().endswith(":"):
            phrase = _party_phrase(item.text)  # an intro: X s'engage(nt) à :
            partners = ctx.partners_in_phrase(phrase, item.start)
            party = (
                partners,
                "partie-qui-s-engage",
                "committing-party",
                item.text,
                ctx.span(item.start, item.raw),
            )
            last_commitment = None
            continue

        if item.kind == "paragraph" and not item.text.rstrip().endswith(
            ":"
        ):  # a colon introduces what follows
            made = _actor_commitments(ctx, item, current, top, after_bullet=last_commitment is not None)
            if made:
                ctx.protocol.commitments.extend(made)
                continue

        if item.kind == "paragraph":
            if describe and last_commitment is not None and not item.text.endswith(":"):
                last_commitment.description.append(item.text)
            continue

        if item.kind == "sub" and merge_sub and last_commitment is not None:
            last_commitment.text = f"{last_commitment.text} — {item.text}"
            last_commitment.span = Span(last_commitment.span.start, item.end, last_commitment.span.quote)
            continue

        c = _commitment(ctx, item, item.text, item.raw, current, top)
        if party is None:
            raise ctx.error(
                "bullet with no committing party: no 's'engage à' intro before it and the block "
                "names no party",
                item.start,
            )
        partners, role, rule, evidence, span = party
        for p in partners:
            c.involvements.append(ctx.involvement(p, role, evidence, rule, span or c.span))
        if block.objective is not None:
            c.objective = f"L{block.objective}"
        ctx.protocol.commitments.append(c)
        last_commitment = c


def _commitment(ctx: Context, item: Item, text: str, quote: str, section, top) -> Commitment:
    sec = section or top
    pillar, themes = ctx.inherited(sec)
    return Commitment(
        key=ctx.key("commitment", item.start),
        text=clean(text),
        span=ctx.span(item.start, quote, item.end),
        section=sec.key if sec else None,
        pillar=pillar,
        themes=themes,
    )


def _party_phrase(text: str) -> str:
    """The words before "s'engage(nt)", without a leading "Cela sera possible si"."""
    t = clean(text)
    m = _ENGAGE.search(fold(t))
    phrase = t[: m.start()] if m else t
    phrase = re.sub(r"^cela sera possible si\s+", "", phrase, flags=re.IGNORECASE)
    return phrase.strip(" ,")


def _actor_commitments(ctx: Context, item: Item, section, top, after_bullet: bool) -> list[Commitment]:
    """The commitments a paragraph states through its named actors (:func:`perr_graph.read.actors.pieces`):
    one per piece, each actor an involvement with the words as written."""
    made = []
    for i, piece in enumerate(actors.pieces(ctx, item.text, item.start, after_bullet)):
        quote = (
            item.raw
            if i == 0 and item.text.startswith(piece.sentences[0])
            else _quote_for(item.raw, piece.text)
        )
        c = _commitment(ctx, item, piece.text, quote, section, top)
        for partner, evidence, role, rule in piece.actors:
            c.involvements.append(ctx.involvement(partner, role, evidence, rule, c.span))
        made.append(c)
    return made


def _quote_for(raw: str, sentence: str) -> str:
    """The verbatim part of the item's first line where ``sentence`` starts (to the end of that line)."""
    head = sentence[:25]
    i = raw.find(head)
    if i < 0:
        return raw
    return raw[i : i + len(sentence)] if raw[i : i + len(sentence)] == sentence else raw[i:]


def _block_party(ctx: Context, block: ProseBlock) -> Party | None:
    if block.party is None or block.role is None or block.rule is None:
        return None  # the block model requires role and rule with a party
    evidence = block.evidence or ""
    span = None
    if block.evidence_line is not None:
        span = ctx.span(block.evidence_line, evidence)
    return ([block.party], block.role, block.rule, evidence or block.party, span)


def _heading_party(ctx: Context, block: ProseBlock, item: Item, how: str) -> Party:
    if how == "heading":
        partners = ctx.partners_in_phrase(item.text, item.start)
        return (
            partners,
            block.role or "partie-qui-s-engage",
            block.rule or "partner-section",
            item.text,
            ctx.span(item.start, item.raw),
        )
    if how == "parentheses":
        m = re.search(r"\(([^)]*)\)", item.text)
        if not m:
            raise ctx.error("heading has no parentheses naming who follows it up", item.start)
        services = [ctx.partner(name.strip(), item.start) for name in re.split(r"\s+et\s+|,\s*", m.group(1))]
        return (
            services,
            block.role or "",
            block.rule or "",
            m.group(0),
            ctx.span(item.start, item.raw),
        )
    raise ctx.config_error(f"heading_party must be 'heading' or 'parentheses', not {how!r}", block)
