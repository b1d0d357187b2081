"""Editions of a Compact, loaded from their data files and validated against a schema.

An edition file holds every numbered commitment word for word and, for the
measurable ones, the standard and its parameters, each citing its clause. A
local Compact with other numbers is a new data file, not a code change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from compactwatch.compact.checks import validate_standard

EDITIONS_PACKAGE = "compactwatch.compact.editions"
SCHEMA_FILE = "edition.schema.json"


class EditionFileError(Exception):
    """An edition data file is malformed; the message names the file, commitment and field."""


@dataclass(frozen=True)
class Parameter:
    value: Any
    clause: str
    unit: str | None = None
    quote: str | None = None


@dataclass(frozen=True)
class Standard:
    check: str
    summary: str
    parameters: dict[str, Parameter]

    def period(self, name: str) -> tuple[int, str]:
        """A period parameter as (value, unit), e.g. (3, "months")."""
        parameter = self.parameters[name]
        return parameter.value, parameter.unit or ""


@dataclass(frozen=True)
class Commitment:
    edition: str
    ref: str
    section: str
    binds: str
    strength: str
    text: str
    outcome: int | None = None
    footnotes: tuple[str, ...] = ()
    standards: tuple[Standard, ...] = ()

    @property
    def citation(self) -> str:
        """The commitment as cited, e.g. `cambridgeshire-refreshed/4.5`."""
        return f"{self.edition}/{self.ref}"


@dataclass(frozen=True)
class Edition:
    id: str
    compact: str
    title: str
    source: str
    default_in_force_from: date
    in_force_basis: str
    commitments: tuple[Commitment, ...]
    edition_name: str = ""
    document: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def commitment(self, ref: str) -> Commitment:
        for commitment in self.commitments:
            if commitment.ref == ref:
                return commitment
        raise KeyError(f"{self.id} has no commitment {ref}")

    @property
    def measurable_commitments(self) -> list[Commitment]:
        return [commitment for commitment in self.commitments if commitment.standards]

    def standards(self, check: str) -> list[tuple[Commitment, Standard]]:
        """Every standard of this edition that the named check tests."""
        return [
            (commitment, standard)
            for commitment in self.commitments
            for standard in commitment.standards
            if standard.check == check
        ]


@cache
def _schema_validator() -> jsonschema.Draft202012Validator:
    text = resources.files(EDITIONS_PACKAGE).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return jsonschema.Draft202012Validator(
        json.loads(text), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def parse_edition(document: Any, file_name: str) -> Edition:
    """Validate an edition document (as read from YAML) and build the Edition."""
    errors = sorted(_schema_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        raise EditionFileError(_describe_schema_error(document, file_name, errors[0]))
    commitments = tuple(_commitment(document["id"], item) for item in document["commitments"])
    _check_unique_refs(file_name, commitments)
    edition = Edition(
        id=document["id"],
        compact=document["compact"],
        title=document["title"],
        source=document["source"],
        default_in_force_from=date.fromisoformat(document["default_in_force_from"]),
        in_force_basis=document["in_force_basis"],
        commitments=commitments,
        edition_name=document.get("edition_name", ""),
        document=document,
    )
    # The checks know which parameters they need; a missing one is the file's fault.
    for commitment in commitments:
        for position, standard in enumerate(commitment.standards):
            problem = validate_standard(standard)
            if problem:
                field_name, message = problem
                raise EditionFileError(
                    f"{file_name}: commitment {commitment.ref}, field "
                    f"standards[{position}].{field_name}: {message}"
                )
    return edition


def load_edition_file(path: str | Path) -> Edition:
    """Load and validate one edition data file (YAML)."""
    path = Path(path)
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, UnicodeDecodeError) as exc:
        raise EditionFileError(f"{path.name}: cannot be read ({exc})") from None
    except yaml.YAMLError as exc:
        raise EditionFileError(f"{path.name}: is not valid YAML ({exc})") from None
    return parse_edition(document, path.name)


@cache
def shipped_editions() -> dict[str, Edition]:
    """The editions that ship with compactwatch, by id, oldest in force first."""
    folder = resources.files(EDITIONS_PACKAGE)
    editions = [
        load_edition_file(Path(str(entry)))
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    ]
    editions.sort(key=lambda edition: (edition.default_in_force_from, edition.id))
    return {edition.id: edition for edition in editions}


def _commitment(edition_id: str, item: dict[str, Any]) -> Commitment:
    return Commitment(
        edition=edition_id,
        ref=item["ref"],
        section=item["section"],
        binds=item["binds"],
        strength=item["strength"],
        text=item["text"],
        outcome=item.get("outcome"),
        footnotes=tuple(item.get("footnotes", ())),
        standards=tuple(
            Standard(
                check=standard["check"],
                summary=standard["summary"],
                parameters={
                    name: Parameter(
                        value=parameter["value"],
                        clause=parameter["clause"],
                        unit=parameter.get("unit"),
                        quote=parameter.get("quote"),
                    )
                    for name, parameter in standard["parameters"].items()
                },
            )
            for standard in item.get("standards", ())
        ),
    )


def _check_unique_refs(file_name: str, commitments: tuple[Commitment, ...]) -> None:
    seen: set[str] = set()
    for commitment in commitments:
        if commitment.ref in seen:
            raise EditionFileError(
                f"{file_name}: commitment {commitment.ref}, field ref: this ref is used twice"
            )
        seen.add(commitment.ref)


def _describe_schema_error(document: Any, file_name: str, error: jsonschema.ValidationError) -> str:
    path = list(error.absolute_path)
    where = file_name
    if len(path) >= 2 and path[0] == "commitments" and isinstance(path[1], int):
        item = document["commitments"][path[1]]
        ref = item.get("ref") if isinstance(item, dict) else None
        where += f": commitment {ref or f'number {path[1] + 1}'}"
        path = path[2:]
    field_path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)
    if field_path:
        where += f", field {field_path.lstrip('.')}"
    return f"{where}: {error.message}"
