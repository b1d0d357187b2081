"""Reading an edition file given on the command line, with every problem found at once
(the core's loader stops at the first; an operator fixing a file wants them all)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from compactwatch.compact.checks import validate_standard
from compactwatch.compact.edition import Edition, EditionFileError, edition_from_document
from compactwatch.compact.loader import (
    _describe_schema_error,
    _schema_validator,
    parse_edition,
)


class EditionFileProblems(Exception):
    """The file is not an edition compactwatch can use; one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def edition_problems(document: Any, file_name: str) -> list[str]:
    """Every problem of an edition document, each naming the file, the commitment (by ref)
    and the field: those against the schema, then those the checks find in the parameters
    of the standards of every commitment the schema accepts."""
    schema_errors = sorted(
        _schema_validator().iter_errors(document), key=lambda error: list(error.absolute_path)
    )
    problems = [_describe_schema_error(document, file_name, error) for error in schema_errors]
    paths = [list(error.absolute_path) for error in schema_errors]
    if any(path[:1] != ["commitments"] or len(path) < 2 for path in paths):
        return problems  # the edition as a whole is wrong: its standards cannot be read
    wrong = {path[1] for path in paths}
    accepted = [item for position, item in enumerate(document["commitments"])
                if position not in wrong]  # fmt: skip
    try:
        edition = edition_from_document({**document, "commitments": accepted}, file_name)
    except EditionFileError as error:
        return [*problems, str(error)]
    for commitment in edition.commitments:
        for position, standard in enumerate(commitment.standards):
            problem = validate_standard(standard)
            if problem:
                field, message = problem
                problems.append(
                    f"{file_name}: commitment {commitment.ref}, "
                    f"field standards[{position}].{field}: {message}"
                )
    return problems


def read_edition(path: Path) -> tuple[Edition, dict[str, Any]]:
    """The edition in the YAML file at `path` and its document, or EditionFileProblems."""
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, UnicodeDecodeError) as error:
        raise EditionFileProblems([f"{path}: cannot be read ({error})"]) from None
    except yaml.YAMLError as error:
        raise EditionFileProblems([f"{path.name}: is not valid YAML ({error})"]) from None
    problems = edition_problems(document, path.name)
    if problems:
        raise EditionFileProblems(problems)
    return parse_edition(document, path.name), document
