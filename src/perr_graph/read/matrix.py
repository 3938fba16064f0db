"""Reader for tables of marks per partner column (Val de Drôme, Montélimar, and any table read by a legend).

Layout: a header line whose cells name text columns ("Orientations", "Actions", "ENJEUX") and partner columns ("E",
"Vi", "État", "Communes", "Autres"); each row holds an optional group cell (an enjeu, or a theme spelled
"C U L T U R E"), the commitment's text, then one cell per partner column. Which header cells are text columns is
said by the block (``text_columns``) or by their words (:data:`TEXT_HEADER`); a header without named text columns
keeps the old layout, the text standing in the cell just left of the first partner column.

Partner columns: a header cell the ``[matrix] columns`` table maps (a "Communes" column standing for every commune
that signs, as the document's legend says), else the registry's partner for that name. A header that the registry
maps to ``-`` is a free column ("Autres"): its cells list partners by name ("PE ML ADSEA", "Aubrelle Habitat,
CDC").

Marks: the marks a document uses are the keys of its ``[matrix] marks`` table — any letters or symbols ("X"/"x",
"P"/"A", "CF"/"PA", "●"/"○") — each mapped to a role and a reading rule, because documents differ: Montélimar
states that the lead is shown in bold (line 87), so an uppercase X, the only surviving trace of the bold, is read
as the lead (rule ``matrix-uppercase-lead``); the Val de Drôme text states no convention, so its marks are
recorded with role not determined (rule ``matrix-mark-without-convention``); a document whose legend names its
marks ("P = pilote (chef de file) ; A = partenaire associé") is read by that legend (rule
``matrix-stated-legend``), and ``[matrix] legend`` cites its line. How one cell becomes involvements (the mark,
the service or body it names, the column kept beside it) is :func:`perr_graph.read.marks.cell_involvements`.

Rows cut across lines are joined: a line with no group cell whose text starts in lowercase continues the row
above when that row's text does not end a sentence (or as the block's ``continues`` table says); its marks join
the row's, each kept with its own line. A row shifted to the left is read as the block's ``shift`` table says.

An enjeu that the ``[labels]`` table maps gives its themes to its rows (Montélimar's "Prise en compte des
difficultés d'accès à l'offre de soin" is about health, inside the section SOLIDARITE ET LIEN SOCIAL); an enjeu it
does not map leaves the section's themes.

A row that does not fit — a mark in the text column (the row is shifted), more cells than columns, an unknown
code — stops the build with the file and line, unless the block's ``shift`` table acknowledges it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from perr_graph.inputs.config import Matrix
from perr_graph.inputs.registry import NOBODY
from perr_graph.model import Challenge, Commitment, Involvement, Section, Span
from perr_graph.read.base import Context
from perr_graph.read.blocks import MatrixBlock
from perr_graph.read.marks import UNMARKED, cell_involvements
from perr_graph.text import clean, despace_letters, fold

#: header words that name a text column rather than a partner
TEXT_HEADER = re.compile(
    r"^(?:enjeux?|orientations?|actions?|mesures?(?: d'accompagnement)?|engagements?|objectifs?|axes?|"
    r"themes?|thematiques?|priorites?|declinaisons?(?: locales?)?|dispositifs?|intitules?)$",
    re.IGNORECASE,
)
_SENTENCE_END = (".", ";", ":", "!", "?")


@dataclass
class Row:
    """One table row, possibly over several lines: its text, its group cell, its marks by column index."""

    start: int
    end: int
    quote: str  # the text cell of its first line, verbatim
    text: str
    groups: list[str]
    group_line: int
    marks: dict[int, tuple[str, int]] = field(default_factory=dict)  # column index → (cell, line)


@dataclass(frozen=True)
class Layout:
    """Which cells of a row hold what: the text column, the group column(s) left of it, the partner columns."""

    text: int
    partners: dict[int, list[str]]  # cell index → partner ids (or [NOBODY] for a free column)
    names: list[str]  # the header cells as written
    width: int


def read(ctx: Context, block: MatrixBlock) -> None:
    _first, last = block.lines
    legend = ctx.config.matrix
    if legend is None or not legend.marks:
        raise ctx.config_error("a matrix block needs a [matrix] table with marks = {X = …, x = …}", block)
    if not _first <= block.header <= last:
        raise ctx.config_error("a matrix block needs header = <line of the partner column names>", block)
    layout = _layout(ctx, block, legend)
    section = ctx.block_section(block)
    legend_span = (
        ctx.span(legend.legend.line, legend.legend.quote, legend.legend.end_line) if legend.legend else None
    )
    marks = {str(k): v for k, v in legend.marks.items()}  # the legend's marks, read once for the whole table
    group_section, challenge, challenge_info = section, None, None
    for row in _rows(ctx, block, layout, legend):
        if row.groups:
            label_raw = row.groups[0]
            if block.group == "theme":
                group_section = ctx.add_section(
                    despace_letters(clean(label_raw), ctx.words()),
                    row.group_line,
                    quote=label_raw,
                    parent=section.key if section else None,
                )
            else:
                challenge = Challenge(
                    ctx.key("challenge", row.group_line),
                    clean(label_raw),
                    ctx.span(row.group_line, label_raw),
                    section.key if section else None,
                )
                ctx.protocol.challenges.append(challenge)
                challenge_info = ctx.label_info_optional(label_raw)
        c = _commitment(ctx, row, group_section or section, challenge, challenge_info)
        for i, (cell, n) in sorted(row.marks.items()):
            if layout.partners[i] == [NOBODY] and legend.free is None:
                raise ctx.config_error(
                    f"the [matrix] table needs free = {{role = …, rule = …}} for the column {layout.names[i]!r}",
                    block,
                )
            for inv in cell_involvements(
                ctx, cell, n, layout.partners[i], marks, legend.unmarked, legend.free
            ):
                # the stated legend is the evidence of what a mark, or the free column, means; not of a bare code
                _add(c, inv, legend_span if inv.mark != UNMARKED else None)
        ctx.protocol.commitments.append(c)


def _commitment(
    ctx: Context,
    row: Row,
    sec: Section | None,
    challenge: Challenge | None,
    challenge_info: tuple[str | None, list[str]] | None,
) -> Commitment:
    pillar, themes = ctx.inherited(sec)
    if challenge is not None and challenge_info is not None:  # the enjeu's own themes, when mapped
        pillar = challenge_info[0] or pillar
        themes = sorted(challenge_info[1]) or themes
    return Commitment(
        key=ctx.key("commitment", row.start),
        text=clean(row.text).lstrip("•▪○▶- ").strip(),
        span=Span(row.start, row.end, ctx.span(row.start, row.quote).quote),
        section=sec.key if sec else None,
        pillar=pillar,
        themes=themes,
        challenge=challenge.key if challenge else None,
    )


def _layout(ctx: Context, block: MatrixBlock, legend: Matrix) -> Layout:
    """The header's text and partner columns (see the module docstring)."""
    line = block.header
    names = [c.strip() for c in ctx.source.line(line).split("\t")]
    wanted = {fold(t).lower() for t in block.text_columns or []}
    text_cols, partners = [], {}
    for i, name in enumerate(names):
        if not name:
            continue
        key = fold(clean(name)).lower()
        if (block.text_columns is not None and key in wanted) or (
            block.text_columns is None and TEXT_HEADER.match(key)
        ):
            text_cols.append(i)
        elif name in legend.columns or clean(name) in legend.columns:
            column = legend.columns.get(name) or legend.columns[clean(name)]
            partners[i] = list(column.partners)
        else:
            partners[i] = [ctx.partner(clean(name), line, what="column header")]
    if block.text_columns is not None and len(text_cols) != len(wanted):
        raise ctx.config_error(f"text_columns names cells that are not in the header of line {line}", block)
    if not partners:
        raise ctx.error("header line names no partner column", line)
    text_cols = [i for i in text_cols if i < min(partners)]
    text = max(text_cols) if text_cols else min(partners) - 1
    if text < 0:
        raise ctx.error("no column left of the partner columns for the commitment text", line)
    return Layout(text, partners, names, len(names))


