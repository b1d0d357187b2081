"""Counts published with no names: a count under 5 is shown as "fewer than 5", so that a
small count cannot point at one organisation (issue 13, point 5: the public's figures of
disagreements, and every page, report and open data file that counts them)."""

from __future__ import annotations

SMALLEST_SHOWN = 5


def withheld_words(count: int, smallest_shown: int = SMALLEST_SHOWN) -> str | None:
    """ "fewer than 5" when `count` is withheld, else None; `smallest_shown` 0 withholds
    nothing (the Compact officer sees exact counts)."""
    if smallest_shown and count < smallest_shown:
        return f"fewer than {smallest_shown}"
    return None


def shown_count(count: int) -> str:
    """A count as the public sees it: the number from 5 up, else "fewer than 5"."""
    return withheld_words(count) or f"{count:,}"
