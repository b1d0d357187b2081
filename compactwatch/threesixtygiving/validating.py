"""Validating grants against the 360Giving schema (packaged with compactwatch), with problems
reported as the standard's own tools report them: the grant, the field, for spreadsheets the
sheet, row and column, and what is wrong in plain English.

The schema is checked by jsonschema-rs (draft 2020-12, with formats checked, so that dates
are told apart from date-times as the standard intends), with the extensions a file
declares applied (schemas.py); the closed codelists, which the schema names but does not
enumerate, are checked from the standard's codelist files; and across the file, as the
package schema and the 360Giving data quality tool have it, a grant id used twice and the
same grant given twice (`uniqueItems`) are problems.

Each problem has a rule (the kind of check it failed) and a field path; the two together,
list indexes left out, are its kind ("required recipientOrganization/id"), by which the
problems of a file are grouped and counted. In a spreadsheet (CSV or XLSX) a field is
named by its column title ("Recipient Org:Identifier"), in JSON by its name.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple

import jsonschema_rs

from compactwatch.threesixtygiving.reading import SourceGrant
from compactwatch.threesixtygiving.schemas import GrantSchema, grant_schema

VALUE_SHOWN = 80
DATE_FIELDS = {"awardDate", "startDate", "endDate", "transactionDate", "valueDate", "dateModified"}
CODED_FIELDS = {"currency": "currency", "countryCode": "country code"}
PERSONAL = "recipientIndividual"
ORGANISATION, INDIVIDUAL = "recipientOrganization", "recipientIndividual"
# A type in plain words, and what to check for it.
TYPE_WORDS = {"number": "a number", "integer": "a whole number", "string": "a string",
              "boolean": "true or false", "array": "a JSON array", "object": "a JSON object",
              "null": "empty (null)"}  # fmt: skip
TYPE_ADVICE = {
    "number": "doesn’t contain any characters other than 0-9 and dot (.). Number values "
    "should not be in quotes.",
    "integer": "doesn’t contain any characters other than 0-9 (no decimal point). Whole "
    "numbers should not be in quotes.",
    "string": "has quotes at the start and end.",
}
INDEX = re.compile(r"^\d+$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one grant (or with the file, at position -1).

    `rule` is the kind of check failed ("required", "type", "codelist"...) and `heading` the
    problem in words without the value found, the same for every problem of its kind."""

    position: int
    grant_id: str
    path: str
    where: str
    message: str
    rule: str = ""
    heading: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def grant(self) -> str:
        """The grant in words: its id, or its place in the file when it has none."""
        if self.grant_id:
            return f"grant {self.grant_id}"
        return f"grant no. {self.position + 1} in the file (it has no id)"

    @property
    def place(self) -> str:
        """Where in the file: sheet, row and column for spreadsheets, else the field path."""
        return self.where or self.path

    @property
    def field(self) -> str:
        """The field's path with list indexes left out: "recipientOrganization/id"."""
        return generic_path(self.path)

    @property
    def kind(self) -> str:
        """The rule broken and the field: problems of one kind are grouped and counted."""
        return f"{self.rule or 'other'} {self.field}".strip()

    def __str__(self) -> str:
        if self.position < 0:
            return self.message
        return f"{self.grant}, {self.place}: {self.message}"


def generic_path(path: str) -> str:
    """ "grants/3/recipientOrganization/0/id" -> "recipientOrganization/id"."""
    parts = path.split("/")
    if len(parts) >= 2 and parts[0] == "grants" and INDEX.match(parts[1]):
        parts = parts[2:]
    return "/".join(part for part in parts if part and not INDEX.match(part))


def file_problem(message: str, rule: str = "file", heading: str = "") -> Problem:
    return Problem(-1, "", "", "", message, rule, heading or message)


class Found(NamedTuple):
    path: list
    rule: str
    message: str
    heading: str


@cache
def _validator(extensions: tuple[str, ...]) -> jsonschema_rs.Draft202012Validator:
    return jsonschema_rs.Draft202012Validator(
        grant_schema(extensions).document, validate_formats=True
    )


