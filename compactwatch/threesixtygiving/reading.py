"""Reading 360Giving files in their three published forms, as a stream of grants.

- JSON packages (`{"grants": [...]}`) are parsed as a stream with ijson: memory stays flat
  however many grants the file holds, and numbers are read as exact decimals.
- CSV files are decoded (UTF-8, with or without a byte-order mark, else Windows-1252) and
  read a block of rows at a time; each block is unflattened by flattentool, the library the
  360Giving tools use, with the column titles of the 360Giving schema.
- XLSX spreadsheets are unflattened whole by flattentool (every sheet, so the extra sheets of
  the 360Giving template are joined to their grants); they are limited in rows, as the
  360Giving data quality tool limits them. Larger files are published as CSV or JSON.

Spreadsheet grants carry where each value came from (sheet, row, column), so that problems
can be reported as the standard's own tools report them.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
import zipfile
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree import ElementTree

import ijson
from flattentool.exceptions import DataErrorWarning
from flattentool.input import SpreadsheetInput, XLSXInput
from flattentool.schema import SchemaParser

from compactwatch.threesixtygiving.workbook import WorkbookTooLarge, measure

FORMS = {".json": "json", ".csv": "csv", ".xlsx": "xlsx"}
MAX_SPREADSHEET_ROWS = 50_000  # a sheet's rows, heading included, as the 360Giving tool limits
CSV_BLOCK_ROWS = 1000
MAX_NOTES = 50
META_SHEET = "Meta"
GRANT_SCHEMA = "360-giving-schema-1.4.3.json"


class ReadError(Exception):
    """The file as a whole cannot be read as 360Giving data; the message says why, plainly."""


@dataclass
class SourceGrant:
    """One grant as read, with its position in the file and, for spreadsheets, its cells."""

    position: int
    data: Any
    # Path within the grant ("amountAwarded", "recipientOrganization/0/id") to the cells it
    # came from: [(sheet, column, row, heading)], or [(sheet, row)] for a whole object.
    cells: dict[str, list] | None = None

    @property
    def grant_id(self) -> str:
        value = self.data.get("id") if isinstance(self.data, dict) else None
        return value if isinstance(value, str) else ""

    def where(self, path: list[str | int]) -> str:
        """The sheet, row and column a value came from, in words ('' for JSON)."""
        if self.cells is None:
            return ""
        parts = [str(part) for part in path]
        while True:
            cells = self.cells.get("/".join(parts))
            if cells:
                return _describe_cell(cells[0])
            if not parts:
                break
            parts.pop()
        rows = sorted(
            (cell[0], cell[2] if len(cell) >= 4 else cell[1])
            for cells in self.cells.values()
            for cell in cells
        )
        return _describe_cell(rows[0]) if rows else ""


def _describe_cell(cell: list | tuple) -> str:
    if len(cell) >= 4:
        sheet, column, row, heading = cell[:4]
        return f"sheet {sheet}, row {row}, column {column} ({heading})"
    sheet, row = cell[:2]
    return f"sheet {sheet}, row {row}"


@cache
def schema_path() -> Path:
    return Path(
        str(resources.files("compactwatch.threesixtygiving").joinpath("schema", GRANT_SCHEMA))
    )


@cache
def _schema_parser() -> SchemaParser:
    """The schema's titles and types, parsed once: flattentool turns titles into fields by it."""
    parser = SchemaParser(schema_filename=str(schema_path()), rollup=True, root_id="")
    parser.parse()
    return parser


def form_of(name: str) -> str:
    """The form of a file from its name: json, csv or xlsx; ReadError for anything else."""
    suffix = Path(name).suffix.lower()
    if suffix not in FORMS:
        raise ReadError(
            f"compactwatch reads 360Giving files as JSON, CSV or XLSX (a .json, .csv or .xlsx "
            f"file); '{Path(name).name}' is not one of these"
        )
    return FORMS[suffix]


