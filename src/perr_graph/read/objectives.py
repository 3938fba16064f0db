"""Reader for objectives tables: Enjeux / Objectifs / Déclinaisons locales / Indicateurs (Valence).

Each row is one line of four tab-separated cells. An empty Enjeux or Objectifs cell carries the one above it
down. A Déclinaisons cell holding several paragraphs (``<p>…</p>``) or items run together by a lost line break
(two spaces before a capital letter) gives one commitment per item. A row that continues the cell of an earlier
row across a page break is declared in the block's ``continues`` table (``355 = 353``): its first item is
appended to that row's last commitment.

Indicators: the Indicateurs cell gives one indicator per paragraph. They belong to the row's commitment when the
row has exactly one, and to the row's objective when it has several (which item an indicator measures is not
written). Targets are read from the indicator's own words: a percentage, with "en YYYY" or "d'ici YYYY" just
after it; a leading count ("1 action par an par quartier"); or "d'ici YYYY" alone.
"""

from __future__ import annotations

import re

from perr_graph.model import Challenge, Commitment, Indicator, Objective, Span, Target
from perr_graph.read.base import Context
from perr_graph.read.blocks import IndicatorLinesBlock, ObjectiveListBlock, ObjectivesTableBlock
from perr_graph.text import clean, parse_number

_PARAGRAPH_SPLIT = re.compile(r"(?<=</p>)\s*(?=<p)|(?<=</ul>)\s*(?=<p)")
_RUN_TOGETHER = re.compile(r"\s{2,}(?=[A-ZÀ-Ý])")


def split_items(cell: str) -> list[str]:
    """The raw items of a cell: paragraphs, or items run together by a lost line break."""
    cell = cell.strip()
    if not cell:
        return []
    if "<p" in cell:
        parts = _PARAGRAPH_SPLIT.split(cell)
    else:
        parts = _RUN_TOGETHER.split(cell)
    return [p.strip() for p in parts if clean(p)]


_PERCENT = re.compile(r"(\d+(?:,\d+)?)\s?%((?:\s+\S+){0,1}?\s+(?:en|d'ici|à partir de)\s+(\d{4}))?")
_LEADING_COUNT = re.compile(r"^(\d+)\s+([^\d%]{3,60}?)$")
_BY_YEAR = re.compile(r"d'ici\s+(\d{4})")


def read_targets(text: str) -> list[Target]:
    """The targets an indicator states in its own words (see module docstring); nothing is inferred."""
    t = clean(text)
    targets = [
        Target(parse_number(m.group(1)), "%", int(m.group(3)) if m.group(3) else None, m.group(0).strip())
        for m in _PERCENT.finditer(t)
    ]
    if not targets:
        m = _LEADING_COUNT.match(t)
        if m:
            targets.append(Target(int(m.group(1)), m.group(2).strip(), None, t))
    if not targets:
        m = _BY_YEAR.search(t)
        if m:
            targets.append(Target(None, "", int(m.group(1)), m.group(0)))
    return targets


