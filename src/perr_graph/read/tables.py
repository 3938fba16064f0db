"""Readers for statistics tables, amounts of money and referenced documents."""

from __future__ import annotations

import re

from perr_graph.errors import RegistryError
from perr_graph.inputs.config import Block
from perr_graph.model import Amount, Observation, ReferencedDocument, StatRow, StatTable
from perr_graph.read.base import Context
from perr_graph.read.blocks import PartyTableBlock, ReferencesBlock
from perr_graph.text import clean, find_dates, fold, parse_number

# --- statistics tables (Valence: "\tHauts de Valence\tValence" then "Taux de pauvreté\t46 %\t21 %") ---------

_VALUE = re.compile(r"^\s*(\d+(?:[ ,]\d+)?)\s*(%?)\s*$")


def read_statistics(ctx: Context, block: Block) -> None:
    """Each table becomes a Data Cube data set; each cell an observation (territory × statistic)."""
    first, last = block.lines
    header = ctx.source.line(first).split("\t")
    areas = []
    for name in header[1:]:
        hit = ctx.registry.territory_aliases.lookup(name.strip(), ctx.pid)
        if hit is None:
            raise RegistryError(
                f"unknown territory {name.strip()!r} in a statistics table header: add it to "
                "data/registry/territory-aliases.csv",
                ctx.source.path,
                first,
            )
        areas.append((name.strip(), hit.target))
    label = " / ".join(a for a, _ in areas)
    table = StatTable(ctx.key("statistics", first), label, ctx.line_span(first, last), [])
    for n in range(first + 1, last + 1):
        line = ctx.source.line(n)
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(header):
            raise ctx.error(f"statistics row has {len(cells)} cells, the header {len(header)}", n)
        statistic = clean(cells[0])
        obs = []
        for (_name, territory), cell in zip(areas, cells[1:], strict=False):
            m = _VALUE.match(clean(cell))
            if not m:
                raise ctx.error(f"value {cell.strip()!r} is not a number or a percentage", n)
            obs.append(
                Observation(territory, parse_number(m.group(1)), m.group(2) or "", ctx.span(n, cell.strip()))
            )
        table.rows.append(StatRow(statistic, n, obs))
    ctx.protocol.statistics.append(table)


# --- amounts of money ---------------------------------------------------------------------------------------

_AMOUNT = re.compile(
    r"(?P<num>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+(?:,\d+)?)\s*"
    r"(?P<unit>M€|k€|€|euros?\b|millions?\s+d'euros|millions?\b)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.;])\s+")


def read_amounts(ctx: Context, block: Block) -> None:
    """Every amount of money written in the block's lines, with the sentence it stands in as its purpose.

    "millions" alone counts only where the sentence also says "euros" or "€" (as in "… 4,7 millions, … 1,4
    million d'euros")."""
    first, last = block.lines
    for n in range(first, last + 1):
        line = ctx.source.line(n)
        for m in _AMOUNT.finditer(line):
            unit = fold(m.group("unit")).lower()
            sentence = _sentence_around(line, m.start(), m.end())
            if unit.startswith("million") and "euro" not in unit and not re.search(r"euros?|€", sentence):
                continue
            value = parse_number(m.group("num"))
            if unit.startswith("million") or unit == "m€":
                value = value * 1_000_000
            elif unit == "k€":
                value = value * 1_000
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            ctx.protocol.amounts.append(
                Amount(
                    ctx.key("amount", n),
                    value,
                    m.group(0).strip(),
                    clean(sentence),
                    ctx.span(n, m.group(0).strip()),
                )
            )


def _sentence_around(line: str, start: int, end: int) -> str:
    """The sentence around line[start:end], inside its table cell when the line is a table row."""
    lo_cell = line.rfind("\t", 0, start) + 1
    hi_cell = line.find("\t", end)
    hi_cell = len(line) if hi_cell < 0 else hi_cell
    cell = line[lo_cell:hi_cell]
    start, end, line = start - lo_cell, end - lo_cell, cell
    bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(line)] + [len(line)]
    lo = max(b for b in bounds if b <= start)
    hi = min((b for b in bounds if b >= end), default=len(line))
    return line[lo:hi]


# --- referenced documents -----------------------------------------------------------------------------------

