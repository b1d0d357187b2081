"""Time arithmetic as the records format defines it (normative).

- A consultation counts both its opening and closing day.
- "N weeks" of notice: effective >= notice_given + 7N days.
- "N months": the corresponding-date rule (Dodds v Walker, HL 1981): add N
  calendar months; where that month has no such day, take its last day.
- A funding term counts both its first and last day.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

ONE_DAY = timedelta(days=1)


# Checks call these for every record; the same dates recur, so results are cached.
@lru_cache(maxsize=1 << 16)
def add_months(start: date, months: int) -> date:
    """The corresponding date `months` calendar months after (or before) `start`."""
    month_index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def add_period(start: date, value: int, unit: str) -> date:
    """`start` moved on by a period of `value` `unit`s (days, weeks, months, years)."""
    if unit == "days":
        return start + timedelta(days=value)
    if unit == "weeks":
        return start + timedelta(days=7 * value)
    if unit == "months":
        return add_months(start, value)
    if unit == "years":
        return add_months(start, 12 * value)
    raise ValueError(f"unknown unit of time: {unit!r}")


def notice_is_at_least(notice_given: date, effective: date, value: int, unit: str) -> bool:
    """Whether notice given on `notice_given` of a change on `effective` lasts the period."""
    return effective >= add_period(notice_given, value, unit)


def latest_notice_date(effective: date, value: int, unit: str) -> date:
    """The latest day notice can be given so that it lasts the period before `effective`."""
    if unit in ("days", "weeks"):
        return effective - timedelta(days=value * (7 if unit == "weeks" else 1))
    # Adding months is monotone but not one-to-one (28-31 Jan all reach 28 Feb), so
    # start from the naive answer and step to the last day that still reaches in time.
    months = value * (12 if unit == "years" else 1)
    candidate = add_months(effective, -months)
    while add_months(candidate + ONE_DAY, months) <= effective:
        candidate += ONE_DAY
    while add_months(candidate, months) > effective:
        candidate -= ONE_DAY
    return candidate


def consultation_days(opens: date, closes: date) -> int:
    """The length of a consultation in days, counting its opening and closing day."""
    return (closes - opens).days + 1


def earliest_closing_date(opens: date, value: int, unit: str) -> date:
    """The earliest closing day that gives a consultation opening on `opens` the period."""
    return add_period(opens, value, unit) - ONE_DAY


def term_is_at_least(start: date, end: date, value: int, unit: str) -> bool:
    """Whether a term from `start` to `end` (both counted) lasts at least the period."""
    return end + ONE_DAY >= add_period(start, value, unit)


def term_is_longer_than(start: date, end: date, value: int, unit: str) -> bool:
    """Whether a term from `start` to `end` (both counted) lasts longer than the period."""
    return end + ONE_DAY > add_period(start, value, unit)


@lru_cache(maxsize=1 << 16)
def describe_span(start: date, end_exclusive: date, unit: str) -> str:
    """A plain-English length, e.g. "6 weeks", "2 months and 27 days", "11 weeks and 6 days".

    `unit` chooses the scale the reader compares against (weeks or months).
    """
    if end_exclusive < start:
        return "less than no time"
    if unit in ("days", "weeks"):
        weeks, days = divmod((end_exclusive - start).days, 7)
        return _join_amounts((weeks, "week"), (days, "day"))
    months = (end_exclusive.year - start.year) * 12 + end_exclusive.month - start.month
    if add_months(start, months) > end_exclusive:
        months -= 1
    days = (end_exclusive - add_months(start, months)).days
    if unit == "years":
        years, months = divmod(months, 12)
        return _join_amounts((years, "year"), (months, "month"), (days, "day"))
    return _join_amounts((months, "month"), (days, "day"))


def describe_amount(value: int, unit: str) -> str:
    """ "3 months", "12 weeks", "1 year"."""
    return _plural(value, unit.rstrip("s"))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _join_amounts(*amounts: tuple[int, str]) -> str:
    parts = [_plural(count, noun) for count, noun in amounts if count]
    if not parts:
        return _plural(0, amounts[-1][1])
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


@lru_cache(maxsize=1 << 16)
def format_date(day: date) -> str:
    """ "31 January 2016"."""
    return f"{day.day} {day:%B %Y}"
