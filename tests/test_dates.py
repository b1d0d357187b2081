"""The time arithmetic of the records format, at its boundaries and by its shape."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compactwatch.compact.dates import (
    add_months,
    consultation_days,
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