class _CountingReader(io.RawIOBase):
    """A binary file that counts the bytes read from it, for progress."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.count += len(data)
        return data


@dataclass
class GrantsFile:
    """A 360Giving file on disk. `grants()` reads it from the start each time it is called."""

    path: Path
    name: str
    form: str = ""
    notes: list[str] = field(default_factory=list)
    encoding: str = ""
    _reader: _CountingReader | None = None
    _cells: bool = True

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        self.form = form_of(self.name)
        if not self.path.exists():
            raise ReadError(f"there is no file at {self.path}")
        self.size = self.path.stat().st_size
        if self.size == 0:
            raise ReadError(f"'{self.name}' is empty: there are no grants in it")

    @property
    def bytes_read(self) -> int:
        return self._reader.count if self._reader else 0

    def note(self, text: str) -> None:
        if text not in self.notes and len(self.notes) < MAX_NOTES:
            self.notes.append(text)

    def grants(self, cells: bool = True) -> Iterator[SourceGrant]:
        """The file's grants in order. Without `cells`, spreadsheet grants do not carry the
        cells they came from: a third quicker, for a pass that reports no problems."""
        self._cells = cells
        reader = {"json": self._json, "csv": self._csv, "xlsx": self._xlsx}[self.form]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DataErrorWarning)
            for grant in reader():
                yield grant
                self._conversion_notes(caught)
            self._conversion_notes(caught)

    def _conversion_notes(self, caught: list) -> None:
        for warning in caught:
            if issubclass(warning.category, DataErrorWarning):
                self.note(f"Converting the spreadsheet: {warning.message}")
        caught.clear()

    # JSON -------------------------------------------------------------------------------
    def _open_json(self) -> BinaryIO:
        """The file, past a UTF-8 byte-order mark if it has one."""
        raw = self.path.open("rb")
        if raw.read(3) != codecs.BOM_UTF8:
            raw.seek(0)
        return raw

    def _json(self) -> Iterator[SourceGrant]:
        with self._open_json() as raw:
            self._reader = _CountingReader(raw)
            position = -1
            try:
                for position, data in enumerate(
                    ijson.items(self._reader, "grants.item", use_float=False)
                ):
                    yield SourceGrant(position, data)
            except ijson.JSONError as error:
                raise ReadError(_json_problem(error, self._reader.count)) from None
            except UnicodeDecodeError:
                raise ReadError(
                    "the file is not UTF-8 text, as a 360Giving JSON file must be"
                ) from None
        if position < 0:
            raise ReadError(self._no_grants_in_json())

    def _no_grants_in_json(self) -> str:
        """Why a well-formed JSON file gave no grants, in words."""
        with self._open_json() as raw:
            try:
                events = ijson.parse(raw)
                _, event, _ = next(events)
                if event != "start_map":
                    return (
                        "the file is JSON but not a 360Giving package: a package is an object "
                        'with a list of grants, {"grants": [...]}'
                    )
                for prefix, event, value in events:
                    if prefix == "" and event == "map_key" and value == "grants":
                        _, kind, _ = next(events)
                        if kind != "start_array":
                            return "'grants' is not a JSON array: it must be a list of grants"
                        return "the file's list of grants is empty"
            except (ijson.JSONError, StopIteration):
                return "the file is not valid JSON"
        return 'the file has no list of grants: a 360Giving package is {"grants": [...]}'

    # CSV --------------------------------------------------------------------------------
    def _detect_encoding(self) -> str:
        """UTF-8 (a byte-order mark is skipped), else Windows-1252, as spreadsheets save."""
        decoder = codecs.getincrementaldecoder("utf-8")()
        with self.path.open("rb") as raw:
            try:
                while block := raw.read(1 << 20):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self.note(
                    "This file is not UTF-8 encoded: it has been read as Windows-1252 "
                    "(cp1252), as Excel saves CSV files. Check that names read correctly."
                )
                return "cp1252"
        return "utf-8-sig"

    def _csv(self) -> Iterator[SourceGrant]:
        self.encoding = self.encoding or self._detect_encoding()
        sheet = Path(self.name).stem
        with self.path.open("rb") as raw:
            self._reader = _CountingReader(raw)
            text = io.TextIOWrapper(
                io.BufferedReader(self._reader),
                encoding=self.encoding,
                errors="replace",
                newline="",
            )
            rows = csv.reader(_without_nulls(text))
            headings = next(rows, None)
            if not headings or not any(heading.strip() for heading in headings):
                raise ReadError("the CSV file has no heading row, so no grants can be read")
            position, first_row = 0, 2  # spreadsheet rows: the headings are row 1
            key = _identifier_column(headings)
            for block in _blocks(rows, CSV_BLOCK_ROWS, key):
                grants, cells = _unflatten_block(sheet, headings, block, first_row, self._cells)
                for data, grant_cells in zip(grants, cells, strict=True):
                    yield SourceGrant(position, data, grant_cells)
                    position += 1
                first_row += len(block)
        if position == 0:
            raise ReadError("the CSV file has a heading row but no grants")

    # XLSX -------------------------------------------------------------------------------
    def _xlsx(self) -> Iterator[SourceGrant]:
        self._check_spreadsheet_size()
        spreadsheet = _ExactXLSXInput(
            input_name=str(self.path),
            root_list_path="grants",
            root_id="",
            convert_titles=True,
            exclude_sheets=[META_SHEET],
            id_name="id",
        )
        spreadsheet.parser = _schema_parser()
        try:
            spreadsheet.read_sheets()
            result, cell_map, _ = spreadsheet.fancy_unflatten(self._cells, False)
        except ReadError:
            raise
        except Exception as error:  # flattentool raises many kinds on a broken spreadsheet
            raise ReadError(
                "the spreadsheet could not be converted to 360Giving data "
                f"({type(error).__name__}: {error})"
            ) from None
        self._reader = _CountingReader(io.BytesIO())
        self._reader.count = self.size
        if not result:
            raise ReadError("the spreadsheet has no grants in it")
        cells = (
            _split_cell_map(cell_map or {}, len(result)) if self._cells else [None] * len(result)
        )
        for position, (data, grant_cells) in enumerate(zip(result, cells, strict=True)):
            yield SourceGrant(position, data, grant_cells)

    def _check_spreadsheet_size(self) -> None:
        """Count the real rows and cell sizes from the file's XML before reading it (its
        own row count can lie; a small file can unpack to gigabytes)."""
        try:
            measure(self.path, MAX_SPREADSHEET_ROWS)
        except WorkbookTooLarge as error:
            raise ReadError(str(error)) from None
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, ElementTree.ParseError):
            raise ReadError(
                "we think you tried to supply a spreadsheet, but it could not be read as an "
                "XLSX file: save it again from your spreadsheet program as .xlsx, or as CSV"
            ) from None


def _json_problem(error: Exception, at_byte: int) -> str:
    detail = str(error).strip().splitlines()[0] if str(error).strip() else "it ends too soon"
    return (
        f"the file is not valid JSON, so nothing in it can be read (near byte {at_byte:,}: "
        f"{detail}). Check it with a JSON validator, or export it again."
    )


def _identifier_column(headings: list[str]) -> int:
    for index, heading in enumerate(headings):
        if heading.strip().lower() in ("identifier", "id"):
            return index
    return 0


def _without_nulls(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        yield line.replace("\0", "")


def _blocks(rows: Iterator[list[str]], size: int, key: int) -> Iterator[list[list[str]]]:
    """Blocks of about `size` rows, never splitting rows of one grant (same Identifier) apart."""
    block: list[list[str]] = []
    for row in rows:
        if len(block) >= size and _key(row, key) != _key(block[-1], key):
            yield block
            block = []
        block.append(row)
    if block:
        yield block


def _key(row: list[str], index: int) -> str | None:
    return row[index] if index < len(row) else None


class _RowsInput(SpreadsheetInput):
    """flattentool's input over rows already read (one block of a CSV file)."""

    def __init__(self, sheet: str, headings: list[str], rows: list[list[str]], **options: Any):
        super().__init__(**options)
        self._sheet, self._headings, self._rows = sheet, headings, rows

    def read_sheets(self) -> None:
        self.sub_sheet_names = [self._sheet]
        self.sheet_names_map = OrderedDict([(self._sheet, self._sheet)])
        self.configure_sheets()

    def get_sheet_headings(self, sheet_name: str) -> list[str]:
        return self._headings

    def get_sheet_lines(self, sheet_name: str) -> Iterator[OrderedDict[str, str]]:
        width = len(self._headings)
        for row in self._rows:
            cells = (row + [""] * width)[:width]
            yield OrderedDict(zip(self._headings, cells, strict=True))


