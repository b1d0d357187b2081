"""Partners who join and leave: the public form with its check of the answers, the officer's
approval (a partner with its signature) or refusal with a reason, a partner's own details,
and leaving; each step audited, each refused to those who may not take it."""

from __future__ import annotations

import pytest
from django.db import connection

from compactwatch.audit.models import AuditEntry
from compactwatch.changes import joining
from compactwatch.changes.base import Actor, Invalid, Refused, Stale, Taken
from compactwatch.changes.register import save_organisation
from compactwatch.organisations.models import JoinRequest, Organisation

DATABASES = ["default"] if connection.vendor == "sqlite" else ["default", "jobs"]
pytestmark = pytest.mark.django_db(databases=DATABASES)
C = "/compacts/cambridgeshire"
ANSWERS = {
    "name": "Ely Food Bank", "sector": "voluntary", "kind": "charity",
    "charity_number": "1170001", "company_number": "", "org_id": "GB-CHC-1170001",
    "signer_name": "Asha Patel", "signer_role": "Chair of trustees",
    "signer_email": "asha@example.org", "lead_status": "nominated", "lead_name": "Sam Lee",
    "lead_role": "Board member", "agree": "on",
}  # fmt: skip


def send(client, **changed) -> object:
    """Fill in the public form, then accept the answers as checked."""
    answers = {**ANSWERS, **changed}
    response = client.post(f"{C}/join/", answers)
    assert response.status_code == 302, response.context["form"].errors
    return client.post(f"{C}/join/check/")


def public() -> Actor:
    from django.contrib.auth.models import AnonymousUser

    return Actor(AnonymousUser(), "form")


def test_the_public_form_checks_answers_then_sends_a_request(client, compact):
    assert "join the Compact" in client.get(f"{C}/register/").content.decode()
    assert f"{C}/join/" in client.get(f"{C}/").content.decode()
    assert client.post(f"{C}/join/", ANSWERS).url == f"{C}/join/check/"
    check = client.get(f"{C}/join/check/").content.decode()
    assert "Check your answers" in check and "Asha Patel" in check and "Sam Lee" in check
    assert "Charity" in check and "refreshed edition" in check
    assert "cambridgeshire-refreshed" not in check and "charity</dd>" not in check
    assert not JoinRequest.objects.exists()  # nothing is sent before the answers are checked
    sent = client.post(f"{C}/join/check/")
    assert sent.url == f"{C}/join/sent/"
    page = client.get(sent.url).content.decode()
    assert "Request sent" in page and "Ely Food Bank asked to join" in page
    asked = JoinRequest.objects.get()
    assert (asked.status, asked.edition.slug, asked.signer_name) == (
        "pending",
        "cambridgeshire-refreshed",
        "Asha Patel",
    )
    entry = AuditEntry.objects.get(record_type="join_request")
    assert entry.summary == "Ely Food Bank asked to join The Cambridgeshire Compact"
    assert entry.username == "" and entry.via == "form"
    # The answers are not kept once sent: the form starts empty again.
    assert client.get(f"{C}/join/check/").url == f"{C}/join/"


def test_a_change_from_the_check_page_keeps_the_other_answers(client, compact):
    client.post(f"{C}/join/", ANSWERS)
    form = client.get(f"{C}/join/").context["form"]
    assert form["signer_name"].value() == "Asha Patel" and form["lead_name"].value() == "Sam Lee"


