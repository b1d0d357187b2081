"""The annual review through its use cases (2007 edition, 5.2): the review meeting of a
year and the year's work programme, recorded by the Compact officer only, audited, with
stale saves refused."""

from __future__ import annotations

from datetime import date

import pytest
from case_helpers import COUNCIL, GROUP, THIRD, member_of, organisation

from compactwatch.audit.models import AuditEntry
from compactwatch.changes import annual_review as review
from compactwatch.changes.base import Actor, Invalid, Refused, Stale
from compactwatch.changes.register import save_organisation
from compactwatch.guard import WriteOutsideWayIn
from compactwatch.monitoring.models import OwnerKind, ReviewMeeting, WorkProgrammeItem

pytestmark = pytest.mark.django_db
YEAR = 2026


def meeting_values(compact, **changes):
    base = {
        "date": date(YEAR + 1, 5, 14),
        "attendees": "Jo Smith, Cambridge CVS\n\n  Sam Patel, Cambridgeshire County Council  ",
        "organisations": [organisation(compact, COUNCIL), organisation(compact, GROUP)],
        "minutes": "The group reviewed the year's plan.",
        "decisions": "Carry the unfinished items on\nRun the survey in May",
    }
    return {**base, **changes}


def work_values(compact, **changes):
    base = {
        "title": "Run the annual survey of partners",
        "description": "Ask every partner how the Compact is working for them",
        "lead_kind": OwnerKind.DEVELOPMENT_GROUP,
        "lead": None,
        "quarter": 2,
        "starts": None,
        "ends": None,
    }
    return {**base, **changes}


# ---------------------------------------------------------------- the meeting


def test_the_officer_records_the_meeting_once_a_year(compact, officer):
    meeting = review.record_meeting(Actor(officer, "test"), compact, YEAR, meeting_values(compact))
    assert meeting.version == 1
    assert meeting.attendee_lines == ["Jo Smith, Cambridge CVS",
                                      "Sam Patel, Cambridgeshire County Council"]  # fmt: skip
    assert meeting.decision_lines == ["Carry the unfinished items on", "Run the survey in May"]
    assert {org.ref for org in meeting.organisations.all()} == {COUNCIL, GROUP}
    entry = AuditEntry.objects.get(record_type="review meeting")
    assert entry.action == "created" and entry.record_ref == f"{compact.slug}/{YEAR}"


def test_changing_the_meeting_needs_the_version_read(compact, officer):
    actor = Actor(officer, "test")
    review.record_meeting(actor, compact, YEAR, meeting_values(compact))
    changed = review.record_meeting(actor, compact, YEAR,
                                    meeting_values(compact, minutes="Corrected"), version=1)  # fmt: skip
    assert (changed.minutes, changed.version) == ("Corrected", 2)
    with pytest.raises(Stale):  # read at version 1, changed since
        review.record_meeting(actor, compact, YEAR, meeting_values(compact, minutes="Old"),
                              version=1)  # fmt: skip
    with pytest.raises(Stale):  # "record it for the first time" after someone else did
        review.record_meeting(actor, compact, YEAR, meeting_values(compact, minutes="Mine"))
    assert ReviewMeeting.objects.get().minutes == "Corrected"


@pytest.mark.parametrize("who", ["council_member", "group_member"])
def test_only_the_officer_records_the_meeting(compact, who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(Refused):
        review.record_meeting(Actor(user, "test"), compact, YEAR, meeting_values(compact))
    assert not ReviewMeeting.objects.exists()


@pytest.mark.parametrize(
    "changes, field",
    [({"date": None}, "date"), ({"date": "14 May"}, "date"),
     ({"minutes": "x" * 50001}, "minutes"), ({"attendees": "x" * 5001}, "attendees")],
)  # fmt: skip
def test_invalid_meetings_are_refused_naming_the_field(compact, officer, changes, field):
    with pytest.raises(Invalid) as refused:
        review.record_meeting(Actor(officer, "test"), compact, YEAR,
                              meeting_values(compact, **changes))  # fmt: skip
    assert refused.value.field == field


def test_an_organisation_that_is_not_a_partner_cannot_attend(compact, officer):
    outsider = save_organisation(Actor.system("test"), compact, "outsider",
                                 {"name": "Outsider Ltd", "partner": False}, mode="create")  # fmt: skip
    with pytest.raises(Invalid) as refused:
        review.record_meeting(Actor(officer, "test"), compact, YEAR,
                              meeting_values(compact, organisations=[outsider]))  # fmt: skip
    assert refused.value.field == "organisations"


# ---------------------------------------------------------------- the work programme


def test_the_officer_adds_and_changes_the_work_programme(compact, officer):
    actor = Actor(officer, "test")
    first = review.add_work_item(actor, compact, YEAR, work_values(compact))
    second = review.add_work_item(actor, compact, YEAR, work_values(
        compact, title="Train funders", lead_kind=OwnerKind.PARTNER,
        lead=organisation(compact, COUNCIL), quarter=None,
        starts=date(YEAR, 9, 1), ends=date(YEAR, 10, 31)))  # fmt: skip
    assert (first.number, second.number) == (1, 2)
    assert (first.lead_words, first.when_words) == ("The Compact Development Group",
                                                    "April to June")  # fmt: skip
    assert second.when_words == f"1 September {YEAR} to 31 October {YEAR}"
    changed = review.change_work_item(actor, first, {"quarter": 3}, version=1)
    assert (changed.when_words, changed.version) == ("July to September", 2)
    with pytest.raises(Stale):
        review.change_work_item(actor, first, {"title": "Late"}, version=1)
    assert [item.title for item in review.programme(compact, YEAR)] == [
        "Run the annual survey of partners", "Train funders"]  # fmt: skip


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"title": ""}, "title"),
        ({"quarter": 5}, "quarter"),
        ({"quarter": 1, "starts": date(YEAR, 1, 1)}, "quarter"),
        ({"quarter": None, "starts": date(YEAR, 5, 2), "ends": date(YEAR, 5, 1)}, "ends"),
        ({"lead_kind": OwnerKind.PARTNER, "lead": None}, "lead"),
    ],
)
def test_invalid_work_items_are_refused_naming_the_field(compact, officer, changes, field):
    with pytest.raises(Invalid) as refused:
        review.add_work_item(Actor(officer, "test"), compact, YEAR, work_values(compact, **changes))
    assert refused.value.field == field


