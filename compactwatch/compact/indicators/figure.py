"""A figure: what one indicator shows for one period, with its counts and in words.

Figures are always shown with their counts ("14 of 20"), never a bare percentage, and say
when the count is too small to mean much. Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from compactwatch.compact.disclosure import withheld_words

Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class Figure:
    """One indicator's figure for one period.

    count: how many were counted (kept the commitment, were resolved, ...); for a median,
        how many values it is the middle of. None when it is withheld: fewer than the
        smallest count shown to the public (disagreements), and `words` says so.
    total: out of how many (None for medians and plain tallies).
    value: the median (None for the others).
    too_small: the count is below the threshold of the indicator file, so the figure is
        too few to mean much (`caution` gives the file's words for it).
    words: the figure in words: "14 of 20", "median 9 weeks (from 12 notices)".
    unknown: records that do not say enough to tell, kept out of the total.
    """

    count: int | None
    total: int | None
    value: float | None
    too_small: bool
    words: str
    caution: str = ""
    unknown: int = 0

    @property
    def percent(self) -> int | None:
        """The share as a whole percentage, to follow the count ("14 of 20, 70%")."""
        if self.count is None or not self.total:
            return None
        return int((Decimal(100 * self.count) / self.total).quantize(0, ROUND_HALF_UP))


@dataclass(frozen=True)
class Tally:
    """The counts behind a share: counted, out of total, with unknown kept apart."""

    count: int = 0
    total: int = 0
    unknown: int = 0


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def share(tally: Tally, too_small_below: int, caution: str, smallest_shown: int = 0) -> Figure:
    """'14 of 20': `count` of `total`; too small when the total is below the threshold.

    With `smallest_shown`, a count or total below it is withheld ("fewer than 5 of 12"),
    as the public's figures of disagreements are, so that it cannot point at one body."""
    too_small = tally.total < too_small_below
    count_words = withheld_words(tally.count, smallest_shown)
    total_words = withheld_words(tally.total, smallest_shown)
    if tally.total == 0:
        words = "none to count"
    elif total_words:  # the total withheld: a count of it would say nothing
        words = f"{total_words} in all"
    else:
        words = f"{count_words or f'{tally.count:,}'} of {total_words or f'{tally.total:,}'}"
    return Figure(
        count=None if count_words else tally.count,
        total=None if total_words else tally.total,
        value=None,
        too_small=too_small,
        words=words,
        caution=caution if too_small else "",
        unknown=tally.unknown,
    )


def tally(count: int, noun: str, smallest_shown: int = 0) -> Figure:
    """'7 disagreements': a plain count, with no total (never too small: it is a count)."""
    withheld = withheld_words(count, smallest_shown)
    words = f"{withheld} {noun}s" if withheld else _plural(count, noun)
    return Figure(None if withheld else count, None, None, False, words)


def median(values: Sequence[float]) -> float | None:
    """The middle value (the mean of the two middle values for an even count); None if
    there are none. The values need not be sorted."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def middle_positions(count: int) -> tuple[int, int]:
    """The positions (from 0, in order) of the values the median of `count` values needs:
    one for an odd count, two for an even one (as a slice: start, stop). The database
    returns just those rows, so a median never reads every value."""
    if count == 0:
        return 0, 0
    middle = count // 2
    return (middle, middle + 1) if count % 2 else (middle - 1, middle + 1)


def _number(value: float) -> str:
    rounded = Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{rounded:,.0f}" if rounded == rounded.to_integral_value() else f"{rounded:,}"


def median_figure(
    middle: Sequence[float],
    count: int,
    unit: str,
    noun: str,
    too_small_below: int,
    caution: str,
    smallest_shown: int = 0,
) -> Figure:
    """'median 9 weeks (from 12 notices)' from the middle value(s) of `count` values
    (`middle_positions` says which); too small when `count` is below the threshold."""
    value = median(middle)
    too_small = count < too_small_below
    withheld = withheld_words(count, smallest_shown)
    from_words = f"{withheld} {noun}s" if withheld else _plural(count, noun)
    if value is None:
        words = f"no {noun}s to count"
    else:
        value = float(Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP))
        words = f"median {_number(value)} {unit} (from {from_words})"
    return Figure(
        count=None if withheld else count,
        total=None,
        value=value,
        too_small=too_small,
        words=words,
        caution=caution if too_small else "",
    )


def tally_groups(rows: Iterable[tuple[Key, bool | None, int]]) -> tuple[dict[Key, Tally], Tally]:
    """The tallies of each group and of them all, from (group, counted, how many) rows as
    a grouped query gives them: counted True counts and is in the total, False is in the
    total only, None is unknown (kept out of the total). So the groups' tallies always
    add up to the whole."""
    groups: dict[Key, list[int]] = {}
    whole = [0, 0, 0]
    for key, counted, number in rows:
        sums = groups.setdefault(key, [0, 0, 0])
        for target in (sums, whole):
            if counted is None:
                target[2] += number
            else:
                target[1] += number
                target[0] += number if counted else 0
    return {key: Tally(*sums) for key, sums in groups.items()}, Tally(*whole)
