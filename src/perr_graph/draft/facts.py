"""Drafting the facts a text states once: its title, its period, where and when it was signed, the contrat de ville
it renews; and the lines to leave aside with their reason (a table of contents, page footers).

Each is written with its line and the words there, which the build checks: a date or a year the draft gives
stands in its quote.
"""

from __future__ import annotations

import re

from perr_graph.draft.context import DraftContext
from perr_graph.text import clean, find_dates, fold

_PERIOD = re.compile(r"(?:(?:pour la )?p[ée]riode\s+)?(20\d\d)\s*[-–—_\\]+\s*(20\d\d)", re.IGNORECASE)
_SIGNED = re.compile(
    r"^\**\s*fait\s+(?:en\s+\d+\s+exemplaires\s*,\s*)?(?:à|au|a)\s+(?P<place>[^,]+?)\s*,?\s+le\b",
    re.IGNORECASE,
)
_CONTRACT = re.compile(
    r"(?P<title>(?:le )?contrat de ville[^.;:]{0,80}?)\s*,?\s+(?:a été\s+)?sign[ée]+s?\s+le\s+"
    r"(?P<date>[^,.;]{3,30}?\d{4})",
    re.IGNORECASE,
)


def facts(ctx: DraftContext) -> None:
    _leave_aside(ctx)
    _title_and_period(ctx)
    _signing(ctx)
    _contract(ctx)


def _leave_aside(ctx: DraftContext) -> None:
    """A table of contents (one range), and page footers outside tables (each line)."""
    toc = [line.n for line in ctx.doc.lines if line.kind == "toc"]
    if toc:
        ctx.ignore(toc[0], toc[-1], "table of contents: titles and page numbers (drafted)")
    footers = [line.n for line in ctx.doc.lines if line.kind == "footer"]
    for n in footers:
        others = ", ".join(str(m) for m in footers if m != n)
        ctx.ignore(n, n, f"page footer, repeated at line{'s' if len(footers) > 2 else ''} {others} (drafted)")


def _title_and_period(ctx: DraftContext) -> None:
    start = next(
        (line for line in ctx.doc.lines[:25] if re.search(r"\bprotocole\b", fold(line.text), re.I)), None
    )
    if start is None:
        return
    end = start.n
    while end < len(ctx.doc) and ctx.doc.line(end + 1).kind != "blank" and end - start.n < 3:
        end += 1
    ctx.draft.title = (start.n, end)
    ctx.claim(start.n, end)
    for n in range(start.n, min(end + 4, len(ctx.doc)) + 1):
        m = _PERIOD.search(ctx.doc.line(n).raw)
        if m and int(m.group(1)) < int(m.group(2)):
            ctx.draft.facts["period"] = {
                "start": int(m.group(1)),
                "end": int(m.group(2)),
                "line": n,
                "quote": m.group(0).strip(),
            }
            ctx.claimed.add(n)
            return


def _signing(ctx: DraftContext) -> None:
    for line in reversed(ctx.doc.lines):
        m = _SIGNED.match(line.raw.strip())
        if m is None:
            continue
        quote = line.raw.strip()
        entry: dict[str, object] = {}
        dates = [iso for _, iso in find_dates(quote) if len(iso) == 10]
        if dates:
            entry["date"] = dates[0]
        place = clean(m.group("place")).strip("* ")
        if place and fold(place).lower() in fold(quote).lower():
            entry["place"] = place
        entry.update(line=line.n, quote=quote)
        ctx.draft.facts["signing"] = entry
        ctx.claimed.add(line.n)
        return


def _contract(ctx: DraftContext) -> None:
    for line in ctx.doc.lines:
        m = _CONTRACT.search(line.raw)
        if m is None:
            continue
        dates = [iso for _, iso in find_dates(m.group("date")) if len(iso) == 10]
        if not dates:
            continue
        title = re.sub(r"^le\s+", "", clean(m.group("title")), flags=re.IGNORECASE)
        ctx.draft.facts["contract"] = {
            "title": title[:1].upper() + title[1:],
            "signature_date": dates[0],
            "line": line.n,
            "quote": m.group(0).strip(),
        }
        return
