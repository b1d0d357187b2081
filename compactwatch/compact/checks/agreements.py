"""Checks on funding agreements: rationale (refreshed 3.3), term (refreshed 3.4, 2007 3.2),
monitoring agreed before the award (refreshed 3.6)."""

from __future__ import annotations

from datetime import date

from compactwatch.compact.checks.base import Check, Record, explained, met, not_met, unknown
from compactwatch.compact.dates import (
    describe_days,
    format_date,
    term_is_at_least,
    term_is_longer_than,
)
from compactwatch.compact.findings import Status


class DecisionRationale(Check):
    """A clear rationale for every funding decision."""

    name = "decision_rationale"
    title = "A rationale for funding decisions"
    section = "funding_agreements"
    needs = frozenset({"decision_rationale"})

    def evaluate(self, record: Record, as_of: date) -> tuple[Status, str]:
        rationale = record["decision_rationale"]
        if rationale is None:
            outcome = unknown(
                "whether a rationale was given for the funding decision is not recorded"
            )
        elif rationale is False:
            outcome = not_met(
                "no rationale was given for the funding decision; the Compact asks for a clear "
                "rationale for all funding decisions"
            )
        else:
            outcome = met("a rationale for the funding decision is recorded")
        return self.verdict(outcome)


def normalise_kind(kind: str) -> str:
    return "_".join(kind.lower().replace("-", " ").split())


class FundingTerm(Check):
    """A funding term of at least (or more than) a set length, for the kinds of agreement named."""

    name = "funding_term"
    title = "Length of funding terms"
    section = "funding_agreements"
    needs = frozenset({"start", "end"})
    parameters = {
        "minimum_term": "period",
        "longer_than_minimum": "flag",
        "shorter_allowed_with_rationale": "flag",
    }
    optional_parameters = {"kinds": "list"}

    def applies(self, record: Record) -> bool:
        if "kinds" not in self.standard.parameters:
            return True
        return record["kind"] is not None and normalise_kind(record["kind"]) in self.param("kinds")

    def evaluate(self, record: Record, as_of: date) -> tuple[Status, str]:
        value, unit = self.period("minimum_term")
        longer = self.param("longer_than_minimum")
        wanted = ("more than " if longer else "at least ") + self.period_text("minimum_term")
        start, end = record["start"], record["end"]
        if start is None or end is None:
            return self.verdict(
                unknown(
                    "the start or end of the funding term is not recorded, so it cannot be "
                    f"checked against the {wanted} the Compact asks for"
                )
            )
        runs = describe_days(start, end, unit)
        dates = f"{format_date(start)} to {format_date(end)}"
        long_enough = (term_is_longer_than if longer else term_is_at_least)(start, end, value, unit)
        if long_enough:
            return self.verdict(
                met(f"the funding runs for {runs} ({dates}); the Compact asks for {wanted}")
            )
        allowed = self.param("shorter_allowed_with_rationale")
        if allowed and record["single_year_rationale"]:
            return self.verdict(
                explained(
                    f"the funding runs for {runs} ({dates}), not {wanted}, and the reasons are recorded"
                )
            )
        reasons = ", or the reasons why not" if allowed else ""
        return self.verdict(
            not_met(
                f"the funding runs for {runs} ({dates}); the Compact asks for {wanted}{reasons}"
            )
        )


class MonitoringBeforeAward(Check):
    """Monitoring agreed with the group before the funding agreement is made."""

    name = "monitoring_before_award"
    title = "Monitoring agreed before funding is made"
    section = "funding_agreements"
    needs = frozenset({"monitoring_agreed", "award_date"})

    def evaluate(self, record: Record, as_of: date) -> tuple[Status, str]:
        agreed, award = record["monitoring_agreed"], record["award_date"]
        asks = "the Compact asks for monitoring to be agreed before the funding agreement is made"
        if agreed is False:
            return self.verdict(not_met(f"monitoring was not agreed before the award; {asks}"))
        if agreed is None:
            return self.verdict(unknown("when monitoring was agreed is not recorded"))
        if award is None:
            return self.verdict(
                unknown("the award date is not recorded, so monitoring cannot be checked")
            )
        if agreed <= award:
            return self.verdict(
                met(
                    f"monitoring was agreed on {format_date(agreed)}, by the award on {format_date(award)}"
                )
            )
        return self.verdict(
            not_met(
                f"monitoring was agreed on {format_date(agreed)}, after the award on "
                f"{format_date(award)}; {asks}"
            )
        )
