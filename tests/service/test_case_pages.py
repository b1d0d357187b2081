"""Disagreements on the web (issue 13): raising a concern (a partner's form, from a not-met
finding, and the public's form that the officer accepts), the case page (deadline with how
it was worked out and its status, the steps the viewer may take, stale steps, confidential
notes), the lists of cases and the officer's calendar feed, and the route page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from icalendar import Calendar
from service_fixtures import PASSWORD, save_record

from compactwatch.changes import cases as use
from compactwatch.changes.base import Actor
from compactwatch.changes.register import add_membership
from compactwatch.disputes.models import Case, Step
from compactwatch.findings.models import Finding
from compactwatch.organisations.models import Organisation
from compactwatch.records.models import FundingAgreement, FundingChange
from compactwatch.web.views.case_calendar import calendar_token

DATABASES = ["default"] if connection.vendor == "sqlite" else ["default", "jobs"]
pytestmark = pytest.mark.django_db(databases=DATABASES)
C = "/compacts/cambridgeshire"
NOTICE = "cambridgeshire-refreshed/4.5"


@pytest.fixture(autouse=True)
def _quick(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # the public form's counts live in the cache, which outlives a test
    yield
    cache.clear()


def org(ref: str) -> Organisation:
    return Organisation.objects.get(compact__slug="cambridgeshire", ref=ref)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def third_member(compact):
    """A member of an organisation that is no party to the cases."""
    user = get_user_model().objects.create_user("third", password=PASSWORD)
    add_membership(Actor.system("test"), org("cambridge-city-council"), user)
    return user


def raised(compact, raiser, day: date | None = None, **values) -> Case:
    """Hunts Forum's concern about Cambridgeshire County Council's notice (4.5)."""
    fields = {
        "other_party": org("cambridgeshire-county-council"), "commitments": [NOTICE],
        "what_happened": "Our grant ended with four weeks' notice.",
        "wanted": "Reasons in writing.", "raising_organisation": org("hunts-forum"),
        **values,
    }  # fmt: skip
    actor = Actor.system("test") if day else Actor(raiser, "test")
    return use.raise_case(actor, compact, day=day, **fields)


FORM = {
    "raising_organisation": "", "other_party": "", "commitments": [NOTICE],
    "what_happened": "Our grant ended with four weeks' notice.", "wanted": "Reasons in writing.",
    "records": "", "on_behalf_of": "",
}  # fmt: skip


# ---------------------------------------------------------------- raising a concern


def test_a_partner_member_raises_a_concern_and_the_other_party_sees_it(
    compact, group_member, council_member, mailoutbox
):
    client = signed_in(group_member)
    page = client.get(f"{C}/cases/raise/").content.decode()
    assert "4.5 Three months" in page and NOTICE not in page.split("value=")[0]
    posted = {**FORM, "raising_organisation": org("hunts-forum").pk,
              "other_party": org("cambridgeshire-county-council").pk}  # fmt: skip
    response = client.post(f"{C}/cases/raise/", posted)
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == f"{C}/cases/{case.ref}/"
    assert (case.raising_organisation.ref, case.other_party.ref) == (
        "hunts-forum", "cambridgeshire-county-council")  # fmt: skip
    assert case.citations() == [NOTICE]
    shown = signed_in(council_member).get(response.url).content.decode()
    assert "Hunts Forum and Cambridgeshire County Council" in shown
    assert "4.5 Three months" in shown and "Acknowledge the concern" in shown


def test_errors_name_the_field_and_keep_what_was_typed(compact, group_member):
    client = signed_in(group_member)
    posted = {**FORM, "commitments": [], "raising_organisation": org("hunts-forum").pk,
              "other_party": org("cambridgeshire-county-council").pk}  # fmt: skip
    response = client.post(f"{C}/cases/raise/", posted)
    page = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    assert "Select the commitments at issue" in page
    assert "Our grant ended with four weeks" in page  # kept


def test_a_record_the_raiser_cannot_see_is_named_in_the_error(compact, group_member, officer):
    council = org("cambridge-city-council")
    save_record(FundingAgreement(compact=compact, ref="g-hidden", funder=council,
                                 recipient=org("fenland-cvs"), kind="grant"), officer)  # fmt: skip
    posted = {**FORM, "records": "g-hidden", "raising_organisation": org("hunts-forum").pk,
              "other_party": org("cambridgeshire-county-council").pk}  # fmt: skip
    page = signed_in(group_member).post(f"{C}/cases/raise/", posted).content.decode()
    assert "No record you can see has the reference ‘g-hidden’" in page
    assert not Case.objects.exists()


def test_finding_commitments_by_words_keeps_the_form(compact, group_member):
    posted = {**FORM, "find": "consult weeks", "find_commitments": "1",
              "what_happened": "Kept words", "commitments": [NOTICE]}  # fmt: skip
    page = signed_in(group_member).post(f"{C}/cases/raise/", posted).content.decode()
    assert "Kept words" in page and not Case.objects.exists()
    assert "4.5 Three months" in page  # ticked: still listed
    assert "2.4" in page  # found by the words
    assert "4.9" not in page.split("id_find")[1]  # not found, not ticked: not listed


@pytest.fixture
def not_met(compact, officer):
    """Cambridgeshire County Council ended Hunts Forum's grant with a month's notice."""
    council, forum = org("cambridgeshire-county-council"), org("hunts-forum")
    agreement = save_record(FundingAgreement(compact=compact, ref="g-1", funder=council,
                                             recipient=forum, kind="grant",
                                             start=date(2026, 4, 1), end=date(2027, 3, 31)),
                            officer)  # fmt: skip
    save_record(FundingChange(compact=compact, ref="n-1", agreement=agreement, change="end",
                              notice_given=date(2026, 6, 1), effective=date(2026, 7, 1)),
                officer)  # fmt: skip
    return Finding.objects.get(record_ref="n-1", commitment=NOTICE, status="not_met")


def test_a_not_met_finding_opens_the_form_filled_in(compact, group_member, not_met):
    client = signed_in(group_member)
    record_page = client.get(f"{C}/records/funding_change/n-1/").content.decode()
    link = f"{C}/cases/raise/?finding={not_met.pk}"
    assert "Raise a concern about this" in record_page and link in record_page
    form = client.get(link).context["form"]
    assert form.initial["other_party"] == org("cambridgeshire-county-council")
    assert form.initial["commitments"] == [NOTICE]
    assert form.initial["records"] == "n-1"
    assert form.initial["what_happened"] == not_met.message
    posted = {**FORM, "raising_organisation": org("hunts-forum").pk, "records": "n-1",
              "other_party": org("cambridgeshire-county-council").pk}  # fmt: skip
    response = client.post(link, posted)
    case = Case.objects.get()
    assert response.status_code == 302
    assert [(r.record_type, r.record_ref) for r in case.records.all()] == [
        ("funding_change", "n-1")
    ]
    page = client.get(response.url).content.decode()
    assert f'href="{C}/records/funding_change/n-1/"' in page


def test_a_finding_nobody_may_see_is_not_found(compact, third_member, not_met):
    assert signed_in(third_member).get(f"{C}/cases/raise/?finding={not_met.pk}").status_code == 404
    assert signed_in(third_member).get(f"{C}/cases/raise/?finding=x").status_code == 404


def test_one_outside_every_partner_is_sent_to_the_public_form(compact, site_admin):
    nobody = get_user_model().objects.create_user("nobody", password=PASSWORD)
    assert signed_in(nobody).get(f"{C}/cases/raise/").status_code == 403
    assert Client().get(f"{C}/cases/raise/").status_code == 302  # to sign in


# ---------------------------------------------------------------- the case page


def test_the_deadline_is_explained_and_its_status_in_words(compact, group_member, officer):
    # Raised on Thursday 17 April 2025: acknowledge in 5 working days, over Easter.
    case = raised(compact, group_member, day=date(2025, 4, 17))
    page = signed_in(officer).get(f"{C}/cases/{case.ref}/").content.decode()
    assert "The other party is to acknowledge by 28 April 2025" in page
    assert (
        "5 working days from 17 April 2025, skipping Good Friday (18 April) and Easter Monday "
        "(21 April)" in page
    )
    assert '<strong class="govuk-tag govuk-tag--red">Long overdue</strong>' in page


def test_status_tags_at_their_boundaries(compact, group_member):
    from compactwatch.compact.disputes import add_period

    case = raised(compact, group_member)
    case.refresh_from_db()
    due = case.next_due
    route = case.core_route()
    # Long overdue once past the deadline by more than the route's margin (20 working days).
    margin_ends = add_period(due, route.long_overdue_after, route.region).day
    assert case.status_on(due - timedelta(days=1)) == "due"
    assert case.status_on(due) == "due today"
    assert case.status_on(due + timedelta(days=1)) == "overdue"
    assert case.status_on(margin_ends) == "overdue"
    assert case.status_on(margin_ends + timedelta(days=1)) == "long overdue"


def test_steps_on_the_page_and_the_timeline(compact, group_member, council_member, officer):
    case = raised(compact, group_member)
    council = signed_in(council_member)
    url = f"{C}/cases/{case.ref}/"
    assert council.post(url, {"action": "acknowledge", "acknowledge-version": case.version,
                              "acknowledge-text": "We will look into it."}).status_code == 302  # fmt: skip
    case.refresh_from_db()
    response = council.post(url, {"action": "respond", "respond-version": case.version,
                                  "respond-text": "The notice was short; we apologise."})  # fmt: skip
    assert response.status_code == 302
    page = signed_in(group_member).get(url).content.decode()
    assert [step.kind for step in Step.objects.filter(case=case)] == [
        "raised", "acknowledged", "responded"]  # fmt: skip
    assert "We will look into it." in page and "we apologise" in page
    assert "as the other party" in page
    assert "Move the case to another stage" in page  # the raiser may take it further
    assert "The raiser (Hunts Forum)" in page  # whose move it is, with the party's name


def test_a_step_the_route_refuses_names_the_reason(compact, group_member, council_member):
    case = raised(compact, group_member)
    council = signed_in(council_member)
    url = f"{C}/cases/{case.ref}/"
    page = council.post(url, {"action": "extend", "extend-version": case.version,
                              "extend-days": "11", "extend-reason": "Busy"}).content.decode()  # fmt: skip
    assert "up to 10 working days" in page
    assert "Busy" in page  # kept


def test_a_stale_step_shows_what_changed_and_keeps_what_was_typed(
    compact, group_member, council_member, officer
):
    case = raised(compact, group_member)
    read = case.version
    use.acknowledge(Actor(officer, "test"), case, version=read, text="On the officer's desk")
    page = signed_in(council_member).post(f"{C}/cases/{case.ref}/", {
        "action": "note", "note-version": read, "note-text": "My careful words",
    }).content.decode()  # fmt: skip
    assert "Changed since you opened it" in page and "officer" in page
    stale = page.split("Changed since you opened it")[1].split("</table>")[0]
    assert "Next deadline" in stale and not re.search(r"\d{4}-\d\d-\d\d", stale)  # in words
    assert "My careful words" in page
    assert not Step.objects.filter(case=case, kind="note").exists()
    case.refresh_from_db()
    assert f'name="note-version" value="{case.version}"' in page


def test_an_action_not_offered_is_refused_without_change(compact, group_member, third_member):
    case = raised(compact, group_member)
    client = signed_in(group_member)
    response = client.post(f"{C}/cases/{case.ref}/", {"action": "confidential",
                                                      "confidential-text": "x"})  # fmt: skip
    assert response.status_code == 302 and not case.confidential_notes.exists()
    response = client.post(f"{C}/cases/{case.ref}/", {"action": "no-such-step"})
    assert response.status_code == 302


def test_a_third_organisation_and_the_public_see_nothing(compact, group_member, third_member):
    case = raised(compact, group_member)
    assert signed_in(third_member).get(f"{C}/cases/{case.ref}/").status_code == 404
    assert signed_in(third_member).get(f"{C}/cases/D-1999-001/").status_code == 404
    anonymous = Client().get(f"{C}/cases/{case.ref}/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
    listing = signed_in(third_member).get(f"{C}/cases/").content.decode()
    assert case.ref not in listing


def test_confidential_notes_only_for_the_officer(compact, group_member, council_member, officer):
    case = raised(compact, group_member)
    officer_client = signed_in(officer)
    response = officer_client.post(f"{C}/cases/{case.ref}/", {
        "action": "confidential", "confidential-text": "Call the chair first"})  # fmt: skip
    assert response.status_code == 302
    assert "Call the chair first" in officer_client.get(f"{C}/cases/{case.ref}/").content.decode()
    for user in (group_member, council_member):
        page = signed_in(user).get(f"{C}/cases/{case.ref}/").content.decode()
        assert "Call the chair first" not in page and "Confidential notes" not in page


def test_closing_then_the_raisers_answer(compact, group_member, council_member, officer):
    case = raised(compact, group_member)
    actor = Actor(officer, "test")
    use.respond(actor, case, version=case.version, text="Sorry")
    case.refresh_from_db()
    url = f"{C}/cases/{case.ref}/"
    response = signed_in(officer).post(url, {
        "action": "close", "close-version": case.version, "close-outcome": "resolved",
        "close-outcome_text": "Notice restored", "close-breach_found": "yes",
        "close-breach_commitment": "",
    })  # fmt: skip
    assert "Select the commitment breached" in response.content.decode()
    response = signed_in(officer).post(url, {
        "action": "close", "close-version": case.version, "close-outcome": "resolved",
        "close-outcome_text": "Notice restored", "close-breach_found": "yes",
        "close-breach_commitment": NOTICE, "close-lessons": "Diary the notice",
    })  # fmt: skip
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.closed, case.outcome, case.breach_found, case.breach_commitment) == (
        True, "resolved", True, NOTICE)  # fmt: skip
    raiser = signed_in(group_member)
    assert "Say whether it was resolved for you" in raiser.get(url).content.decode()
    assert "Say whether" not in signed_in(council_member).get(url).content.decode()
    raiser.post(
        url, {"action": "answer", "answer-version": case.version, "answer-answer": "partly"}
    )
    case.refresh_from_db()
    assert case.raiser_answer == "partly"


# ---------------------------------------------------------------- lists and the calendar


def test_the_officers_list_puts_what_needs_action_first_and_filters(
    compact, group_member, council_member, officer
):
    later = raised(compact, group_member)
    sooner = raised(compact, group_member, day=date(2026, 1, 5))  # overdue long since
    client = signed_in(officer)
    rows = client.get(f"{C}/cases/").context["rows"]
    assert [row.case.ref for row in rows] == [sooner.ref, later.ref]
    assert rows[0].tag == "Long overdue" and rows[1].tag in ("Due", "Due today")
    overdue = client.get(f"{C}/cases/?status=overdue").context["rows"]
    assert [row.case.ref for row in overdue] == [sooner.ref]
    assert client.get(f"{C}/cases/?party=fenland-cvs").context["rows"] == []
    assert client.get(f"{C}/cases/?status=nonsense").status_code == 400
    mine = signed_in(council_member).get(f"{C}/cases/")
    assert "Your organisation’s disagreements" in mine.content.decode()
    assert len(mine.context["rows"]) == 2


def test_the_calendar_feed_is_the_officers_by_a_secret_address(
    compact, group_member, council_member, officer
):
    case = raised(compact, group_member)
    case.refresh_from_db()
    page = signed_in(officer).get(f"{C}/cases/").content.decode()
    token = calendar_token(officer, compact)
    address = f"{C}/cases/calendar/{officer.pk}/{token}.ics"
    assert address in page
    response = Client().get(address)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    feed = Calendar.from_ical(response.content)
    (event,) = feed.walk("VEVENT")
    assert event.decoded("dtstart") == case.next_due
    assert case.ref in str(event["summary"]) and "working days from" in str(event["description"])
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))  # folded
    wrong = token[:-1] + ("1" if token.endswith("0") else "0")  # one character changed
    assert Client().get(f"{C}/cases/calendar/{officer.pk}/{wrong}.ics").status_code == 404
    council_token = calendar_token(council_member, compact)
    assert Client().get(
        f"{C}/cases/calendar/{council_member.pk}/{council_token}.ics").status_code == 404  # fmt: skip
    officer.set_password("a-new-long-password-2")
    officer.save()
    assert Client().get(address).status_code == 404  # a new password ends the old address


# ---------------------------------------------------------------- the public form


PUBLIC = {"contact_name": "Asha Patel", "contact_email": "asha@example.org",
          "organisation": "Ely Food Bank", "commitments": [NOTICE],
          "what_happened": "Our grant ended with no notice.", "wanted": "An apology"}  # fmt: skip


def test_the_public_form_waits_for_the_officer_who_accepts(compact, officer, council_member):
    client = Client()
    posted = {**PUBLIC, "other_party": org("cambridgeshire-county-council").pk}
    response = client.post(f"{C}/concerns/", posted)
    assert response.status_code == 302 and response.url == f"{C}/concerns/sent/"
    assert "Cambridgeshire County Council" in client.get(response.url).content.decode()
    case = Case.objects.get()
    assert case.is_waiting
    assert signed_in(council_member).get(f"{C}/cases/{case.ref}/").status_code == 404
    queue = signed_in(officer).get(f"{C}/manage/concerns/").content.decode()
    assert case.ref in queue and "Ely Food Bank" in queue
    response = signed_in(officer).post(f"{C}/cases/{case.ref}/",
                                       {"action": "accept", "accept-version": case.version})  # fmt: skip
    assert response.status_code == 302
    case.refresh_from_db()
    assert not case.is_waiting and case.stage == "at-source"
    assert signed_in(council_member).get(f"{C}/cases/{case.ref}/").status_code == 200


def test_the_public_form_names_the_field_and_is_rate_limited(compact, settings):
    settings.PUBLIC_CONCERNS_PER_HOUR = 2
    client = Client()
    page = client.post(
        f"{C}/concerns/", {**PUBLIC, "contact_email": "not an email"}
    ).content.decode()
    assert "Enter an email address in the correct format" in page and "Asha Patel" in page
    posted = {**PUBLIC, "other_party": org("cambridgeshire-county-council").pk}
    assert [client.post(f"{C}/concerns/", posted).status_code for _ in range(3)] == [302, 302, 429]
    assert Case.objects.count() == 2


# ---------------------------------------------------------------- the route


def test_the_officer_changes_the_route_and_its_problems_are_listed(compact, officer, group_member):
    from compactwatch.changes.case_route import route_of

    client = signed_in(officer)
    form = client.get(f"{C}/manage/route/").context["form"]
    text = form.initial["document"]
    broken = text.replace("first_stage: at-source", "first_stage: nowhere")
    page = client.post(f"{C}/manage/route/", {"version": 1, "document": broken}).content.decode()
    assert "nowhere" in page and "problem" in page and route_of(compact).version == 1
    changed = text.replace("within: 5\n", "within: 7\n", 1)
    response = client.post(f"{C}/manage/route/", {"version": 1, "document": changed})
    assert response.status_code == 302 and route_of(compact).version == 2
    stale = client.post(f"{C}/manage/route/", {"version": 1, "document": changed}).content.decode()
    assert "nothing was saved" in stale
    assert signed_in(group_member).get(f"{C}/manage/route/").status_code == 403


def test_a_finding_not_unmet_says_so_and_leaves_the_form_empty(compact, group_member, officer):
    council, forum = org("cambridgeshire-county-council"), org("hunts-forum")
    agreement = save_record(
        FundingAgreement(compact=compact, ref="g-2", funder=council, recipient=forum,
                         kind="grant", start=date(2026, 4, 1), end=date(2027, 3, 31)),
        officer,
    )  # fmt: skip
    save_record(
        FundingChange(compact=compact, ref="n-2", agreement=agreement, change="end",
                      notice_given=date(2026, 6, 1), effective=date(2026, 12, 1)),
        officer,
    )  # fmt: skip
    met = Finding.objects.get(record_ref="n-2", commitment=NOTICE)
    assert met.status != "not_met"  # six months' notice: met, or unknown without evidence
    response = signed_in(group_member).get(f"{C}/cases/raise/?finding={met.pk}")
    page = response.content.decode()
    assert response.status_code == 200 and "Important" in page and "not met" in page
    assert "other_party" not in response.context["form"].initial


def test_the_officer_declines_a_public_concern_with_a_reason(compact, officer, mailoutbox):
    from django.contrib.auth.models import AnonymousUser

    case = use.submit_public_case(
        Actor(AnonymousUser(), "form"), compact, contact_name="Asha Patel",
        contact_email="asha@example.org", other_party=org("cambridgeshire-county-council"),
        commitments=[NOTICE], what_happened="x", wanted="y",
    )  # fmt: skip
    client = signed_in(officer)
    url = f"{C}/cases/{case.ref}/"
    page = client.post(url, {"action": "decline", "decline-version": case.version,
                             "decline-reason": ""}).content.decode()  # fmt: skip
    assert "Enter why the concern is declined" in page
    case.refresh_from_db()
    assert case.is_waiting
    response = client.post(url, {"action": "decline", "decline-version": case.version,
                                 "decline-reason": "Not about the Compact"})  # fmt: skip
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.public_status == "declined" and case.declined_reason == "Not about the Compact"
    assert case.ref not in client.get(f"{C}/manage/concerns/").content.decode()


def test_the_development_group_sees_every_case(compact, group_member, officer, third_member):
    case = raised(compact, group_member)
    assert signed_in(third_member).get(f"{C}/cases/").context["rows"] == []
    use.set_development_group_member(Actor(officer, "test"), compact, third_member, True)
    listing = signed_in(third_member).get(f"{C}/cases/")
    assert [row.case.ref for row in listing.context["rows"]] == [case.ref]
    assert '<h1 class="govuk-heading-xl">Disagreements</h1>' in listing.content.decode()
    assert signed_in(third_member).get(f"{C}/cases/{case.ref}/").status_code == 200


def test_a_cvs_raises_a_concern_for_a_small_group(compact, group_member):
    posted = {**FORM, "raising_organisation": org("hunts-forum").pk,
              "other_party": org("huntingdonshire-dc").pk,
              "on_behalf_of": "Fenland Example Group"}  # fmt: skip
    response = signed_in(group_member).post(f"{C}/cases/raise/", posted)
    case = Case.objects.get()
    assert case.on_behalf_of == "Fenland Example Group"
    page = signed_in(group_member).get(response.url).content.decode()
    assert "Hunts Forum, on behalf of Fenland Example Group" in page


def test_a_response_with_a_document_is_served_to_the_parties(
    compact, group_member, council_member, third_member
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = raised(compact, group_member)
    letter = SimpleUploadedFile("letter.txt", b"Dear Hunts Forum", content_type="text/plain")
    response = signed_in(council_member).post(f"{C}/cases/{case.ref}/", {
        "action": "respond", "respond-version": case.version, "respond-text": "See the letter",
        "respond-document": letter,
    })  # fmt: skip
    assert response.status_code == 302
    page = signed_in(group_member).get(f"{C}/cases/{case.ref}/").content.decode()
    document = Step.objects.get(case=case, kind="responded").documents.get()
    url = f"{C}/cases/{case.ref}/documents/{document.pk}/"
    assert url in page and "letter.txt" in page
    download = signed_in(group_member).get(url)
    assert b"".join(download.streaming_content) == b"Dear Hunts Forum"
    assert signed_in(third_member).get(url).status_code == 404


def test_the_list_comes_a_page_at_a_time(compact, group_member, officer):
    from compactwatch.web.views.cases import PAGE_SIZE

    for _ in range(PAGE_SIZE + 1):
        raised(compact, group_member)
    client = signed_in(officer)
    first = client.get(f"{C}/cases/")
    assert len(first.context["rows"]) == PAGE_SIZE
    assert f"{PAGE_SIZE + 1} cases" in first.content.decode()
    assert len(client.get(f"{C}/cases/?page=2").context["rows"]) == 1


def test_the_list_does_not_query_per_case(
    compact, group_member, officer, django_assert_max_num_queries
):
    for _ in range(3):
        raised(compact, group_member)
    client = signed_in(officer)
    client.get(f"{C}/cases/")  # the route is made and cached on first use
    with django_assert_max_num_queries(20) as few:
        client.get(f"{C}/cases/")
    queries = len(few.captured_queries)  # read now: each request empties Django's log
    for _ in range(20):
        raised(compact, group_member)
    with django_assert_max_num_queries(queries):
        assert len(client.get(f"{C}/cases/").context["rows"]) == 23
