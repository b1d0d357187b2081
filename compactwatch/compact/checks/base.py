"""What every check shares: its commitment, its parameters, and how it reports."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from compactwatch.compact.dates import describe_amount
from compactwatch.compact.findings import Outcome, Status, worst

if TYPE_CHECKING:
    from compactwatch.compact.edition import Commitment, Standard

Record = dict[str, Any]


class Check:
    """One measurable standard of one commitment, applied to one kind of record.

    A subclass names the check (as edition files do), the records section it
    reads, the parameters it needs, and says how a record stands.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    section: ClassVar[str]
    # The record fields a verdict depends on: without them the check can only say "unknown".
    needs: ClassVar[frozenset[str]] = frozenset()
    parameters: ClassVar[dict[str, str]] = {}
    optional_parameters: ClassVar[dict[str, str]] = {}

    def __init__(self, commitment: Commitment, standard: Standard):
        self.commitment = commitment
        self.standard = standard
        self.clause = commitment.ref
        self.citation = commitment.citation
        self.strength = commitment.strength

    def param(self, name: str) -> Any:
        return self.standard.parameters[name].value

    def period(self, name: str) -> tuple[int, str]:
        return self.standard.period(name)

    def period_text(self, name: str) -> str:
        return describe_amount(*self.period(name))

    def applies(self, record: Record) -> bool:
        return True

    def evaluate(self, record: Record, as_of: date) -> tuple[Status, str]:
        raise NotImplementedError

    def verdict(self, *outcomes: Outcome) -> tuple[Status, str]:
        return worst(list(outcomes), self.clause)


def met(phrase: str) -> Outcome:
    return Outcome(Status.MET, phrase)


def explained(phrase: str) -> Outcome:
    return Outcome(Status.EXPLAINED, phrase)


def not_met(phrase: str) -> Outcome:
    return Outcome(Status.NOT_MET, phrase)


def unknown(phrase: str) -> Outcome:
    return Outcome(Status.UNKNOWN, phrase)


def parameter_problem(kind: str, value: Any, unit: str | None) -> str | None:
    """Why a parameter's value does not fit its kind, or None if it does."""
    if kind == "period":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return f"{value!r} is not a whole number of days, weeks, months or years"
        if unit is None:
            return "a period needs a unit (days, weeks, months or years)"
    elif kind == "flag" and not isinstance(value, bool):
        return f"{value!r} is not true or false"
    elif kind == "text" and not isinstance(value, str):
        return f"{value!r} is not text"
    elif kind == "list" and not (
        isinstance(value, list) and all(isinstance(item, str) for item in value)
    ):
        return f"{value!r} is not a list of text"
    elif kind == "roles" and not (
        isinstance(value, dict)
        and all(
            isinstance(roles, list) and all(isinstance(role, str) for role in roles)
            for roles in value.values()
        )
    ):
        return f"{value!r} is not a mapping of organisation kinds to lists of roles"
    return None
