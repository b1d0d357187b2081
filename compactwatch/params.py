"""Reading query parameters (`?year=2016`), for the pages and the API alike: a value that
is not what the parameter takes is refused with a message naming it (400), never read as
something else and never a server error."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from compactwatch.compact.records import EARLIEST_DATE as EARLIEST
from compactwatch.compact.records import LATEST_DATE as LATEST


class BadQuery(ValueError):
    """A query parameter's value is not one it takes; the message says what it takes."""


def query_int(params: Mapping[str, str], name: str, minimum: int, maximum: int) -> int | None:
    """A whole number from minimum to maximum, or None if the parameter is absent or empty."""
    text = (params.get(name) or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not minimum <= int(text) <= maximum:
        raise BadQuery(f"'{name}' takes a whole number from {minimum} to {maximum}")
    return int(text)


def query_year(params: Mapping[str, str], name: str = "year") -> int | None:
    """A year the records format can hold."""
    return query_int(params, name, EARLIEST.year, LATEST.year)


def query_date(params: Mapping[str, str], name: str) -> date | None:
    """A date (YYYY-MM-DD) the records format can hold."""
    text = (params.get(name) or "").strip()
    if not text:
        return None
    try:
        value = date.fromisoformat(text) if text.isascii() else None
    except ValueError:
        value = None
    if value is None:
        raise BadQuery(f"Enter a real date for '{name}', for example 2026-03-31")
    if not EARLIEST <= value <= LATEST:
        raise BadQuery(f"Enter a date for '{name}' from {EARLIEST:%-d %B %Y} to {LATEST:%-d %B %Y}")
    return value
