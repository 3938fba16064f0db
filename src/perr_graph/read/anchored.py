"""Facts stated once in a document, given in the configuration with their line and verbatim quote.

Title, period (and its last day, where stated), signature, the contrat de ville renewed, the QPV and communes de
veille active named, the populations stated (a figure "en QPV" counts the priority neighbourhoods only), the
number of communes of a territory, the governance bodies, the partners' contributions copied into the text, and
the premises of the hypotheses applied to it. The configuration says where; this module checks that the quote stands
at that line and that every number or date given appears in the quote, so the configuration cannot state a fact
the text does not.
"""

from __future__ import annotations

import re

from perr_graph.inputs.config import Quoted
from perr_graph.model import (
    CommuneCount,
    Contribution,
    GovernanceBody,
    Inference,
    Objective,
    PopulationFigure,
    Premise,
    Span,
)
from perr_graph.read.base import Context
from perr_graph.text import clean, find_dates, fold


def _span(ctx: Context, entry: Quoted) -> Span:
    return ctx.span(entry.line, entry.quote, entry.end_line)


def _digits(text: str) -> str:
    return re.sub(r"[^\d]", "", text)


def _check_number(ctx: Context, value: int | None, quote: str, line: int, what: str) -> None:
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
    if cfg.title is not None:
        a, b = cfg.title.lines
        p.title_span = ctx.line_span(a, b)
        p.title = clean(p.title_span.quote.replace("#", " "))
    if cfg.period is not None:
        period = cfg.period
        span = _span(ctx, period)
        _check_number(ctx, period.start, span.quote, span.start, "period start")
        _check_number(ctx, period.end, span.quote, span.start, "period end")
        p.period = (period.start, period.end, span)
        if period.end_date is not None:
            end = _span(ctx, period.end_date)
            _check_date(ctx, period.end_date.date, end.quote, end.start)
            p.period_end_date = (period.end_date.date, end)
    if cfg.signing is not None:
        signing = cfg.signing
        span = _span(ctx, signing)
        _check_date(ctx, signing.date, span.quote, span.start)
        if signing.place and fold(signing.place).lower() not in fold(span.quote).lower():
            raise ctx.error(f"place {signing.place!r} is not in the quote", span.start)
        p.signing = (signing.date, signing.place, span)
    if cfg.contract is not None:
        contract = cfg.contract
        span = _span(ctx, contract)
        _check_date(ctx, contract.signature_date, span.quote, span.start)
        p.contract = (contract.title, contract.signature_date, span)
    for m in cfg.qpv:
        p.qpv.append((_territory(ctx, m.territory), _span(ctx, m)))
    for m in cfg.watch:
        p.watch.append((_territory(ctx, m.territory), _span(ctx, m)))
    for m in cfg.place:
        p.places.append((_territory(ctx, m.territory), _span(ctx, m)))
    for o in cfg.objective:
        a, b = o.lines
        span = ctx.line_span(a, b)
        p.objectives.append(Objective(ctx.key("objective", a), clean(span.quote), span, None, None))
    for pop in cfg.population:
        span = _span(ctx, pop)
        _check_number(ctx, pop.value, span.quote, span.start, "population")
        _check_number(ctx, pop.year, span.quote, span.start, "year")
        p.populations.append(
            PopulationFigure(
                _territory(ctx, pop.territory), pop.value, pop.year, pop.approximate, span, pop.in_qpv
            )
        )
    for count in cfg.communes:
        span = _span(ctx, count)
        _check_number(ctx, count.value, span.quote, span.start, "number of communes")
        p.communes.append(CommuneCount(_territory(ctx, count.territory), count.value, span))
    for given in cfg.contribution:
        span = _span(ctx, given)
        key = ctx.key("contribution", span.start)
        p.contributions.append(Contribution(key, given.partner, clean(given.quote), span, given.lines))
    for h in cfg.hypothesis:
        premises = []
        for pr in h.premises:
            if pr.protocol is None or pr.protocol == ctx.pid:
                premises.append(Premise(_span(ctx, pr)))
            else:
                other = ctx.other_source(pr.protocol)
                other.require(pr.quote, pr.line, pr.end_line or pr.line)
                premises.append(Premise(Span(pr.line, pr.end_line or pr.line, pr.quote), pr.protocol))
        p.inferences.append(Inference(h.id, premises))
    for entry in cfg.body:
        span = _span(ctx, entry)
        body = GovernanceBody(entry.slug, entry.label, entry.type, span)
        for kind, refs in (("chairs", entry.chairs), ("members", entry.members)):
            for ref in refs:
                rspan = _span(ctx, ref)
                for name in _split_list(rspan.quote):
                    for partner in ctx.partners_in_phrase(name, rspan.start):
                        getattr(body, kind).append((partner, rspan))
        p.bodies.append(body)


def _split_list(text: str) -> list[str]:
    """ "A, B, C et D." → [A, B, C, D]; a parenthesised aside stays with its item."""
    t = clean(text).rstrip(".")
    parts = re.split(r",\s*(?![^()]*\))|\s+et\s+(?![^()]*\))", t)
    return [x.strip() for x in parts if x.strip()]
