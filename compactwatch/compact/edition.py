"""Editions of a Compact as plain data, and how an edition document becomes one.

An edition file holds every numbered commitment word for word and, for the
measurable ones, the standard and its parameters, each citing its clause. A
local Compact with other numbers is a new data file, not a code change.

Reading the files and checking them against the schema and the checks' parameters
is `compactwatch.compact.loader`'s job, so this module needs neither the checks nor a
YAML or schema library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


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
    name: str = ""

    @property
    def title(self) -> str:
        """The commitment named for people, e.g. "4.5 Three months' notice in writing".

        An edition file names its measurable commitments; any other is named by the start
        of its text.
        """
        return f"{self.ref} {self.name or _opening_words(self.text)}"

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
    short_name: str = ""
    document: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def name(self) -> str:
        """The edition as its file names it for people: "refreshed edition", "2007 edition"."""
        return self.short_name or self.edition_name or self.title

    def describe(self, ref: str) -> str:
        """A commitment named with its edition: "4.5 Three months' notice in writing
        (refreshed edition)"."""
        return f"{self.commitment(ref).title} ({self.name})"

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


def edition_from_document(document: dict[str, Any], file_name: str) -> Edition:
    """Build the Edition from a document that the edition schema has accepted."""
    commitments = tuple(_commitment(document["id"], item) for item in document["commitments"])
    _check_unique_refs(file_name, commitments)
    return Edition(
        id=document["id"],
        compact=document["compact"],
        title=document["title"],
        source=document["source"],
        default_in_force_from=date.fromisoformat(document["default_in_force_from"]),
        in_force_basis=document["in_force_basis"],
        commitments=commitments,
        edition_name=document.get("edition_name", ""),
        short_name=document.get("short_name", ""),
        document=document,
    )


def _commitment(edition_id: str, item: dict[str, Any]) -> Commitment:
    return Commitment(
        edition=edition_id,
        ref=item["ref"],
        section=item["section"],
        binds=item["binds"],
        strength=item["strength"],
        text=item["text"],
        name=item.get("name", ""),
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


def _opening_words(text: str, count: int = 8) -> str:
    words = text.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def _check_unique_refs(file_name: str, commitments: tuple[Commitment, ...]) -> None:
    seen: set[str] = set()
    for commitment in commitments:
        if commitment.ref in seen:
            raise EditionFileError(
                f"{file_name}: commitment {commitment.ref}, field ref: this ref is used twice"
            )
        seen.add(commitment.ref)
