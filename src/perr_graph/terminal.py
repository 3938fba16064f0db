"""Plain values and plain-text tables (no dependency). :func:`plain_value` is how a value is written wherever the
project writes a table — the terminal, the comparison's CSV and the report's pages — and :func:`render` aligns a
table for the terminal, numbers right-aligned."""

from __future__ import annotations


def plain_value(v) -> str:
    """A cell value as text: empty for None, floats to at most 4 decimals without trailing zeros."""
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".")
    return str(v)


def render(header: list[str], rows: list[list], max_width: int = 60) -> str:
    def cell(v) -> str:
        s = "" if v is None else str(v)
        s = s.replace("\n", " ")
        return s if len(s) <= max_width else s[: max_width - 1] + "…"

    body = [[cell(v) for v in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
    numeric = [
        all(r[i].lstrip("-").replace(".", "", 1).isdigit() for r in body if r[i]) and any(r[i] for r in body)
        for i in range(len(header))
    ]

    def line(values):
        return "  ".join(
            v.rjust(w) if numeric[i] else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=False))
        )

    out = [line(header), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in body]
    return "\n".join(x.rstrip() for x in out)
