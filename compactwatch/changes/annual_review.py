"""The annual review (2007 edition, 5.2): the review meeting of a year and the year's work
programme. The Compact officer records both (the County Council services the Compact
Development Group, 5.5); everyone may read them, as they are part of the Compact's public
record. Carrying the year's unfinished action items on is in action_plan.py.

Every change is audited with its old and new values; a save from an older version is
refused (Stale) with what changed since.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Max

from compactwatch.changes.action_plan import check_owner, check_year
from compactwatch.changes.base import (
    Actor,
    Invalid,
    NotFound,
    Refused,
    Stale,
    changes_since,
    changing,
)
from compactwatch.compacts.models import Compact
from compactwatch.monitoring.models import QUARTER_WORDS, ReviewMeeting, WorkProgrammeItem
from compactwatch.organisations.models import Organisation

OFFICERS_ONLY = "Only the Compact officer can record the annual review"
MEETING = "review meeting"
WORK = "work programme item"


def _require_officer(actor: Actor, compact: Compact) -> None:
    if not actor.is_officer(compact):
        raise Refused(OFFICERS_ONLY)


def _text(values: dict[str, Any], name: str, words: str, most: int) -> str:
    text = str(values.get(name) or "").strip()
    if len(text) > most:
        raise Invalid(f"{words} must be {most:,} characters or fewer (it is {len(text):,})", name)
    return text


# ---------------------------------------------------------------- the meeting


def meeting_of(compact: Compact, year: int) -> ReviewMeeting | None:
    return (
        ReviewMeeting.objects.filter(compact=compact, year=year)
        .prefetch_related("organisations")
        .first()
    )


def _meeting_snapshot(meeting: ReviewMeeting, organisations: Iterable[Organisation]) -> dict:
    return {
        "date": f"{meeting.date:%-d %B %Y}" if meeting.date else "",
        "who attended": meeting.attendees,
        "partners represented": ", ".join(sorted(org.name for org in organisations)),
        "minutes": meeting.minutes,
        "decisions": meeting.decisions,
    }


def record_meeting(
    actor: Actor,
    compact: Compact,
    year: Any,
    values: dict[str, Any],
    *,
    version: int | None = None,
) -> ReviewMeeting:
    """Record (or change) the review meeting of `year`: values date (required), attendees
    (one a line), organisations (partners represented), minutes, decisions (one a line).
    `version` is the version the officer read when changing it (Stale if it changed since);
    None when recording it for the first time (Stale if someone recorded it meanwhile)."""
    _require_officer(actor, compact)
    year = check_year(year)
    date = values.get("date")
    if not isinstance(date, datetime.date):
        raise Invalid("Enter the date of the meeting, like 14/5/2027", "date")
    organisations = list(values.get("organisations") or [])
    for org in organisations:
        if org.compact_id != compact.pk or not org.partner:
            raise Invalid(f"{org.name} is not a partner of {compact.name}", "organisations")
    fields = {
        "date": date,
        "attendees": _text(values, "attendees", "Who attended", 5000),
        "minutes": _text(values, "minutes", "The minutes", 50000),
        "decisions": _text(values, "decisions", "The decisions", 20000),
    }
    with changing():
        stored = (
            ReviewMeeting.objects.select_for_update().filter(compact=compact, year=year).first()
        )
        ref = f"{compact.slug}/{year}"
        if stored is not None and stored.version != (version or 0):
            raise Stale(stored, changes_since(compact, MEETING, ref, version or 0))
        meeting = stored or ReviewMeeting(compact=compact, year=year, created_by=actor.user)
        before = _meeting_snapshot(meeting, meeting.organisations.all()) if stored else None
        for name, value in fields.items():
            setattr(meeting, name, value)
        after = _meeting_snapshot(meeting, organisations)
        if before == after:
            return meeting
        meeting.version = stored.version + 1 if stored else 1
        meeting.save()
        meeting.organisations.set(organisations)
        actor.audit("changed" if stored else "created", MEETING, ref, compact=compact,
                    before=before, after=after, version=meeting.version,
                    summary=f"The annual review meeting of {year}")  # fmt: skip
    return meeting


# ---------------------------------------------------------------- the work programme


def programme(compact: Compact, year: int) -> list[WorkProgrammeItem]:
    """The year's work programme, in the order it starts (a quarter from its first day)."""
    items = WorkProgrammeItem.objects.filter(compact=compact, year=year).select_related("lead")
    return sorted(items, key=lambda item: (item.period_start, item.number))


