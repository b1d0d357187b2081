"""Validating grants against the 360Giving schema (packaged with compactwatch), with problems
reported as the standard's own tools report them: the grant, the field, for spreadsheets the
sheet, row and column, and what is wrong in plain English.

The schema is checked by jsonschema-rs (draft 2020-12, with formats checked, so that dates
are told apart from date-times as the standard intends); the closed codelists, which the
schema names but does not enumerate, are checked from the standard's codelist files; and a
grant id used twice in one file is a problem, as in the 360Giving data quality tool.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import jsonschema_rs

from compactwatch.threesixtygiving.reading import GRANT_SCHEMA, SourceGrant

VALUE_SHOWN = 80
# Closed codelists: (path inside a grant, codelist file, its name in messages).
CODELISTS = (
    (("regrantType",), "regrantType.csv", "Regrant Type"),
    (("locationScope",), "locationScope.csv", "Location Scope"),
    (("toIndividualsDetails", "primaryGrantReason"), "grantToIndividualsReason.csv", "Grant to Individuals Reason"),
    (("toIndividualsDetails", "secondaryGrantReason"), "grantToIndividualsReason.csv", "Grant to Individuals Reason"),
    (("toIndividualsDetails", "grantPurpose", "*"), "grantToIndividualsPurpose.csv", "Grant to Individuals Purpose"),
)  # fmt: skip
DATE_FIELDS = {"awardDate", "startDate", "endDate", "transactionDate", "valueDate", "dateModified"}
CODED_FIELDS = {"currency": "currency", "countryCode": "country code"}
PERSONAL = "recipientIndividual"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one grant (or with the file, at position -1)."""

    position: int
    grant_id: str
    path: str
    where: str
    message: str

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

    def __str__(self) -> str:
        if self.position < 0:
            return self.message
        return f"{self.grant}, {self.place}: {self.message}"


def file_problem(message: str) -> Problem:
    return Problem(-1, "", "", "", message)


def _schema_file(*parts: str) -> Traversable:
    return resources.files("compactwatch.threesixtygiving").joinpath("schema", *parts)


@cache
def _validator() -> jsonschema_rs.Draft202012Validator:
    schema = json.loads(_schema_file(GRANT_SCHEMA).read_text("utf-8"))
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True)


@cache
def _codes(file_name: str) -> frozenset[str]:
    with _schema_file("codelists", file_name).open("r", encoding="utf-8") as handle:
        return frozenset(row["Code"] for row in csv.DictReader(handle))


def _shown(value: Any, path: list) -> str:
    if PERSONAL in path:
        return "(not shown: it is about a person)"
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= VALUE_SHOWN else text[: VALUE_SHOWN - 1] + "…"


def _field(path: list) -> str:
    names = [str(part) for part in path if not isinstance(part, int)]
    return names[-1] if names else "the grant"


def _value_at(data: Any, path: list) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _grant_level_oneof(data: dict) -> list[tuple[list, str]]:
    """The grant must have a recipient organisation or a recipient individual, and the rest."""
    has_org, has_person = "recipientOrganization" in data, "recipientIndividual" in data
    if has_org and has_person:
        return [
            (
                [],
                "a grant has either recipientOrganization or recipientIndividual, not both",
            )
        ]
    problems = []
    for name in ("id", "title", "description", "currency", "amountAwarded", "awardDate"):
        if name not in data:
            problems.append(([name], f"{name} is missing but required"))
    if "fundingOrganization" not in data:
        problems.append((["fundingOrganization"], "fundingOrganization is missing but required"))
    if not has_org and not has_person:
        problems.append(
            (
                ["recipientOrganization"],
                "recipientOrganization (or, for a grant to a person, recipientIndividual) "
                "is missing but required",
            )
        )
    return problems


