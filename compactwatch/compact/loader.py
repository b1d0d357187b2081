"""Loading editions: a data file or document checked against the schema and the checks.

`compactwatch.compact.edition` holds the plain data; here a document is checked
against the edition schema, built, and each of its standards checked by the check
that tests it (the checks know which parameters they need).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from compactwatch.compact.checks import validate_standard
from compactwatch.compact.edition import Edition, EditionFileError, edition_from_document

EDITIONS_PACKAGE = "compactwatch.compact.editions"
SCHEMA_FILE = "edition.schema.json"


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
    edition = edition_from_document(document, file_name)
    # The checks know which parameters they need; a missing one is the file's fault.
    for commitment in edition.commitments:
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
