"""Deadlines of disagreements: working days over each region's bank holidays (from the
`holidays` library), calendar days and months, at their boundaries and by their shape."""

from datetime import date, timedelta
from functools import cache

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compactwatch.compact.disputes.deadlines import (
    LAST_WORKING_DAY,
    REGIONS,
    Calendar,
    OutOfRange,
    Period,
    add_period,
    status,
)

ENGLAND = Calendar("working", "England and Wales")
SCOTLAND = Calendar("working", "Scotland")
NORTHERN_IRELAND = Calendar("working", "Northern Ireland")
SUBDIVISIONS = {"England and Wales": "ENG", "Scotland": "SCT", "Northern Ireland": "NIR"}


@cache
def library_holidays(region: str, year: int) -> dict[date, str]:
    """The library's own answer, read independently of the code under test."""
    found = holidays.country_holidays("GB", subdiv=SUBDIVISIONS[region], years=year)
    return dict(found.items())


def is_bank_holiday(region: str, day: date) -> bool:
    return day in library_holidays(region, day.year)


# ---------------------------------------------------------------- the named holidays


def test_easter_2027_from_the_friday_before_skips_good_friday_and_easter_monday():
    due = ENGLAND.add(date(2027, 3, 19), 10)
    assert due.day == date(2027, 4, 6)
    assert due.explanation == (
        "10 working days from 19 March 2027, skipping Good Friday (26 March) "
        "and Easter Monday (29 March)"
    )


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2027, 3, 24), 1, date(2027, 3, 25)),  # Maundy Thursday is a working day
        (date(2027, 3, 25), 1, date(2027, 3, 30)),  # over Good Friday, the weekend, Easter Monday
        (date(2027, 3, 26), 1, date(2027, 3, 30)),  # starting on Good Friday itself
        (date(2027, 3, 29), 1, date(2027, 3, 30)),  # starting on Easter Monday
        (date(2027, 3, 3), 10, date(2027, 3, 17)),  # no holiday in between
    ],
)
def test_easter_2027_at_its_edges(start, days, expected):
    assert ENGLAND.add(start, days).day == expected


def test_no_holiday_in_between_says_so_by_saying_nothing_more():
    assert ENGLAND.add(date(2027, 3, 3), 10).explanation == "10 working days from 3 March 2027"


@pytest.mark.parametrize(
    ("start", "expected", "explanation"),
    [
        # 2026: Christmas on a Friday, Boxing Day on a Saturday: its substitute is Monday 28.
        (
            date(2026, 12, 24),
            date(2026, 12, 29),
            "1 working day from 24 December 2026, skipping Christmas Day (25 December) "
            "and the substitute day for Boxing Day (28 December)",
        ),
        # 2027: both on the weekend: substitutes on Monday 27 and Tuesday 28.
        (
            date(2027, 12, 24),
            date(2027, 12, 29),
            "1 working day from 24 December 2027, skipping the substitute day for "
            "Christmas Day (27 December) and the substitute day for Boxing Day (28 December)",
        ),
        # 2028: Monday and Tuesday, no substitutes.
        (
            date(2028, 12, 22),
            date(2028, 12, 27),
            "1 working day from 22 December 2028, skipping Christmas Day (25 December) "
            "and Boxing Day (26 December)",
        ),
    ],
)
def test_christmas_and_boxing_day_with_their_substitute_days(start, expected, explanation):
    due = ENGLAND.add(start, 1)
    assert (due.day, due.explanation) == (expected, explanation)


def test_a_deadline_across_the_new_year_names_the_next_years_holiday_with_its_year():
    due = ENGLAND.add(date(2027, 12, 20), 10)
    assert due.day == date(2028, 1, 6)
    assert due.explanation.endswith(
        "the substitute day for Boxing Day (28 December) and the substitute day for "
        "New Year's Day (3 January 2028)"
    )


@pytest.mark.parametrize(
    ("start", "expected", "name"),
    [
        (date(2027, 4, 30), date(2027, 5, 4), "May Day (3 May)"),  # the early May bank holiday
        (date(2027, 5, 28), date(2027, 6, 1), "Spring Bank Holiday (31 May)"),
        (date(2027, 8, 27), date(2027, 8, 31), "Late Summer Bank Holiday (30 August)"),
        # 2020: the early May bank holiday moved to Friday 8 May for VE Day.
        (date(2020, 5, 7), date(2020, 5, 11), "May Day (8 May)"),
    ],
)
def test_bank_holiday_mondays(start, expected, name):
    due = ENGLAND.add(start, 1)
    assert due.day == expected
    assert due.explanation.endswith(f"skipping {name}")


