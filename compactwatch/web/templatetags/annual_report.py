"""Filters of the annual report's template (web/reports/annual.html)."""

from __future__ import annotations

from datetime import date

from django import template

from compactwatch.compact.dates import format_date
from compactwatch.compact.disclosure import shown_count

register = template.Library()


@register.filter
def shown(count: int | None) -> str:
    """A count of disagreements as the public sees it: "fewer than 5" below 5 (issue 13)."""
    return shown_count(count or 0)


@register.filter
def day(iso: str | None) -> str:
    """An ISO date from the report's snapshot as the Compact writes dates: "31 March 2026"."""
    return format_date(date.fromisoformat(iso)) if iso else ""


@register.filter
def number(value: int | None) -> str:
    return f"{value or 0:,}"
