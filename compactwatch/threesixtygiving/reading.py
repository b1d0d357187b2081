"""Reading 360Giving files in their three published forms, as a stream of grants.

- JSON packages (`{"grants": [...]}`) are parsed as a stream with ijson: memory stays flat
  however many grants the file holds, and numbers are read as exact decimals.
- CSV files are decoded (UTF-8, with or without a byte-order mark, else Windows-1252) and
  read a block of rows at a time; each block is unflattened by flattentool, the library the
  360Giving tools use, with the column titles of the 360Giving schema. As flattentool does
  for a whole file, rows with the same Identifier make one grant wherever they are in the
  file (a first reading of the ids finds them; their rows wait on disk, not in memory),
  and grants without an Identifier come after the rest.
- XLSX spreadsheets are unflattened whole by flattentool (every sheet, so the extra sheets of
  the 360Giving template are joined to their grants); they are limited in rows, as the
  360Giving data quality tool limits them. Larger files are published as CSV or JSON.

Spreadsheet grants carry where each value came from (sheet, row, column), so that problems
can be reported as the standard's own tools report them. The extensions a file declares
(`extensions` in JSON, the Meta sheet's Extensions row in XLSX) give the schema it is read
and checked with (schemas.py); one compactwatch does not know is noted, not checked.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sqlite3
import warnings
import zipfile
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree import ElementTree

import ijson
import openpyxl
from flattentool.exceptions import DataErrorWarning
from flattentool.input import SpreadsheetInput, XLSXInput
from flattentool.schema import SchemaParser
from ijson.backends import python as ijson_python

from compactwatch.threesixtygiving.schemas import (
    EXTENSIONS,
    GrantSchema,
    flattening_schema,
    grant_schema,
    split_extensions,
)
from compactwatch.threesixtygiving.workbook import WorkbookTooLarge, measure

FORMS = {".json": "json", ".csv": "csv", ".xlsx": "xlsx"}
MAX_SPREADSHEET_ROWS = 50_000  # a sheet's rows, heading included, as the 360Giving tool limits
CSV_BLOCK_ROWS = 1000
MAX_NOTES = 50
META_SHEET = "Meta"
# Up to this size a broken JSON file is parsed again by Python's own parser, which says
# where it breaks as line and column; larger files by ijson's Python parser (slower, but
# memory stays flat), which gives the character at which it breaks.
JSON_EXACT_BYTES = 32 << 20


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
    flat: bool = False  # from a spreadsheet (CSV or XLSX): fields are named by column titles

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
def _schema_parser(extensions: tuple[str, ...] = ()) -> SchemaParser:
    """The schema's titles and types, parsed once for each set of extensions: flattentool
    turns titles into fields by it."""
    parser = SchemaParser(root_schema_dict=flattening_schema(extensions), rollup=True, root_id="")
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
    # The extensions the file declares; those compactwatch knows give `schema`.
    extensions: list[str] = field(default_factory=list)
    _reader: _CountingReader | None = None
    _cells: bool = True
    _known: tuple[str, ...] | None = None
    _index: _CsvIndex | None = None

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

    @property
    def schema(self) -> GrantSchema:
        """The grant schema with the extensions the file declares that compactwatch knows
        (the core alone until the file has been read)."""
        return grant_schema(self._known or ())

    def note(self, text: str) -> None:
        if text not in self.notes and len(self.notes) < MAX_NOTES:
            self.notes.append(text)

    def close(self) -> None:
        """Remove what reading kept on disk (a CSV file's index of ids)."""
        if self._index is not None:
            self._index.close()
            self._index = None

    def __enter__(self) -> GrantsFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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

    # Extensions --------------------------------------------------------------------------
    def _declare(self, declared: Any) -> None:
        """The extensions the file declares: those known are checked, the others noted."""
        if self._known is not None:
            return
        if isinstance(declared, str):
            declared = [part.strip() for part in declared.split(";")]
        names = [name for name in declared if isinstance(name, str)] if isinstance(
            declared, list) else []  # fmt: skip
        self.extensions = [name.strip() for name in names if name.strip()]
        known, unknown = split_extensions(self.extensions)
        self._known = known
        for name in known:
            self.note(
                f"This file uses the {EXTENSIONS[name].title} extension to the 360Giving "
                "standard ('" + name + "'): its fields are checked against the extension's "
                "schema and codelists."
            )
        for name in unknown:
            self.note(
                f"This file declares the extension '{name}', which compactwatch does not know: "
                "compactwatch does not check it, so its fields are checked against the core "
                "360Giving schema only (and are not imported)."
            )

    def _json_extensions(self) -> Any:
        """The package's `extensions`, wherever it stands in the file (a parse of the whole
        file at C speed, building nothing but that list, if the word is in it at all)."""
        if not _contains(self.path, b'"extensions"'):
            return None
        with self._open_json() as raw:
            try:
                return next(iter(ijson.items(raw, "extensions")), None)
            except (ijson.JSONError, UnicodeDecodeError):
                return None  # the read itself says what is wrong

    def _meta_extensions(self) -> Any:
        """The Extensions row of a spreadsheet's Meta sheet (titles in column A)."""
        try:
            workbook = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except Exception:  # flattentool's read says what is wrong with the file
            return None
        try:
            sheet = next(
                (workbook[name] for name in workbook.sheetnames
                 if name.strip().lower() == META_SHEET.lower()), None,
            )  # fmt: skip
            if sheet is None:
                return None
            for row in sheet.iter_rows(max_col=2, values_only=True):
                if row and isinstance(row[0], str) and row[0].strip().lower() == "extensions":
                    return str(row[1]) if len(row) > 1 and row[1] is not None else None
            return None
        finally:
            workbook.close()

    # JSON -------------------------------------------------------------------------------
    def _open_json(self) -> BinaryIO:
        """The file, past a UTF-8 byte-order mark if it has one."""
        raw = self.path.open("rb")
        if raw.read(3) != codecs.BOM_UTF8:
            raw.seek(0)
        return raw

    def _json(self) -> Iterator[SourceGrant]:
        if self._known is None:
            self._declare(self._json_extensions())
        with self._open_json() as raw:
            self._reader = _CountingReader(raw)
            position = -1
            try:
                for position, data in enumerate(
                    ijson.items(self._reader, "grants.item", use_float=False)
                ):
                    yield SourceGrant(position, data)
            except ijson.JSONError as error:
                raise ReadError(self._json_problem(error)) from None
            except UnicodeDecodeError:
                raise ReadError(
                    "the file is not UTF-8 text, as a 360Giving JSON file must be"
                ) from None
        if position < 0:
            raise ReadError(self._no_grants_in_json())

    def _json_problem(self, error: Exception) -> str:
        """Where a JSON file breaks, by line and column, and why."""
        if "invalid bytes in UTF8" in str(error):
            return "the file is not UTF-8 text, as a 360Giving JSON file must be"
        found = _locate_json_error(self.path, self.size)
        if found is None:
            detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
            return (
                f"the file is not valid JSON, so nothing in it can be read ({detail}). "
                "Check it with a JSON validator, or export it again."
            )
        line, column, reason = found
        return (
            f"the file is not valid JSON, so nothing in it can be read: at line {line:,}, "
            f"column {column:,}, {reason}. Check it with a JSON validator, or export it again."
        )

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

    def _csv_rows(self, counted: bool) -> Iterator[tuple[int, list[str]]]:
        """(spreadsheet row number, cells) of each row that is not blank, its cells as many as
        the headings (the headings are row 1); `self._headings` is set first."""
        with self.path.open("rb") as raw:
            source: Any = raw
            if counted:
                self._reader = source = _CountingReader(raw)
            text = io.TextIOWrapper(
                io.BufferedReader(source), encoding=self.encoding, errors="replace", newline=""
            )
            rows = csv.reader(_without_nulls(text))
            headings = next(rows, None)
            if not headings or not any(heading.strip() for heading in headings):
                raise ReadError("the CSV file has no heading row, so no grants can be read")
            self._headings, width = headings, len(headings)
            for number, row in enumerate(rows, start=2):
                cells = (row + [""] * width)[:width]
                if any(cells):
                    yield number, cells

    def _csv(self) -> Iterator[SourceGrant]:
        self.encoding = self.encoding or self._detect_encoding()
        self._declare([])
        sheet = Path(self.name).stem
        if self._index is None:
            self._index = _CsvIndex(self)
        index, position = self._index, 0
        # Grants with an Identifier first, in the order each first appears, each with every
        # row of its id; then those without one, as flattentool gives them.
        with_ids = (
            entry for entry in self._csv_rows(counted=True) if index.key(entry[1]) is not None
        )
        for block in _blocks(index.gathered(with_ids), CSV_BLOCK_ROWS):
            for grant in self._unflattened(sheet, block, position):
                yield grant
                position += 1
        if index.without_ids:
            without = (
                entry for entry in self._csv_rows(counted=False) if index.key(entry[1]) is None
            )
            for block in _blocks(([entry] for entry in without), CSV_BLOCK_ROWS):
                for grant in self._unflattened(sheet, block, position):
                    yield grant
                    position += 1
        if position == 0:
            raise ReadError("the CSV file has a heading row but no grants")

    def _unflattened(
        self, sheet: str, block: list[tuple[int, list[str]]], position: int
    ) -> Iterator[SourceGrant]:
        grants, cells = _unflatten_block(
            sheet, self._headings, block, self._cells, self._known or ()
        )
        for offset, (data, grant_cells) in enumerate(zip(grants, cells, strict=True)):
            yield SourceGrant(position + offset, data, grant_cells, flat=True)

    # XLSX -------------------------------------------------------------------------------
    def _xlsx(self) -> Iterator[SourceGrant]:
        self._check_spreadsheet_size()
        if self._known is None:
            self._declare(self._meta_extensions())
        spreadsheet = _ExactXLSXInput(
            input_name=str(self.path),
            root_list_path="grants",
            root_id="",
            convert_titles=True,
            exclude_sheets=[META_SHEET],
            id_name="id",
        )
        spreadsheet.parser = _schema_parser(self._known or ())
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
            yield SourceGrant(position, data, grant_cells, flat=True)

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


class _CsvIndex:
    """The Identifier of every row of a CSV file, kept on disk (a temporary SQLite file):
    which ids are on more than one row, with those rows, so that each grant is made from all
    its rows wherever they are in the file, as flattentool makes it from a whole file."""

    def __init__(self, grants_file: GrantsFile):
        self.db = sqlite3.connect("")  # a temporary database file, removed when closed
        self.db.execute("CREATE TABLE ids (id TEXT PRIMARY KEY, n INTEGER, first INTEGER)")
        self.db.execute("CREATE TABLE rows (id TEXT, number INTEGER, cells TEXT)")
        rows = grants_file._csv_rows(counted=False)
        first = next(rows, None)  # the headings are read with the first row
        self.column = _identifier_column(grants_file._headings)
        self.without_ids = 0
        pending: list[tuple[str, int]] = []
        for number, cells in [first] if first else []:
            pending += self._seen(number, cells)
        for number, cells in rows:
            pending += self._seen(number, cells)
            if len(pending) >= 10_000:
                self._count(pending)
                pending = []
        self._count(pending)
        self.repeated = bool(self.db.execute("SELECT 1 FROM ids WHERE n > 1 LIMIT 1").fetchone())
        if self.repeated:  # keep the rows of ids used more than once
            batch = []
            for number, cells in grants_file._csv_rows(counted=False):
                key = self.key(cells)
                if key is not None and self._times(key)[0] > 1:
                    batch.append((key, number, json.dumps(cells)))
                    if len(batch) >= 1000:
                        self.db.executemany("INSERT INTO rows VALUES (?, ?, ?)", batch)
                        batch = []
            self.db.executemany("INSERT INTO rows VALUES (?, ?, ?)", batch)
            self.db.execute("CREATE INDEX rows_by_id ON rows (id, number)")

    def key(self, cells: list[str]) -> str | None:
        """A row's Identifier; None when it has none (an empty cell, or no such column)."""
        if self.column is None or not cells[self.column]:
            return None
        return cells[self.column]

    def _seen(self, number: int, cells: list[str]) -> list[tuple[str, int]]:
        key = self.key(cells)
        if key is None:
            self.without_ids += 1
            return []
        return [(key, number)]

    def _count(self, pending: list[tuple[str, int]]) -> None:
        self.db.executemany(
            "INSERT INTO ids VALUES (?1, 1, ?2) ON CONFLICT(id) DO UPDATE SET n = n + 1", pending
        )

    def _times(self, key: str) -> tuple[int, int]:
        found = self.db.execute("SELECT n, first FROM ids WHERE id = ?", (key,)).fetchone()
        return (found[0], found[1]) if found else (0, 0)

    def gathered(
        self, rows: Iterable[tuple[int, list[str]]]
    ) -> Iterator[list[tuple[int, list[str]]]]:
        """The rows of each grant together: a row alone, or at the first row of an id used on
        several rows, all that id's rows (the later ones are then passed over)."""
        for number, cells in rows:
            key = self.key(cells)
            if not self.repeated or key is None:
                yield [(number, cells)]
                continue
            times, first = self._times(key)
            if times <= 1:
                yield [(number, cells)]
            elif number == first:
                found = self.db.execute(
                    "SELECT number, cells FROM rows WHERE id = ? ORDER BY number", (key,)
                )
                yield [(row_number, json.loads(text)) for row_number, text in found]

    def close(self) -> None:
        self.db.close()


def _contains(path: Path, word: bytes) -> bool:
    """Whether a file holds a run of bytes (read a megabyte at a time)."""
    tail = b""
    with path.open("rb") as raw:
        while chunk := raw.read(1 << 20):
            if word in tail + chunk[: len(word)] or word in chunk:
                return True
            tail = chunk[-len(word) :]
    return False


def _locate_json_error(path: Path, size: int) -> tuple[int, int, str] | None:
    """(line, column, why) where a JSON file breaks; None if it cannot be told."""
    if size <= JSON_EXACT_BYTES:
        try:
            json.loads(path.read_bytes().decode("utf-8-sig"))
        except json.JSONDecodeError as error:
            return error.lineno, error.colno, error.msg[:1].lower() + error.msg[1:]
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None
        return None  # Python reads what ijson did not (NaN, say): say only that it is broken
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace")
        try:
            for _ in ijson_python.basic_parse(text):
                pass
        except ijson.JSONError as error:
            message = str(error)
            at = message.rsplit(" at ", 1)
            if len(at) == 2 and at[1].isdigit():
                return (*_line_and_column(path, int(at[1])), message.split(" at ")[0].lower())
            return (*_line_and_column(path, None), "the file ends before its JSON is complete")
    return None


def _line_and_column(path: Path, offset: int | None) -> tuple[int, int]:
    """The line and column (from 1) of a character of a text file (None: its end)."""
    line, column, seen = 1, 1, 0
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as text:
        while chunk := text.read(1 << 20):
            if offset is not None and seen + len(chunk) > offset:
                chunk = chunk[: offset - seen]
            newlines = chunk.count("\n")
            if newlines:
                line += newlines
                column = len(chunk) - chunk.rindex("\n")
            else:
                column += len(chunk)
            seen += len(chunk)
            if offset is not None and seen >= offset:
                break
    return line, column


def _identifier_column(headings: list[str]) -> int | None:
    """The column flattentool takes a row's id from: the last whose title means `id`."""
    parser = _schema_parser()
    found = None
    for index, heading in enumerate(headings):
        if heading.strip() and parser.title_lookup.lookup_header(heading) == "id":
            found = index
    return found


def _without_nulls(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        yield line.replace("\0", "")


def _blocks(groups: Iterable[list[Any]], size: int) -> Iterator[list[Any]]:
    """Blocks of about `size` rows, never splitting the rows of one grant apart."""
    block: list[Any] = []
    for group in groups:
        if len(block) >= size:
            yield block
            block = []
        block.extend(group)
    if block:
        yield block


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
        for row in self._rows:
            yield OrderedDict(zip(self._headings, row, strict=True))


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
    sheet: str,
    headings: list[str],
    rows: list[tuple[int, list[str]]],
    with_cells: bool,
    extensions: tuple[str, ...],
) -> tuple[list[Any], Sequence[dict[str, list[Any]] | None]]:
    block = _RowsInput(
        sheet,
        headings,
        [cells for _, cells in rows],
        root_list_path="grants",
        root_id="",
        convert_titles=True,
        id_name="id",
    )
    block.parser = _schema_parser(extensions)
    block.read_sheets()
    result, cell_map, _ = block.fancy_unflatten(with_cells, False)
    if not with_cells:
        return result, [None] * len(result)
    # flattentool numbers the block's rows from 2; each is given its row in the file.
    numbers = [number for number, _ in rows]
    cell_map = {
        path: [_renumber(cell, numbers) for cell in cells]
        for path, cells in (cell_map or {}).items()
    }
    return result, _split_cell_map(cell_map, len(result))


def _renumber(cell: Iterable[Any], numbers: list[int]) -> list[Any]:
    cell = list(cell)
    at = 2 if len(cell) >= 4 else 1
    if isinstance(cell[at], int) and 2 <= cell[at] < len(numbers) + 2:
        cell[at] = numbers[cell[at] - 2]
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