def _shown(value: Any, path: list) -> str:
    if PERSONAL in path:
        return "(not shown: it is about a person)"
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= VALUE_SHOWN else text[: VALUE_SHOWN - 1] + "…"


def _names(path: Iterable[Any]) -> list[str]:
    return [str(part) for part in path if not isinstance(part, int)]


def _value_at(data: Any, path: list) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


class _Naming:
    """Fields by name in JSON ("amountAwarded"), by column title in a spreadsheet."""

    def __init__(self, schema: GrantSchema, flat: bool):
        self.schema, self.flat = schema, flat

    def field(self, path: list) -> str:
        names = _names(path)
        if not names:
            return "the grant"
        if self.flat:
            return self.schema.title("/".join(names)) or names[-1]
        return names[-1]

    def missing(self, path: list) -> str:
        """A missing field: for a spreadsheet, the columns to add."""
        name = self.field(path)
        if not self.flat:
            return name
        generic = "/".join(_names(path))
        required = self.schema.required.get(generic, ())
        columns = [self.schema.title(f"{generic}/{child}") for child in required]
        columns = [column for column in columns if column]
        if not columns:
            return name
        listed = (
            columns[0] if len(columns) == 1 else ", ".join(columns[:-1]) + " and " + columns[-1]
        )
        return f"{name} (the column{'s' if len(columns) > 1 else ''} {listed})"


def _required_message(naming: _Naming, path: list, missing: str) -> Found:
    full = [*path, missing]
    if naming.flat or not _names(path):
        text = f"{naming.missing(full)} is missing but required"
    else:
        text = f"{missing} is missing but required within {naming.field(path)}"
    return Found(full, "required", text, text)


def _grant_level_oneof(data: dict, naming: _Naming) -> list[Found]:
    """The grant must have a recipient organisation or a recipient individual, not both, and
    the fields both kinds of grant require. With both, the fields a grant to an individual
    requires are checked too, as the 360Giving tools do: the rest is not hidden behind it."""
    branches = naming.schema.document.get("oneOf") or []
    required = [set(branch.get("required", ())) for branch in branches if isinstance(branch, dict)]
    common = sorted(set.intersection(*required), key=_order) if required else []
    has_org, has_person = ORGANISATION in data, INDIVIDUAL in data
    found = []
    if has_org and has_person:
        text = "a grant has either recipientOrganization or recipientIndividual, not both"
        if naming.flat:
            text += (
                f": fill in the {naming.field([ORGANISATION])} columns or the "
                f"{naming.field([INDIVIDUAL])} columns, not both"
            )
        found.append(Found([], "oneOf", text, text))
    found.extend(_required_message(naming, [], name) for name in common if name not in data)
    if not has_org and not has_person:
        text = (
            f"{naming.missing([ORGANISATION])} (or, for a grant to a person, "
            f"{naming.missing([INDIVIDUAL])}) is missing but required"
        )
        found.append(Found([ORGANISATION], "required", text, text))
    return found


def _order(name: str) -> int:
    order = ("id", "title", "description", "currency", "amountAwarded", "awardDate",
             "fundingOrganization")  # fmt: skip
    return order.index(name) if name in order else len(order)


def _type_message(path: list, types: list[str], value: Any, naming: _Naming) -> Found:
    field = naming.field(path)
    shown = _shown(value, path)
    wanted = [name for name in types if name != "null"] or list(types)
    if wanted == ["array"]:
        heading = f"{field} is not a JSON array"
        return Found(path, "type", f"{heading} ({shown}): it must be a list", heading)
    if wanted == ["object"]:
        heading = f"{field} does not hold JSON objects"
        return Found(path, "type", f"{shown} is not a JSON object: {field} must hold objects",
                     heading)  # fmt: skip
    words = " or ".join(TYPE_WORDS.get(name, name) for name in wanted)
    heading = f"{field} is not {words}"
    text = f"{heading} ({shown})."
    advice = TYPE_ADVICE.get(wanted[0]) if len(wanted) == 1 else None
    if advice:
        null = "is not null, and " if "null" not in types else ""
        text += f" Check that the value {null}{advice}"
    return Found(path, "type", text, heading)


