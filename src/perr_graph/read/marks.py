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
* in a free column, names ("PE ML ADSEA", "Aubrelle Habitat, CDC"): each partner is involved with the legend's
  ``free`` role;
* under a column that stands for several partners ("Communes"), a mark with codes naming some of them ("A
  Montbrévin") involves those only.

Every involvement keeps the cell as written as its evidence, and the legend key it was read by (``mark``: the
mark, ``"unmarked"`` or ``"free"``), so that a hypothesis can later read the same key another way
(:mod:`perr_graph.read.inference`). :func:`cell_involvements` is the one function that does this; the matrix
reader calls it for every non-empty cell, and any reader of a table with a legend of marks can call it with the
legend's marks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from perr_graph.errors import ConfigError
from perr_graph.inputs.config import RoleRule
from perr_graph.inputs.registry import NOBODY
from perr_graph.model import Involvement
from perr_graph.read.base import Context
from perr_graph.text import clean

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
    column: str | Sequence[str],
    marks: Mapping[str, RoleRule],
    unmarked: RoleRule | None = None,
    free: RoleRule | None = None,
) -> list[Involvement]:
    """The involvements one cell gives its row's commitment (module docstring).

    ``column`` is the partner id of the cell's column (:data:`~perr_graph.inputs.registry.NOBODY` for a free
    column), or the partners a column stands for ("Communes": every commune that signs, as the document's legend
    says); ``marks`` the legend's marks with their role and rule, ``unmarked`` and ``free`` the role and rule of
    a code without a mark and of a free column's names. In a column that stands for several partners, codes that
    name some of them ("A Montbrévin" under "Communes") involve those only. Unknown codes are registry errors at
    ``line``; a cell the legend does not cover (a code without a mark and no ``unmarked`` rule) is an error at
    ``line``."""
    columns = [column] if isinstance(column, str) else list(column)
    span = ctx.span(line, cell.strip())
    if columns == [NOBODY]:
        if free is None:
            raise ConfigError(
                f"line {line}: a free column needs a role and rule for its names (free = {{role, rule}})",
                ctx.config.path,
            )
        return [
            _involvement(ctx, p, None, free, cell, span, FREE) for p in named_in_free_cell(ctx, cell, line)
        ]
    found = split_mark(cell, marks)
    if found is not None:
        mark, codes = found
        entry, key = marks[mark], mark
    else:
        if unmarked is None:
            legend = "/".join(marks)
            raise ctx.error(
                f"cell {cell.strip()!r} carries no {legend} mark and [matrix] has no unmarked rule", line
            )
        entry, key, codes = unmarked, UNMARKED, cell
    named = ctx.partners_in_cell(codes, line) if codes.strip() else []
    if not named:  # a mark alone: the column's partners
        return [_involvement(ctx, p, None, entry, cell, span, key) for p in columns]
    if len(columns) > 1 and all(p in columns for p in named):  # some of the partners the column stands for
        return [_involvement(ctx, p, None, entry, cell, span, key) for p in named]
    # the services or bodies through which the column's organisation acts: each kept with its column
    holder = columns[0] if len(columns) == 1 else None
    out = [_involvement(ctx, p, holder, entry, cell, span, key) for p in named]
    if holder is None:  # a column of several partners: they act too, beside the bodies named
        out = [_involvement(ctx, p, None, entry, cell, span, key) for p in columns if p not in named] + out
    return out


def named_in_free_cell(ctx: Context, cell: str, line: int) -> list[str]:
    """The partners a free cell names: comma-separated names ("Aubrelle Habitat, CDC"), or names run together
    ("PE ML ADSEA"), split by longest match; an "et" between two names is no name; an unknown word is an error
    at ``line``."""
    out: list[str] = []
    for part in re.split(r"\s*[,;]\s*", cell):
        if not clean(part):
            continue
        found, unknown = ctx.registry.partner_aliases.split(part, ctx.pid)
        if [w for w in unknown if w.lower() != "et"]:
            ctx.partners_in_cell(part, line)  # raises, naming the unknown words
        out += [a.target for a in found if a.target != NOBODY and a.target not in out]
    return out


def _involvement(ctx: Context, partner: str, column: str | None, entry: RoleRule, cell, span, key: str):
    inv = ctx.involvement(partner, entry.role, cell.strip(), entry.rule, span)
    inv.column = column if column not in (None, partner) else None
    inv.mark = key
    return inv
