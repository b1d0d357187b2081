"""The measures: what the code knows how to count, each in plain words.

An indicator file names one of these for each indicator; a new measure is new code, a new
indicator (another name, commitment or threshold) is only a new file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["share", "median", "tally"]


@dataclass(frozen=True)
class Measure:
    id: str
    kind: Kind
    counts: str  # what it counts, in plain words
    check: str | None = None  # the standard (check) whose findings it counts, if any
    yearly: bool = True  # False: it reads the register as it stands today
    unit: str = ""  # of a median
    noun: str = ""  # what a median or a tally is of, singular


MEASURES: dict[str, Measure] = {
    measure.id: measure
    for measure in (
        Measure(
            "consultations_full_length_or_reason", "share",
            "Consultations that ran for the full period the Compact asks, or gave a reason "
            "for a shorter or more informal one, out of those whose findings could be told",
            check="consultation_length",
        ),
        Measure(
            "funding_ends_with_notice", "share",
            "Decisions to end or reduce funding that gave the notice the Compact asks (or "
            "a reason it allows for less), out of those whose findings could be told",
            check="notice_period",
        ),
        Measure(
            "median_notice_weeks", "median",
            "The middle length of notice given before funding ended or was reduced, in "
            "weeks from the day notice was given to the day the change took effect",
            unit="weeks", noun="notice",
        ),
        Measure(
            "agreements_with_rationale", "share",
            "Funding agreements that recorded the reasons for the funding decision, out of "
            "those whose findings could be told",
            check="decision_rationale",
        ),
        Measure(
            "multi_year_share", "share",
            "Funding agreements for longer than the term the Compact names, out of those "
            "whose term is known (a shorter term with reasons counts in the total, not as "
            "multi-year)",
            check="funding_term",
        ),
        Measure(
            "monitoring_agreed_before_award", "share",
            "Funding agreements whose monitoring was agreed before the award, out of those "
            "whose findings could be told",
            check="monitoring_before_award",
        ),
        Measure(
            "partners_with_lead", "share",
            "Partners in the register with a nominated Compact lead, out of all partners, "
            "as the register stands today",
            yearly=False,
        ),
        Measure("cases_raised", "tally", "Disagreements raised in the year", noun="disagreement"),
        Measure(
            "cases_resolved", "share",
            "Disagreements raised in the year that have been resolved, out of all raised "
            "in the year",
        ),
        Measure(
            "cases_breach_found", "share",
            "Disagreements raised in the year and closed that found a breach of the "
            "Compact, out of those closed",
        ),
        Measure(
            "median_working_days_to_resolve", "median",
            "The middle number of working days from raising a disagreement to its being "
            "resolved, of those raised in the year and resolved",
            unit="working days", noun="disagreement",
        ),
        Measure(
            "stages_overdue", "tally",
            "Disagreements raised in the year, still open, whose next step is past its "
            "deadline today",
            noun="disagreement",
        ),
    )
}  # fmt: skip
