"""Nothing lost in silence: which lines of a text a protocol's configuration reads, cites or ignores, and which
lines of content stay unread.

A *content line* is a line with a letter or a digit once markup is removed. It is *read* when it lies in a
``[[read]]`` block's lines (or is its heading, header or evidence line), *cited* when a fact of the configuration
quotes it (title, period, signing, contract, QPV and places, populations, governance bodies, objectives, the
matrix legend), *ignored* when the configuration's ``ignore`` lists it with a reason. Any other content line is
*unread*; its :func:`signals` say what it holds that may matter (table cells, a bullet, "s'engage", a date, the
name of a known organisation). ``perr build`` prints the unread lines, ``perr build --strict`` fails on them,
``perr stats`` shows the share of content lines accounted for, and ``perr validate`` reports each unread line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from perr_graph.inputs.config import ProtocolConfig, Quoted
from perr_graph.inputs.registry import NOBODY, SIGNATORIES, Registry
from perr_graph.model import Coverage, Span
from perr_graph.read.base import Context
from perr_graph.text import clean, find_dates, fold

_BULLET = re.compile(r"^\s*(?:[-•▪▶✓○◦➢►]|\d{1,2}[.)]|<li\b|<ul\b)\s*")
_ENGAGE = re.compile(r"s'engag", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/(?:19|20)\d{2}\b")


def is_content(line: str) -> bool:
    """A line with a letter or a digit once HTML and markdown marks are removed."""
    return bool(re.search(r"\w", clean(line.replace("#", " "))))


def signals(line: str, registry: Registry, pid: str) -> list[str]:
    """What a line holds that may matter, in plain words, in a fixed order."""
    out = []
    cells = [c for c in line.split("\t") if clean(c)]
    if len(cells) >= 2:
        out.append("table cells")
    if _BULLET.match(line):
        out.append("bullet")
    if _ENGAGE.search(fold(line)):
        out.append("s'engage")
    if find_dates(line) or _NUMERIC_DATE.search(line):
        out.append("date")
    hits = registry.partner_aliases.search(line, pid)
    if any(a.target not in (NOBODY, SIGNATORIES) for a, _, _ in hits):
        out.append("known organisation")
    return out


def _quoted(entries: Iterable[Quoted | None]) -> set[int]:
    lines: set[int] = set()
    for e in entries:
        if e is not None:
            lines |= set(range(e.line, (e.end_line or e.line) + 1))
    return lines


def cited_lines(cfg: ProtocolConfig) -> set[int]:
    """The lines the configuration's facts quote or name (title, period, signing, contract, places, populations,
    bodies with their chairs and members, objectives, the matrix legend and columns)."""
    lines = _quoted([cfg.period, cfg.signing, cfg.contract])
    lines |= _quoted([*cfg.qpv, *cfg.watch, *cfg.place, *cfg.population])
    for body in cfg.body:
        lines |= _quoted([body, *body.chairs, *body.members])
    if cfg.title is not None:
        lines |= set(range(cfg.title.lines[0], cfg.title.lines[1] + 1))
    for o in cfg.objective:
        lines |= set(range(o.lines[0], o.lines[1] + 1))
    if cfg.matrix is not None:
        lines |= _quoted([cfg.matrix.legend])
        lines |= {c.line for c in cfg.matrix.columns.values() if c.line is not None}
    return lines


def block_lines(cfg: ProtocolConfig) -> set[int]:
    """The lines the ``[[read]]`` blocks read: their ranges, and their heading, header and evidence lines."""
    lines: set[int] = _special_lines(cfg)
    for block in cfg.read:
        lines |= set(range(block.lines[0], block.lines[1] + 1))
    return lines


def _special_lines(cfg: ProtocolConfig) -> set[int]:
    """The heading, header and evidence lines the blocks name."""
    lines: set[int] = set()
    for block in cfg.read:
        for key in ("heading", "header", "evidence_line"):
            value = getattr(block, key, None)
            if isinstance(value, int):
                lines.add(value)
    return lines


def account(ctx: Context) -> Coverage:
    """Every content line of the text, read, cited, ignored or unread (see the module docstring)."""
    cfg, source = ctx.config, ctx.source
    content = [n for n in range(1, source.line_count + 1) if is_content(source.line(n))]
    ignored: set[int] = set()
    ranges = []
    for entry in cfg.ignore:
        a, b = entry.lines
        source.check_range(a, b)
        inside = [n for n in range(a, b + 1) if is_content(source.line(n))]
        if not inside:
            raise ctx.config_error(f"ignore: lines {a}-{b} hold no content line", value=entry.reason)
        ignored |= set(inside)
        ranges.append((Span(a, b, source.line(inside[0]).strip()), entry.reason))
    cited = cited_lines(cfg) | _special_lines(cfg)  # cited lines stay read, even inside an ignored range
    ignored -= cited
    read = cited | (block_lines(cfg) - ignored)
    unread = [
        (Span(n, n, source.line(n).strip()), signals(source.line(n), ctx.registry, ctx.pid))
        for n in content
        if n not in read and n not in ignored
    ]
    return Coverage(
        content=len(content),
        read=sum(1 for n in content if n in read),
        ignored=ranges,
        ignored_count=sum(1 for n in content if n in ignored),
        unread=unread,
    )
