"""How a record's model fields map to the records format, both ways, declared once.

Each record model lists its format fields as a table of the kinds below; `as_record()`
reads the model through the table, and `values_from_record()` turns a row the core reader
has read (a file, an API request) into model field values through the same table.
Evidence that can be "recorded as not done" (the format's `false`) is a value and a flag:
the value when it was done, the flag when it is recorded as not done, neither when it is
not recorded.
"""

from __future__ import annotations

from typing import Any, Protocol


class Resolver(Protocol):
    """Finds what a record names: an organisation (by id, org-id, number or name) and a
    funding agreement (by id)."""

    def organisation(self, value: str | None) -> Any: ...

    def agreement(self, value: str | None) -> Any: ...


def evidence(value: Any, recorded_as_not_done: bool) -> Any:
    """A field as the records format holds it: the value, False (not done) or None."""
    if value not in (None, ""):
        return value
    return False if recorded_as_not_done else None


class Plain:
    """A value stored as the format holds it (dates, yes/no, amounts)."""

    def __init__(self, name: str):
        self.name = name

    def model_fields(self) -> tuple[str, ...]:
        return (self.name,)

    def read(self, instance: Any) -> Any:
        return getattr(instance, self.name)

    def values(self, value: Any, resolve: Resolver) -> dict[str, Any]:
        return {self.name: value}


class Text(Plain):
    """Text stored as "" when not recorded (None in the format)."""

    def __init__(self, name: str, default: str = ""):
        super().__init__(name)
        self.default = default

    def read(self, instance: Any) -> Any:
        return getattr(instance, self.name) or None

    def values(self, value: Any, resolve: Resolver) -> dict[str, Any]:
        return {self.name: value or self.default}


class Evidence(Plain):
    """A date (or text) when it was done, with a flag for "recorded as not done"."""

    def __init__(self, name: str, flag: str, label: str, *, text: bool = False):
        super().__init__(name)
        self.flag, self.label, self.empty = flag, label, "" if text else None

    def model_fields(self) -> tuple[str, ...]:
        return (self.name, self.flag)

    def read(self, instance: Any) -> Any:
        return evidence(getattr(instance, self.name), getattr(instance, self.flag))

    def values(self, value: Any, resolve: Resolver) -> dict[str, Any]:
        return {
            self.name: self.empty if value in (None, False) else value,
            self.flag: value is False,
        }


class Party(Plain):
    """An organisation: one in the register (a foreign key), or a free-text name."""

    def __init__(self, name: str, name_field: str):
        super().__init__(name)
        self.name_field = name_field

    def model_fields(self) -> tuple[str, ...]:
        return (self.name, self.name_field)

    def read(self, instance: Any) -> Any:
        organisation = getattr(instance, self.name)
        return organisation.ref if organisation else (getattr(instance, self.name_field) or None)

    def values(self, value: Any, resolve: Resolver) -> dict[str, Any]:
        organisation = resolve.organisation(value)
        return {self.name: organisation, self.name_field: "" if organisation else (value or "")}


class AgreementRef(Plain):
    """The funding agreement a change is made to, by its id."""

    def read(self, instance: Any) -> Any:
        agreement = getattr(instance, self.name)
        return agreement.ref if agreement else None

    def values(self, value: Any, resolve: Resolver) -> dict[str, Any]:
        return {self.name: resolve.agreement(value) if value else None}


def as_record(instance: Any, table: dict[str, Plain]) -> dict[str, Any]:
    return {"id": instance.ref, **{key: kind.read(instance) for key, kind in table.items()}}


def values_from_record(
    table: dict[str, Plain], row: dict[str, Any], resolve: Resolver
) -> dict[str, Any]:
    """Model field values for a row the core reader has read (every field of the table)."""
    values: dict[str, Any] = {}
    for key, kind in table.items():
        values.update(kind.values(row.get(key), resolve))
    return values


def evidence_pairs(table: dict[str, Plain]) -> dict[str, Evidence]:
    """The table's "recorded as not done" pairs, by their value field."""
    return {kind.name: kind for kind in table.values() if isinstance(kind, Evidence)}
