"""Deadlines of a disagreement: working days over the bank holidays of a region, or
calendar days, or calendar months, each with how it was worked out in words.

The convention (as complaint handling codes count): day 1 is the first working day
AFTER the start day, so "5 working days from Wednesday 3 March 2027" is Wednesday 10
March 2027. The start day itself is never counted, working day or not; adding 0 days
gives the start day. In calendar-day mode day 1 is simply the next day; months follow
the corresponding-date rule of `compactwatch.compact.dates` (31 January + 1 month is the
last day of February).

Bank holidays are the `holidays` library's for the United Kingdom's subdivisions:
England and Wales share theirs (ENG/WLS), Scotland (SCT) and Northern Ireland (NIR)
have their own. When a bank holiday falls on a weekend the library gives the
substitute day ("Christmas Day (observed)"), which pages call "the substitute day for
Christmas Day", as GOV.UK does. Weekends are skipped too, but never listed.

Dates are bounded: the records format's range (1900-2199) and, for working days, the
years whose bank holidays the library knows (to 2100). Outside them `OutOfRange`, a
ValueError with a plain message, is raised rather than a guess.

Whether a deadline is "due", "due today", "overdue" or "long overdue" is computed from
the dates on the day asked (`status`), never stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Literal, get_args

import holidays
from holidays.countries.united_kingdom import UnitedKingdom

from compactwatch.compact.dates import DateOutOfRange, add_months, format_date
from compactwatch.compact.records import EARLIEST_DATE, LATEST_DATE

Region = Literal["England and Wales", "Scotland", "Northern Ireland"]
REGIONS: tuple[Region, ...] = get_args(Region)
DEFAULT_REGION: Region = "England and Wales"
# England and Wales have the same bank holidays (the tests check the library agrees).
_SUBDIVISIONS: dict[Region, str] = {
    "England and Wales": "ENG",
    "Scotland": "SCT",
    "Northern Ireland": "NIR",
}

Mode = Literal["working", "calendar"]
Unit = Literal["working days", "calendar days", "months"]
UNITS: tuple[Unit, ...] = get_args(Unit)
Status = Literal["due", "due today", "overdue", "long overdue"]

ONE_DAY = timedelta(days=1)
FIRST_DAY = EARLIEST_DATE
# Working days need the bank holidays: the library knows the United Kingdom's to its
# end year; calendar days go as far as the records format does.
LAST_WORKING_DAY = min(LATEST_DATE, date(UnitedKingdom.end_year, 12, 31))
LAST_CALENDAR_DAY = LATEST_DATE


class OutOfRange(ValueError):
    """A deadline asked for outside the dates compactwatch can count."""


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str  # in words: "Good Friday", "the substitute day for Christmas Day"


@dataclass(frozen=True)
class Period:
    """An amount of time as a route states it: "10 working days", "12 months"."""

    amount: int
    unit: Unit

    def __str__(self) -> str:
        if self.unit == "months":
            return f"{self.amount} month" if self.amount == 1 else f"{self.amount} months"
        noun = self.unit.removesuffix("s") if self.amount == 1 else self.unit
        return f"{self.amount} {noun}"


@dataclass(frozen=True)
class Deadline:
    """The day a period from `start` ends, and the bank holidays it skipped."""

    start: date
    period: Period
    day: date
    skipped: tuple[Holiday, ...] = ()

    @property
    def explanation(self) -> str:
        """ "10 working days from 19 March 2027, skipping Good Friday (26 March) and
        Easter Monday (29 March)"."""
        return self.describe()

    def describe(self, amount_words: str | None = None) -> str:
        """The explanation; `amount_words` replaces the leading amount ("20 working days
        (10 and an extension of 10)") when the caller knows how it was made up."""
        words = f"{amount_words or self.period} from {format_date(self.start)}"
        if not self.skipped:
            return words
        names = [f"{holiday.name} ({self._short(holiday.day)})" for holiday in self.skipped]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"{words}, skipping {listed}"

    def _short(self, day: date) -> str:
        # The year only where it differs from the start's: "(3 January 2028)".
        return format_date(day) if day.year != self.start.year else f"{day.day} {day:%B}"


