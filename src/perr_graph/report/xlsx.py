"""Small XLSX workbooks (Office Open XML spreadsheets), written directly: a bold header row frozen at the top,
column widths, text and numbers, one sheet per table.

The report writes a workbook for nearly every page (several thousand at national scale). A general library
(XlsxWriter) spends about 12 ms on each, mostly on the parts every workbook shares (styles, theme, properties,
packaging); here those parts are written once, as constants, and a workbook costs the XML of its sheets and a ZIP
file, several times less. The files open in Excel, LibreOffice and openpyxl (tests/test_report.py reads them
back). Text is written inline in its cell (``inlineStr``), so there is no shared-string table. Every ZIP entry has
a fixed date, so the same tables give the same bytes.
"""

from __future__ import annotations

import datetime
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
#: the longest text a cell holds (Excel's limit)
MAX_TEXT = 32767
#: characters XML 1.0 does not allow (left out of the text)
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: the date of every entry of the ZIP file (a fixed one: the same tables give the same bytes)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)

_RELS = (
    f'{_XML}<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
    "</Relationships>"
)
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _core(author: str, created: datetime.datetime) -> str:
    when = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{_XML}<cp:coreProperties"
        ' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:creator>{escape(author)}</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _content_types(sheets: int) -> str:
    parts = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT_SHEET}"/>'
        for i in range(1, sheets + 1)
    )
    ct = "application/vnd.openxmlformats-officedocument"
    return (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{ct}.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml"'
        ' ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f"{parts}</Types>"
    )


def _workbook(names: Sequence[str]) -> str:
    sheets = "".join(
        f'<sheet name="{escape(n, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, n in enumerate(names, start=1)
    )
    return f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{sheets}</sheets></workbook>'


def _workbook_rels(sheets: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, sheets + 1)
    )
    return (
        f'{_XML}<Relationships xmlns="{_PKG_REL}">{rels}'
        f'<Relationship Id="rId{sheets + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
    )


def column_name(j: int) -> str:
    """``A`` for 0, ``Z`` for 25, ``AA`` for 26 …"""
    name = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        name = chr(65 + r) + name
    return name


def _width(chars: float) -> float:
    """A column width in characters as Excel stores it (Calibri 11: 7 pixels a digit, 5 of padding)."""
    return int((int(chars * 7 + 0.5) + 5) / 7 * 256) / 256.0


def _cell(ref: str, v, style: str) -> str:
    if (
        isinstance(v, int | float)
        and not isinstance(v, bool)
        and v == v
        and v not in (float("inf"), -float("inf"))
    ):
        return f'<c r="{ref}"{style}><v>{v!r}</v></c>'
    text = _INVALID.sub("", str(v))[:MAX_TEXT]
    if not text:
        return ""
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def sheet_xml(columns: Sequence[str], rows: Sequence[Sequence], widths: Sequence[float]) -> str:
    """A worksheet: the header (bold, frozen) then the rows; ``None`` and empty text leave a cell empty."""
    letters = [column_name(j) for j in range(max([len(columns), *(len(r) for r in rows)], default=0))]
    out = [
        f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
    ]
    if widths:
        out.append("<cols>")
        out += [
            f'<col min="{j}" max="{j}" width="{_width(w)!r}" customWidth="1"/>'
            for j, w in enumerate(widths, start=1)
        ]
        out.append("</cols>")
    out.append("<sheetData>")
    for i, r in enumerate([columns, *rows], start=1):
        style = ' s="1"' if i == 1 else ""
        cells = "".join(
            _cell(f"{letters[j]}{i}", v, style) for j, v in enumerate(r) if v is not None and v != ""
        )
        out.append(f'<row r="{i}">{cells}</row>')
    out.append("</sheetData></worksheet>")
    return "".join(out)


def write(path: Path, sheets: Sequence[tuple[str, str]], author: str, created: datetime.datetime) -> None:
    """Write a workbook of ``sheets`` (name, worksheet XML from :func:`sheet_xml`) to ``path``."""
    names = [n for n, _ in sheets]
    parts = [
        ("[Content_Types].xml", _content_types(len(sheets))),
        ("_rels/.rels", _RELS),
        ("docProps/core.xml", _core(author, created)),
        ("xl/workbook.xml", _workbook(names)),
        ("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets))),
        ("xl/styles.xml", _STYLES),
        *((f"xl/worksheets/sheet{i}.xml", xml) for i, (_, xml) in enumerate(sheets, start=1)),
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            info = zipfile.ZipInfo(name, _ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            z.writestr(info, text.encode("utf-8"))