@pytest.mark.parametrize(
    "changed, field, message",
    [
        ({"name": ""}, "name", "Enter the name of the organisation"),
        ({"signer_email": "asha"}, "signer_email", "Enter an email address in the correct"),
        ({"lead_name": ""}, "lead_name", "Enter the Compact lead's name"),
        ({"agree": ""}, "agree", "Confirm that you may sign for the organisation"),
        ({"name": "x" * 301}, "name", "must be 300 characters or fewer"),
        ({"signer_role": "x" * 201}, "signer_role", "must be 200 characters or fewer"),
    ],
)  # fmt: skip
def test_what_was_typed_is_kept_with_the_error(client, compact, changed, field, message):
    response = client.post(f"{C}/join/", {**ANSWERS, **changed})
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert form["charity_number"].value() == "1170001"
    assert form["signer_name"].value() == ANSWERS["signer_name"] or field == "signer_name"
    assert "There is a problem" in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_the_boundary_lengths_are_accepted(client, compact):
    response = client.post(f"{C}/join/", {**ANSWERS, "name": "x" * 300, "signer_role": "y" * 200})
    assert response.status_code == 302


def test_the_use_case_checks_what_a_form_would(compact):
    with pytest.raises(Invalid) as problem:
        joining.submit(public(), compact, {**ANSWERS, "name": "x" * 301})
    assert problem.value.field == "name"
    with pytest.raises(Invalid) as problem:
        joining.submit(public(), compact, {**ANSWERS, "lead_name": ""})
    assert problem.value.field == "lead_name"
    # None nominated: the lead's name and role are not kept.
    asked = joining.submit(public(), compact, {**ANSWERS, "lead_status": "none"})
    assert (asked.lead_name, asked.lead_role) == ("", "")


def test_one_request_waits_at_a_time_for_an_org_id_or_charity_number(client, compact):
    send(client)
    again = send(client, name="Ely Foodbank", org_id="")
    assert again.status_code == 200
    assert "already waiting for the Compact officer" in str(again.context["form"].errors)
    with pytest.raises(Taken):
        joining.submit(public(), compact, {**ANSWERS, "charity_number": ""})
    assert JoinRequest.objects.count() == 1
    assert send(client, name="Another group", org_id="", charity_number="999").status_code == 302


def test_a_partner_cannot_ask_to_join_again(compact):
    with pytest.raises(Taken) as problem:
        joining.submit(public(), compact,
                       {**ANSWERS, "name": "Hunts Forum", "org_id": "", "charity_number": ""})  # fmt: skip
    assert "Hunts Forum is already a partner" in problem.value.message


def test_the_officer_approves_and_the_register_lists_the_partner_with_its_signature(
    client, compact, officer
):
    send(client)
    asked = JoinRequest.objects.get()
    client.force_login(officer)
    listed = client.get(f"{C}/manage/joining/").content.decode()
    assert "Ely Food Bank" in listed and f"/manage/joining/{asked.pk}/" in listed
    check = client.get(f"{C}/manage/joining/{asked.pk}/").content.decode()
    assert "approving adds Ely Food Bank to it as a partner" in check
    response = client.post(f"{C}/manage/joining/{asked.pk}/", {"version": asked.version})
    assert response.status_code == 302
    food_bank = Organisation.objects.get(compact=compact, org_id="GB-CHC-1170001")
    assert food_bank.partner and food_bank.ref == "ely-food-bank"
    assert (food_bank.lead_status, food_bank.lead_name, food_bank.lead_role) == (
        "nominated",
        "Sam Lee",
        "board_member",
    )
    (signature,) = food_bank.signatures.all()
    assert signature.edition.slug == "cambridgeshire-refreshed"
    assert signature.signed_on == asked.submitted.date()
    assert food_bank.contacts.get().name == "Asha Patel"
    asked.refresh_from_db()
    assert (asked.status, asked.organisation, asked.decided_by) == ("approved", food_bank, officer)
    register = client.get(f"{C}/register/", {"q": "Ely Food"}).content.decode()
    assert "Ely Food Bank" in register and "Signed the refreshed edition on" in register
    trail = AuditEntry.objects.filter(username="officer").values_list("record_type", "summary")
    kinds = [kind for kind, _ in trail]
    assert {"organisation", "signature", "contact", "join_request"} <= set(kinds)
    assert ("join_request", "Ely Food Bank joined: Asha Patel (Chair of trustees) signed the "
            "refreshed edition") in list(trail)  # fmt: skip
    trail_page = client.get(f"{C}/manage/audit/").content.decode()
    assert "Ely Food Bank joined: Asha Patel (Chair of trustees) signed" in trail_page
    # A second approval (another tab) changes nothing.
    again = client.post(f"{C}/manage/joining/{asked.pk}/", {"version": asked.version})
    assert again.status_code == 200 and food_bank.signatures.count() == 1