def test_a_piece_of_work_may_start_and_end_on_one_day(compact, officer):
    day = date(YEAR, 5, 1)
    item = review.add_work_item(Actor(officer, "test"), compact, YEAR,
                                work_values(compact, quarter=None, starts=day, ends=day))  # fmt: skip
    assert item.when_words == f"1 May {YEAR} to 1 May {YEAR}"


def test_partners_cannot_change_the_work_programme_even_what_they_lead(compact, officer):
    member = member_of(compact, THIRD, "third")
    item = review.add_work_item(Actor(officer, "test"), compact, YEAR, work_values(
        compact, lead_kind=OwnerKind.PARTNER, lead=organisation(compact, THIRD)))  # fmt: skip
    with pytest.raises(Refused):
        review.change_work_item(Actor(member, "test"), item, {"title": "Ours"}, version=1)
    with pytest.raises(Refused):
        review.add_work_item(Actor(member, "test"), compact, YEAR, work_values(compact))
    assert WorkProgrammeItem.objects.get().title == "Run the annual survey of partners"


def test_the_work_programme_refuses_writes_outside_the_way_in(compact, officer):
    item = review.add_work_item(Actor(officer, "test"), compact, YEAR, work_values(compact))
    with pytest.raises(WriteOutsideWayIn):
        item.save()


def test_the_demonstration_plan_has_every_status_overdue_items_and_a_review(compact, client):
    from compactwatch.demo_monitoring import load_demo_monitoring
    from compactwatch.monitoring.models import ActionItem, Status

    today = date(2026, 11, 26)
    made = load_demo_monitoring(compact, today)
    items = ActionItem.objects.filter(compact=compact)
    assert made == items.count() > 0
    assert set(items.values_list("status", flat=True)) == set(Status.values)
    assert items.overdue(today).filter(year=2026).exists()
    assert items.filter(year=2026, carried_from__isnull=False).count() == 2
    assert ReviewMeeting.objects.filter(compact=compact, year=2025).exists()
    assert load_demo_monitoring(compact, today) == 0  # once only
    assert items.count() == made
    for path in ("/compacts/cambridgeshire/action-plan/2025/",
                 "/compacts/cambridgeshire/action-plan/2026/",
                 "/compacts/cambridgeshire/annual-review/2025/",
                 "/compacts/cambridgeshire/annual-review/2026/"):  # fmt: skip
        assert client.get(path).status_code == 200, path


def test_the_carry_page_lists_what_will_be_carried_then_carries_it_once(client, compact,
                                                                        officer):  # fmt: skip
    from compactwatch.changes import action_plan
    from compactwatch.monitoring.models import ActionItem, Status

    actor = Actor(officer, "test")
    for title, status in (("Unfinished", Status.IN_PROGRESS), ("Finished", Status.DONE)):
        action_plan.add_item(actor, compact, YEAR, {
            "title": title, "success": "Seen", "owner_kind": OwnerKind.DEVELOPMENT_GROUP,
            "status": status, "commitment": "cambridgeshire-refreshed/2.4"})  # fmt: skip
    client.force_login(officer)
    url = f"/compacts/cambridgeshire/annual-review/{YEAR}/carry/"
    page = client.get(url).content.decode()
    assert "Unfinished" in page and "Finished<" not in page and "Carry 1 item into 2027" in page
    assert ActionItem.objects.filter(year=YEAR + 1).count() == 0  # looking carries nothing
    assert client.post(url).status_code == 302
    client.post(url)  # the button pressed twice
    assert list(ActionItem.objects.filter(year=YEAR + 1).values_list("title", flat=True)) == [
        "Unfinished"]  # fmt: skip
    assert "Nothing to carry" in client.get(url).content.decode()
