"""Reader for objectives tables: Enjeux / Objectifs / Déclinaisons locales / Indicateurs (Valence), and any
ordered subset of Enjeux / Orientations / Objectifs / Actions / Déclinaisons / Indicateurs / Cibles.

Each row is one line of tab-separated cells; what each cell holds is said by the header's words
(:func:`column_kind`: "Enjeux" an enjeu, "Objectifs" an objective, "Actions" or "Déclinaisons" the commitments,
"Indicateurs" the indicators, "Cibles" their targets), or by the block's ``columns`` table. An empty enjeu or
objective cell carries the one above it down (across a page footer listed under ``ignore`` and a repeated
header). A commitments cell holding several paragraphs (``<p>…</p>``) or items run together by a lost line break
(two spaces before a capital letter) gives one commitment per item. A row that continues the cell of an earlier
row across a page break is declared in the block's ``continues`` table (``355 = 353``): its first item is
appended to that row's last commitment.

Indicators: the indicators cell gives one indicator per paragraph, list item (``<li>``) or item run together by a
lost line break. They belong to the row's commitment when the row has exactly one, and to the row's objective when
it has several (which item an indicator measures is not written). Targets are read from the indicator's own words
(:func:`read_targets`), or from the row's targets cell.
"""

from __future__ import annotations

import re
from itertools import pairwise

from perr_graph.model import Challenge, Commitment, Indicator, Objective, Section, Span, Target
from perr_graph.read.base import Context
from perr_graph.read.blocks import IndicatorLinesBlock, ObjectiveListBlock, ObjectivesTableBlock
from perr_graph.text import clean, fold, parse_number

_PARAGRAPH_SPLIT = re.compile(r"(?<=</p>)\s*(?=<p)|(?<=</ul>)\s*(?=<p)")
_LIST_SPLIT = re.compile(r"</li>\s*<li[^>]*>")
_RUN_TOGETHER = re.compile(r"\s{2,}(?=[A-ZÀ-Ý])")
_OUTER_TAGS = re.compile(r"^(?:\s*<(?:ul|li|p|b)\b[^>]*>)+|(?:</(?:ul|li|p|b)>\s*)+$")


def split_items(cell: str) -> list[str]:
    """The raw items of a cell: paragraphs, list items, or items run together by a lost line break. A list item
    is given without its tags, so that it stands verbatim in the line."""
    cell = cell.strip()
    if not cell:
        return []
    if cell.startswith("<ul") and "<li" in cell:
        parts = [_OUTER_TAGS.sub("", part) for part in _LIST_SPLIT.split(cell)]
    elif "<p" in cell:
        parts = _PARAGRAPH_SPLIT.split(cell)
    else:
        parts = _RUN_TOGETHER.split(cell)
    return [p.strip() for p in parts if clean(p)]


def split_indicators(item: str) -> list[str]:
    """An Indicateurs item holding several indicators run together by a lost line break: a new indicator starts
    where the item's opening recurs after a space, as the same capitalised word ("Nombre de vaccinations Nombre
    d'actions de prévention menées", Valence line 367) or the same "<number>% <word>" ("20% minimum des ménages
    … en 2020 50% minimum des ménages …", line 341). Each part is a substring of the item."""
    text = item.strip()
    m = re.match(r"(?:<[^>]+>\s*)*(\d+(?:,\d+)?\s?%\s+\w+|[A-ZÀ-Ý]\w{2,})", text)
    if m is None:
        return [item]
    head = m.group(1)
    if head[0].isdigit():
        pattern = re.compile(r"(?<=\s)\d+(?:,\d+)?\s?%\s+" + re.escape(head.split()[-1]) + r"\b")
    else:
        pattern = re.compile(r"(?<=\s)" + re.escape(head) + r"\b")
    cuts = [x.start() for x in pattern.finditer(text, m.end())]
    if not cuts:
        return [item]
    bounds = [0, *cuts, len(text)]
    return [text[a:b].strip() for a, b in pairwise(bounds) if text[a:b].strip()]


#: header words → what the column holds (the first word that matches decides)
_KINDS = [
    ("enjeu", "challenge"),
    ("orientation", "challenge"),
    ("axe", "challenge"),
    ("objectif", "objective"),
    ("action", "commitment"),
    ("declinaison", "commitment"),
    ("mesure", "commitment"),
    ("engagement", "commitment"),
    ("indicateur", "indicator"),
    ("cible", "target"),
]


