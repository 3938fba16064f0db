"""Reader for tables of marks per partner column (Val de Drôme, Montélimar).

Layout: a header line whose cells name partners ("E", "Vi", "Caf", "CD", "CR", "Agg", "Autres"); each row holds
an optional group cell (an enjeu, or a theme spelled "C U L T U R E"), the commitment's text, then one cell per
partner column. A mark cell is ``X`` or ``x``, optionally followed by codes naming a sub-organisation
("X DRAC EN", "x ARS"), or a code alone ("PI", "DE EI"). A header that the registry maps to ``-`` is a free
column ("Autres"): its cells list partners by name ("PE ML ADSEA").

How a mark becomes a role is the protocol's ``[matrix]`` configuration, because documents differ: Montélimar
states that the lead is shown in bold (line 87), so an uppercase X, the only surviving trace of the bold, is read
as the lead (rule ``matrix-uppercase-lead``); the Val de Drôme text states no convention, so its marks are
recorded with role not determined (rule ``matrix-mark-without-convention``), the case kept as evidence.

An enjeu that the ``[labels]`` table maps gives its themes to its rows (Montélimar's "Prise en compte des
difficultés d'accès à l'offre de soin" is about health, inside the section SOLIDARITE ET LIEN SOCIAL); an enjeu it
does not map leaves the section's themes.

A row that does not fit — a mark in the text column (the row is shifted), more cells than columns, an unknown
code — stops the build with the file and line, unless the block's ``shift`` table acknowledges it.
"""

from __future__ import annotations

import re

from perr_graph.inputs.config import Matrix
from perr_graph.inputs.registry import NOBODY
from perr_graph.model import Challenge, Commitment, Involvement
from perr_graph.read.base import Context
from perr_graph.read.blocks import MatrixBlock
from perr_graph.text import clean, despace_letters

MARK = re.compile(r"^([Xx])(?:\s+(.*))?$")


def read(ctx: Context, block: MatrixBlock) -> None:
    first, last = block.lines
    legend = ctx.config.matrix
    if legend is None or not legend.marks:
        raise ctx.config_error("a matrix block needs a [matrix] table with marks = {X = …, x = …}", block)
    header_line = block.header
    if not first <= header_line <= last:
        raise ctx.config_error("a matrix block needs header = <line of the partner column names>", block)
    header = ctx.source.line(header_line).split("\t")
    columns = _columns(ctx, header, header_line)
    text_col = min(columns) - 1

    heading = block.heading
    section = (
        ctx.add_section(ctx.source.line(heading).strip(), heading, pillar=block.pillar, themes=block.themes)
        if heading
        else None
    )
    group_kind = block.group  # what the cells left of the text column are
    group_label: str | None = None
    group_section = section
    challenge = None
    challenge_info = None

    for n in range(header_line + 1, last + 1):
        raw = ctx.source.line(n)
        if not raw.strip():
            continue
        cells = _cells(ctx, raw, n, block.shift.get(n), text_col, len(header))

        text_raw = cells[text_col].strip()
        groups = [c.strip() for c in cells[:text_col] if c.strip()]
        if not text_raw and groups:  # the text stands in the group column, which is then no group
            text_raw, groups = groups[-1], groups[:-1]
        if not text_raw:
            raise ctx.error("row has marks but no commitment text", n)
        if groups:
            group_label = groups[0]
            if group_kind == "theme":
                label = despace_letters(clean(group_label))
                group_section = ctx.add_section(
                    label, n, quote=group_label, parent=section.key if section else None
                )
            else:
                challenge = Challenge(
                    ctx.key("challenge", n),
                    clean(group_label),
                    ctx.span(n, group_label),
                    section.key if section else None,
                )
                ctx.protocol.challenges.append(challenge)
                challenge_info = ctx.label_info_optional(group_label)

        sec = group_section or section
        pillar, themes = ctx.inherited(sec)
        if challenge is not None and challenge_info is not None:  # the enjeu's own themes, when mapped
            pillar = challenge_info[0] or pillar
            themes = sorted(challenge_info[1]) or themes
        c = Commitment(
            key=ctx.key("commitment", n),
            text=clean(text_raw).lstrip("•▪○▶- ").strip(),
            span=ctx.span(n, text_raw),
            section=sec.key if sec else None,
            pillar=pillar,
            themes=themes,
            challenge=challenge.key if challenge else None,
        )
        for i, partner_col in sorted(columns.items()):
            cell = cells[i].strip()
            if cell:
                _involve(ctx, block, legend, c, cell, partner_col, header[i].strip(), n)
        ctx.protocol.commitments.append(c)


