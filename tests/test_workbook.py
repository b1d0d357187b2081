"""Spreadsheets are measured from their XML before they are read: a sheet's own row count
and a cell's size cannot be trusted (spreadsheet bombs)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from compactwatch.threesixtygiving.reading import MAX_SPREADSHEET_ROWS, GrantsFile, ReadError
from compactwatch.threesixtygiving.workbook import MAX_CELL_CHARACTERS, measure


def _workbook(path: Path, rows: int, cell: str = "x") -> Path:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("grants")
    sheet.append(["Identifier", "Title"])
    for number in range(rows):
        sheet.append([f"360G-x-{number}", cell])
    book.save(path)
    return path


def _rewrite(path: Path, change) -> Path:
    """The same workbook with one part's XML changed (a lie told by the file)."""
    out = path.with_name(f"changed-{path.name}")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, change(info.filename, data))
    return out


def test_rows_are_counted_from_the_sheet_not_its_dimension_tag(tmp_path):
    honest = _workbook(tmp_path / "big.xlsx", MAX_SPREADSHEET_ROWS + 5)
    lying = _rewrite(honest, lambda name, data: re.sub(
        rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', data) if "worksheets" in name else data)  # fmt: skip
    with pytest.raises(ReadError, match=f"sheet 'grants' has {MAX_SPREADSHEET_ROWS + 6:,} rows"):
        list(GrantsFile(lying, "lying.xlsx").grants())


def test_a_sheet_at_the_limit_is_measured_exactly(tmp_path):
    sizes = measure(_workbook(tmp_path / "limit.xlsx", 9), MAX_SPREADSHEET_ROWS)
    assert [(size.title, size.rows) for size in sizes] == [("grants", 10)]


@pytest.mark.parametrize("characters, refused", [(MAX_CELL_CHARACTERS, False), (300_000, True)])
def test_a_cell_longer_than_a_spreadsheet_cell_is_refused_before_reading(
    tmp_path, characters, refused
):
    # Spreadsheet programs (and openpyxl) cut a cell at 32,767 characters: write the file's
    # XML by hand, as a crafted file would be.
    made = _workbook(tmp_path / "cell.xlsx", 1, cell="MARKER")
    path = _rewrite(made, lambda name, data: data.replace(b"MARKER", b"y" * characters))
    if refused:
        with pytest.raises(ReadError, match="more than a spreadsheet cell can hold"):
            list(GrantsFile(path, "cell.xlsx").grants())
    else:
        assert [size.rows for size in measure(path, MAX_SPREADSHEET_ROWS)] == [2]


def test_a_file_that_is_not_a_workbook_is_named_as_such(tmp_path):
    path = tmp_path / "not.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ReadError, match="could not be read as an XLSX file"):
        list(GrantsFile(path, "not.xlsx").grants())
