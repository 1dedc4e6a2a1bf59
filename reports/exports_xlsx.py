"""A streaming XLSX writer: one sheet, written row by row into a zip in a temporary
file, so memory stays flat whatever the row count.

Why our own: openpyxl's write-only mode makes an object per cell and took 22.8 s for
100,000 rows by 12 columns; this writes the sheet's XML directly (bench:
`bench/test_bench_exports.py`). What it writes is the smallest valid SpreadsheetML
package: content types, relationships, a workbook of one sheet, styles (a date format)
and the sheet. Text goes in as inline strings (no shared-strings table to hold in
memory), numbers as numbers, dates as date serials with the date style. Characters
XML 1.0 cannot hold (control characters other than tab, LF and CR) are dropped.
"""

from __future__ import annotations

import datetime
import re
import tempfile
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

ROWS_PER_WRITE = 1000
CACHE_LIMIT = 50_000  # distinct texts kept ready-escaped (labels, names, pseudonyms)
EPOCH = datetime.date(1899, 12, 30)  # Excel's day 0, counting its 1900 leap-year bug
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

SHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PACKAGE = "application/vnd.openxmlformats-package"

CONTENT_TYPES = (
    XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    f'<Default Extension="rels" ContentType="{PACKAGE}.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{SHEETML}.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml"'
    f' ContentType="{SHEETML}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{SHEETML}.styles+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    XML_HEAD + f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    XML_HEAD + f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL_NS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
STYLES = (
    XML_HEAD + f'<styleSheet xmlns="{NS}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
DATE_STYLE, HEADER_STYLE = 1, 2
INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# a raw CR would be read back as LF (XML normalises line ends); a reference stays CR
KEEP_CR = {"\r": "&#13;"}
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")


def column_letters(count: int) -> list[str]:
    letters = []
    for index in range(1, count + 1):
        name = ""
        while index:
            index, remainder = divmod(index - 1, 26)
            name = chr(65 + remainder) + name
        letters.append(name)
    return letters


def _workbook(title: str) -> str:
    name = SHEET_TITLE_FORBIDDEN.sub("", title)[:31] or "Sheet1"
    return (
        XML_HEAD + f'<workbook xmlns="{NS}" xmlns:r="{REL_NS}"><sheets>'
        f'<sheet name={quoteattr(name)} sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


class _Cells:
    """The XML after `<c r="A1"` of each value, escaped once per distinct text."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}

    def text(self, value: str, style: str = "") -> str:
        done = self.texts.get(value) if not style else None
        if done is None:
            clean = escape(INVALID_XML.sub("", value), KEEP_CR)
            done = f'{style} t="inlineStr"><is><t xml:space="preserve">{clean}</t></is></c>'
            if not style:
                if len(self.texts) >= CACHE_LIMIT:
                    self.texts.clear()
                self.texts[value] = done
        return done

    def of(self, value: Any) -> str | None:
        if value is None or value == "":
            return None
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, bool):
            return f' t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | float | Decimal):
            return f"><v>{value}</v></c>"
        if isinstance(value, datetime.datetime):
            return self.text(value.isoformat(sep=" ", timespec="minutes"))
        if isinstance(value, datetime.date):
            return f' s="{DATE_STYLE}"><v>{(value - EPOCH).days}</v></c>'
        return self.text(str(value))


def write_sheet(header: list[str], rows: Iterable[Iterable[Any]], title: str) -> IO[bytes]:
    """An XLSX file of the header (bold) and the rows, in a temporary file (removed
    when closed), rewound for reading."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - returned open, closed by the reader
    letters = column_letters(max(len(header), 1))
    cells = _Cells()
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", ROOT_RELS)
        package.writestr("xl/workbook.xml", _workbook(title))
        package.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        package.writestr("xl/styles.xml", STYLES)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'{XML_HEAD}<worksheet xmlns="{NS}"><sheetData>'.encode())
            head = "".join(
                f'<c r="{letter}1"{cells.text(str(value), f" s={chr(34)}{HEADER_STYLE}{chr(34)}")}'
                for letter, value in zip(letters, header, strict=False)
            )
            parts = [f'<row r="1">{head}</row>']
            number = 1
            for number, row in enumerate(rows, start=2):
                line = [f'<row r="{number}">']
                for letter, value in zip(letters, row, strict=False):
                    xml = cells.of(value)
                    if xml is not None:
                        line.append(f'<c r="{letter}{number}"{xml}')
                line.append("</row>")
                parts.append("".join(line))
                if number % ROWS_PER_WRITE == 0:
                    sheet.write("".join(parts).encode())
                    parts.clear()
            parts.append("</sheetData></worksheet>")
            sheet.write("".join(parts).encode())
    handle.seek(0)
    return handle
