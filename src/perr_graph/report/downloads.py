"""Tables a page shows and offers for download: each as a CSV file and as a sheet of the page's XLSX workbook,
written at build time into ``tables/`` beside the pages (``tables/<page>--<table>.csv``, ``tables/<page>.xlsx``).

CSV files are UTF-8 with a byte-order mark (so that a spreadsheet opens the accents right), comma-separated.
Workbooks are written by XlsxWriter with a fixed creation date, so two runs write the same bytes. A cell may be a
:class:`Link` (a page of the report): the page shows the link, the files its text."""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from perr_graph.terminal import plain_value

FOLDER = "tables"
#: the creation date written into every workbook (a fixed one: the same dataset gives the same bytes)
CREATED = datetime.datetime(2022, 12, 31, 0, 0, 0)


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
    right-aligned columns; ``csv`` and ``xlsx`` the files it is downloaded as (set by :class:`Downloads`)."""

    id: str
    title: str
    columns: list[str]
    rows: list[list]
    numeric: frozenset[int] = frozenset()
    csv: str = ""
    xlsx: str = ""
    sheet: str = ""

    def is_numeric(self, i: int) -> bool:
        return i in self.numeric


def _cell(v):
    """A value as written in a file: a link's text, numbers as numbers, the rest as text."""
    if isinstance(v, Link):
        return v.text
    if v is None:
        return ""
    if isinstance(v, int | float) and not isinstance(v, bool):
        return v
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
        self, id: str, title: str, columns: list[str], rows: list[list], numeric: tuple[int, ...] = ()
    ) -> DataTable:
        """Register a table (``id`` unique on the page, a slug) and say where it is downloaded."""
        t = DataTable(id, title, columns, rows, frozenset(numeric))
        t.csv = f"{FOLDER}/{self.page}--{id}.csv"
        t.xlsx = f"{FOLDER}/{self.page}.xlsx"
        t.sheet = _sheet_name(title, self._sheets)
        self.tables.append(t)
        return t

    def write(self, out: Path) -> list[Path]:
        """Write each table's CSV and the page's workbook (a sheet per table) under ``out``."""
        if not self.tables:
            return []
        folder = Path(out) / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for t in self.tables:
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\r\n")
            w.writerow(t.columns)
            for r in t.rows:
                w.writerow([plain_value(_cell(v)) for v in r])
            path = Path(out) / t.csv
            path.write_text("\ufeff" + buf.getvalue(), encoding="utf-8", newline="")
            written.append(path)
        written.append(self._workbook(Path(out) / self.tables[0].xlsx))
        return written

    def _workbook(self, path: Path) -> Path:
        import xlsxwriter

        options = {"in_memory": True, "strings_to_urls": False, "strings_to_formulas": False}
        wb = xlsxwriter.Workbook(str(path), options)
        wb.set_properties({"created": CREATED, "author": "perr-graph"})
        bold = wb.add_format({"bold": True})
        for t in self.tables:
            ws = wb.add_worksheet(t.sheet)
            ws.write_row(0, 0, t.columns, bold)
            widths = [len(c) for c in t.columns]
            for i, r in enumerate(t.rows, start=1):
                values = [_cell(v) for v in r]
                ws.write_row(i, 0, values)
                for j, v in enumerate(values[: len(widths)]):
                    widths[j] = max(widths[j], min(len(str(v)), 60))
            for j, w in enumerate(widths):
                ws.set_column(j, j, w + 2)
            ws.freeze_panes(1, 0)
        wb.close()
        return path