def test_approving_an_organisation_known_from_data_makes_it_a_partner(compact, officer):
    save_organisation(Actor.system("test"), compact, "ely-food-bank-grants",
                      {"name": "ELY FOOD BANK LTD", "org_id": "GB-CHC-1170001", "partner": False,
                       "imported": True, "source": "A funder's grants"}, mode="create")  # fmt: skip
    asked = joining.submit(public(), compact, ANSWERS)
    assert joining.match(asked).ref == "ely-food-bank-grants"
    organisation = joining.approve(Actor(officer, "test"), compact, asked.pk, version=1)
    assert organisation.ref == "ely-food-bank-grants" and organisation.partner
    assert organisation.name == "ELY FOOD BANK LTD"  # what the register knew is kept
    assert organisation.charity_number == "1170001"  # and what it did not is filled in
    assert Organisation.objects.filter(compact=compact, org_id="GB-CHC-1170001").count() == 1
    assert organisation.signatures.count() == 1


def test_another_org_id_is_another_organisation_whatever_its_name(compact, officer):
    save_organisation(Actor.system("test"), compact, "other", {"name": "Ely Food Bank",
                      "org_id": "GB-CHC-9999999", "partner": False}, mode="create")  # fmt: skip
    asked = joining.submit(public(), compact, {**ANSWERS, "charity_number": ""})
    organisation = joining.approve(Actor(officer, "test"), compact, asked.pk, version=1)
    assert organisation.ref == "ely-food-bank" and organisation.org_id == "GB-CHC-1170001"


def test_declining_needs_a_reason(client, compact, officer):
    asked = joining.submit(public(), compact, ANSWERS)
    with pytest.raises(Invalid) as problem:
        joining.decline(Actor(officer, "test"), compact, asked.pk, version=1, reason="  ")
    assert problem.value.field == "reason"
    client.force_login(officer)
    url = f"{C}/manage/joining/{asked.pk}/decline/"
    empty = client.post(url, {"version": 1, "reason": ""})
    assert (
        empty.status_code == 200
        and "Enter why the request of Ely Food Bank is declined" in empty.content.decode()
    )
    assert client.post(url, {"version": 1, "reason": "x" * 2001}).status_code == 200
    assert JoinRequest.objects.get().status == "pending"
    done = client.post(url, {"version": 1, "reason": "Not based in Cambridgeshire"})
    assert done.status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.reason) == ("declined", "Not based in Cambridgeshire")
    assert not Organisation.objects.filter(name="Ely Food Bank").exists()
    entry = AuditEntry.objects.filter(record_type="join_request").latest("id")
    assert entry.changes["status"] == ["pending", "declined"] and entry.username == "officer"
    # Declined, it can ask again.
    assert joining.submit(public(), compact, ANSWERS).status == "pending"


def test_a_stale_version_is_refused(compact, officer):
    asked = joining.submit(public(), compact, ANSWERS)
    joining.decline(Actor(officer, "test"), compact, asked.pk, version=1, reason="No")
    with pytest.raises(Stale):
        joining.approve(Actor(officer, "test"), compact, asked.pk, version=1)
    assert not Organisation.objects.filter(name="Ely Food Bank").exists()


