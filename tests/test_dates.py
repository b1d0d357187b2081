"""The time arithmetic of the records format, at its boundaries and by its shape."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compactwatch.compact.dates import (
    DateOutOfRange,
    add_months,
    add_period,
    consultation_days,
    describe_days,
    describe_span,
    earliest_closing_date,
    latest_notice_date,
    notice_is_at_least,
    term_is_at_least,
    term_is_longer_than,
)

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
periods = st.tuples(
    st.integers(min_value=1, max_value=36), st.sampled_from(["weeks", "months", "years"])
)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2016, 1, 31), 3, date(2016, 4, 30)),  # April has no 31st: its last day
        (date(2016, 1, 31), 1, date(2016, 2, 29)),  # leap year
        (date(2015, 1, 31), 1, date(2015, 2, 28)),
        (date(2016, 2, 29), 12, date(2017, 2, 28)),
        (date(2016, 2, 29), 48, date(2020, 2, 29)),
        (date(2015, 11, 30), 3, date(2016, 2, 29)),  # 30 Nov + 3 months in a leap year
        (date(2014, 11, 30), 3, date(2015, 2, 28)),
        (date(2015, 9, 30), 4, date(2016, 1, 30)),  # Dodds v Walker: the corresponding date
        (date(2015, 12, 31), 3, date(2016, 3, 31)),
        (date(2016, 4, 30), -3, date(2016, 1, 30)),
    ],
)
def test_add_months_follows_the_corresponding_date_rule(start, months, expected):
    assert add_months(start, months) == expected


def test_notice_of_three_months_from_31_january_ends_on_30_april():
    assert notice_is_at_least(date(2016, 1, 31), date(2016, 4, 30), 3, "months")
    assert not notice_is_at_least(date(2016, 2, 1), date(2016, 4, 30), 3, "months")


def test_twelve_weeks_notice_boundary():
    notice = date(2016, 1, 4)
    assert notice_is_at_least(notice, notice + timedelta(days=84), 12, "weeks")
    assert not notice_is_at_least(notice, notice + timedelta(days=83), 12, "weeks")


def test_consultation_counts_both_days():
    assert consultation_days(date(2015, 1, 5), date(2015, 3, 29)) == 84
    assert consultation_days(date(2015, 1, 5), date(2015, 1, 5)) == 1


def test_term_counts_both_days():
    assert term_is_at_least(date(2015, 4, 1), date(2018, 3, 31), 3, "years")
    assert not term_is_at_least(date(2015, 4, 1), date(2018, 3, 30), 3, "years")
    assert not term_is_longer_than(date(2015, 4, 1), date(2016, 3, 31), 12, "months")
    assert term_is_longer_than(date(2015, 4, 1), date(2016, 4, 1), 12, "months")


def test_latest_notice_for_end_of_march():
    assert latest_notice_date(date(2026, 3, 31), 3, "months") == date(2025, 12, 31)
    assert latest_notice_date(date(2016, 4, 30), 3, "months") == date(2016, 1, 31)
    assert latest_notice_date(date(2016, 2, 29), 1, "months") == date(2016, 1, 31)
    assert latest_notice_date(date(2016, 3, 26), 12, "weeks") == date(2016, 1, 2)


@given(effective=days, period=periods)
def test_latest_notice_is_enough_and_a_day_later_is_not(effective, period):
    value, unit = period
    latest = latest_notice_date(effective, value, unit)
    assert notice_is_at_least(latest, effective, value, unit)
    assert not notice_is_at_least(latest + timedelta(days=1), effective, value, unit)


@given(opens=days, period=periods)
def test_earliest_closing_is_long_enough_and_a_day_earlier_is_not(opens, period):
    value, unit = period
    closes = earliest_closing_date(opens, value, unit)
    assert notice_is_at_least(opens, closes + timedelta(days=1), value, unit)
    assert not notice_is_at_least(opens, closes, value, unit)


@given(start=days, months=st.integers(min_value=-120, max_value=120))
def test_add_months_keeps_the_day_or_takes_the_month_end(start, months):
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    if result.day != start.day:
        assert result.day < start.day
        assert (result + timedelta(days=1)).day == 1  # the month's last day


@given(start=days, other=days)
def test_add_months_is_monotone(start, other):
    low, high = sorted([start, other])
    assert add_months(low, 3) <= add_months(high, 3)


@pytest.mark.parametrize(
    ("start", "end", "unit", "expected"),
    [
        (date(2016, 1, 1), date(2016, 2, 12), "weeks", "6 weeks"),
        (date(2016, 1, 1), date(2016, 2, 13), "weeks", "6 weeks and 1 day"),
        (date(2016, 2, 1), date(2016, 4, 30), "months", "2 months and 29 days"),
        (date(2016, 1, 31), date(2016, 4, 30), "months", "3 months"),
        (date(2015, 4, 1), date(2018, 4, 1), "years", "3 years"),
        (date(2016, 1, 1), date(2016, 1, 1), "weeks", "0 days"),
    ],
)
def test_describe_span(start, end, unit, expected):
    assert describe_span(start, end, unit) == expected


# ---------------------------------------------------------------- the edges of the calendar

any_day = st.dates(min_value=date.min, max_value=date.max)
edge_days = st.one_of(
    st.dates(min_value=date.min, max_value=date(3, 12, 31)),
    st.dates(min_value=date(9997, 1, 1), max_value=date.max),
    any_day,
)
any_period = st.tuples(
    st.integers(min_value=0, max_value=1200),
    st.sampled_from(["days", "weeks", "months", "years"]),
)


@given(first=edge_days, second=edge_days, period=any_period)
def test_date_sums_never_overflow_near_year_1_or_9999(first, second, period):
    """Comparisons always answer; a sum whose answer is not a date raises DateOutOfRange."""
    value, unit = period
    start, end = sorted([first, second])
    notice_is_at_least(start, end, value, unit)
    term_is_at_least(start, end, value, unit)
    term_is_longer_than(start, end, value, unit)
    consultation_days(start, end)
    describe_span(start, end, unit)
    describe_days(start, end, unit)
    for function in (add_period, latest_notice_date, earliest_closing_date):
        try:
            function(end if function is latest_notice_date else start, value, unit)
        except DateOutOfRange as error:
            assert "too near the" in str(error)
    if unit == "months":
        try:
            add_months(start, value)
            add_months(end, -value)
        except DateOutOfRange:
            pass


@given(effective=edge_days, period=periods)
def test_latest_notice_holds_at_the_edges_of_the_calendar(effective, period):
    value, unit = period
    try:
        latest = latest_notice_date(effective, value, unit)
    except DateOutOfRange:
        return
    assert notice_is_at_least(latest, effective, value, unit)
    if latest < effective:
        assert not notice_is_at_least(latest + timedelta(days=1), effective, value, unit)


@pytest.mark.parametrize(
    ("function", "arguments", "expected"),
    [
        (latest_notice_date, (date.max, 3, "months"), date(9999, 9, 30)),
        (earliest_closing_date, (date(9999, 10, 1), 3, "months"), date.max),
        (earliest_closing_date, (date(9999, 10, 2), 3, "months"), DateOutOfRange),
        (add_months, (date.max, 1), DateOutOfRange),
        (add_months, (date.min, -1), DateOutOfRange),
        (add_period, (date(9999, 12, 25), 1, "weeks"), DateOutOfRange),
        (latest_notice_date, (date(1, 2, 15), 3, "months"), DateOutOfRange),
        (latest_notice_date, (date(1, 1, 5), 1, "weeks"), DateOutOfRange),
    ],
)
def test_sums_at_the_edges_of_the_calendar(function, arguments, expected):
    if expected is DateOutOfRange:
        with pytest.raises(DateOutOfRange):
            function(*arguments)
    else:
        assert function(*arguments) == expected


def test_comparisons_past_the_end_of_the_calendar():
    assert not notice_is_at_least(date(9999, 10, 1), date.max, 3, "months")
    assert term_is_at_least(date(9999, 10, 1), date.max, 3, "months")
    assert not term_is_longer_than(date(9999, 10, 1), date.max, 3, "months")
    assert describe_days(date(9999, 10, 1), date.max, "months") == "3 months"
    assert describe_days(date.min, date.max, "years") == "9999 years"
