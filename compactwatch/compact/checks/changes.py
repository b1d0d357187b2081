"""Checks on changes to funding: improvement timetable (refreshed 4.1), impact assessed
(refreshed 4.2), notice (refreshed 4.5, 2007 3.2)."""

from __future__ import annotations

from datetime import date

from compactwatch.compact.checks.base import Check, Record, explained, met, not_met, unknown
from compactwatch.compact.dates import describe_span, format_date, notice_is_at_least
from compactwatch.compact.findings import Outcome, Status


class ImprovementTimetable(Check):
    """Where funding ends over performance, a timetable to improve was agreed first."""

    name = "improvement_timetable"
    title = "A timetable to improve before ending funding over performance"
    section = "funding_changes"
    needs = frozenset({"improvement_timetable_agreed"})

    def applies(self, record: Record) -> bool:
        return record["performance_related"] is True

    def evaluate(self, record: Record, as_of: date) -> tuple[Status, str]:
        agreed, notice = record["improvement_timetable_agreed"], record["notice_given"]
        asks = (
            "the Compact asks for a timetable of actions to improve performance to be agreed "
            "before deciding to end a financial relationship"
        )
        if agreed is False:
            return self.verdict(not_met(f"no timetable to improve performance was agreed; {asks}"))
        if agreed is None:
            return self.verdict(
                unknown("whether a timetable to improve performance was agreed is not recorded")
            )
        if notice is None:
            return self.verdict(unknown("the date notice was given is not recorded"))
        if agreed < notice:
            return self.verdict(
                met(
                    f"a timetable to improve performance was agreed on {format_date(agreed)}, "
                    f"before notice was given on {format_date(notice)}"
                )
            )
        return self.verdict(
            not_met(
                f"the timetable to improve performance was agreed on {format_date(agreed)}, not "
                f"before notice was given on {format_date(notice)}; {asks}"
            )
        )


class ImpactAssessed(Check):
    """The impact on beneficiaries, service users and volunteers assessed before the decision."""

    name = "impact_assessed"
    title = "Impact assessed before reducing or ending funding"
    section = "funding_changes"
    needs = frozenset({"impact_assessed"})
    parameters = {"changes": "list"}

    def applies(self, record: Record) -> bool:
        return record["change"] in self.param("changes")

    def evaluate(self, record: Record, as_of: date) -> tuple[Status, str]:
        assessed, notice = record["impact_assessed"], record["notice_given"]
        change = record["change"]
        asks = (
            "the Compact asks for the impact on beneficiaries, service users and volunteers to "
            f"be assessed before deciding to {change} funding"
        )
        if assessed is False:
            return self.verdict(not_met(f"the impact was not assessed; {asks}"))
        if assessed is None:
            return self.verdict(
                unknown(
                    "whether the impact on beneficiaries, service users and volunteers was assessed is not recorded"
                )
            )
        if notice is None:
            return self.verdict(unknown("the date notice was given is not recorded"))
        if assessed <= notice:
            return self.verdict(
                met(
                    f"the impact was assessed on {format_date(assessed)}, by the time notice was "
                    f"given on {format_date(notice)}"
                )
            )
        return self.verdict(
            not_met(
                f"the impact was assessed on {format_date(assessed)}, after notice was given on "
                f"{format_date(notice)}; {asks}"
            )
        )


DEPARTURES = {
    "exceptional_circumstances": "in exceptional circumstances, which are recorded",
    "mutual_agreement": "by mutual agreement",
}


class NoticePeriod(Check):
    """Notice of at least a set period before funding is changed or ended."""

    name = "notice_period"
    title = "Notice of changing or ending funding"
    section = "funding_changes"
    needs = frozenset({"notice_given", "effective", "in_writing"})
    parameters = {
        "minimum_notice": "period",
        "in_writing_required": "flag",
        "rationale_required": "flag",
        "shorter_allowed_for": "text",
    }

    def evaluate(self, record: Record, as_of: date) -> tuple[Status, str]:
        outcomes = [self._period(record)]
        if self.param("in_writing_required"):
            outcomes.append(self._in_writing(record))
        if self.param("rationale_required"):
            outcomes.append(self._rationale(record))
        return self.verdict(*outcomes)

    def _asks(self) -> str:
        writing = " in writing" if self.param("in_writing_required") else ""
        return f"the Compact asks for at least {self.period_text('minimum_notice')}{writing}"

    def _period(self, record: Record) -> Outcome:
        notice, effective = record["notice_given"], record["effective"]
        wanted = self.period_text("minimum_notice")
        if notice is None or effective is None:
            return unknown(
                "the date notice was given or the date of the change is not recorded, so the "
                f"notice cannot be checked against the {wanted} the Compact asks for"
            )
        value, unit = self.period("minimum_notice")
        if effective < notice:
            given = (
                f"notice was given on {format_date(notice)}, after the change took effect on "
                f"{format_date(effective)}"
            )
        else:
            if notice_is_at_least(notice, effective, value, unit):
                return met(
                    f"notice of {describe_span(notice, effective, unit)} was given; {self._asks()}"
                )
            # Short notice reads most plainly in weeks: "Notice of 6 weeks was given".
            given = f"notice of {describe_span(notice, effective, 'weeks')} was given"
        departure = self.param("shorter_allowed_for")
        if record.get(departure):
            return explained(
                f"{given}, shorter than the {wanted} the Compact asks for, {DEPARTURES[departure]}"
            )
        return not_met(f"{given}; {self._asks()}")

    def _in_writing(self, record: Record) -> Outcome:
        in_writing = record["in_writing"]
        if in_writing is None:
            return unknown("whether the notice was in writing is not recorded")
        return met("") if in_writing else not_met("the notice was not in writing")

    def _rationale(self, record: Record) -> Outcome:
        rationale = record["rationale"]
        if rationale is None:
            return unknown("whether a rationale for the decision was given is not recorded")
        if rationale is False:
            return not_met("no rationale for the decision was given")
        return met("")