@pytest.mark.parametrize("role", ["anonymous", "group_member", "council_member"])
def test_only_the_officer_approves_or_declines(client, compact, request, role):
    asked = joining.submit(public(), compact, ANSWERS)
    user = None if role == "anonymous" else request.getfixturevalue(role)
    actor = public() if user is None else Actor(user, "test")
    with pytest.raises(Refused):
        joining.approve(actor, compact, asked.pk, version=1)
    with pytest.raises(Refused):
        joining.decline(actor, compact, asked.pk, version=1, reason="No")
    if user is not None:
        client.force_login(user)
    expected = 302 if user is None else 403
    for url in (f"{C}/manage/joining/", f"{C}/manage/joining/{asked.pk}/",
                f"{C}/manage/joining/{asked.pk}/decline/"):  # fmt: skip
        assert client.get(url).status_code == expected
        assert client.post(url, {"version": 1, "reason": "No"}).status_code == expected
    assert JoinRequest.objects.get().status == "pending"


def test_a_member_updates_its_own_details_and_contacts(client, compact, group_member):
    client.force_login(group_member)
    url = f"{C}/your-organisation/hunts-forum/"
    page = client.get(url)
    assert page.status_code == 200 and "Your organisation's details" in page.content.decode()
    forum = Organisation.objects.get(compact=compact, ref="hunts-forum")
    response = client.post(url, {"form": "details", "version": forum.version,
                                 "lead_status": "nominated", "lead_name": "Jo Bloggs",
                                 "lead_role": "Management committee member",
                                 "dbs_checks_paid": "true"})  # fmt: skip
    assert response.status_code == 302
    forum.refresh_from_db()
    assert (forum.lead_name, forum.lead_role, forum.dbs_checks_paid) == (
        "Jo Bloggs",
        "management_committee_member",
        True,
    )
    entry = AuditEntry.objects.filter(record_type="organisation", record_ref="hunts-forum").latest(
        "id"
    )
    assert entry.username == "group" and entry.changes["dbs_checks_paid"] == [None, True]
    # A save from the version read before is refused, and says who changed it.
    stale = client.post(url, {"form": "details", "version": forum.version - 1,
                              "lead_status": "none", "dbs_checks_paid": "false"})  # fmt: skip
    assert stale.status_code == 200 and "Changed since you opened it" in stale.content.decode()
    forum.refresh_from_db()
    assert forum.lead_name == "Jo Bloggs"
    added = client.post(url, {"form": "contact", "name": "Priya Shah", "role": "Manager",
                              "email": "priya@example.org", "phone": ""})  # fmt: skip
    assert added.status_code == 302
    contact = forum.contacts.get(name="Priya Shah")
    bad = client.post(url, {"form": "contact", "name": "", "email": "nope"})
    assert bad.status_code == 200 and bad.context["contact_form"].errors
    assert client.post(url, {"form": "remove", "contact": contact.pk}).status_code == 302
    assert not forum.contacts.filter(name="Priya Shah").exists()
    assert AuditEntry.objects.filter(record_type="contact", action="deleted").exists()


def test_a_member_leaves_and_the_records_and_signatures_stay(client, compact, group_member):
    forum = Organisation.objects.get(compact=compact, ref="hunts-forum")
    signatures = forum.signatures.count()
    assert signatures
    client.force_login(group_member)
    url = f"{C}/your-organisation/hunts-forum/leave/"
    assert "Leave the Compact" in client.get(url).content.decode()
    empty = client.post(url, {"version": forum.version, "reason": ""})
    assert empty.status_code == 200 and "Enter why Hunts Forum is leaving" in empty.content.decode()
    left = client.post(url, {"version": forum.version, "reason": "We have closed"})
    assert left.status_code == 302
    forum.refresh_from_db()
    assert not forum.partner and forum.signatures.count() == signatures
    assert not client.get(f"{C}/register/", {"q": "Hunts"}).context["page"].paginator.count
    entry = AuditEntry.objects.filter(record_ref="hunts-forum").latest("id")
    assert entry.summary == "Hunts Forum left The Cambridgeshire Compact: We have closed"
    assert entry.changes["partner"] == [True, False]


