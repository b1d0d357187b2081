"""Compact-proofing agrees with the checks: the plan's date keeps the Compact, a day later breaks it."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from record_helpers import EDITIONS, findings_for

from compactwatch.compact.compact import CompactEditions
from compactwatch.compact.planning import (
    NothingToPlan,
    plan_consultation,
    plan_effective,
    plan_notice,
)

effective_dates = st.dates(min_value=date(2007, 6, 1), max_value=date(2045, 12, 31))


def notice_status(notice: date, effective: date) -> dict[str, str]:
    record = {
        "change": "end",
        "notice_given": notice.isoformat(),
        "effective": effective.isoformat(),
        "in_writing": True,
        "rationale": "Programme closed",
    }
    findings = findings_for("funding_changes", record)
    return {citation: finding.status.value for citation, finding in findings.items()
            if citation.endswith(("/4.5", "/3.2"))}  # fmt: skip


@settings(max_examples=300)
@given(effective=effective_dates)
def test_planned_notice_passes_and_a_day_later_fails(effective):
    plan = plan_notice(EDITIONS, effective)
    on_time = notice_status(plan.answer, effective)
    assert set(on_time.values()) == {"met"}
    assert plan.commitment.citation in on_time
    late = notice_status(plan.answer + timedelta(days=1), effective)
    assert set(late.values()) == {"not_met"}


def test_end_on_31_march_2026_needs_notice_by_31_december_2025():
    plan = plan_notice(EDITIONS, date(2026, 3, 31))
    assert plan.answer == date(2025, 12, 31)
    assert plan.commitment.citation == "cambridgeshire-refreshed/4.5"
    assert {reminder.citation for reminder in plan.reminders} == {
        "cambridgeshire-refreshed/4.1",
        "cambridgeshire-refreshed/4.2",
    }


def test_notice_across_the_change_of_edition():
    # An end on 15 January 2013: three months back is October 2012, when the 2007
    # edition (12 weeks) was in force, so notice could be given until 23 October.
    plan = plan_notice(EDITIONS, date(2013, 1, 15))
    assert plan.edition.id == "cambridgeshire-2007"
    assert plan.answer == date(2012, 10, 23)


@settings(max_examples=200)
@given(opens=st.dates(min_value=date(2007, 2, 1), max_value=date(2045, 12, 31)))
def test_planned_consultation_close_passes_and_a_day_earlier_fails(opens):
    plan = plan_consultation(EDITIONS, opens)
    citation = plan.commitment.citation

    def length_status(closes):
        record = {"opens": opens.isoformat(), "closes": closes.isoformat(), "formal": True}
        return findings_for("consultations", record)[citation].status.value

    assert length_status(plan.answer) == "met"
    assert length_status(plan.answer - timedelta(days=1)) == "not_met"


@pytest.mark.parametrize(
    ("plan", "day", "edition"),
    [
        (plan_notice, date.min, None),
        (plan_notice, date(1, 1, 20), "cambridgeshire-2007"),
        (plan_notice, date(1, 2, 15), "cambridgeshire-refreshed"),
        (plan_consultation, date.max, None),
        (plan_consultation, date.min, None),
        (plan_consultation, date(9999, 11, 1), "cambridgeshire-2007"),
    ],
)
def test_plans_at_the_edges_of_the_calendar_say_so(plan, day, edition):
    with pytest.raises(NothingToPlan):
        plan(EDITIONS, day, EDITIONS.get(edition) if edition else None)


def test_plans_near_the_edges_that_fit_the_calendar_answer():
    assert plan_notice(EDITIONS, date.max).answer == date(9999, 9, 30)
    edition = EDITIONS.get("cambridgeshire-2007")
    assert plan_consultation(EDITIONS, date.min, edition).answer == date(1, 3, 25)


def test_editions_in_force_from_the_first_day_of_the_calendar():
    editions = CompactEditions.shipped(
        {"cambridgeshire-2007": date.min, "cambridgeshire-refreshed": date.min}
    )
    assert plan_notice(editions, date(2016, 4, 30)).answer == date(2016, 1, 31)
    assert plan_notice(editions, date.max).edition.id == "cambridgeshire-refreshed"


@settings(max_examples=300)
@given(notice=st.dates(min_value=date(2007, 2, 1), max_value=date(2045, 12, 31)))
def test_notice_given_on_a_day_reaches_the_planned_date_and_not_a_day_earlier(notice):
    """When the latest day for a date has passed, the plan from today agrees with the checks."""
    plan = plan_effective(EDITIONS, notice)
    assert plan.edition == EDITIONS.in_force_on(notice)
    assert set(notice_status(notice, plan.answer).values()) == {"met"}
    assert "not_met" in notice_status(notice, plan.answer - timedelta(days=1)).values()


def test_notice_given_on_25_november_2026_reaches_25_february_2027():
    plan = plan_effective(EDITIONS, date(2026, 11, 25))
    assert plan.answer == date(2027, 2, 25)
    assert plan.name == "4.5 Three months' notice in writing (refreshed edition)"
    assert [reminder.name for reminder in plan.reminders] == [
        "4.1 A timetable to improve before funding ends over performance (refreshed edition)",
        "4.2 Impact assessed before funding is cut (refreshed edition)",
    ]


def test_the_2007_edition_asks_for_the_notice_alone():
    plan = plan_notice(EDITIONS, date(2010, 6, 1))
    assert plan.edition.id == "cambridgeshire-2007" and plan.reminders == []
    assert plan.name.endswith("(2007 edition)")
    with pytest.raises(NothingToPlan):
        plan_effective(EDITIONS, date(2000, 1, 1))  # before any edition
