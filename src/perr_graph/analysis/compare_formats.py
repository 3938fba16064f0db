"""The comparison tables (:mod:`perr_graph.analysis.compare`) written for people and programs: terminal tables
(labels, not ids; protocols under their territory's name; as wide as the terminal), CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
import textwrap

from perr_graph.analysis.compare import HEADERS, ID_COLUMNS, RELATIONS, Table
from perr_graph.i18n import messages
from perr_graph.terminal import plain_value, render, terminal_width


def header(t: Table, column: str, lang: str, names: dict[str, str]) -> str:
    """A column's header for people: its message, a role's label, or a protocol's territory name."""
    if column in t.headers:
        return t.headers[column]
    if column in t.protocol_columns:
        return names.get(column, column)
    if column in HEADERS:
        return messages(lang)._(HEADERS[column])
    return column


def _shown(t: Table, column: str, value, lang: str, names: dict[str, str]):
    if column == "protocol":
        return names.get(value, value)
    if column == "relation":
        return messages(lang)._(RELATIONS.get(value, value)) if value in RELATIONS else value
    return value


def to_text(
    tables: list[Table], lang: str = "fr", width: int | None = None, names: dict | None = None
) -> str:
    """Terminal tables: labels, not ids; protocols under their territory's name; each table, its title and note
    fit ``width`` (``--width``, else ``COLUMNS``, else the terminal: :func:`perr_graph.terminal.terminal_width`)."""
    m, names = messages(lang), names or {}
    limit = terminal_width(width)
    out = []
    for t in tables:
        cols = [c for c in t.columns if c not in ID_COLUMNS]
        idx = [t.columns.index(c) for c in cols]
        title = m._("== %(title)s [%(name)s; %(query)s]", title=m._(t.title), name=t.name, query=t.query)
        out.append(textwrap.fill(title, limit, subsequent_indent="   ") if limit else title)
        rows = [
            [plain_value(_shown(t, c, r[i], lang, names)) for c, i in zip(cols, idx, strict=True)]
            for r in t.rows
        ]
        out.append(render([header(t, c, lang, names) for c in cols], rows, max_width=48, width=limit or 0))
        if t.note:
            note = m._(t.note)
            out.append(
                textwrap.fill(note, limit, initial_indent="   ", subsequent_indent="   ")
                if limit
                else "   " + note
            )
        out.append("")
    return "\n".join(out)


def to_csv(tables: list[Table], lang: str = "fr") -> str:
    """One CSV for one table; several tables as sections, each opened by a ``# name: title`` line and closed
    by a blank line. Columns are keys (stable); labels are in the ``*_label`` columns, in ``lang``."""
    m = messages(lang)
    buf = io.StringIO()
    for i, t in enumerate(tables):
        if len(tables) > 1:
            if i:
                buf.write("\n")
            buf.write(f"# {t.name}: {m._(t.title)}\n")
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(t.columns)
        for r in t.rows:
            w.writerow([plain_value(v) for v in r])
    return buf.getvalue()


def to_json(tables: list[Table], lang: str = "fr", names: dict | None = None) -> str:
    m, names = messages(lang), names or {}
    doc = {
        t.name: {
            "title": m._(t.title),
            "query": t.query,
            "note": m._(t.note) if t.note else "",
            "columns": t.columns,
            "headers": {c: header(t, c, lang, names) for c in t.columns},
            "rows": [dict(zip(t.columns, r, strict=False)) for r in t.rows],
        }
        for t in tables
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
