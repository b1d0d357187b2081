"""The action plan through its use cases (2007 edition, 5.2): who may add and change items
(decided on the stored item), stale saves, overdue at the due date's boundary, progress
notes that nobody can change, and carrying a year on exactly once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from case_helpers import COUNCIL, GROUP, THIRD, member_of, organisation
from django.contrib.auth.models import AnonymousUser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compactwatch.audit.models import AuditEntry
from compactwatch.changes import action_plan as plan
from compactwatch.changes.base import Actor, Invalid, Refused, Stale
from compactwatch.changes.cases import set_development_group_member
from compactwatch.guard import WriteOutsideWayIn, way_in
from compactwatch.monitoring.models import ActionItem, OwnerKind, ProgressNote, Status

pytestmark = pytest.mark.django_db
YEAR = 2026
COMMITMENT = "cambridgeshire-refreshed/2.4"


def values(compact, **changes):
    base = {
        "title": "Publish every consultation on one web page",
        "success": "Every consultation of 2026 is listed, with its dates",
        "owner_kind": OwnerKind.PARTNER,
        "owner": organisation(compact, COUNCIL),
        "due": date(YEAR, 9, 30),
        "status": Status.NOT_STARTED,
        "commitment": COMMITMENT,
        "indicator": "",
    }
    return {**base, **changes}


@pytest.fixture
def item(compact, officer):
    return plan.add_item(Actor(officer, "test"), compact, YEAR, values(compact))


@pytest.fixture
def council(compact):
    return member_of(compact, COUNCIL, "cncl")


@pytest.fixture
def other(compact):
    return member_of(compact, THIRD, "third")


def fresh(item):
    return ActionItem.objects.get(pk=item.pk)


# ---------------------------------------------------------------- adding


def test_the_officer_adds_items_numbered_in_their_year_and_audited(compact, officer, item):
    second = plan.add_item(Actor(officer, "test"), compact, YEAR, values(compact, title="Two"))
    assert (item.ref, second.ref) == (f"{YEAR}-1", f"{YEAR}-2")
    assert item.owner_words == "Cambridgeshire County Council"
    entry = AuditEntry.objects.get(record_type="action item", record_ref=item.ref)
    assert entry.action == "created" and entry.username == "officer"


@pytest.mark.parametrize("who", ["council", "group_member", None])
def test_only_the_officer_adds_items(compact, who, request):
    user = request.getfixturevalue(who) if who else None
    # Actor(None) is the operator at the command line; a visitor is AnonymousUser.
    actor = Actor(user or AnonymousUser(), "test")
    with pytest.raises(Refused):
        plan.add_item(actor, compact, YEAR, values(compact))
    assert not ActionItem.objects.exists()


def test_the_development_group_can_own_an_item_without_an_organisation(compact, officer):
    item = plan.add_item(Actor(officer, "test"), compact, YEAR,
                         values(compact, owner_kind=OwnerKind.DEVELOPMENT_GROUP))  # fmt: skip
    assert item.owner is None
    assert item.owner_words == "The Compact Development Group"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"success": ""}, "success"),
        ({"owner": None}, "owner"),
        ({"status": "finished"}, "status"),
        ({"commitment": "cambridgeshire-refreshed/99.9"}, "commitment"),
        ({"commitment": ""}, "commitment"),  # neither a commitment nor an indicator
        ({"indicator": "no-such-indicator"}, "indicator"),
    ],
)
def test_invalid_items_are_refused_naming_the_field(compact, officer, changes, field):
    with pytest.raises(Invalid) as refused:
        plan.add_item(Actor(officer, "test"), compact, YEAR, values(compact, **changes))
    assert refused.value.field == field


def test_a_title_of_exactly_300_characters_is_kept(compact, officer):
    item = plan.add_item(Actor(officer, "test"), compact, YEAR, values(compact, title="x" * 300))
    assert len(item.title) == 300


def test_an_owner_that_is_not_a_partner_is_refused(compact, officer):
    from compactwatch.changes.register import save_organisation

    outsider = save_organisation(Actor.system("test"), compact, "outsider",
                                 {"name": "Outsider Ltd", "partner": False}, mode="create")  # fmt: skip
    with pytest.raises(Invalid) as refused:
        plan.add_item(Actor(officer, "test"), compact, YEAR, values(compact, owner=outsider))
    assert refused.value.field == "owner" and "Outsider Ltd" in refused.value.message


@pytest.mark.parametrize("year", [1999, 2101, "twenty"])
def test_plan_years_outside_the_range_are_refused(compact, officer, year):
    with pytest.raises(Invalid) as refused:
        plan.add_item(Actor(officer, "test"), compact, year, values(compact))
    assert refused.value.field == "year"


# ---------------------------------------------------------------- changing


def test_the_officer_changes_any_field(officer, item, compact):
    changed = plan.change_item(Actor(officer, "test"), item, {"title": "New words",
                               "owner_kind": OwnerKind.DEVELOPMENT_GROUP, "owner": None},
                               version=1)  # fmt: skip
    assert (changed.title, changed.owner, changed.version) == ("New words", None, 2)
    entry = AuditEntry.objects.filter(record_ref=item.ref, action="changed").get()
    assert entry.changes["what will be done"] == [
        "Publish every consultation on one web page",
        "New words",
    ]


def test_the_owners_member_changes_its_status(council, item):
    changed = plan.set_status(Actor(council, "test"), item, Status.IN_PROGRESS, version=1)
    assert changed.status == Status.IN_PROGRESS and changed.version == 2


def test_the_owners_member_cannot_change_other_fields(council, item):
    with pytest.raises(Refused):
        plan.change_item(Actor(council, "test"), item, {"title": "Ours now"}, version=1)
    with pytest.raises(Refused):
        plan.change_item(Actor(council, "test"), item, {"status": Status.DONE,
                         "due": date(YEAR + 5, 1, 1)}, version=1)  # fmt: skip
    assert fresh(item).title == item.title and fresh(item).version == 1


def test_a_member_of_another_partner_cannot_change_this_partners_item(other, item):
    with pytest.raises(Refused):
        plan.set_status(Actor(other, "test"), item, Status.DONE, version=1)
    with pytest.raises(Refused):
        plan.add_note(Actor(other, "test"), item, "Done it for them")
    assert fresh(item).status == Status.NOT_STARTED and not ProgressNote.objects.exists()


def test_permission_is_decided_on_the_stored_owner_not_the_new_values(
    compact, officer, council, other, item
):
    # The council's member cannot take over the third partner's item by naming the council
    # as its owner, nor give its own item away.
    theirs = plan.add_item(Actor(officer, "test"), compact, YEAR,
                           values(compact, owner=organisation(compact, THIRD)))  # fmt: skip
    with pytest.raises(Refused):
        plan.change_item(Actor(council, "test"), theirs,
                         {"owner": organisation(compact, COUNCIL), "status": Status.DONE},
                         version=1)  # fmt: skip
    with pytest.raises(Refused):
        plan.change_item(Actor(council, "test"), item,
                         {"owner": organisation(compact, THIRD)}, version=1)  # fmt: skip
    assert fresh(theirs).owner.ref == THIRD and fresh(item).owner.ref == COUNCIL


def test_development_group_members_update_the_groups_items_only(compact, officer, item):
    member = member_of(compact, GROUP, "cdg")
    set_development_group_member(Actor(officer, "test"), compact, member, True)
    groups = plan.add_item(Actor(officer, "test"), compact, YEAR,
                           values(compact, owner_kind=OwnerKind.DEVELOPMENT_GROUP))  # fmt: skip
    plan.set_status(Actor(member, "test"), groups, Status.IN_PROGRESS, version=1)
    assert fresh(groups).status == Status.IN_PROGRESS
    with pytest.raises(Refused):
        plan.set_status(Actor(member, "test"), item, Status.DONE, version=1)


def test_a_stale_change_is_refused_with_who_changed_it(officer, council, item):
    plan.set_status(Actor(council, "test"), item, Status.IN_PROGRESS, version=1)
    with pytest.raises(Stale) as stale:
        plan.change_item(Actor(officer, "test"), item, {"title": "Late"}, version=1)
    assert "cncl" in stale.value.message
    assert fresh(item).title != "Late"


def test_changing_nothing_saves_nothing(officer, item):
    plan.change_item(Actor(officer, "test"), item, {"title": item.title}, version=1)
    assert fresh(item).version == 1
    assert not AuditEntry.objects.filter(record_ref=item.ref, action="changed").exists()


# ---------------------------------------------------------------- overdue


@pytest.mark.parametrize(
    "days_after_due, status, overdue",
    [
        (-1, Status.NOT_STARTED, False),
        (0, Status.NOT_STARTED, False),  # due today: not yet overdue
        (1, Status.NOT_STARTED, True),
        (1, Status.IN_PROGRESS, True),
        (1, Status.DONE, False),
        (1, Status.DROPPED, False),
    ],
)
def test_overdue_is_computed_at_the_due_date_boundary(compact, officer, days_after_due, status,
                                                      overdue):  # fmt: skip
    due = date(YEAR, 6, 30)
    item = plan.add_item(Actor(officer, "test"), compact, YEAR,
                         values(compact, due=due, status=status))  # fmt: skip
    day = due + timedelta(days=days_after_due)
    assert item.overdue_on(day) is overdue
    assert ActionItem.objects.overdue(day).filter(pk=item.pk).exists() is overdue


def test_an_item_without_a_due_date_is_never_overdue(compact, officer):
    item = plan.add_item(Actor(officer, "test"), compact, YEAR, values(compact, due=None))
    assert not item.overdue_on(date(2099, 1, 1))


@settings(max_examples=40, deadline=None)
@given(due=st.dates(date(2000, 1, 1), date(2100, 1, 1)),
       day=st.dates(date(2000, 1, 1), date(2100, 1, 1)),
       status=st.sampled_from(Status.values))  # fmt: skip
def test_overdue_means_past_due_and_unfinished(due, day, status):
    item = ActionItem(due=due, status=status)  # never saved: the rule is on the values
    assert item.overdue_on(day) == (day > due and status in ("not_started", "in_progress"))


# ---------------------------------------------------------------- progress notes


def test_the_owner_adds_a_note_and_changes_the_status_with_it(council, item):
    note = plan.add_note(Actor(council, "test"), item, "Draft page written",
                         status=Status.IN_PROGRESS, version=1)  # fmt: skip
    assert (note.username, note.status_to, fresh(item).status) == (
        "cncl", Status.IN_PROGRESS, Status.IN_PROGRESS)  # fmt: skip
    assert AuditEntry.objects.filter(record_ref=item.ref, action="added a progress note").exists()


def test_an_empty_note_is_refused(council, item):
    with pytest.raises(Invalid) as refused:
        plan.add_note(Actor(council, "test"), item, "   ")
    assert refused.value.field == "text"


def test_a_note_with_a_stale_status_change_saves_nothing(officer, council, item):
    plan.set_status(Actor(officer, "test"), item, Status.DROPPED, version=1)
    with pytest.raises(Stale):
        plan.add_note(Actor(council, "test"), item, "Started", status=Status.IN_PROGRESS,
                      version=1)  # fmt: skip
    assert not ProgressNote.objects.exists() and fresh(item).status == Status.DROPPED


def test_progress_notes_cannot_be_changed_or_deleted(council, item):
    note = plan.add_note(Actor(council, "test"), item, "First")
    with way_in():  # not even through the one way in
        note.text = "Rewritten"
        with pytest.raises(PermissionError):
            note.save()
        with pytest.raises(PermissionError):
            note.delete()
        with pytest.raises(PermissionError):
            ProgressNote.objects.filter(pk=note.pk).update(text="Rewritten")
        with pytest.raises(PermissionError):
            ProgressNote.objects.all().delete()
    assert ProgressNote.objects.get().text == "First"


def test_items_refuse_writes_outside_the_way_in(item):
    item.title = "Sneaked"
    with pytest.raises(WriteOutsideWayIn):
        item.save()
    with pytest.raises(WriteOutsideWayIn):
        ProgressNote(item=item, text="Sneaked").save()


# ---------------------------------------------------------------- carrying a year on


@pytest.fixture
def year_of_items(compact, officer):
    officer_actor = Actor(officer, "test")
    made = {}
    for status, due in [(Status.NOT_STARTED, date(YEAR, 3, 1)),
                        (Status.IN_PROGRESS, date(YEAR + 1, 3, 1)),
                        (Status.DONE, None), (Status.DROPPED, None)]:  # fmt: skip
        made[status] = plan.add_item(officer_actor, compact, YEAR,
                                     values(compact, title=f"Item {status}", status=status,
                                            due=due))  # fmt: skip
    return made


def test_carrying_takes_the_unfinished_items_into_next_year(compact, officer, year_of_items):
    assert [i.title for i in plan.to_be_carried(compact, YEAR)] == [
        "Item not_started", "Item in_progress"]  # fmt: skip
    carried = plan.carry_unfinished(Actor(officer, "test"), compact, YEAR)
    assert [(i.year, i.number, i.title, i.status) for i in carried] == [
        (YEAR + 1, 1, "Item not_started", Status.NOT_STARTED),
        (YEAR + 1, 2, "Item in_progress", Status.IN_PROGRESS),
    ]
    started, going = year_of_items[Status.NOT_STARTED], year_of_items[Status.IN_PROGRESS]
    assert carried[0].carried_from == started and fresh(started).is_carried
    assert fresh(started).version == 2  # a form opened on the old item is now stale
    # A due date in the year that ended is left to be set again; a later one stands.
    assert (carried[0].due, carried[1].due) == (None, going.due)
    assert not fresh(year_of_items[Status.DONE]).is_carried
    assert AuditEntry.objects.filter(action="carried", record_ref=started.ref).exists()


def test_carrying_twice_carries_once(compact, officer, year_of_items):
    first = plan.carry_unfinished(Actor(officer, "test"), compact, YEAR)
    again = plan.carry_unfinished(Actor(officer, "test"), compact, YEAR)
    assert len(first) == 2 and again == []
    assert ActionItem.objects.filter(year=YEAR + 1).count() == 2
    assert plan.to_be_carried(compact, YEAR) == []


def test_carrying_numbers_after_items_already_in_next_years_plan(compact, officer,
                                                                 year_of_items):  # fmt: skip
    plan.add_item(Actor(officer, "test"), compact, YEAR + 1, values(compact, title="New"))
    carried = plan.carry_unfinished(Actor(officer, "test"), compact, YEAR)
    assert [i.number for i in carried] == [2, 3]


def test_only_the_officer_carries_a_year_on(compact, council, year_of_items):
    with pytest.raises(Refused):
        plan.carry_unfinished(Actor(council, "test"), compact, YEAR)
    assert not ActionItem.objects.filter(year=YEAR + 1).exists()


def test_an_item_may_serve_an_indicator_of_the_compacts_file_alone(compact, officer):
    item = plan.add_item(Actor(officer, "test"), compact, YEAR,
                         values(compact, commitment="", indicator="consultations-full-length"))  # fmt: skip
    assert item.indicator == "consultations-full-length"
    assert ("consultations-full-length", "Consultations of 12 weeks, or with a reason for less") in (
        plan.indicator_choices(compact))  # fmt: skip


# ---------------------------------------------------------------- the pages


def _edit_post(item, **changes):
    data = {"title": item.title, "success": item.success, "owner_kind": "partner",
            "owner": item.owner_id, "due": "2026-09-30", "status": item.status,
            "commitment": item.commitment, "indicator": "", "version": 1}  # fmt: skip
    return {**data, **changes}


def test_a_stale_form_keeps_what_was_typed_and_shows_what_changed(client, officer, council,
                                                                  item):  # fmt: skip
    plan.set_status(Actor(council, "test"), item, Status.IN_PROGRESS, version=1)
    client.force_login(officer)
    url = f"/compacts/cambridgeshire/action-plan/{YEAR}/1/change/"
    response = client.post(url, _edit_post(item, title="My new words"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Changed since you opened it" in page and "cncl" in page and "In progress" in page
    assert 'value="My new words"' in page
    assert fresh(item).title != "My new words"


def test_a_note_form_names_the_missing_field_and_the_page_is_public(client, council, item):
    client.force_login(council)
    url = f"/compacts/cambridgeshire/action-plan/{YEAR}/1/"
    response = client.post(url, {"text": "", "status": "", "version": 1})
    assert "Enter the progress made" in response.content.decode()
    client.post(url, {"text": "Page drafted", "status": "in_progress", "version": 1})
    client.logout()
    public = client.get(url).content.decode()
    assert "Page drafted" in public and "Add a progress note" not in public
    assert "2.4 12-week formal written consultation" in public  # the commitment in words
    assert "cambridgeshire-refreshed/2.4" not in public


def test_no_such_item_or_year_is_404(client, item):
    assert client.get(f"/compacts/cambridgeshire/action-plan/{YEAR}/9/").status_code == 404
    assert client.get("/compacts/cambridgeshire/action-plan/1066/").status_code == 404


def test_the_plan_marks_overdue_items_in_words(client, compact, officer):
    actor = Actor(officer, "test")
    plan.add_item(actor, compact, 2020, values(compact, title="Late one", due=date(2020, 3, 1)))
    plan.add_item(actor, compact, 2020, values(compact, title="Done one", due=date(2020, 3, 1),
                                               status=Status.DONE))  # fmt: skip
    page = client.get("/compacts/cambridgeshire/action-plan/2020/").content.decode()
    assert "1 of them is overdue" in page
    assert page.count('govuk-tag govuk-tag--red">Overdue') == 1
    assert page.index("Late one") < page.index("Overdue") < page.index("Done one")
    assert "cambridgeshire-refreshed/2.4" not in page and "not_started" not in page


_years = iter(range(2030, 2100, 2))


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(statuses=st.lists(st.sampled_from(Status.values), max_size=5))
def test_carrying_any_plan_carries_each_unfinished_item_exactly_once(compact, officer, statuses):
    year = next(_years)  # each example a plan of its own year, in the one test database
    actor = Actor(officer, "test")
    for number, status in enumerate(statuses):
        plan.add_item(actor, compact, year, values(compact, title=f"Item {number}",
                                                   status=status))  # fmt: skip
    first = plan.carry_unfinished(actor, compact, year)
    second = plan.carry_unfinished(actor, compact, year)
    unfinished = [f"Item {n}" for n, s in enumerate(statuses) if s in ("not_started",
                                                                       "in_progress")]  # fmt: skip
    assert [item.title for item in first] == unfinished and second == []
    carried = ActionItem.objects.filter(compact=compact, year=year + 1)
    assert sorted(carried.values_list("carried_from__title", flat=True)) == sorted(unfinished)