def _columns(ctx: Context, header: list[str], line: int) -> dict[int, str]:
    """Cell index → partner id (or NOBODY for a free column) of the header's named cells."""
    columns: dict[int, str] = {}
    for i, name in enumerate(header):
        if name.strip():
            columns[i] = ctx.partner(name.strip(), line, what="column header")
    if not columns:
        raise ctx.error("header line names no partner column", line)
    if min(columns) < 1:
        raise ctx.error("no column left of the partner columns for the commitment text", line)
    return columns


def _cells(ctx: Context, raw: str, n: int, shift: int | None, text_col: int, width: int) -> list[str]:
    """The row's cells, as many as the header's: a shifted row moved back (``shift``), empty trailing cells
    dropped; a row that does not fit is an error."""
    cells = raw.split("\t")
    if shift is not None:
        cells = [""] * shift + cells
    elif text_col < len(cells) and MARK.match(cells[text_col].strip()):
        raise ctx.error(
            "a mark stands in the text column: the row looks shifted; acknowledge it in the block's shift table",
            n,
        )
    while len(cells) > width and not cells[-1].strip():
        cells.pop()
    if len(cells) > width:
        raise ctx.error(f"row has {len(cells)} cells, the header {width}", n)
    return cells + [""] * (width - len(cells))


def _involve(
    ctx: Context, block: MatrixBlock, legend: Matrix, c: Commitment, cell: str, column: str, name: str, n: int
) -> None:
    """The involvements one cell gives ``c``: a free column's partners, a mark's (with its codes), or an unmarked
    code's, with the role and rule the ``[matrix]`` legend gives them."""
    span = ctx.span(n, cell)
    if column == NOBODY:
        if legend.free is None:
            raise ctx.config_error(
                f"the [matrix] table needs free = {{role = …, rule = …}} for the column {name!r}", block
            )
        for p in ctx.partners_in_cell(cell, n):
            _add(c, ctx.involvement(p, legend.free.role, cell, legend.free.rule, span))
        return
    m = MARK.match(cell)
    if m:
        mark, codes = m.group(1), m.group(2)
        entry = next((v for k, v in legend.marks.items() if k == mark), None)
        if entry is None:
            raise ctx.config_error(f"the [matrix] marks table has no entry for {mark!r}", block)
        role, rule = entry.role, entry.rule
        partners = ctx.partners_in_cell(codes, n) if codes else [column]
    else:
        if legend.unmarked is None:
            raise ctx.error(f"cell {cell!r} carries no X/x mark and [matrix] has no unmarked rule", n)
        role, rule = legend.unmarked.role, legend.unmarked.rule
        partners = ctx.partners_in_cell(cell, n)
    for p in partners:
        _add(c, ctx.involvement(p, role, cell, rule, span))


def _add(c: Commitment, inv: Involvement) -> None:
    """Add an involvement; the same partner twice with the same role is one involvement, two pieces of
    evidence."""
    for existing in c.involvements:
        if existing.partner == inv.partner and existing.role == inv.role:
            if inv.evidence not in existing.evidence.split(" | "):
                existing.evidence += " | " + inv.evidence
            return
    c.involvements.append(inv)
