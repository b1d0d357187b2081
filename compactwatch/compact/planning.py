"""Compact-proofing: what a proposed change or consultation must do to keep the Compact."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from compactwatch.compact.checks import Check
from compactwatch.compact.compact import CompactEditions
from compactwatch.compact.dates import (
    DateOutOfRange,
    add_period,
    earliest_closing_date,
    latest_notice_date,
)
from compactwatch.compact.edition import Commitment, Edition, Standard


class NothingToPlan(ValueError):
    """No edition in force has a standard that the plan could follow, or the answer would
    fall outside the calendar."""


def _out_of_range(day: date) -> NothingToPlan:
    return NothingToPlan(
        f"cannot plan for {day.isoformat()}: the answer would fall outside the calendar"
    )


@dataclass(frozen=True)
class Reminder:
    """Another measurable commitment that applies to the same kind of record."""

    citation: str
    summary: str
    strength: str
    name: str  # the commitment in words: "4.2 Assess the impact … (refreshed edition)"


@dataclass(frozen=True)
class Plan:
    kind: str  # "notice", "effective" or "consultation"
    edition: Edition
    commitment: Commitment
    standard: Standard
    # The change's effective date, the day notice is given, or the consultation's opening.
    given: date
    # The latest day for notice, the earliest effective day, or the earliest closing day.
    answer: date
    reminders: list[Reminder] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The commitment followed, in words: "4.5 Three months' notice in writing
        (refreshed edition)"."""
        return self.edition.describe(self.commitment.ref)


def _reminders(edition: Edition, section_checks: list[Check], chosen: Standard) -> list[Reminder]:
    return [
        Reminder(
            check.citation,
            check.standard.summary,
            check.strength,
            edition.describe(check.commitment.ref),
        )
        for check in section_checks
        if check.standard is not chosen
    ]


def _windows(editions: CompactEditions) -> list[tuple[Edition, date, date | None]]:
    """Each edition with the first and last day it is the newest in force."""
    ordered = list(editions)
    windows = []
    for position, edition in enumerate(ordered):
        start = editions.in_force_from[edition.id]
        following = ordered[position + 1 :]
        end = None
        if following:
            next_start = editions.in_force_from[following[0].id]
            if next_start <= start:
                continue  # the next edition came into force the same day: this one never is
            end = next_start - timedelta(days=1)  # after `start`, so never before date.min
        windows.append((edition, start, end))
    return windows


def plan_notice(editions: CompactEditions, effective: date, edition: Edition | None = None) -> Plan:
    """The latest day notice can be given of a change to funding on `effective`.

    Notice is judged by the edition in force on the day it is given, so without a
    chosen edition each edition's window is tried and the latest compliant day wins.
    """
    candidates = []
    windows = [(edition, None, None)] if edition else _windows(editions)
    for candidate_edition, window_start, window_end in windows:
        for commitment, standard in candidate_edition.standards("notice_period"):
            try:
                latest = latest_notice_date(effective, *standard.period("minimum_notice"))
            except DateOutOfRange:
                raise _out_of_range(effective) from None
            if window_end is not None:
                latest = min(latest, window_end)
            if window_start is not None and latest < window_start:
                continue
            candidates.append((latest, candidate_edition, commitment, standard))
    if not candidates:
        raise NothingToPlan(
            "no edition in force before that date asks for notice of changes to funding"
        )
    latest, chosen_edition, commitment, standard = max(candidates, key=lambda item: item[0])
    checks = editions.checks(chosen_edition, "funding_changes")
    return Plan(
        "notice",
        chosen_edition,
        commitment,
        standard,
        effective,
        latest,
        _reminders(chosen_edition, checks, standard),
    )


def plan_effective(editions: CompactEditions, notice_given: date) -> Plan:
    """The earliest day a change to funding can take effect when notice is given on
    `notice_given` (today, when the latest day for the wanted date has passed).

    Notice is judged by the edition in force on the day it is given; where it asks for
    notice more than once, the longest wins.
    """
    edition = editions.in_force_on(notice_given)
    if edition is None:
        raise NothingToPlan("no edition of the Compact is in force on that date")
    try:
        candidates = [
            (add_period(notice_given, *standard.period("minimum_notice")), commitment, standard)
            for commitment, standard in edition.standards("notice_period")
        ]
    except DateOutOfRange:
        raise _out_of_range(notice_given) from None
    if not candidates:
        raise NothingToPlan("the edition in force asks for no notice of changes to funding")
    earliest, commitment, standard = max(candidates, key=lambda item: item[0])
    checks = editions.checks(edition, "funding_changes")
    return Plan(
        "effective",
        edition,
        commitment,
        standard,
        notice_given,
        earliest,
        _reminders(edition, checks, standard),
    )


def plan_consultation(
    editions: CompactEditions, opens: date, edition: Edition | None = None
) -> Plan:
    """The earliest closing day for a consultation opening on `opens`."""
    edition = edition or editions.in_force_on(opens)
    if edition is None:
        raise NothingToPlan("no edition of the Compact is in force on that date")
    standards = edition.standards("consultation_length")
    if not standards:
        raise NothingToPlan(f"the {edition.name} sets no length for consultations")
    commitment, standard = standards[0]
    try:
        closes = earliest_closing_date(opens, *standard.period("minimum_length"))
    except DateOutOfRange:
        raise _out_of_range(opens) from None
    checks = editions.checks(edition, "consultations")
    return Plan(
        "consultation",
        edition,
        commitment,
        standard,
        opens,
        closes,
        _reminders(edition, checks, standard),
    )