def _message(error: jsonschema_rs.ValidationError, data: Any, naming: _Naming) -> list[Found]:
    """Plain-English messages for one schema error."""
    path = list(error.instance_path)
    kind: Any = error.kind  # its fields (property, types, options...) depend on its name
    name = kind.name
    field = naming.field(path)
    value = _value_at(data, path)
    shown = _shown(value, path)
    if name == "oneOf" and not path:
        return _grant_level_oneof(data, naming)
    if name == "required":
        return [_required_message(naming, path, kind.property)]
    if name == "type":
        return [_type_message(path, list(kind.types), value, naming)]
    if name == "enum":
        heading = f"Invalid code found in {field}"
        if _names(path) and _names(path)[-1] in CODED_FIELDS:
            coded = CODED_FIELDS[_names(path)[-1]]
            text = f"{heading}: {shown} is not a {coded} on the 360Giving codelist"
            return [Found(path, "enum", text, heading)]
        options = ", ".join(str(option) for option in kind.options)
        text = f"{field} must be one of {options}; {shown} is not allowed"
        return [Found(path, "enum", text, heading)]
    if name == "format" and kind.format == "uri":
        heading = f"Invalid 'uri' found in {field}"
        text = f"{heading}: {shown} is not a full web address (it should start with https:// or http://)"
        return [Found(path, "uri", text, heading)]
    if (name == "format" and kind.format == "date-time") or (
        name == "oneOf" and _names(path) and _names(path)[-1] in DATE_FIELDS
    ):
        heading = f"Date is not in the correct format: {field}"
        written = (
            "a full date-time, such as 2024-03-31T00:00:00Z"
            if name == "format"
            else "a date written YYYY-MM-DD, or a full date-time"
        )
        return [Found(path, "date", f"{heading} is {shown}; it must be {written}", heading)]
    if name == "minItems":
        heading = f"{field} is an empty list"
        text = (
            f"{heading} ([] is too short). You must supply at least one value, or remove the "
            "item entirely (unless it’s required)."
        )
        return [Found(path, "minItems", text, heading)]
    if name == "pattern":
        heading = f"{field} does not match the pattern {kind.pattern}"
        return [Found(path, "pattern", f"{heading} ({shown})", heading)]
    if name == "uniqueItems":
        heading = f"{field} holds the same value more than once"
        return [Found(path, "uniqueItems", f"{heading} ({shown}): each value may be given once",
                      heading)]  # fmt: skip
    return [Found(path, name, f"{field}: {error.message}", f"{field}: {name}")]


def _path_text(position: int, path: list) -> str:
    return "/".join(["grants", str(position), *(str(part) for part in path)])


def _codelist_problems(data: Any, naming: _Naming) -> Iterator[Found]:
    if not isinstance(data, dict):
        return
    for codelist in naming.schema.codelists:
        for where, value in _find(data, list(codelist.path), []):
            if isinstance(value, str) and value not in codelist.codes:
                heading = f"Invalid code found in {naming.field(where)}"
                text = f"{heading}: {_shown(value, where)} is not on the {codelist.title} codelist"
                yield Found(where, "codelist", text, heading)


def _find(data: Any, path: list, done: list) -> Iterator[tuple[list, Any]]:
    if not path:
        yield done, data
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(data, list):
            for index, item in enumerate(data):
                yield from _find(item, rest, [*done, index])
    elif isinstance(data, dict) and head in data:
        yield from _find(data[head], rest, [*done, head])


def check_grant(grant: SourceGrant, schema: GrantSchema | None = None) -> list[Problem]:
    """Every problem with one grant against the schema (with the file's extensions) and its
    closed codelists."""
    schema = schema or grant_schema()
    naming = _Naming(schema, grant.flat)
    data = grant.data
    found: list[Found] = []
    # Every rule a value breaks is a problem of its own kind, as the standard's tools count
    # them: null where a date belongs is not a string, and not a date either.
    for error in _validator(schema.extensions).iter_errors(data):
        found.extend(_message(error, data, naming))
    found.extend(_codelist_problems(data, naming))
    return grant_problems(grant, found)