class _ExactXLSXInput(XLSXInput):
    """XLSX cells hold numbers as binary floats; pass them on as their shortest decimal text,
    so that 1000.1 stays exactly 1000.1 (flattentool makes a Decimal of the text)."""

    def get_sheet_lines(self, sheet_name: str) -> Iterator[dict[str, Any]]:
        for line in super().get_sheet_lines(sheet_name):
            for key, value in line.items():
                if isinstance(value, float):
                    line[key] = int(value) if value.is_integer() else repr(value)
            yield line


def _unflatten_block(
    sheet: str, headings: list[str], rows: list[list[str]], first_row: int, with_cells: bool
) -> tuple[list[Any], Sequence[dict[str, list[Any]] | None]]:
    block = _RowsInput(
        sheet,
        headings,
        rows,
        root_list_path="grants",
        root_id="",
        convert_titles=True,
        id_name="id",
    )
    block.parser = _schema_parser()
    block.read_sheets()
    result, cell_map, _ = block.fancy_unflatten(with_cells, False)
    if not with_cells:
        return result, [None] * len(result)
    offset = first_row - 2
    if offset:
        cell_map = {
            path: [_shift_row(cell, offset) for cell in cells]
            for path, cells in (cell_map or {}).items()
        }
    return result, _split_cell_map(cell_map or {}, len(result))


def _shift_row(cell: Iterable[Any], offset: int) -> list[Any]:
    cell = list(cell)
    if len(cell) >= 4:
        cell[2] += offset
    else:
        cell[1] += offset
    return cell


def _split_cell_map(cell_map: dict[str, list], count: int) -> list[dict[str, list]]:
    """flattentool's map of 'grants/3/amountAwarded' to cells, split into one map per grant."""
    grants: list[dict[str, list]] = [{} for _ in range(count)]
    for path, cells in cell_map.items():
        parts = path.split("/", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            continue
        index = int(parts[1])
        if index < count:
            grants[index][parts[2] if len(parts) == 3 else ""] = cells
    return grants
