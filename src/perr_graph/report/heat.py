"""Heat maps: a table whose cells are shaded by value (darker = more) and link to what they count, computed here
and drawn by the ``heat`` macro of ``templates/macros.html.j2``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Cell:
    value: object
    cls: str  # "num", "num zero" or "num total"
    background: str = ""  # "rgb(r, g, b)", empty for no shade
    ink: str = ""
    href: str = ""  # the commitments (or organisations) the cell counts


@dataclass
class Row:
    labels: list
    cells: list[Cell]


@dataclass
class HeatMap:
    labels: list[str]  # headers of the label columns
    values: list[str]  # headers of the value columns
    total: str | None
    rows: list[Row]
    #: the table offered for download (:class:`perr_graph.report.downloads.DataTable`), when it is
    download: object = None


def shade(value, top: float, hue: str, cls: str, href: str = "") -> Cell:
    """A cell shaded from white at 0 to the full hue at ``top``, its ink white on the darker half."""
    if not value or top <= 0:
        return Cell(value, cls, href=href if value else "")
    t = max(0.0, min(1.0, float(value) / top)) ** 0.75
    if hue == "green":
        lo, hi = (236, 247, 240), (30, 120, 70)
    else:
        lo, hi = (232, 239, 250), (24, 64, 140)
    rgb = tuple(round(lo[i] + (hi[i] - lo[i]) * t) for i in range(3))
    return Cell(value, cls, f"rgb{rgb}", "#ffffff" if t > 0.55 else "#1d2433", href)


def heat_map(
    label_columns: list[tuple[str, str]],
    value_columns: list[tuple[str, str]],
    rows: list[dict],
    total: tuple[str, str] | None = None,
    hue: str = "blue",
    top: float | None = None,
    href: Callable[[dict, str], str] | None = None,
) -> HeatMap:
    """Columns are ``(key, header)``; cells are shaded against the largest value of the value columns (or
    ``top``), the total column against its own maximum. ``href(row, key)`` links a cell (key ``""`` for the
    total) to what it counts."""
    values = [float(r.get(k) or 0) for r in rows for k, _ in value_columns]
    top = top or max(values, default=0)
    total_top = max((float(r.get(total[0]) or 0) for r in rows), default=0) if total else 0
    out = []
    for r in rows:
        cells = []
        for k, _ in value_columns:
            v = r.get(k) or 0
            cells.append(shade(v, top, hue, "num zero" if not v else "num", href(r, k) if href else ""))
        if total:
            cells.append(
                shade(r.get(total[0]) or 0, total_top, hue, "num total", href(r, "") if href else "")
            )
        out.append(Row([r.get(k) for k, _ in label_columns], cells))
    return HeatMap(
        [h for _, h in label_columns], [h for _, h in value_columns], total[1] if total else None, out
    )


def transpose(records: list[dict], key: str, label: str, columns: list[str]) -> list[dict]:
    """Records keyed by ``key`` with one value per column turned round: one record per column (``_column``),
    one value per former record key — for a table with more protocols than concepts."""
    out = []
    for c in columns:
        rec: dict = {"_column": c}
        for r in records:
            rec[r[key]] = r.get(c)
        out.append(rec)
    return out
