"""Facts stated once in a document, given in the configuration with their line and verbatim quote.

Title, period, signature, the contrat de ville renewed, the QPV and communes de veille active named, the
populations stated, the governance bodies. The configuration says where; this module checks that the quote stands
at that line and that every number or date given appears in the quote, so the configuration cannot state a fact
the text does not.
"""

from __future__ import annotations

import re

from perr_graph.model import GovernanceBody, Objective, PopulationFigure, Span
from perr_graph.read.base import Context
from perr_graph.text import clean, find_dates, fold


def _span(ctx: Context, entry: dict, what: str) -> Span:
    if "line" not in entry or "quote" not in entry:
        raise ctx.config_error(f"{what} needs line and quote")
    return ctx.span(entry["line"], entry["quote"], entry.get("end_line"))


def _digits(text: str) -> str:
    return re.sub(r"[^\d]", "", text)


def _check_number(ctx: Context, value, quote: str, line: int, what: str) -> None:
    if value is not None and str(value) not in _digits(quote) and str(value).replace(".", ",") not in quote:
        raise ctx.error(f"{what} {value} does not appear in the quote {quote!r}", line)


def _check_date(ctx: Context, iso: str | None, quote: str, line: int) -> None:
    if iso and iso not in [d for _, d in find_dates(quote)]:
        raise ctx.error(f"date {iso} is not what the quote {quote!r} says", line)


def _territory(ctx: Context, tid: str) -> str:
    if tid not in ctx.registry.territories:
        raise ctx.config_error(f"territory {tid!r} is not in data/registry/territories.csv", value=tid)
    return tid


def read(ctx: Context) -> None:
    cfg, p = ctx.config, ctx.protocol
    if "title" in cfg:
        a, b = cfg["title"]["lines"]
        p.title_span = ctx.line_span(a, b)
        p.title = clean(p.title_span.quote.replace("#", " "))
    if "period" in cfg:
        e = cfg["period"]
        span = _span(ctx, e, "[period]")
        for k in ("start", "end"):
            _check_number(ctx, e.get(k), span.quote, span.start, f"period {k}")
        p.period = (e.get("start"), e.get("end"), span)
    if "signing" in cfg:
        e = cfg["signing"]
        span = _span(ctx, e, "[signing]")
        _check_date(ctx, e.get("date"), span.quote, span.start)
        if e.get("place") and fold(e["place"]).lower() not in fold(span.quote).lower():
            raise ctx.error(f"place {e['place']!r} is not in the quote", span.start)
        p.signing = (e.get("date"), e.get("place"), span)
    if "contract" in cfg:
        e = cfg["contract"]
        span = _span(ctx, e, "[contract]")
        _check_date(ctx, e.get("signature_date"), span.quote, span.start)
        p.contract = (e["title"], e.get("signature_date"), span)
    for e in cfg.get("qpv", []):
        p.qpv.append((_territory(ctx, e["territory"]), _span(ctx, e, "[[qpv]]")))
    for e in cfg.get("watch", []):
        p.watch.append((_territory(ctx, e["territory"]), _span(ctx, e, "[[watch]]")))
    for e in cfg.get("place", []):
        p.places.append((_territory(ctx, e["territory"]), _span(ctx, e, "[[place]]")))
    for e in cfg.get("objective", []):
        a, b = e["lines"]
        span = ctx.line_span(a, b)
        p.objectives.append(Objective(ctx.key("objective", a), clean(span.quote), span, None, None))
    for e in cfg.get("population", []):
        span = _span(ctx, e, "[[population]]")
        _check_number(ctx, e["value"], span.quote, span.start, "population")
        _check_number(ctx, e.get("year"), span.quote, span.start, "year")
        p.populations.append(
            PopulationFigure(
                _territory(ctx, e["territory"]),
                e["value"],
                e.get("year"),
                bool(e.get("approximate", False)),
                span,
            )
        )
    for e in cfg.get("body", []):
        span = _span(ctx, e, "[[body]]")
        body = GovernanceBody(e["slug"], e["label"], e["type"], span)
        for kind in ("chairs", "members"):
            for ref in e.get(kind, []):
                rspan = _span(ctx, ref, f"[[body]] {kind}")
                for name in _split_list(rspan.quote):
                    for partner in ctx.partners_in_phrase(name, rspan.start):
                        getattr(body, kind).append((partner, rspan))
        p.bodies.append(body)


def _split_list(text: str) -> list[str]:
    """ "A, B, C et D." → [A, B, C, D]; a parenthesised aside stays with its item."""
    t = clean(text).rstrip(".")
    parts = re.split(r",\s*(?![^()]*\))|\s+et\s+(?![^()]*\))", t)
    return [x.strip() for x in parts if x.strip()]