@dataclass(frozen=True)
class Calendar:
    """How a route counts days: working days over a region's bank holidays, or calendar
    days. `add(start, n)` gives the Deadline; see the module docstring for the rule."""

    mode: Mode = "working"
    region: Region = DEFAULT_REGION

    def __post_init__(self) -> None:
        if self.mode not in get_args(Mode):
            raise ValueError(f"unknown mode of counting days: {self.mode!r}")
        if self.region not in REGIONS:
            raise ValueError(f"unknown region: {self.region!r} (one of {', '.join(REGIONS)})")

    @property
    def last_day(self) -> date:
        return LAST_WORKING_DAY if self.mode == "working" else LAST_CALENDAR_DAY

    def describe(self) -> str:
        """ "working days (Monday to Friday, except bank holidays in England and Wales)"."""
        if self.mode == "calendar":
            return "calendar days (every day counts)"
        return f"working days (Monday to Friday, except bank holidays in {self.region})"

    def holiday(self, day: date) -> Holiday | None:
        """The bank holiday on `day` in this region, or None."""
        self._check(day, "The day")
        names = _holidays_of(_SUBDIVISIONS[self.region], day.year).get(day)
        # Two holidays on one day (Scotland's 2 January and a substitute) share a name.
        return Holiday(day, " / ".join(names)) if names else None

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday and not a bank holiday (calendar mode: every day)."""
        self._check(day, "The day")
        return self.mode == "calendar" or (day.weekday() < 5 and self.holiday(day) is None)

    def add(self, start: date, days: int) -> Deadline:
        """The day `days` working (or calendar) days after `start`, with how."""
        if days < 0:
            raise ValueError(f"a number of days to add must not be negative (got {days})")
        self._check(start, "The start day")
        unit: Unit = "working days" if self.mode == "working" else "calendar days"
        period = Period(days, unit)
        if self.mode == "calendar":
            end = self._bounded(start.toordinal() + days, start, period)
            return Deadline(start, period, end)
        day, counted, skipped = start, 0, []
        while counted < days:
            day = self._bounded(day.toordinal() + 1, start, period)
            if day.weekday() >= 5:
                continue
            holiday = self.holiday(day)
            if holiday is None:
                counted += 1
            else:
                skipped.append(holiday)
        return Deadline(start, period, day, tuple(skipped))

    def working_days_between(self, first: date, second: date) -> int:
        """The working days after `first` up to and including `second` (negative when
        `second` is earlier), so that add(a, working_days_between(a, b)).day == b for
        a working day b after a."""
        self._check(first, "The first day")
        self._check(second, "The second day")
        if second < first:
            return -self.working_days_between(second, first)
        return sum(
            1
            for offset in range(1, (second - first).days + 1)
            if self.is_working_day(first + timedelta(days=offset))
        )

    def _check(self, day: date, what: str) -> None:
        if not FIRST_DAY <= day <= self.last_day:
            raise OutOfRange(
                f"{what}, {format_date(day)}, is outside the dates {self._range_words()}"
            )

    def _bounded(self, ordinal: int, start: date, period: Period) -> date:
        if ordinal > self.last_day.toordinal():
            raise OutOfRange(
                f"{period} from {format_date(start)} would end after "
                f"{format_date(self.last_day)}, outside the dates {self._range_words()}"
            )
        return date.fromordinal(ordinal)

    def _range_words(self) -> str:
        span = f"{format_date(FIRST_DAY)} to {format_date(self.last_day)}"
        if self.mode == "working":
            return (
                f"working days can be counted over: {span}, the years whose bank holidays are known"
            )
        return f"compactwatch counts over: {span}"


def add_period(start: date, period: Period, region: Region = DEFAULT_REGION) -> Deadline:
    """`start` moved on by `period` in `region`: working or calendar days, or months."""
    if period.unit == "months":
        if period.amount < 0:
            raise ValueError(f"a number of months to add must not be negative ({period.amount})")
        Calendar("calendar", region)._check(start, "The start day")
        try:
            day = add_months(start, period.amount)
        except DateOutOfRange:
            day = date.max
        if day > LAST_CALENDAR_DAY:
            raise OutOfRange(
                f"{period} from {format_date(start)} would end after "
                f"{format_date(LAST_CALENDAR_DAY)}, the last day compactwatch counts to"
            )
        return Deadline(start, period, day)
    mode: Mode = "working" if period.unit == "working days" else "calendar"
    return Calendar(mode, region).add(start, period.amount)


def status(
    deadline: Deadline,
    today: date,
    long_overdue_after: Period,
    region: Region = DEFAULT_REGION,
) -> Status:
    """Where `deadline` stands on `today`: "due" before its day, "due today" on it,
    "overdue" after it, "long overdue" once past it by more than `long_overdue_after`
    (the route's margin, counted from the deadline's day in `region`)."""
    if today < deadline.day:
        return "due"
    if today == deadline.day:
        return "due today"
    try:
        margin_end = add_period(deadline.day, long_overdue_after, region).day
    except OutOfRange:
        return "overdue"  # the margin runs past the dates we count: not long overdue yet
    return "overdue" if today <= margin_end else "long overdue"


@cache
def _holidays_of(subdivision: str, year: int) -> dict[date, tuple[str, ...]]:
    """One region's bank holidays in one year, by day, named in words."""
    found = holidays.country_holidays("GB", subdiv=subdivision, years=year, language="en_GB")
    return {day: tuple(_name(name) for name in found.get_list(day)) for day in sorted(found)}


def _name(library_name: str) -> str:
    base, observed, _ = library_name.partition(" (observed)")
    return f"the substitute day for {base}" if observed else library_name