def _rows(ctx: Context, block: MatrixBlock, layout: Layout, legend: Matrix) -> list[Row]:
    """The table's rows, lines cut across a page or a cell joined (see the module docstring)."""
    rows: list[Row] = []
    header = [fold(n).lower() for n in layout.names]
    for n in range(block.header + 1, block.lines[1] + 1):
        raw = ctx.source.line(n)
        if not raw.strip() or ctx.skipped(n):
            continue
        cells = _cells(ctx, raw, n, block.shift.get(n), layout.text, layout.width, legend)
        if [fold(c.strip()).lower() for c in cells] == header:
            continue  # the header repeated after a page break
        text = cells[layout.text].strip()
        groups = [c.strip() for c in cells[: layout.text] if c.strip()]
        if not text and groups:  # the text stands in the group column, which is then no group
            text, groups = groups[-1], groups[:-1]
        marks = {i: (cells[i].strip(), n) for i in layout.partners if cells[i].strip()}
        target = _continued(block, rows, n, text, groups)
        if target is not None:
            _join(ctx, target, n, text, marks)
            continue
        if not text:
            raise ctx.error("row has marks but no commitment text", n)
        rows.append(Row(n, n, text, text, groups, n, marks))
    return rows


def _continued(block: MatrixBlock, rows: list[Row], n: int, text: str, groups: list[str]) -> Row | None:
    """The row that line ``n`` continues, if it continues one: as ``continues`` says, or detected."""
    if n in block.continues:
        for row in rows:
            if row.start == block.continues[n]:
                return row
        return None
    if not rows or groups or n in block.rows or not text:
        return None
    prev = rows[-1]
    first = clean(text)[:1]
    if first.islower() and not clean(prev.text).endswith(_SENTENCE_END):
        return prev
    return None


