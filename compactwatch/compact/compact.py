"""A Compact as a whole: its editions and the dates from which each is in force."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from datetime import date

from compactwatch.compact.checks import CHECKS, Check
from compactwatch.compact.edition import Edition
from compactwatch.compact.loader import shipped_editions


class UnknownEdition(KeyError):
    def __init__(self, edition_id: str, known: Iterable[str]):
        self.edition_id = edition_id
        super().__init__(f"there is no edition '{edition_id}' (known editions: {', '.join(known)})")

    def __str__(self) -> str:
        return self.args[0]


class CompactEditions:
    """The editions of one Compact, each with the date it came into force.

    The newest edition in force on a record's key date is the one it is judged by.
    """

    def __init__(
        self, editions: Iterable[Edition], in_force_from: Mapping[str, date] | None = None
    ):
        overrides = in_force_from or {}
        dated = sorted(
            (
                (overrides.get(edition.id, edition.default_in_force_from), edition)
                for edition in editions
            ),
            key=lambda pair: (pair[0], pair[1].id),
        )
        self.in_force_from = {edition.id: start for start, edition in dated}
        self._starts = [start for start, _ in dated]
        self._editions = [edition for _, edition in dated]
        self._by_id = {edition.id: edition for edition in self._editions}
        self._checks: dict[tuple[str, str], list[Check]] = {}

    @classmethod
    def shipped(cls, in_force_from: Mapping[str, date] | None = None) -> CompactEditions:
        """The editions that ship with compactwatch, with their default in-force dates."""
        return cls(shipped_editions().values(), in_force_from)

    def __iter__(self) -> Iterator[Edition]:
        return iter(self._editions)

    def get(self, edition_id: str) -> Edition:
        try:
            return self._by_id[edition_id]
        except KeyError:
            raise UnknownEdition(edition_id, self._by_id) from None

    def describe(self, citation: str) -> str:
        """A cited commitment (`cambridgeshire-refreshed/4.5`) in words: "4.5 Three months'
        notice in writing (refreshed edition)"; an unknown citation is returned as given."""
        edition_id, _, ref = citation.rpartition("/")
        try:
            return self.get(edition_id).describe(ref)
        except KeyError:
            return citation

    def in_force_on(self, day: date) -> Edition | None:
        """The newest edition in force on `day`, or None before the first."""
        position = bisect_right(self._starts, day)
        return self._editions[position - 1] if position else None

    def checks(self, edition: Edition, section: str) -> list[Check]:
        """The checks of `edition` that apply to records of `section`, in the order of its text."""
        key = (edition.id, section)
        if key not in self._checks:
            self._checks[key] = [
                CHECKS[standard.check](commitment, standard)
                for commitment in edition.commitments
                for standard in commitment.standards
                if CHECKS[standard.check].section == section
            ]
        return self._checks[key]

    def funding_checks(self, fields: frozenset[str]) -> tuple[list[Check], list[Check]]:
        """The funding checks of every edition, split into those that records holding only
        `fields` can settle and those they cannot (which would find "unknown")."""
        settled: list[Check] = []
        unsettled: list[Check] = []
        for edition in self._editions:
            for section in ("funding_agreements", "funding_changes"):
                for check in self.checks(edition, section):
                    can = check.section == "funding_agreements" and check.needs <= fields
                    (settled if can else unsettled).append(check)
        return settled, unsettled