def test_the_officer_can_record_that_a_partner_left(compact, officer):
    forum = Organisation.objects.get(compact=compact, ref="hunts-forum")
    left = joining.leave(Actor(officer, "test"), forum, version=forum.version, reason="Closed")
    assert not left.partner


def test_another_partners_member_cannot_edit_or_leave_for_it(client, compact, council_member):
    forum = Organisation.objects.get(compact=compact, ref="hunts-forum")
    actor = Actor(council_member, "test")
    with pytest.raises(Refused):
        joining.update_details(actor, forum, {"lead_status": "none"}, version=forum.version)
    with pytest.raises(Refused):
        joining.leave(actor, forum, version=forum.version, reason="Not ours")
    with pytest.raises(Refused):
        joining.add_contact(actor, forum, {"name": "Mallory"})
    client.force_login(council_member)
    for url in (f"{C}/your-organisation/hunts-forum/", f"{C}/your-organisation/hunts-forum/leave/"):
        assert client.get(url).status_code == 403
        assert client.post(url, {"form": "details", "version": forum.version,
                                 "lead_status": "none", "reason": "x"}).status_code == 403  # fmt: skip
    client.logout()
    assert client.get(f"{C}/your-organisation/hunts-forum/").status_code == 302
    forum.refresh_from_db()
    assert forum.partner and forum.version == 1


@pytest.mark.parametrize(
    "values",
    [
        {"name": "Renamed by a member"},  # not the member's to change
        {"lead_name": "A. Person", "sector": "public"},  # one allowed field beside one not
        {"partner": True},  # joining again is the officer's decision
    ],
)
def test_a_member_changes_only_its_lead_and_dbs_undertaking(compact, group_member, values):
    from compactwatch.changes.base import changing
    from compactwatch.changes.register import write_organisation

    hunts = compact.organisations.get(ref="hunts-forum")
    audited = AuditEntry.objects.count()
    with pytest.raises(Refused), changing():
        write_organisation(Actor(group_member, "form"), compact, "hunts-forum", values,
                           mode="update", version=hunts.version)  # fmt: skip
    hunts.refresh_from_db()
    assert (hunts.name, hunts.sector, hunts.partner, hunts.lead_name) == (
        "Hunts Forum",
        "voluntary",
        True,
        compact.organisations.get(ref="hunts-forum").lead_name,
    )
    assert AuditEntry.objects.count() == audited


# Sending from one place, and two requests sent at the same moment ------------------------


@pytest.fixture(autouse=True)
def _fresh_limits():
    # The counts of requests to join live in Django's cache, which outlives a test.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_requests_to_join_from_one_address_are_limited(client, compact, settings, _fresh_limits):
    settings.JOIN_REQUESTS_PER_HOUR = 2
    assert send(client).status_code == 302
    assert send(client, name="Second group", org_id="", charity_number="2").status_code == 302
    # The next is refused before it is looked at, in a plain page; nothing is kept.
    client.post(f"{C}/join/", {**ANSWERS, "name": "Third group", "org_id": "",
                               "charity_number": "3"})  # fmt: skip
    refused = client.post(f"{C}/join/check/")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "At most 2 requests to join can be sent from one place in an hour" in page
    assert "Third group" not in page
    assert JoinRequest.objects.count() == 2
    assert client.get(f"{C}/join/check/").url == f"{C}/join/"  # the answers are gone
    # Another address is not held back by this one's count.
    other = client.post(f"{C}/join/", {**ANSWERS, "name": "Third group", "org_id": "",
                                       "charity_number": "3"}, REMOTE_ADDR="192.0.2.7")  # fmt: skip
    assert other.status_code == 302
    assert client.post(f"{C}/join/check/", REMOTE_ADDR="192.0.2.7").status_code == 302
    assert JoinRequest.objects.count() == 3