def test_scotland_skips_the_second_of_january_england_does_not():
    # 1 January 2026 is a Thursday, 2 January a Friday.
    assert ENGLAND.add(date(2025, 12, 31), 1).day == date(2026, 1, 2)
    scottish = SCOTLAND.add(date(2025, 12, 31), 1)
    assert scottish.day == date(2026, 1, 5)
    assert "New Year Holiday (2 January 2026)" in scottish.explanation


def test_scotland_skips_st_andrews_day_england_does_not():
    # 30 November 2026 is a Monday.
    assert ENGLAND.add(date(2026, 11, 27), 1).day == date(2026, 11, 30)
    scottish = SCOTLAND.add(date(2026, 11, 27), 1)
    assert scottish.day == date(2026, 12, 1)
    assert scottish.explanation.endswith("skipping Saint Andrew's Day (30 November)")


def test_two_holidays_on_one_day_are_named_together():
    # 2073: New Year's Day is a Sunday, so its substitute falls on Scotland's 2 January.
    due = SCOTLAND.add(date(2072, 12, 30), 1)  # a Friday
    assert due.day == date(2073, 1, 4)
    assert due.explanation.endswith(
        "skipping New Year Holiday / the substitute day for New Year's Day "
        "(2 January 2073) and the substitute day for New Year Holiday (3 January 2073)"
    )


def test_northern_ireland_skips_st_patricks_day():
    assert ENGLAND.add(date(2027, 3, 16), 1).day == date(2027, 3, 17)
    assert NORTHERN_IRELAND.add(date(2027, 3, 16), 1).day == date(2027, 3, 18)


def test_england_and_wales_share_their_bank_holidays_in_the_library():
    # Why one region stands for both: the library agrees, every year we count.
    years = range(1900, LAST_WORKING_DAY.year + 1)
    england = holidays.country_holidays("GB", subdiv="ENG", years=years)
    wales = holidays.country_holidays("GB", subdiv="WLS", years=years)
    assert set(england.items()) == set(wales.items())


# ---------------------------------------------------------------- the convention


def test_day_one_is_the_first_working_day_after_the_start():
    assert ENGLAND.add(date(2027, 3, 3), 1).day == date(2027, 3, 4)  # Wednesday -> Thursday
    assert ENGLAND.add(date(2027, 3, 5), 1).day == date(2027, 3, 8)  # Friday -> Monday
    assert ENGLAND.add(date(2027, 3, 6), 1).day == date(2027, 3, 8)  # Saturday -> Monday
    assert ENGLAND.add(date(2027, 3, 6), 0).day == date(2027, 3, 6)  # nothing added
    assert ENGLAND.add(date(2027, 3, 3), 5).explanation == "5 working days from 3 March 2027"
    assert ENGLAND.add(date(2027, 3, 3), 1).explanation == "1 working day from 3 March 2027"


def test_calendar_days_count_weekends_and_holidays():
    due = Calendar("calendar").add(date(2027, 12, 24), 2)
    assert due.day == date(2027, 12, 26)
    assert due.explanation == "2 calendar days from 24 December 2027"
    assert Calendar("calendar").add(date(2027, 3, 3), 10).day == date(2027, 3, 13)  # a Saturday
    assert Calendar("calendar").working_days_between(date(2027, 3, 3), date(2027, 3, 13)) == 10


def test_months_follow_the_corresponding_date_rule():
    due = add_period(date(2027, 1, 31), Period(1, "months"))
    assert (due.day, due.explanation) == (date(2027, 2, 28), "1 month from 31 January 2027")
    assert add_period(date(2027, 3, 3), Period(12, "months")).day == date(2028, 3, 3)
    assert add_period(date(2027, 3, 25), Period(1, "working days")).day == date(2027, 3, 30)
    assert add_period(date(2027, 3, 25), Period(1, "calendar days")).day == date(2027, 3, 26)


def test_working_days_between():
    assert ENGLAND.working_days_between(date(2027, 3, 19), date(2027, 4, 6)) == 10
    assert ENGLAND.working_days_between(date(2027, 4, 6), date(2027, 3, 19)) == -10
    assert ENGLAND.working_days_between(date(2027, 3, 19), date(2027, 3, 19)) == 0
    assert ENGLAND.working_days_between(date(2027, 3, 26), date(2027, 3, 29)) == 0  # Easter