def column_kind(header: str) -> str | None:
    """What a column holds, from its header's first word ("Déclinaisons locales" → commitment)."""
    words = fold(clean(header)).lower().split()
    for word, kind in _KINDS:
        if words and words[0].startswith(word):
            return kind
    return None


_NUM = r"(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+(?:,\d+)?)"
_PERCENT = re.compile(
    r"(\d+(?:,\d+)?)\s?%((?:\s+\S+){0,1}?\s+(?:en|d'ici|à partir de)\s+(\d{4}))?(\s+minimum)?"
)
_CIBLE = re.compile(
    rf"cible\s*:\s*{_NUM}(?:\s+(?!par\b|d'ici\b)([a-zà-ÿ'-]+))?(?:\s+par\s+([a-zà-ÿ'-]+))?(?:\s+d'ici\s+(\d{{4}}))?",
    re.IGNORECASE,
)
_PER = re.compile(rf":\s*{_NUM}\s+par\s+([a-zà-ÿ'-]+)", re.IGNORECASE)
_LEADING_COUNT = re.compile(r"^(\d+)\s+([^\d%]{3,60}?)$")
_BY_YEAR = re.compile(r"d'ici\s+(\d{4})")
_COUNTED = re.compile(r"^(?:nombre|nb)\s+d(?:e\s+|')([a-zà-ÿ-]+)", re.IGNORECASE)


def counted_unit(label: str) -> str:
    """What an indicator counts, from its own words: "Nombre de jeunes …" → "jeunes", "Jeunes des QPV …" →
    "jeunes" (a plural noun first); "" when its words do not say."""
    t = clean(label)
    m = _COUNTED.match(t)
    if m:
        return m.group(1).lower()
    first = t.split(" ", 1)[0] if t else ""
    return first.lower() if re.fullmatch(r"[A-Za-zÀ-ÿ-]{3,}[sx]", first) else ""


def read_targets(text: str) -> list[Target]:
    """The targets an indicator states in its own words; nothing is inferred.

    In order: "cible : N [unit] [par X] [d'ici AAAA]"; a percentage, with "en AAAA" or "d'ici AAAA" just after it
    and "minimum" after that; ": N par X" ("15 par marché"); a leading count ("1 action par an par quartier");
    "d'ici AAAA" alone. A count's unit is the word after it, else what the indicator counts
    (:func:`counted_unit`); "par X" is what it is counted per."""
    t = clean(text)
    targets = []
    for m in _CIBLE.finditer(t):
        unit = (m.group(2) or counted_unit(t)).lower()
        year = int(m.group(4)) if m.group(4) else None
        targets.append(Target(parse_number(m.group(1)), unit, year, m.group(0).strip(), per=m.group(3)))
    if not targets:
        for m in _PERCENT.finditer(t):
            year = int(m.group(3)) if m.group(3) else None
            targets.append(
                Target(parse_number(m.group(1)), "%", year, m.group(0).strip(), minimum=bool(m.group(4)))
            )
    if not targets:
        for m in _PER.finditer(t):
            targets.append(
                Target(
                    parse_number(m.group(1)), counted_unit(t), None, m.group(0).lstrip(": "), per=m.group(2)
                )
            )
    count = _LEADING_COUNT.match(t)
    if not targets and count:
        targets.append(Target(int(count.group(1)), count.group(2).strip(), None, t))
    by_year = _BY_YEAR.search(t)
    if not targets and by_year:
        targets.append(Target(None, "", int(by_year.group(1)), by_year.group(0)))
    return targets


def read(ctx: Context, block: ObjectivesTableBlock) -> None:
    _first, last = block.lines
    section = ctx.block_section(block)
    kinds = _kinds(ctx, block)
    header_cells = [fold(c).strip().lower() for c in ctx.source.line(block.header).split("\t")]
    state = _TableState(section)
    for n in range(block.header + 1, last + 1):
        raw = ctx.source.line(n)
        if not raw.strip() or ctx.skipped(n):
            continue
        cells = raw.split("\t")
        if [fold(c).strip().lower() for c in cells] == header_cells:
            continue  # the header repeated after a page break
        if len(cells) > len(kinds) and any(c.strip() for c in cells[len(kinds) :]):
            raise ctx.error(f"row has {len(cells)} cells, the table {len(kinds)}", n)
        row = {kind: "" for kind in kinds}
        for kind, cell in zip(kinds, cells, strict=False):
            row[kind] = cell.strip()
        _row(ctx, block, state, n, row)


