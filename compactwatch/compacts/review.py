"""Whether a Compact is due a review: the edition in force is older than the review period
(a data file, compacts/data/review.yaml, citing its source) and no draft of a new edition
was started since."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml
from django.utils import timezone

from compactwatch.compact.dates import add_period, format_date
from compactwatch.compacts.models import Compact, Edition, EditionDraft


@cache
def review_rule() -> dict[str, Any]:
    """The review period and its source, as the data file gives them."""
    text = resources.files("compactwatch.compacts.data").joinpath("review.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def edition_in_force(compact: Compact, day: date) -> Edition | None:
    """The stored edition in force on `day`: the newest to come into force by then."""
    return compact.editions.filter(in_force_from__lte=day).order_by("-in_force_from", "-pk").first()


def whole_years(start: date, day: date) -> int:
    """The number of whole years from `start` to `day` (the corresponding-date rule)."""
    years = day.year - start.year
    while years > 0 and add_period(start, years, "years") > day:
        years -= 1
    return max(years, 0)


@dataclass(frozen=True)
class ReviewDue:
    edition: Edition
    years: int
    last_draft: date | None
    message: str


def review_due(compact: Compact, today: date) -> ReviewDue | None:
    """The warning to show when the edition in force came into force more than the review
    period ago and no draft was started since (counting from the later of the two)."""
    edition = edition_in_force(compact, today)
    if edition is None:
        return None
    rule = review_rule()["review_every"]
    started = (
        EditionDraft.objects.filter(compact=compact).order_by("-created").values_list(
            "created", flat=True
        ).first()
    )  # fmt: skip
    last_draft = timezone.localdate(started) if started else None
    since = max(edition.in_force_from, last_draft or date.min)
    if today <= add_period(since, rule["value"], rule["unit"]):
        return None
    years = whole_years(edition.in_force_from, today)
    name = (
        edition.document.get("short_name")
        or edition.document.get("edition_name")
        or (edition.title)
    )
    ago = f"{years} year{'' if years == 1 else 's'} ago" if years else "less than a year ago"
    message = (
        f"The edition in force ({name}) came into force on {format_date(edition.in_force_from)}, "
        f"{ago}. "
    )
    if last_draft is not None and last_draft > edition.in_force_from:
        message += (
            f"The last draft of a new edition was started on {format_date(last_draft)}, "
            f"{whole_years(last_draft, today)} years ago. "
        )
    message += (
        f"{review_rule()['source']} suggests reviewing a local Compact at least every "
        f"{rule['in_words']}: start a draft of a new edition."
    )
    return ReviewDue(edition, years, last_draft, message)
