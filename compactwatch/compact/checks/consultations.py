"""Checks on consultations: their length (2007 3.4, refreshed 2.4) and feedback (refreshed 2.5)."""

from __future__ import annotations

from datetime import date

from compactwatch.compact.checks.base import Check, Record, explained, met, not_met, unknown
from compactwatch.compact.dates import describe_days, format_date, term_is_at_least
from compactwatch.compact.findings import Outcome, Status


class ConsultationLength(Check):
    """A consultation period of at least the set length, formal where the edition asks."""

    name = "consultation_length"
    title = "Length of consultations"
    section = "consultations"
    needs = frozenset({"opens", "closes"})
    parameters = {
        "minimum_length": "period",
        "formal_required": "flag",
        "shorter_allowed_with_rationale": "flag",
    }

    def evaluate(self, record: Record, as_of: date) -> tuple[Status, str]:
        outcomes = [self._length(record)]
        if self.param("formal_required"):
            outcomes.append(self._formality(record))
        return self.verdict(*outcomes)

    def _length(self, record: Record) -> Outcome:
        wanted = self.period_text("minimum_length")
        opens, closes = record["opens"], record["closes"]
        if opens is None or closes is None:
            return unknown(
                "the opening or closing date is not recorded, so the consultation's length "
                f"cannot be checked against the {wanted} the Compact asks for"
            )
        value, unit = self.period("minimum_length")
        ran = describe_days(opens, closes, unit)
        dates = f"{format_date(opens)} to {format_date(closes)}"
        # A consultation counts both its first and last day, as a funding term does.
        if term_is_at_least(opens, closes, value, unit):
            return met(
                f"the consultation ran for {ran} ({dates}); the Compact asks for at least {wanted}"
            )
        if self.param("shorter_allowed_with_rationale") and record["shorter_period_rationale"]:
            return explained(
                f"the consultation ran for {ran} ({dates}), shorter than the {wanted} the Compact "
                "asks for, and a rationale for the shorter period was recorded"
            )
        return not_met(
            f"the consultation ran for {ran} ({dates}) and no rationale for the shorter period "
            f"was recorded; the Compact asks for at least {wanted}"
        )

    def _formality(self, record: Record) -> Outcome:
        formal = record["formal"]
        if formal is None:
            return unknown("whether it was a formal written consultation is not recorded")
        if formal:
            return met("")
        if self.param("shorter_allowed_with_rationale") and record["shorter_period_rationale"]:
            return explained(
                "it was informal, and a rationale for a more informal approach was recorded"
            )
        return not_met(
            "it was informal and no rationale for a more informal approach was recorded; "
            "the Compact asks for formal written consultations"
        )


class FeedbackPublished(Check):
    """Feedback to respondents, published once the consultation has closed."""

    name = "feedback_published"
    title = "Feedback after consultations"
    section = "consultations"
    needs = frozenset({"feedback_published"})

    def evaluate(self, record: Record, as_of: date) -> tuple[Status, str]:
        closes, feedback = record["closes"], record["feedback_published"]
        if closes is None:
            return self.verdict(
                unknown("the closing date is not recorded, so feedback cannot be checked")
            )
        closed = format_date(closes)
        if as_of < closes:
            return self.verdict(
                unknown(
                    f"the consultation closes on {closed}, after {format_date(as_of)}, so feedback is not yet due"
                )
            )
        if feedback is False:
            return self.verdict(
                not_met(
                    f"no feedback was published after the consultation closed on {closed}; the "
                    "Compact asks for feedback explaining how respondents influenced the outcome"
                )
            )
        if feedback is None or feedback > as_of:
            return self.verdict(
                unknown(
                    f"whether feedback was published after the consultation closed on {closed} is not recorded"
                )
            )
        if feedback < closes:
            return self.verdict(
                not_met(
                    f"feedback is recorded as published on {format_date(feedback)}, before the "
                    f"consultation closed on {closed}; the Compact asks for feedback on how "
                    "respondents influenced the outcome"
                )
            )
        return self.verdict(
            met(
                f"feedback was published on {format_date(feedback)}, after the consultation closed on {closed}"
            )
        )