#: words that say what kind of document a title names; the word standing first in the title decides
DOCTYPES = [
    ("loi", "loi"),
    ("circulaire", "circulaire"),
    ("lettre", "lettre"),
    ("pacte", "pacte"),
    ("charte", "charte"),
    ("convention", "convention"),
    ("contrat", "contrat"),
    ("conseil local de securite", "contrat"),
    ("rapport", "rapport"),
    ("evaluation", "evaluation"),
    ("plan", "plan"),
    ("schema", "schema"),
    ("programme", "plan"),
]


def doctype_of(title: str) -> str | None:
    """The document type named first in the title ("L'évaluation … du Contrat de ville" is an evaluation)."""
    t = fold(title).lower()
    found = []
    for word, doctype in DOCTYPES:
        m = re.search(r"\b" + re.escape(word) + r"s?\b", t)
        if m:
            found.append((m.start(), doctype))
    return min(found)[1] if found else None


def read_references(ctx: Context, block: ReferencesBlock) -> None:
    """Bullets (or, with ``whole_lines = true``, every line) naming documents the protocol relies on."""
    first, last = block.lines
    strip_prefix = block.strip_prefix
    for n in range(first, last + 1):
        line = ctx.source.line(n)
        m = re.match(r"^\s*-\s*(.*)$", line)
        body = m.group(1) if m else (line.strip() if block.whole_lines else "")
        if not clean(body):
            continue
        if strip_prefix and clean(body).startswith(strip_prefix):
            body = body[body.index(strip_prefix) + len(strip_prefix) :]
        doctype = doctype_of(body)
        if doctype is None:
            raise ctx.error(
                f"cannot tell what kind of document {clean(body)[:50]!r} is (no known word: loi, "
                "circulaire, pacte, charte, convention, contrat …)",
                n,
            )
        dates = find_dates(body)
        ctx.protocol.references.append(
            ReferencedDocument(
                ctx.key("reference", n),
                clean(body),
                doctype,
                dates[0][1] if dates else None,
                ctx.span(n, body.strip()),
            )
        )


# --- tables whose rows name the body that carries each item (Puy annex 2: adultes-relais, FONJEP posts) -----


def read_party_table(ctx: Context, block: PartyTableBlock) -> None:
    """One commitment per row: its text from ``text_columns``, its party from ``party_column`` (role and rule
    from the block: Le Puy's annex 2 names the structure that hosts each post, role ``structure-porteuse``), and
    the ``cell_columns`` kept apart as cells of the row, each with its own quote (Le Puy lines 259-264: the
    domain of intervention and the date are not the missions). A party cell the registry maps to ``-``
    ("Structure en cours d'identification") gives no involvement: nobody is named."""
    from perr_graph.model import Cell, Commitment

    first, last = block.lines
    header = [c.strip() for c in ctx.source.line(first).split("\t")]
    try:
        party_col = header.index(block.party_column)
        text_cols = [header.index(c) for c in block.text_columns]
        cell_cols = [header.index(c) for c in block.cell_columns]
    except ValueError:
        raise ctx.config_error(
            f"party_column, text_columns and cell_columns must name header cells of line {first}: {header}",
            block,
        ) from None
    section = ctx.block_section(block)
    for n in range(first + 1, last + 1):
        line = ctx.source.line(n)
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) != len(header):
            raise ctx.error(f"row has {len(cells)} cells, the header {len(header)}", n)
        text = " — ".join(clean(cells[i]) for i in text_cols if cells[i])
        quote = next((cells[i] for i in text_cols if cells[i]), line.strip())
        c = Commitment(
            ctx.key("commitment", n),
            text,
            ctx.span(n, quote),
            section.key if section else None,
            section.pillar if section else None,
            list(section.themes) if section else [],
        )
        c.cells = [Cell(header[i], clean(cells[i]), ctx.span(n, cells[i])) for i in cell_cols if cells[i]]
        hit = ctx.registry.partner_aliases.lookup(cells[party_col], ctx.pid)
        if hit is None:
            raise RegistryError(
                f"unknown structure {cells[party_col]!r}: add it to data/registry/aliases.csv",
                ctx.source.path,
                n,
            )
        if hit.target != "-":
            c.involvements.append(
                ctx.involvement(
                    hit.target, block.role, cells[party_col], block.rule, ctx.span(n, cells[party_col])
                )
            )
        ctx.protocol.commitments.append(c)
