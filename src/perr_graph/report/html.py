"""Small HTML helpers for the report: escaping, the page frame, tables and heat maps."""

from __future__ import annotations

from html import escape

from perr_graph.report.style import CSS
from perr_graph.terminal import plain_value


def e(value) -> str:
    return escape("" if value is None else str(value))


num = plain_value  # numbers in cells and cards, formatted as in the terminal tables


def page(title: str, body: str, nav: list[tuple[str, str]], here: str, generated: str) -> str:
    """A complete, self-contained page (inline CSS, no script, no external resource)."""
    links = []
    for href, label in nav:
        if href == "|":
            links.append('<span class="sep"></span>')
            continue
        cls = ' class="here"' if href == here else ""
        links.append(f'<a href="{e(href)}"{cls}>{e(label)}</a>')
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)} — perr-graph</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header class="top"><a class="brand" href="index.html">perr-graph · PERR 2019–2022</a>'
        f"<nav>{''.join(links)}</nav></header>\n"
        f"<main>\n{body}\n<footer>{generated}</footer>\n</main>\n</body>\n</html>\n"
    )


def table(
    columns: list[str],
    rows: list[list],
    numeric: set[str] | None = None,
    cls: str = "data",
    raw: set[str] | None = None,
) -> str:
    """A plain table; ``raw`` columns hold HTML already escaped."""
    numeric = numeric or set()
    raw = raw or set()
    head = "".join(f'<th class="num">{e(c)}</th>' if c in numeric else f"<th>{e(c)}</th>" for c in columns)
    body = []
    for r in rows:
        cells = []
        for c, v in zip(columns, r, strict=False):
            content = v if c in raw else (num(v) if c in numeric else e(v))
            cells.append(f'<td class="num">{content}</td>' if c in numeric else f"<td>{content}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<div class="scroll"><table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def _shade(value: float, top: float, hue: str) -> str:
    """A background colour for a heat-map cell: white at 0, the full hue at ``top``."""
    if not value or top <= 0:
        return ""
    t = max(0.0, min(1.0, value / top)) ** 0.75
    if hue == "green":
        lo, hi = (236, 247, 240), (30, 120, 70)
    else:
        lo, hi = (232, 239, 250), (24, 64, 140)
    rgb = tuple(round(lo[i] + (hi[i] - lo[i]) * t) for i in range(3))
    ink = "#ffffff" if t > 0.55 else "#1d2433"
    return f' style="background:rgb{rgb};color:{ink}"'


def heat(
    label_columns: list[tuple[str, str]],
    value_columns: list[tuple[str, str]],
    rows: list[dict],
    total: tuple[str, str] | None = None,
    hue: str = "blue",
    top: float | None = None,
) -> str:
    """A heat map as an HTML table: cells shaded by value (darker = more), against the largest value of the
    table's value columns (or ``top``); the total column is shaded against its own maximum."""
    values = [float(r.get(k) or 0) for r in rows for k, _ in value_columns]
    top = top or max(values, default=0)
    total_top = max((float(r.get(total[0]) or 0) for r in rows), default=0) if total else 0
    head = "".join(f"<th>{e(h)}</th>" for _, h in label_columns)
    head += "".join(f'<th class="num">{e(h)}</th>' for _, h in value_columns)
    if total:
        head += f'<th class="num total">{e(total[1])}</th>'
    body = []
    for r in rows:
        cells = "".join(f"<td>{e(r.get(k))}</td>" for k, _ in label_columns)
        for k, _ in value_columns:
            v = r.get(k) or 0
            zero = " zero" if not v else ""
            cells += f'<td class="num{zero}"{_shade(float(v), top, hue)}>{num(v)}</td>'
        if total:
            v = r.get(total[0]) or 0
            cells += f'<td class="num total"{_shade(float(v), total_top, hue)}>{num(v)}</td>'
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<div class="scroll"><table class="heat"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )
