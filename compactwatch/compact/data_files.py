"""Every problem of a Compact's data file (a route for disagreements, a set of indicators),
each naming the file, the item (a stage, an indicator: by its id) and the field: "route.yaml:
stage at-source, field clocks.respond.within: 0 is less than the minimum of 1".

One reader for the files that list items under one key, so that each says its problems the
same way. (Edition files, with their commitments and line numbers, have their own: loader.py.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import jsonschema


@dataclass(frozen=True)
class ItemFile:
    """A kind of data file: its schema, and the key and noun of the items it lists
    (`stages`, "stage")."""

    validator: jsonschema.Draft202012Validator
    items: str
    noun: str

    def where(self, document: Any, file_name: str, path: list[Any]) -> tuple[str, list[Any]]:
        """ "file.yaml: stage at-source" and the rest of the path, for a path into the
        document (an item without an id is named by its place: "number 3")."""
        if len(path) >= 2 and path[0] == self.items and isinstance(path[1], int):
            listed = document.get(self.items) if isinstance(document, dict) else None
            item = listed[path[1]] if isinstance(listed, list) and path[1] < len(listed) else None
            item_id = item.get("id") if isinstance(item, dict) else None
            label = item_id if isinstance(item_id, str) and item_id else f"number {path[1] + 1}"
            return f"{file_name}: {self.noun} {label}", path[2:]
        return file_name, path

    def problem(self, document: Any, file_name: str, path: list[Any], message: str) -> str:
        where, rest = self.where(document, file_name, path)
        return f"{where}, field {field_name(rest)}: {message}" if rest else f"{where}: {message}"

    def schema_problems(self, document: Any, file_name: str) -> list[str]:
        """Every way the document breaks the schema, in the order of its paths."""
        problems = []
        errors = sorted(
            self.validator.iter_errors(document), key=lambda e: [str(p) for p in e.path]
        )
        for error in errors:
            path = list(error.absolute_path)
            message = error.message
            if error.validator == "required":
                # Name the missing field itself, not its parent.
                for name in error.validator_value:
                    if name not in error.instance:
                        problems.append(self.problem(document, file_name, [*path, name],
                                                     "is missing"))  # fmt: skip
                continue
            if error.validator == "additionalProperties" and isinstance(error.instance, dict):
                allowed = error.schema.get("properties", {})
                for name in error.instance:
                    if name not in allowed:
                        problems.append(self.problem(document, file_name, [*path, name],
                                                     "is not a field this format knows"))  # fmt: skip
                continue
            if error.validator == "enum":
                choices = ", ".join(f'"{choice}"' for choice in error.validator_value)
                message = f"{error.instance!r} is not one of {choices}"
            problems.append(self.problem(document, file_name, path, message))
        return problems


def field_name(path: Iterable[Any]) -> str:
    """A path into a document as a field: `clocks.respond.within`, `moves[0].to`."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(
        "."
    )