def test_status_at_each_boundary():
    due = ENGLAND.add(date(2027, 3, 19), 10)  # 6 April 2027
    margin = Period(20, "working days")
    last_overdue = ENGLAND.add(due.day, 20).day  # 4 May 2027 (3 May is a bank holiday)
    assert last_overdue == date(2027, 5, 5)
    assert status(due, date(2027, 4, 5), margin) == "due"
    assert status(due, date(2027, 4, 6), margin) == "due today"
    assert status(due, date(2027, 4, 7), margin) == "overdue"
    assert status(due, last_overdue, margin) == "overdue"
    assert status(due, last_overdue + timedelta(days=1), margin) == "long overdue"
    assert status(due, date(2027, 4, 7), Period(0, "working days")) == "long overdue"


# ---------------------------------------------------------------- bounds


def test_working_days_stop_where_the_bank_holidays_do():
    assert date(2100, 12, 31) == LAST_WORKING_DAY
    with pytest.raises(OutOfRange, match="The start day, 1 January 2101, is outside"):
        ENGLAND.add(date(2101, 1, 1), 1)
    with pytest.raises(OutOfRange, match="would end after 31 December 2100"):
        ENGLAND.add(date(2100, 12, 28), 10)
    with pytest.raises(OutOfRange, match="1 January 1900 to 31 December 2100"):
        ENGLAND.add(date(1899, 12, 29), 1)
    with pytest.raises(OutOfRange):
        ENGLAND.working_days_between(date(2027, 1, 1), date(2101, 1, 1))


def test_calendar_days_and_months_go_as_far_as_the_records_format():
    assert Calendar("calendar").add(date(2150, 1, 1), 10).day == date(2150, 1, 11)
    with pytest.raises(OutOfRange, match="31 December 2199"):
        Calendar("calendar").add(date(2199, 12, 31), 1)
    with pytest.raises(OutOfRange, match="31 December 2199"):
        add_period(date(2199, 6, 1), Period(12, "months"))


def test_nonsense_is_refused():
    with pytest.raises(ValueError, match="negative"):
        ENGLAND.add(date(2027, 3, 3), -1)
    with pytest.raises(ValueError, match="unknown region"):
        Calendar("working", "Wales")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown mode"):
        Calendar("weekly")  # type: ignore[arg-type]


# ---------------------------------------------------------------- properties

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
counts = st.integers(min_value=0, max_value=60)
regions = st.sampled_from(REGIONS)


@settings(max_examples=300, deadline=None)
@given(days, st.integers(min_value=1, max_value=60), regions)
def test_a_working_day_deadline_is_never_a_weekend_or_bank_holiday(start, n, region):
    day = Calendar("working", region).add(start, n).day
    assert day.weekday() < 5
    assert not is_bank_holiday(region, day)


@settings(max_examples=300, deadline=None)
@given(days, counts, counts, regions)
def test_adding_n_then_m_equals_adding_n_plus_m(start, n, m, region):
    calendar = Calendar("working", region)
    assert calendar.add(calendar.add(start, n).day, m).day == calendar.add(start, n + m).day


@settings(max_examples=200, deadline=None)
@given(days, counts, counts)
def test_calendar_days_add_up_too(start, n, m):
    calendar = Calendar("calendar")
    assert calendar.add(calendar.add(start, n).day, m).day == calendar.add(start, n + m).day


@settings(max_examples=300, deadline=None)
@given(days, st.integers(min_value=1, max_value=60), regions)
def test_adding_days_always_moves_forward_and_counts_back(start, n, region):
    calendar = Calendar("working", region)
    due = calendar.add(start, n)
    assert due.day > start
    assert calendar.working_days_between(start, due.day) == n
    assert calendar.working_days_between(start, due.day - timedelta(days=1)) == n - 1


@settings(max_examples=300, deadline=None)
@given(days, st.integers(min_value=1, max_value=60), regions)
def test_the_explanation_names_every_holiday_skipped(start, n, region):
    due = Calendar("working", region).add(start, n)
    weekday_holidays = [
        start + timedelta(days=offset)
        for offset in range(1, (due.day - start).days + 1)
        if (start + timedelta(days=offset)).weekday() < 5
        and is_bank_holiday(region, start + timedelta(days=offset))
    ]
    assert [holiday.day for holiday in due.skipped] == weekday_holidays
    for day in weekday_holidays:
        names = library_holidays(region, day.year)[day].split("; ")
        words = " / ".join(
            f"the substitute day for {name.removesuffix(' (observed)')}"
            if name.endswith(" (observed)")
            else name
            for name in names
        )
        when = f"{day.day} {day:%B}" + (f" {day.year}" if day.year != start.year else "")
        assert f"{words} ({when})" in due.explanation
    assert ("skipping" in due.explanation) == bool(weekday_holidays)
