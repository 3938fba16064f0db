"""Tables a page shows and offers for download, as a CSV file and as a sheet of the page's XLSX workbook, made in
the browser: the page holds every row of its tables as JSON (:meth:`Downloads.payload`, a ``<script
type="application/json" id="tables">`` block), and ``templates/tables.js`` turns it into the file when a download
link is clicked (the workbook with write-excel-file, vendored from npm; see :data:`XLSX_SCRIPT`). Nothing is
written at build time: at 500 protocols the report's 5,863 workbooks and 19,941 CSV files took about 39 of the
92 s of CPU its pages took.

The CSV file is UTF-8 with a byte-order mark (so that a spreadsheet opens the accents right), comma-separated,
CRLF line ends, numbers as :func:`perr_graph.terminal.plain_value` writes them; the workbook has a sheet per table
of the page, the header in bold and frozen. A cell may be a :class:`Link` (a page of the report): the page shows
the link, the files its text."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from perr_graph.terminal import plain_value

#: the browser's XLSX writer, copied from npm into the package by scripts/vendor-npm.sh (absent without npm: the
#: pages then offer CSV only, and say so)
XLSX_SCRIPT = Path(__file__).parent / "static" / "write-excel-file" / "write-excel-file.min.js"
#: where the pages find their scripts, beside them
ASSETS = "assets"


def inline_json(value) -> Markup:
    """JSON for a ``<script type="application/json">`` block: ``<``, ``>`` and ``&`` escaped as ``\\u00XX``, so
    that no text of the data can end the block."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


@dataclass(frozen=True)
class Link:
    """A cell that links to a page of the report."""

    text: str
    href: str

    def __str__(self) -> str:
        return self.text


@dataclass
class DataTable:
    """A table of a page: ``columns`` are headers (in the page's language), ``numeric`` the indices of the
    right-aligned columns; ``csv`` and ``xlsx`` the names of the files it is downloaded as (set by
    :class:`Downloads`)."""

    id: str
    title: str
    columns: list[str]
    rows: list[list]
    numeric: frozenset[int] = frozenset()
    csv: str = ""
    xlsx: str = ""
    sheet: str = ""
    #: the most rows the page shows (None: all); the files hold every row
    limit: int | None = None
    #: where every row can be browsed page by page (the search page, filtered), when the page shows fewer
    more: str | None = None

    def is_numeric(self, i: int) -> bool:
        return i in self.numeric

    @property
    def shown(self) -> list[list]:
        """The rows the page shows."""
        return self.rows if self.limit is None else self.rows[: self.limit]

    @property
    def cut(self) -> bool:
        """The page shows fewer rows than the table has."""
        return self.limit is not None and len(self.rows) > self.limit


def _cell(v):
    """A value as written in a file: a link's text, numbers as numbers (finite ones; the others as text), the
    rest as text."""
    if isinstance(v, Link):
        return v.text
    if v is None:
        return ""
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else plain_value(v)
    return str(v)


def _sheet_name(title: str, used: set[str]) -> str:
    """An Excel sheet name (at most 31 characters, none of ``[]:*?/\\``), unique in its workbook."""
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:28] or "table"
    name, n = base, 2
    while name.casefold() in used:
        name = f"{base[:26]} {n}"
        n += 1
    used.add(name.casefold())
    return name


@dataclass
class Downloads:
    """The downloadable tables of one page (``page`` is its file stem, a checked slug)."""

    page: str
    tables: list[DataTable] = field(default_factory=list)
    _sheets: set[str] = field(default_factory=set, repr=False)

    def table(
        self,
        id: str,
        title: str,
        columns: list[str],
        rows: list[list],
        numeric: tuple[int, ...] = (),
        limit: int | None = None,
        more: str | None = None,
    ) -> DataTable:
        """Register a table (``id`` unique on the page, a slug) and say where it is downloaded; the page shows at
        most ``limit`` rows (``more``: where to browse them all)."""
        t = DataTable(id, title, columns, rows, frozenset(numeric), limit=limit, more=more)
        t.csv = f"{self.page}--{id}.csv"
        t.xlsx = f"{self.page}.xlsx"
        t.sheet = _sheet_name(title, self._sheets)
        self.tables.append(t)
        return t

    def payload(self) -> dict | None:
        """What ``templates/tables.js`` makes the files from (None when the page has no table): for each table
        (by id), its file name, sheet name, header and every row, each cell a number or a text."""
        if not self.tables:
            return None
        return {
            "xlsx": self.tables[0].xlsx,
            "tables": [
                {
                    "id": t.id,
                    "csv": t.csv,
                    "sheet": t.sheet,
                    "columns": t.columns,
                    "rows": [[_cell(v) for v in r] for r in t.rows],
                }
                for t in self.tables
            ],
        }