def _kinds(ctx: Context, block: ObjectivesTableBlock) -> list[str]:
    """What each header cell holds, in order (see :func:`column_kind`); exactly one column of commitments."""
    wanted = {fold(k).lower(): v for k, v in block.columns.items()}
    kinds = []
    for cell in ctx.source.line(block.header).split("\t"):
        kind = wanted.get(fold(clean(cell)).lower()) or column_kind(cell)
        if kind is None:
            raise ctx.error(
                f"header cell {clean(cell)!r} names no column an objectives table reads (Enjeux, Orientations, "
                "Objectifs, Actions, Déclinaisons, Indicateurs, Cibles): say what it holds in the block's columns",
                block.header,
            )
        kinds.append(kind)
    if kinds.count("commitment") != 1 or len(set(kinds)) != len(kinds):
        raise ctx.error(
            "an objectives table needs one column of commitments (Actions, Déclinaisons, Mesures) and each "
            f"kind of column once; this header reads as {', '.join(kinds)}",
            block.header,
        )
    return kinds


class _TableState:
    """What carries down an objectives table: the section, the current enjeu and objective, the rows read."""

    def __init__(self, section: Section | None):
        self.section = section
        self.challenge: Challenge | None = None
        self.challenge_themes: list[str] = []
        self.objective: Objective | None = None
        self.rows: dict[int, list[Commitment]] = {}


def _row(ctx: Context, block: ObjectivesTableBlock, st: _TableState, n: int, row: dict[str, str]) -> None:
    section = st.section
    if row.get("challenge"):
        enjeu = row["challenge"]
        info = ctx.label_info_optional(enjeu)
        st.challenge = Challenge(
            ctx.key("challenge", n), clean(enjeu), ctx.span(n, enjeu), section.key if section else None
        )
        st.challenge_themes = info[1] if info else []
        ctx.protocol.challenges.append(st.challenge)
        st.objective = None
    if row.get("objective"):
        st.objective = Objective(
            ctx.key("objective", n),
            clean(row["objective"]),
            ctx.span(n, row["objective"]),
            section.key if section else None,
            st.challenge.key if st.challenge else None,
        )
        ctx.protocol.objectives.append(st.objective)
    made = _commitments(ctx, block, st, n, split_items(row["commitment"]))
    st.rows[n] = made
    targets = [t for item in split_items(row.get("target", "")) for t in read_targets(item)]
    items = [part for cell in split_items(row.get("indicator", "")) for part in split_indicators(cell)]
    if not items and targets:
        items = split_items(row["target"])
        targets = []
    for i, item in enumerate(items):
        ind = Indicator(ctx.key("indicator", n), clean(item), ctx.span(n, item), read_targets(item))
        if len(targets) == len(items):  # one target per indicator, in order
            ind.targets.append(targets[i])
        elif targets and i == len(items) - 1:  # otherwise the row's targets go to its last indicator
            ind.targets += targets
        if len(made) == 1:
            ind.of_commitments = [made[0].key]
        elif st.objective is not None:
            ind.of_objective = st.objective.key
        else:
            raise ctx.error("indicator with neither a single commitment nor an objective to measure", n)
        ctx.protocol.indicators.append(ind)


def _commitments(
    ctx: Context, block: ObjectivesTableBlock, st: _TableState, n: int, items: list[str]
) -> list[Commitment]:
    """The row's commitments, one per item; a row continuing an earlier one across a page break first
    completes that row's last commitment."""
    section = st.section
    made: list[Commitment] = []
    if n in block.continues and items:
        target_row = st.rows.get(block.continues[n])
        if not target_row:
            raise ctx.config_error(
                f"continues: line {block.continues[n]} has no commitment to continue", block
            )
        prev = target_row[-1]
        prev.text = f"{prev.text} {clean(items[0])}"
        prev.span = Span(prev.span.start, n, prev.span.quote)
        items = items[1:]
        made.append(prev)
    pillar, themes = ctx.inherited(section)
    for item in items:
        c = Commitment(
            key=ctx.key("commitment", n),
            text=clean(item),
            span=ctx.span(n, item),
            section=section.key if section else None,
            pillar=pillar,
            themes=sorted(set(themes + st.challenge_themes)),
            challenge=st.challenge.key if st.challenge else None,
            objective=st.objective.key if st.objective else None,
        )
        made.append(c)
        ctx.protocol.commitments.append(c)
    return made


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
    top = ctx.block_section(block)
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
