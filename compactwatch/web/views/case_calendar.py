"""The deadlines of a Compact's open cases as an iCalendar feed (RFC 5545) for its officer,
built with the `icalendar` library, which folds long lines and escapes text as the RFC
requires.

Calendar apps subscribe without signing in, so the feed is reached by a secret address:
a keyed hash (HMAC, Django's SECRET_KEY) of the user, the Compact and the user's password
hash. Nothing is stored; changing the password ends the old address, as it ends password
reset links. The address only works while the user is the Compact's officer.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from icalendar import Calendar, Event

from compactwatch import permissions
from compactwatch.changes.base import Actor
from compactwatch.compacts.models import Compact
from compactwatch.disputes.models import Case
from compactwatch.web.views.case_words import capital, deadline_of

SALT = "compactwatch.cases.calendar"
MAX_EVENTS = 5000  # a feed, not an export: the officer's list pages through the rest


def calendar_token(user, compact: Compact) -> str:
    """The secret part of the user's feed address for `compact`."""
    return salted_hmac(
        SALT, f"{user.pk}:{compact.slug}:{user.password}", algorithm="sha256"
    ).hexdigest()[:40]


def calendar_url(request: HttpRequest, user, compact: Compact) -> str:
    path = reverse("web:case_calendar", args=[compact.slug, user.pk, calendar_token(user, compact)])
    return request.build_absolute_uri(path)


def _event(case: Case, today: date, url: str) -> Event | None:
    due = deadline_of(case, today)
    if due is None:
        return None
    event = Event()
    # One event for each case, its next deadline: a step moves it (SEQUENCE counts up).
    event.add("uid", f"{case.compact.slug}-{case.ref}@compactwatch")
    event.add("sequence", case.version)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", due.day)  # a whole day: a DATE value
    event.add(
        "summary", f"{case.ref}: {due.summary} ({case.raiser_words} and {case.other_party.name})"
    )
    how = f"{capital(due.explanation)}. " if due.explanation else ""
    event.add("description", f"{how}{due.tag} on {today:%d %B %Y}.\n{url}")
    event.add("url", url)
    return event


def deadlines_feed(request: HttpRequest, compact: str, user: int, token: str) -> HttpResponse:
    """text/calendar: one all-day event on each open case's next deadline."""
    the_compact = get_object_or_404(Compact, slug=compact)
    person = get_user_model().objects.filter(pk=user, is_active=True).first()
    if (
        person is None
        or not constant_time_compare(token, calendar_token(person, the_compact))
        or not permissions.is_officer(person, the_compact)
    ):
        raise Http404("No such calendar")
    calendar = Calendar()
    calendar.add("prodid", "-//compactwatch//Deadlines of disagreements//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{the_compact.name}: deadlines of cases")
    today = date.today()
    from compactwatch.changes.cases import visible_cases

    cases = (
        visible_cases(Actor(person, "calendar"), the_compact)
        .filter(closed=False, next_due__isnull=False)
        .select_related("compact", "raising_organisation", "other_party")
        .prefetch_related("steps")
        .order_by("next_due")[:MAX_EVENTS]
    )
    for case in cases:
        event = _event(case, today, request.build_absolute_uri(case.get_absolute_url()))
        if event is not None:
            calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{the_compact.slug}-cases.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