def get_work_item(compact: Compact, year: int, number: int) -> WorkProgrammeItem:
    item = (
        WorkProgrammeItem.objects.filter(compact=compact, year=year, number=number)
        .select_related("lead", "compact")
        .first()
    )
    if item is None:
        raise NotFound("No such item in the work programme")
    return item


def _check_work(compact: Compact, year: int, values: dict[str, Any]) -> dict[str, Any]:
    title = str(values.get("title") or "").strip()
    if not title:
        raise Invalid("Enter the title", "title")
    if len(title) > 300:
        raise Invalid(f"The title must be 300 characters or fewer (it is {len(title)})", "title")
    kind, lead = check_owner(compact, values.get("lead_kind"), values.get("lead"), "lead")
    quarter = values.get("quarter") or None
    starts, ends = values.get("starts"), values.get("ends")
    if quarter is not None:
        try:
            quarter = int(quarter)
        except (TypeError, ValueError):
            raise Invalid("Choose a quarter from the list", "quarter") from None
        if quarter not in QUARTER_WORDS:
            raise Invalid("Choose a quarter from the list", "quarter")
        if starts or ends:
            raise Invalid("Give a quarter or dates, not both", "quarter")
    for name, day in (("starts", starts), ("ends", ends)):
        if day is not None and not isinstance(day, datetime.date):
            raise Invalid("Enter a date, like 1/4/2027", name)
    if starts and ends and ends < starts:
        raise Invalid(f"The end ({ends:%-d %B %Y}) must be on or after the start "
                      f"({starts:%-d %B %Y})", "ends")  # fmt: skip
    return {
        "title": title,
        "description": _text(values, "description", "The description", 5000),
        "lead_kind": kind, "lead": lead, "quarter": quarter, "starts": starts, "ends": ends,
    }  # fmt: skip


def _work_snapshot(item: WorkProgrammeItem) -> dict[str, Any]:
    return {
        "title": item.title, "description": item.description, "lead": item.lead_words,
        "when": item.when_words,
    }  # fmt: skip


def add_work_item(
    actor: Actor, compact: Compact, year: Any, values: dict[str, Any]
) -> WorkProgrammeItem:
    """Add a piece of work to the year's programme (the officer only): title, description,
    lead_kind ("partner" or "group"), lead (an Organisation for a partner), and a quarter
    (1 to 4) or dates (starts, ends)."""
    _require_officer(actor, compact)
    year = check_year(year)
    checked = _check_work(compact, year, values)
    with changing():
        Compact.objects.select_for_update().filter(pk=compact.pk).first()
        top = WorkProgrammeItem.objects.filter(compact=compact, year=year).aggregate(
            n=Max("number")
        )["n"]
        item = WorkProgrammeItem(compact=compact, year=year, number=(top or 0) + 1,
                                 created_by=actor.user, **checked)  # fmt: skip
        item.save()
        actor.audit("created", WORK, f"{year}-{item.number}", compact=compact,
                    after=_work_snapshot(item), version=item.version,
                    summary=f"Added to the {year} work programme: {item.title}")  # fmt: skip
    return item


def change_work_item(
    actor: Actor, item: WorkProgrammeItem, values: dict[str, Any], *, version: int | None
) -> WorkProgrammeItem:
    """Change a piece of the work programme (the officer only); Stale if it changed since
    `version`."""
    _require_officer(actor, item.compact)
    with changing():
        stored = WorkProgrammeItem.objects.select_for_update().filter(pk=item.pk).first()
        if stored is None:
            raise NotFound("No such item in the work programme")
        ref = f"{stored.year}-{stored.number}"
        if version is not None and stored.version != version:
            raise Stale(stored, changes_since(stored.compact, WORK, ref, version))
        current = {
            name: getattr(stored, name)
            for name in ("title", "description", "lead_kind", "lead", "quarter", "starts", "ends")
        }
        checked = _check_work(stored.compact, stored.year, {**current, **values})
        before = _work_snapshot(stored)
        for name, value in checked.items():
            setattr(stored, name, value)
        after = _work_snapshot(stored)
        if before != after:
            stored.version += 1
            stored.save()
            actor.audit("changed", WORK, ref, compact=stored.compact, before=before, after=after,
                        version=stored.version, summary=f"Changed {stored.title}")  # fmt: skip
    return stored