def _message(error: jsonschema_rs.ValidationError, data: Any) -> list[tuple[list, str]]:
    """Plain-English messages for one schema error, as (path, message) pairs."""
    path = list(error.instance_path)
    kind: Any = error.kind  # its fields (property, types, options...) depend on its name
    name = kind.name
    field = _field(path)
    value = _value_at(data, path)
    if name == "oneOf" and not path:
        return _grant_level_oneof(data)
    if name == "required":
        missing = kind.property
        within = f" within {field}" if path else ""
        return [([*path, missing], f"{missing} is missing but required{within}")]
    if name == "type":
        wanted = kind.types[0] if kind.types else ""
        shown = _shown(value, path)
        if wanted == "number":
            return [
                (
                    path,
                    f"{field} is not a number ({shown}). Check that the value is not null, and "
                    "doesn’t contain any characters other than 0-9 and dot (.). Number values "
                    "should not be in quotes.",
                )
            ]
        if wanted == "string":
            return [
                (
                    path,
                    f"{field} is not a string ({shown}). Check that the value is not null, and "
                    "has quotes at the start and end.",
                )
            ]
        if wanted == "array":
            return [(path, f"{field} is not a JSON array ({shown}): it must be a list")]
        if wanted == "object":
            return [(path, f"{shown} is not a JSON object: {field} must hold objects")]
        return [(path, f"{field} is not of type {wanted} ({shown})")]
    if name == "enum":
        if field in CODED_FIELDS:
            return [
                (
                    path,
                    f"Invalid code found in {field}: {_shown(value, path)} is not a "
                    f"{CODED_FIELDS[field]} on the 360Giving codelist",
                )
            ]
        options = ", ".join(str(option) for option in kind.options)
        return [(path, f"{field} must be one of {options}; {_shown(value, path)} is not allowed")]
    if name == "format" and kind.format == "uri":
        return [
            (
                path,
                f"Invalid 'uri' found in {field}: {_shown(value, path)} is not a full web "
                "address (it should start with https:// or http://)",
            )
        ]
    if name == "format" and kind.format == "date-time":
        return [
            (
                path,
                f"Date is not in the correct format: {field} is {_shown(value, path)}; it must "
                "be a full date-time, such as 2024-03-31T00:00:00Z",
            )
        ]
    if name == "oneOf" and field in DATE_FIELDS:
        return [
            (
                path,
                f"Date is not in the correct format: {field} is {_shown(value, path)}; it must "
                "be a date written YYYY-MM-DD, or a full date-time",
            )
        ]
    if name == "minItems":
        return [
            (
                path,
                f"{field} is an empty list ([] is too short). You must supply at least one "
                "value, or remove the item entirely (unless it’s required).",
            )
        ]
    if name == "pattern":
        return [(path, f"{field} does not match the pattern {kind.pattern}")]
    return [(path, f"{field}: {error.message}")]


def _path_text(position: int, path: list) -> str:
    return "/".join(["grants", str(position), *(str(part) for part in path)])


def _codelist_problems(data: Any) -> Iterator[tuple[list, str]]:
    if not isinstance(data, dict):
        return
    for path, file_name, title in CODELISTS:
        for where, value in _find(data, list(path), []):
            if isinstance(value, str) and value not in _codes(file_name):
                yield (
                    where,
                    f"Invalid code found in {_field(where)}: {_shown(value, where)} is not on "
                    f"the {title} codelist",
                )


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


def check_grant(grant: SourceGrant) -> list[Problem]:
    """Every problem with one grant against the schema and its closed codelists."""
    data = grant.data
    found: list[tuple[list, str]] = []
    typed: set[tuple] = set()
    errors = list(_validator().iter_errors(data))
    for error in errors:
        if error.kind.name == "type":
            typed.add(tuple(error.instance_path))
    for error in errors:
        instance_path = tuple(error.instance_path)
        if error.kind.name != "type" and instance_path in typed:
            continue  # null where a date or a code belongs: one problem, not three
        found.extend(_message(error, data))
    found.extend(_codelist_problems(data))
    seen: set[tuple[str, str]] = set()
    problems = []
    for path, message in found:
        text_path = _path_text(grant.position, path)
        if (text_path, message) in seen:
            continue
        seen.add((text_path, message))
        problems.append(
            Problem(grant.position, grant.grant_id, text_path, grant.where(path), message)
        )
    return problems


class GrantIds:
    """The grant ids of a file, kept on disk (a temporary SQLite file) so that memory stays
    flat however many grants there are: tells ids used more than once."""

    def __init__(self) -> None:
        self.db = sqlite3.connect("")  # a temporary database file, removed when closed
        self.db.execute(
            "CREATE TABLE seen (id TEXT PRIMARY KEY, n INTEGER, first INTEGER, valid INTEGER)"
        )

    def add(self, ids: Iterable[tuple[str, int, bool]]) -> None:
        """(grant id, position, whether the grant is otherwise valid) for each grant."""
        self.db.executemany(
            "INSERT INTO seen VALUES (?1, 1, ?2, ?3) "
            "ON CONFLICT(id) DO UPDATE SET n = n + 1, valid = valid + ?3",
            ids,
        )

    def valid_but_repeated(self) -> int:
        """How many otherwise valid grants share their id with another."""
        return self.db.execute("SELECT coalesce(sum(valid), 0) FROM seen WHERE n > 1").fetchone()[0]

    def repeated(self) -> Iterator[tuple[str, int, int]]:
        """(id, times used, position first used) for ids used more than once, as a stream."""
        yield from self.db.execute("SELECT id, n, first FROM seen WHERE n > 1 ORDER BY first")

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
    )
