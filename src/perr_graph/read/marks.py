"""How the text of one cell of a table of marks becomes involvements (``docs/model.md``, "Involvement").

A table of marks has one column per partner (the header names it: "E", "Vi", "CD" …) and, sometimes, a free
column ("Autres") whose cells name partners. One cell holds:

* a mark, as the table's legend lists them ("X", "x", or any other mark a legend names, e.g. "P"), alone: the
  column's partner is involved with the mark's role;
* a mark followed by codes, bare or in parentheses ("X ARS", "X DRAC EN", "x ddf", "P (ARS)"): the codes name the
  services or agencies through which the column's partner acts. Each service is the involvement's partner and the
  column's partner is kept as its ``column`` (Montélimar, line 171: "X ARS" under E, "E = Etat et les services qui
  lui sont rattachés" at line 89: the State acting through the ARS);
* codes without a mark ("MS", "C MS", "DE EI" under CD): each organisation the codes name is involved with the
  legend's ``unmarked`` role (the text gives no mark, so no case to read), the column's partner kept as above;
* in a free column, names ("PE ML ADSEA"): each partner is involved with the legend's ``free`` role.

Every involvement keeps the cell as written as its evidence, and the legend key it was read by (``mark``: the
mark, ``"unmarked"`` or ``"free"``), so that a hypothesis can later read the same key another way
(:mod:`perr_graph.read.inference`). :func:`cell_involvements` is the one function that does this; the matrix
reader calls it for every non-empty cell, and any reader of a table with a legend of marks can call it with the
legend's marks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from perr_graph.errors import ConfigError
from perr_graph.inputs.config import RoleRule
from perr_graph.inputs.registry import NOBODY
from perr_graph.model import Involvement
from perr_graph.read.base import Context

#: the legend keys of a cell without a mark, and of a free column
UNMARKED, FREE = "unmarked", "free"


def split_mark(cell: str, marks: Mapping[str, object]) -> tuple[str, str] | None:
    """``(mark, codes)`` when ``cell`` opens with one of ``marks`` (case-sensitive, the longest first), alone or
    followed by codes, bare or in parentheses: ``"X ARS"`` → ``("X", "ARS")``, ``"P (ARS)"`` → ``("P", "ARS")``,
    ``"x"`` → ``("x", "")``; None when it does not (a code without a mark)."""
    text = cell.strip()
    for mark in sorted(marks, key=len, reverse=True):
        m = re.fullmatch(re.escape(mark) + r"(?:\s+\(?\s*([^()]*?)\s*\)?)?", text)
        if m:
            return mark, (m.group(1) or "").strip()
    return None


def cell_involvements(
    ctx: Context,
    cell: str,
    line: int,
    column: str,
    marks: Mapping[str, RoleRule],
    unmarked: RoleRule | None = None,
    free: RoleRule | None = None,
) -> list[Involvement]:
    """The involvements one cell gives its row's commitment (module docstring).

    ``column`` is the partner id of the cell's column (:data:`~perr_graph.inputs.registry.NOBODY` for a free
    column), ``marks`` the legend's marks with their role and rule, ``unmarked`` and ``free`` the role and rule of
    a code without a mark and of a free column's names. Unknown codes are registry errors at ``line``; a cell the
    legend does not cover (a code without a mark and no ``unmarked`` rule) is a configuration error."""
    span = ctx.span(line, cell.strip())
    if column == NOBODY:
        if free is None:
            raise ConfigError(
                f"line {line}: a free column needs a role and rule for its names (free = {{role, rule}})",
                ctx.config.path,
            )
        return [_involvement(ctx, p, None, free, cell, span, FREE) for p in ctx.partners_in_cell(cell, line)]
    found = split_mark(cell, marks)
    if found is not None:
        mark, codes = found
        entry, key = marks[mark], mark
        partners = ctx.partners_in_cell(codes, line) if codes else [column]
    else:
        if unmarked is None:
            raise ctx.error(f"cell {cell.strip()!r} carries no mark of the legend and no unmarked rule", line)
        entry, key = unmarked, UNMARKED
        partners = ctx.partners_in_cell(cell, line)
    return [_involvement(ctx, p, column, entry, cell, span, key) for p in partners]


def _involvement(ctx: Context, partner: str, column: str | None, entry: RoleRule, cell, span, key: str):
    inv = ctx.involvement(partner, entry.role, cell.strip(), entry.rule, span)
    inv.column = column if column not in (None, partner) else None
    inv.mark = key
    return inv