def _join(ctx: Context, row: Row, n: int, text: str, marks: dict[int, tuple[str, int]]) -> None:
    if not text and not marks:
        return
    row.text = f"{row.text} {text}" if text else row.text
    row.end = n
    for i, mark in marks.items():
        if i in row.marks:
            raise ctx.error(
                f"the row continued from line {row.start} has a mark in this column on both lines", n
            )
        row.marks[i] = mark


def _marks(legend: Matrix) -> re.Pattern:
    """A cell that starts with one of the configured marks, then optionally a code: "P", "P EN", "P (ARS)"."""
    return _mark_pattern(tuple(sorted(legend.marks, key=len, reverse=True)))


@lru_cache(maxsize=64)
def _mark_pattern(marks: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(re.escape(m) for m in marks)
    return re.compile(rf"^(?P<mark>{alternatives})(?:\s*\((?P<paren>[^)]*)\)|\s+(?P<codes>.+))?$")


def _cells(
    ctx: Context, raw: str, n: int, shift: int | None, text_col: int, width: int, legend: Matrix
) -> list[str]:
    """The row's cells, as many as the header's: a shifted row moved back (``shift``), empty trailing cells
    dropped; a row that does not fit is an error."""
    cells = raw.split("\t")
    if shift is not None:
        cells = [""] * shift + cells
    elif text_col < len(cells) and _marks(legend).match(cells[text_col].strip()):
        raise ctx.error(
            "a mark stands in the text column: the row looks shifted; acknowledge it in the block's shift table",
            n,
        )
    while len(cells) > width and not cells[-1].strip():
        cells.pop()
    if len(cells) > width:
        raise ctx.error(f"row has {len(cells)} cells, the header {width}", n)
    return cells + [""] * (width - len(cells))


def _add(c: Commitment, inv: Involvement, legend: Span | None) -> None:
    """Add an involvement; the same partner twice with the same role (and column) is one involvement, two pieces
    of evidence. Read by a stated legend, it cites the legend's line too."""
    if legend is not None:
        inv.legend = legend
    for existing in c.involvements:
        if existing.partner == inv.partner and existing.role == inv.role and existing.column == inv.column:
            if inv.evidence not in existing.evidence.split(" | "):
                existing.evidence += " | " + inv.evidence
            return
    c.involvements.append(inv)