def read(ctx: Context, block: ObjectivesTableBlock) -> None:
    _first, last = block.lines
    header = block.header
    continues = block.continues
    heading = block.heading
    section = (
        ctx.add_section(ctx.source.line(heading).strip(), heading, pillar=block.pillar, themes=block.themes)
        if heading
        else None
    )
    columns = [c.strip() for c in ctx.source.line(header).split("\t")]
    if len(columns) != 4:
        raise ctx.error(
            f"expected 4 header cells (Enjeux, Objectifs, Déclinaisons, Indicateurs), found {len(columns)}",
            header,
        )

    challenge: Challenge | None = None
    objective: Objective | None = None
    row_commitments: dict[int, list[Commitment]] = {}
    for n in range(header + 1, last + 1):
        raw = ctx.source.line(n)
        if not raw.strip():
            continue
        cells = raw.split("\t")
        if len(cells) > 4 and any(c.strip() for c in cells[4:]):
            raise ctx.error(f"row has {len(cells)} cells, the table 4", n)
        cells = (cells + [""] * 4)[:4]
        enjeu, objectif, declinaison, indicateurs = (c.strip() for c in cells)

        if enjeu:
            _pillar, themes = ctx.label_info(enjeu, n)
            challenge = Challenge(
                ctx.key("challenge", n), clean(enjeu), ctx.span(n, enjeu), section.key if section else None
            )
            challenge_themes = themes
            ctx.protocol.challenges.append(challenge)
            objective = None
        if objectif:
            objective = Objective(
                ctx.key("objective", n),
                clean(objectif),
                ctx.span(n, objectif),
                section.key if section else None,
                challenge.key if challenge else None,
            )
            ctx.protocol.objectives.append(objective)
        if challenge is None:
            raise ctx.error("row before any enjeu", n)

        items = split_items(declinaison)
        made: list[Commitment] = []
        if n in continues and items:
            target_row = row_commitments.get(continues[n])
            if not target_row:
                raise ctx.config_error(f"continues: line {continues[n]} has no commitment to continue", block)
            prev = target_row[-1]
            prev.text = f"{prev.text} {clean(items[0])}"
            prev.span = Span(prev.span.start, n, prev.span.quote)
            items = items[1:]
            made.append(prev)
        for item in items:
            made.append(
                Commitment(
                    key=ctx.key("commitment", n),
                    text=clean(item),
                    span=ctx.span(n, item),
                    section=section.key if section else None,
                    pillar=section.pillar if section else None,
                    themes=sorted(set((section.themes if section else []) + challenge_themes)),
                    challenge=challenge.key,
                    objective=objective.key if objective else None,
                )
            )
        new = [c for c in made if c.key == f"L{n}" or c.key.startswith(f"L{n}-")]
        ctx.protocol.commitments.extend(new)
        row_commitments[n] = made

        for item in split_items(indicateurs):
            ind = Indicator(ctx.key("indicator", n), clean(item), ctx.span(n, item), read_targets(item))
            if len(made) == 1:
                ind.of_commitments = [made[0].key]
            elif objective is not None:
                ind.of_objective = objective.key
            else:
                raise ctx.error("indicator with neither a single commitment nor an objective to measure", n)
            ctx.protocol.indicators.append(ind)


def read_indicator_lines(ctx: Context, block: IndicatorLinesBlock) -> None:
    """Indicators written one per line (an annex's "Critères d'évaluation"), hung on the objective the block
    names (``objective = <line of an [[objective]] entry>``). Lines ending with "?" or ":" are questions and
    headings, not indicators."""
    first, last = block.lines
    key = f"L{block.objective}"
    if key not in {o.key for o in ctx.protocol.objectives}:
        raise ctx.config_error(
            "an indicator-lines block needs objective = <line of an [[objective]] entry>", block
        )
    for n in range(first, last + 1):
        raw = ctx.source.line(n).strip()
        text = clean(raw)
        if not text or text.endswith(("?", ":")):
            continue
        ctx.protocol.indicators.append(
            Indicator(ctx.key("indicator", n), text, ctx.span(n, raw), read_targets(raw), of_objective=key)
        )


def read_objective_list(ctx: Context, block: ObjectiveListBlock) -> None:
    """Priorities, orientations or préconisations listed as bullets (or, with ``whole_lines = true``, one per
    line): one objective each, under the block's ``heading`` and its ``headings`` (sub-sections). A line ending
    with a colon introduces the list and is not an item."""
    import re as _re

    first, last = block.lines
    top = (
        ctx.add_section(
            ctx.source.line(block.heading), block.heading, pillar=block.pillar, themes=block.themes
        )
        if block.heading is not None
        else None
    )
    current = top
    headings = set(block.headings)
    for n in range(first, last + 1):
        raw = ctx.source.line(n)
        if not clean(raw):
            continue
        if n in headings:
            current = ctx.add_section(raw, n, parent=top.key if top else None)
            continue
        m = _re.match(r"^\s*(?:[-•▶✓]\s*)+(.*)$", raw)
        body = m.group(1).strip() if m else (raw.strip() if block.whole_lines else "")
        if not clean(body) or clean(body).endswith(":"):  # an intro to the list, not an item
            continue
        ctx.protocol.objectives.append(
            Objective(
                ctx.key("objective", n),
                clean(body).rstrip(" ;,."),
                ctx.span(n, body),
                current.key if current else None,
                None,
            )
        )