def test_the_limit_is_counted_per_hour(client, compact, settings, _fresh_limits, monkeypatch):
    from django.core.cache import cache

    settings.JOIN_REQUESTS_PER_HOUR = 1
    assert send(client).status_code == 302
    client.post(f"{C}/join/", {**ANSWERS, "name": "B", "org_id": "", "charity_number": "2"})
    assert client.post(f"{C}/join/check/").status_code == 429
    cache.clear()  # the hour has passed: its window has expired from the cache
    assert send(client, name="B", org_id="", charity_number="2").status_code == 302


def _stored_directly(compact, **values) -> None:
    """A pending request written without submit's own check, as a second request sent at
    the same moment would be."""
    from compactwatch.changes.base import changing

    with changing():
        JoinRequest.objects.create(compact=compact, edition=joining.edition_to_sign(compact),
                                   **{**{k: v for k, v in ANSWERS.items() if k != "agree"},
                                      **values})  # fmt: skip


@pytest.mark.parametrize(
    "first, second, stored",
    [
        ({"org_id": "GB-CHC-1170001", "charity_number": ""},
         {"org_id": "gb-chc-1170001", "charity_number": ""}, False),  # same org-id, any case
        ({"org_id": "", "charity_number": "1170001"},
         {"org_id": "", "charity_number": "1170001"}, False),  # same charity number
        ({"org_id": "", "charity_number": ""},
         {"org_id": "", "charity_number": ""}, True),  # blanks are no identifier
        ({"org_id": "GB-CHC-1", "charity_number": ""},
         {"org_id": "GB-CHC-2", "charity_number": ""}, True),
    ],
)  # fmt: skip
def test_the_database_holds_one_pending_request_per_identifier(compact, first, second, stored):
    from django.db import IntegrityError, transaction

    _stored_directly(compact, **first)
    try:
        with transaction.atomic():
            _stored_directly(compact, **second)
    except IntegrityError:
        assert not stored
    else:
        assert stored
    # Decided requests do not count: the same organisation may ask again.
    if not stored:
        from compactwatch.changes.base import changing

        with changing():
            JoinRequest.objects.update(status="declined")
        _stored_directly(compact, **second)


def test_submit_turns_the_databases_refusal_into_the_same_message(compact, monkeypatch):
    """The second of two requests sent at once passes submit's own check (the first is not
    yet stored when it looks) and is stopped by the database: the same Taken message."""
    joining.submit(public(), compact, ANSWERS)
    real = joining._taken
    calls = []

    def too_early(compact, values):  # the check as it ran before the first was stored
        calls.append(values)
        return real(compact, values) if len(calls) > 1 else joining.Taken("")

    monkeypatch.setattr(joining, "_taken", too_early)
    with pytest.raises(Taken) as problem:
        joining.submit(public(), compact, {**ANSWERS, "name": "Ely Foodbank"})
    assert problem.value.field == "org_id" and "already waiting" in problem.value.message
    assert JoinRequest.objects.count() == 1


@pytest.mark.django_db(databases=DATABASES, transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers: PostgreSQL's")
def test_two_requests_sent_at_the_same_moment_store_one(compact, monkeypatch):
    """Two threads, each with its own connection: both pass submit's own check before
    either stores its request (a barrier holds them there), so only the database's
    constraint stands between them and two pending requests."""
    import threading

    from django.db import connections

    barrier, checked = threading.Barrier(2), threading.Barrier(2)
    outcomes: list = [None, None]
    real, waited = joining._taken, set()

    def check_then_wait(compact, values):
        found = real(compact, values)
        if threading.get_ident() not in waited:  # the first check, not the one after
            waited.add(threading.get_ident())
            checked.wait(timeout=10)
        return found

    monkeypatch.setattr(joining, "_taken", check_then_wait)

    def send_one(position: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[position] = joining.submit(public(), compact,
                                                {**ANSWERS, "name": f"Ely {position}"})  # fmt: skip
        except Exception as error:  # judged below
            outcomes[position] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send_one, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["JoinRequest", "Taken"]
    assert JoinRequest.objects.filter(status="pending").count() == 1
