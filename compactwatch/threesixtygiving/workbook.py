"""Measuring an XLSX workbook before anything reads it: its real rows and cell sizes.

An XLSX file is a zip of XML. Its own `<dimension>` tag says how many rows a sheet has,
but nothing makes it true, and a small file can unpack to gigabytes (one cell of 300 MB
compresses to a few hundred KB). So the sheets are counted here from the XML itself, read
as a stream a megabyte at a time: the rows of each sheet, the longest run of text (a cell),
and the unpacked size of each part, each against a limit, before openpyxl or flattentool
holds any of it in memory.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

CHUNK = 1 << 20
# Excel's own limit on a cell: 32,767 characters. In the XML a character takes up to six
# bytes (an entity such as &quot;), so a longer run of text than this is not a real cell.
MAX_CELL_CHARACTERS = 32_767
MAX_CELL_BYTES = MAX_CELL_CHARACTERS * 6
MAX_UNPACKED_BYTES = 512 << 20  # every part of the workbook together, unpacked
ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
NAMESPACES = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "rel": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "pkg": "http://schemas.openxmlformats.org/package/2006/relationships",
}


class WorkbookTooLarge(ValueError):
    """The workbook is over a limit; the message says which, in plain words."""


@dataclass(frozen=True)
class SheetSize:
    title: str
    rows: int


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(title, part name) of each worksheet, in the workbook's order."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in relations.findall("pkg:Relationship", NAMESPACES)
    }
    sheets = []
    for sheet in workbook.iterfind("main:sheets/main:sheet", NAMESPACES):
        target = targets.get(sheet.get(f"{{{NAMESPACES['rel']}}}id"), "")
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        sheets.append((sheet.get("name", ""), part))
    return sheets


def _scan(archive: zipfile.ZipFile, part: str, where: str, count_rows: bool) -> int:
    """Stream one part: the rows it holds (if asked), refusing any stretch without a tag
    longer than a cell can be (a cell's text lies between two tags). Returns the rows."""
    rows, run, tail = 0, 0, b""
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            if count_rows:
                rows += len(ROW.findall(tail + chunk)) - len(ROW.findall(tail))
                tail = chunk[-64:]
            pieces = chunk.split(b"<")
            if len(pieces) == 1:
                run += len(chunk)
            else:
                run = max(run + len(pieces[0]), *(len(piece) for piece in pieces[1:-1]))
                if run <= MAX_CELL_BYTES:
                    run = len(pieces[-1])
            if run > MAX_CELL_BYTES:
                raise WorkbookTooLarge(
                    f"{where} holds a cell of more than {MAX_CELL_CHARACTERS:,} characters, "
                    "more than a spreadsheet cell can hold: this is not a spreadsheet "
                    "compactwatch can read"
                )
    return rows


def measure(path: Path, max_rows: int) -> list[SheetSize]:
    """The real rows of each sheet; WorkbookTooLarge if any limit is passed (zipfile.BadZipFile,
    KeyError or ElementTree.ParseError if it is not an XLSX file at all)."""
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise WorkbookTooLarge(
                f"the spreadsheet unpacks to {unpacked / (1 << 20):,.0f} MB, more than the "
                f"{MAX_UNPACKED_BYTES >> 20:,} MB compactwatch reads: publish it as CSV or JSON"
            )
        for part in ("xl/sharedStrings.xml",):
            if part in archive.namelist():
                _scan(archive, part, "the spreadsheet's text", count_rows=False)
        sizes = []
        for title, part in _sheet_parts(archive):
            rows = _scan(archive, part, f"sheet '{title}'", count_rows=True)
            sizes.append(SheetSize(title, rows))
        over = [size for size in sizes if size.rows > max_rows]
        if over:
            listed = "; ".join(f"sheet '{size.title}' has {size.rows:,} rows" for size in over)
            raise WorkbookTooLarge(
                f"{listed}: compactwatch reads spreadsheets of up to {max_rows:,} rows a sheet. "
                "Larger files can be imported as CSV or JSON, which are read as a stream."
            )
        return sizes
