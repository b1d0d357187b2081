"""Time arithmetic as the records format defines it (normative).

- A consultation counts both its opening and closing day.
- "N weeks" of notice: effective >= notice_given + 7N days.
- "N months": the corresponding-date rule (Dodds v Walker, HL 1981): add N
  calendar months; where that month has no such day, take its last day.
- A funding term counts both its first and last day.

Sums are done on day numbers (proleptic Gregorian ordinals, as `date.toordinal`), which
never overflow: a comparison is answered for any two dates, and a function whose answer
is itself a date that Python cannot hold (before year 1, after 9999) raises
`DateOutOfRange`, a ValueError with a plain message, never OverflowError.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

ONE_DAY = timedelta(days=1)
_FIRST_ORDINAL = date.min.toordinal()
_LAST_ORDINAL = date.max.toordinal()
_DAYS_BEFORE_MONTH = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)


class DateOutOfRange(ValueError):
    """The answer would be a date outside the calendar (years 1 to 9999)."""

    def __init__(self, start: date):
        edge = "start" if start.year < 5000 else "end"
        super().__init__(
            f"{start.isoformat()} is too near the {edge} of the calendar for this date sum"
        )


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if calendar.isleap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _ordinal(year: int, month: int, day: int) -> int:
    """The day number of a date, for any year (the one `date.toordinal` gives in 1-9999)."""
    before = year - 1
    days = before * 365 + before // 4 - before // 100 + before // 400
    days += _DAYS_BEFORE_MONTH[month - 1] + (month > 2 and calendar.isleap(year))
    return days + day


def _corresponding(start: date, months: int) -> tuple[int, int, int]:
    """(year, month, day) `months` calendar months from `start`, perhaps outside 1-9999."""
    year, month = divmod(start.year * 12 + (start.month - 1) + months, 12)
    month += 1
    return year, month, min(start.day, _days_in_month(year, month))


def _day(ordinal: int, start: date) -> date:
    if not _FIRST_ORDINAL <= ordinal <= _LAST_ORDINAL:
        raise DateOutOfRange(start)
    return date.fromordinal(ordinal)


def _period_end(start: date, value: int, unit: str) -> int:
    """The day number of `start` moved on by `value` `unit`s; never out of range."""
    if unit == "days":
        return start.toordinal() + value
    if unit == "weeks":
        return start.toordinal() + 7 * value
    if unit == "months":
        return _ordinal(*_corresponding(start, value))
    if unit == "years":
        return _ordinal(*_corresponding(start, 12 * value))
    raise ValueError(f"unknown unit of time: {unit!r}")


# Checks call these for every record; the same dates recur, so results are cached.
@lru_cache(maxsize=1 << 16)
def add_months(start: date, months: int) -> date:
    """The corresponding date `months` calendar months after (or before) `start`."""
    year, month, day = _corresponding(start, months)
    if not date.min.year <= year <= date.max.year:
        raise DateOutOfRange(start)
    return date(year, month, day)


def add_period(start: date, value: int, unit: str) -> date:
    """`start` moved on by a period of `value` `unit`s (days, weeks, months, years)."""
    return _day(_period_end(start, value, unit), start)


def notice_is_at_least(notice_given: date, effective: date, value: int, unit: str) -> bool:
    """Whether notice given on `notice_given` of a change on `effective` lasts the period."""
    return effective.toordinal() >= _period_end(notice_given, value, unit)


def latest_notice_date(effective: date, value: int, unit: str) -> date:
    """The latest day notice can be given so that it lasts the period before `effective`."""
    target = effective.toordinal()
    if unit in ("days", "weeks"):
        return _day(target - value * (7 if unit == "weeks" else 1), effective)
    # Adding months is monotone but not one-to-one (28-31 Jan all reach 28 Feb), so
    # start from the naive answer and step to the last day that still reaches in time.
    months = value * (12 if unit == "years" else 1)
    candidate = _ordinal(*_corresponding(effective, -months))

    def reaches(ordinal: int) -> int:
        return _period_end(_day(ordinal, effective), months, "months")

    while candidate < target and reaches(candidate + 1) <= target:
        candidate += 1
    while reaches(candidate) > target:
        candidate -= 1
    return _day(candidate, effective)


def consultation_days(opens: date, closes: date) -> int:
    """The length of a consultation in days, counting its opening and closing day."""
    return (closes - opens).days + 1


def earliest_closing_date(opens: date, value: int, unit: str) -> date:
    """The earliest closing day that gives a consultation opening on `opens` the period."""
    return _day(_period_end(opens, value, unit) - 1, opens)


def term_is_at_least(start: date, end: date, value: int, unit: str) -> bool:
    """Whether a term from `start` to `end` (both counted) lasts at least the period."""
    return end.toordinal() + 1 >= _period_end(start, value, unit)


def term_is_longer_than(start: date, end: date, value: int, unit: str) -> bool:
    """Whether a term from `start` to `end` (both counted) lasts longer than the period."""
    return end.toordinal() + 1 > _period_end(start, value, unit)


def describe_span(start: date, end_exclusive: date, unit: str) -> str:
    """A plain-English length, e.g. "6 weeks", "2 months and 27 days", "11 weeks and 6 days".

    `unit` chooses the scale the reader compares against (weeks or months).
    """
    return _describe(start, end_exclusive.toordinal(), unit)


def describe_days(first: date, last: date, unit: str) -> str:
    """The length of a span counting both its first and its last day (see describe_span)."""
    return _describe(first, last.toordinal() + 1, unit)


@lru_cache(maxsize=1 << 16)
def _describe(start: date, end: int, unit: str) -> str:
    """The length from `start` up to (not including) the day numbered `end`."""
    if end < start.toordinal():
        return "less than no time"
    if unit in ("days", "weeks"):
        weeks, days = divmod(end - start.toordinal(), 7)
        return _join_amounts((weeks, "week"), (days, "day"))
    if end == start.toordinal():
        return _plural(0, "day")
    last = date.fromordinal(end - 1)  # the span's last day, so in the calendar
    months = (last.year - start.year) * 12 + last.month - start.month
    while _period_end(start, months + 1, "months") <= end:
        months += 1
    while _period_end(start, months, "months") > end:
        months -= 1
    days = end - _period_end(start, months, "months")
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