def grant_problems(grant: SourceGrant, found: Iterable[Found]) -> list[Problem]:
    """Problems of one grant, each once, with where they are in the file."""
    seen: set[tuple[str, str]] = set()
    problems = []
    for path, rule, message, heading in found:
        text_path = _path_text(grant.position, path)
        if (text_path, message) in seen:
            continue
        seen.add((text_path, message))
        problems.append(Problem(grant.position, grant.grant_id, text_path, grant.where(path),
                                message, rule, heading))  # fmt: skip
    return problems


def _canonical(value: Any) -> Any:
    """A value as JSON Schema compares values: 1 and 1.0 are equal, keys in any order."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        return {"#": str(number.normalize()) if number else "0"}
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    return str(value)


def digest(data: Any) -> bytes:
    """A grant's fingerprint: equal for grants equal in every field."""
    text = json.dumps(_canonical(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def has_id(data: Any) -> bool:
    """Whether a grant has an id to tell it by (the package schema's uniqueness is then the
    uniqueness of ids)."""
    value = data.get("id") if isinstance(data, dict) else None
    return value is not None and not isinstance(value, (list, dict))


class GrantIds:
    """The grant ids of a file, and the fingerprints of grants without one, kept on disk (a
    temporary SQLite file) so that memory stays flat however many grants there are: tells
    ids used more than once, and grants given more than once."""

    def __init__(self) -> None:
        self.db = sqlite3.connect("")  # a temporary database file, removed when closed
        self.db.execute(
            "CREATE TABLE seen (id TEXT PRIMARY KEY, n INTEGER, first INTEGER, valid INTEGER)"
        )
        self.db.execute("CREATE TABLE same (digest BLOB PRIMARY KEY, n INTEGER, first INTEGER)")

    def add(self, ids: Iterable[tuple[str, int, bool]]) -> None:
        """(grant id, position, whether the grant is otherwise valid) for each grant."""
        self.db.executemany(
            "INSERT INTO seen VALUES (?1, 1, ?2, ?3) "
            "ON CONFLICT(id) DO UPDATE SET n = n + 1, valid = valid + ?3",
            ids,
        )

    def add_without_ids(self, digests: Iterable[tuple[bytes, int]]) -> None:
        """(fingerprint, position) of each grant without an id."""
        self.db.executemany(
            "INSERT INTO same VALUES (?1, 1, ?2) ON CONFLICT(digest) DO UPDATE SET n = n + 1",
            digests,
        )

    def valid_but_repeated(self) -> int:
        """How many otherwise valid grants share their id with another."""
        return self.db.execute("SELECT coalesce(sum(valid), 0) FROM seen WHERE n > 1").fetchone()[0]

    def repeated(self) -> Iterator[tuple[str, int, int]]:
        """(id, times used, position first used) for ids used more than once, as a stream."""
        yield from self.db.execute("SELECT id, n, first FROM seen WHERE n > 1 ORDER BY first")

    def identical(self) -> Iterator[tuple[int, int]]:
        """(times given, position first given) for grants without ids given more than once."""
        yield from self.db.execute("SELECT n, first FROM same WHERE n > 1 ORDER BY first")

    def close(self) -> None:
        self.db.close()


def repeated_id_problem(grant_id: str, times: int, first: int) -> Problem:
    return Problem(
        first,
        grant_id,
        f"grants/{first}/id",
        "",
        f"Non-unique id values: the grant id {grant_id!r} is used by {times} grants in this "
        "file; each grant must have its own id",
        "unique-id",
        "Non-unique id values: a grant id is used by more than one grant",
    )


def identical_grants_problem(times: int, first: int) -> Problem:
    return Problem(
        first,
        "",
        f"grants/{first}",
        "",
        f"Non-unique grants: this grant, which has no id, is given {times} times in the file, "
        "the same in every field; the list of grants must not hold the same grant twice",
        "uniqueItems",
        "Non-unique grants: the same grant, without an id, is given more than once",
    )
