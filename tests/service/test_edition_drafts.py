"""Drafting a new edition: each use case for the officer only, refusing stale versions and
invalid parameters (naming the field), audited; consulting the partners on the draft (a
consultation record checked like any other); adopting it (an edition in force from its
date, a recheck queued, an email to every partner); the draft then read only; and the
six-year review warning at its boundary."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compactwatch.audit.models import AuditEntry
from compactwatch.changes import edition_drafts as drafts
from compactwatch.changes.base import Actor, Invalid, NotFound, Refused, Stale, Taken, changing
from compactwatch.changes.register import save_entry
from compactwatch.compact.dates import add_period
from compactwatch.compacts.models import DraftStatus, Edition, EditionDraft
from compactwatch.compacts.review import review_due
from compactwatch.findings.models import Finding, Recheck
from compactwatch.organisations.models import Contact
from compactwatch.records.models import Consultation

pytestmark = pytest.mark.django_db
TODAY = date(2026, 5, 1)
CONSULTATION = (0, "minimum_length")  # 2.4's first standard: consultation_length


def actor(user) -> Actor:
    return Actor(user, "test")


@pytest.fixture
def draft(compact, officer) -> EditionDraft:
    return drafts.start_draft(actor(officer), compact, today=TODAY)


def weeks(draft: EditionDraft) -> int:
    draft.refresh_from_db()
    standard = draft.core().commitment("2.4").standards[0]
    return standard.parameters["minimum_length"].value


def change_weeks(user, draft: EditionDraft, value, version=None):
    item = draft.core().commitment("2.4")
    return drafts.change_commitment(
        actor(user), draft.compact, draft.pk, "2.4", text=item.text, name=item.name,
        parameters={CONSULTATION: value}, version=version or draft.version,
    )  # fmt: skip


# Starting ------------------------------------------------------------------------------


def test_a_draft_starts_from_the_edition_in_force_under_a_new_id(compact, officer, draft):
    assert draft.based_on.slug == "cambridgeshire-refreshed"
    assert draft.edition_id == "cambridgeshire-2026" and draft.name == "2026 edition"
    assert draft.document["commitments"] == draft.based_on.document["commitments"]
    assert draft.status == DraftStatus.DRAFT and draft.version == 1
    entry = AuditEntry.objects.get(record_type="edition_draft", record_ref=str(draft.pk))
    assert entry.action == "created" and entry.username == "officer"
    assert compact.editions.count() == 2  # the draft is not an edition


@pytest.mark.parametrize("role", ["council_member", "group_member"])
def test_only_the_officer_starts_a_draft(compact, role, request):
    with pytest.raises(Refused):
        drafts.start_draft(actor(request.getfixturevalue(role)), compact, today=TODAY)
    assert not EditionDraft.objects.exists()


def test_one_open_draft_at_a_time(compact, officer, draft):
    with pytest.raises(Taken) as refused:
        drafts.start_draft(actor(officer), compact, today=TODAY)
    assert "already has a draft" in refused.value.message
    drafts.abandon_draft(actor(officer), compact, draft.pk, version=draft.version)
    again = drafts.start_draft(actor(officer), compact, today=TODAY)
    assert again.edition_id == "cambridgeshire-2026-2"  # the abandoned draft keeps its id


def test_the_database_holds_one_open_draft_per_compact(compact, draft):
    with changing(), pytest.raises(IntegrityError):
        EditionDraft.objects.create(compact=compact, based_on=draft.based_on,
                                    document=draft.document, status=DraftStatus.CONSULTING)  # fmt: skip


def test_an_id_in_use_by_an_edition_is_refused(compact, officer):
    with pytest.raises(Taken) as refused:
        drafts.start_draft(actor(officer), compact, edition_id="cambridgeshire-2007")
    assert refused.value.field == "edition_id"


# Changing --------------------------------------------------------------------------------


def test_the_officer_changes_a_parameter_and_the_text(officer, draft):
    item = draft.core().commitment("2.4")
    changed = drafts.change_commitment(
        actor(officer), draft.compact, draft.pk, "2.4",
        text=item.text.replace("12-week", "16-week"), name="16-week formal written consultation",
        parameters={CONSULTATION: 16}, version=1,
    )  # fmt: skip
    assert changed.version == 2 and weeks(draft) == 16
    assert "16-week formal written consultations" in changed.core().commitment("2.4").text
    entry = AuditEntry.objects.filter(record_type="edition_draft", action="changed").get()
    assert entry.version == 2 and entry.summary == "changed 2.4"
    assert "2.4" in entry.changes


@pytest.mark.parametrize("role", ["council_member", "group_member"])
def test_others_cannot_change_a_draft(draft, role, request):
    user = request.getfixturevalue(role)
    for attempt in (
        lambda: change_weeks(user, draft, 16),
        lambda: drafts.add_commitment(actor(user), draft.compact, draft.pk, ref="2.10",
                                      section="outcome-2-public", binds="public_bodies",
                                      strength="must", text="New", version=1),
        lambda: drafts.remove_commitment(actor(user), draft.compact, draft.pk, "2.9", version=1),
        lambda: drafts.abandon_draft(actor(user), draft.compact, draft.pk, version=1),
        lambda: drafts.adopt_draft(actor(user), draft.compact, draft.pk, TODAY,
                                   site_url="http://x", version=1),
    ):  # fmt: skip
        with pytest.raises(Refused):
            attempt()
    draft.refresh_from_db()
    assert draft.version == 1 and weeks(draft) == 12 and draft.status == DraftStatus.DRAFT


def test_a_stale_change_is_refused_and_saves_nothing(officer, draft):
    change_weeks(officer, draft, 16, version=1)
    with pytest.raises(Stale) as refused:
        change_weeks(officer, draft, 20, version=1)
    assert refused.value.since[0]["by"] == "officer"
    assert weeks(draft) == 16
    for stale in (
        lambda: drafts.remove_commitment(actor(officer), draft.compact, draft.pk, "2.9", version=1),
        lambda: drafts.abandon_draft(actor(officer), draft.compact, draft.pk, version=1),
    ):
        with pytest.raises(Stale):
            stale()


@given(value=st.integers(min_value=-10_000, max_value=0))
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_period_must_be_a_positive_whole_number(officer, draft, value):
    with pytest.raises(Invalid) as refused:
        change_weeks(officer, draft, value)
    assert refused.value.field == "standards[0].parameters.minimum_length.value"
    assert refused.value.message.startswith("2.4 Minimum length:")
    assert weeks(draft) == 12


@given(value=st.integers(min_value=1, max_value=520))
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_positive_number_of_weeks_is_kept(officer, draft, value):
    draft.refresh_from_db()
    change_weeks(officer, draft, value)
    assert weeks(draft) == value


@pytest.mark.parametrize("value", ["twelve", 12.5, True, None])
def test_the_core_refuses_a_parameter_of_the_wrong_kind_naming_it(officer, draft, value):
    with pytest.raises(Invalid) as refused:
        change_weeks(officer, draft, value)
    assert refused.value.field == "standards[0].parameters.minimum_length.value"
    assert "Minimum length" in refused.value.message


def test_empty_text_is_refused_by_the_schema(officer, draft):
    with pytest.raises(Invalid) as refused:
        drafts.change_commitment(actor(officer), draft.compact, draft.pk, "2.4", text="  ",
                                 version=1)  # fmt: skip
    assert refused.value.field == "text"


def test_commitments_are_added_in_clause_order_and_removed(officer, draft):
    added = drafts.add_commitment(
        actor(officer), draft.compact, draft.pk, ref="2.10", section="outcome-2-public",
        binds="public_bodies", strength="must", text="Publish a list of consultations.",
        name="A list of consultations", version=1,
    )  # fmt: skip
    refs = [item.ref for item in added.core().commitments]
    assert refs.index("2.10") == refs.index("2.9") + 1
    assert added.core().commitment("2.10").outcome == 2
    with pytest.raises(Taken):
        drafts.add_commitment(actor(officer), draft.compact, draft.pk, ref="2.10",
                              section="outcome-2-public", binds="public_bodies",
                              strength="must", text="Again", version=2)  # fmt: skip
    removed = drafts.remove_commitment(actor(officer), draft.compact, draft.pk, "1.5", version=2)
    assert "1.5" not in [item.ref for item in removed.core().commitments]
    with pytest.raises(NotFound):
        drafts.remove_commitment(actor(officer), draft.compact, draft.pk, "1.5", version=3)


def test_another_compacts_officer_finds_no_draft(officer, draft, council_member):
    from compactwatch.changes.register import add_officer, save_compact
    from compactwatch.compacts.models import Compact

    with changing():
        other = save_compact(
            Actor.system("test"), Compact(slug="leeds", name="Leeds", area="Leeds")
        )
    add_officer(Actor.system("test"), other, council_member)
    with pytest.raises(NotFound):
        drafts.abandon_draft(actor(council_member), other, draft.pk, version=1)


# Consulting ------------------------------------------------------------------------------


def _public_body(compact, ref="cambridgeshire-county-council"):
    return compact.organisations.get(ref=ref)


def test_consulting_records_the_compacts_own_consultation_and_checks_it(compact, officer, draft):
    record = drafts.consult_on_draft(
        actor(officer), compact, draft.pk, organisation=_public_body(compact),
        opens=date(2026, 5, 4), closes=date(2026, 7, 12), version=1,  # 10 weeks
    )  # fmt: skip
    assert record.title == "Draft 2026 edition of The Cambridgeshire Compact"
    assert record.formal is True and record.organisation.ref == "cambridgeshire-county-council"
    draft.refresh_from_db()
    assert draft.status == DraftStatus.CONSULTING and draft.consultation_ref == record.ref
    length = Finding.objects.get(consultation=record, commitment__endswith="/2.4")
    assert length.status == "not_met" and "12 weeks" in length.message
    with pytest.raises(Taken):
        drafts.consult_on_draft(actor(officer), compact, draft.pk,
                                organisation=_public_body(compact), opens=date(2026, 5, 4),
                                closes=date(2026, 8, 31), version=2)  # fmt: skip


def test_a_consultation_of_twelve_weeks_keeps_the_edition_in_force(compact, officer, draft):
    record = drafts.consult_on_draft(
        actor(officer), compact, draft.pk, organisation=_public_body(compact),
        opens=date(2026, 5, 4), closes=date(2026, 7, 26), version=1,
    )  # fmt: skip
    assert Finding.objects.get(consultation=record, commitment__endswith="/2.4").status == "met"


def test_only_a_public_body_consults_and_the_dates_are_in_order(compact, officer, draft):
    with pytest.raises(Invalid) as refused:
        drafts.consult_on_draft(actor(officer), compact, draft.pk,
                                organisation=_public_body(compact, "hunts-forum"),
                                opens=date(2026, 5, 4), closes=date(2026, 8, 31), version=1)  # fmt: skip
    assert refused.value.field == "organisation"
    with pytest.raises(Invalid) as refused:
        drafts.consult_on_draft(actor(officer), compact, draft.pk,
                                organisation=_public_body(compact), opens=date(2026, 5, 4),
                                closes=date(2026, 5, 3), version=1)  # fmt: skip
    assert refused.value.field == "closes"
    assert not Consultation.objects.exists()


# Adopting --------------------------------------------------------------------------------


@pytest.fixture
def people(compact, council_member, group_member):
    """Members with email addresses, and a contact of another partner."""
    council_member.email, group_member.email = "council@example.org", "group@example.org"
    council_member.save()
    group_member.save()
    with changing():
        fenland = compact.organisations.get(ref="fenland-cvs")
        save_entry(Actor.system("test"),
                   Contact(organisation=fenland, name="Jo", email="jo@example.org"))  # fmt: skip
        save_entry(Actor.system("test"), Contact(organisation=fenland, name="No email"))
    return {"cambridgeshire-county-council": "council@example.org",
            "hunts-forum": "group@example.org", "fenland-cvs": "jo@example.org"}  # fmt: skip


def test_adopting_makes_an_edition_in_force_queues_a_recheck_and_asks_every_partner(
    compact, officer, draft, people
):
    change_weeks(officer, draft, 16)
    adopted = drafts.adopt_draft(actor(officer), compact, draft.pk, date(2027, 1, 1),
                                 site_url="http://testserver/", version=2)  # fmt: skip
    edition = Edition.objects.get(compact=compact, slug="cambridgeshire-2026")
    assert adopted.edition == edition and edition.in_force_from == date(2027, 1, 1)
    assert edition.core().commitment("2.4").standards[0].parameters["minimum_length"].value == 16
    assert adopted.recheck is not None and Recheck.objects.filter(compact=compact).exists()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.ADOPTED and draft.adopted_as == edition
    # Each partner's members and contacts with an email, one message each, with their link.
    sent = {message.to[0]: message for message in mail.outbox}
    assert set(sent) == set(people.values()) and adopted.asked == 3
    for ref, email in people.items():
        path = reverse("web:partner_details", args=[compact.slug, ref])
        assert f"http://testserver{path}" in sent[email].body
        assert "Length of consultations, minimum length: 12 weeks → 16 weeks (2.4)" in (
            sent[email].body
        )
    assert AuditEntry.objects.filter(record_type="edition_draft", action="sent").exists()


def test_an_adopted_draft_no_longer_changes(compact, officer, draft):
    drafts.adopt_draft(actor(officer), compact, draft.pk, date(2027, 1, 1),
                       site_url="http://testserver/", version=1)  # fmt: skip
    draft.refresh_from_db()
    for attempt in (
        lambda: change_weeks(officer, draft, 20),
        lambda: drafts.remove_commitment(actor(officer), compact, draft.pk, "2.9",
                                         version=draft.version),
        lambda: drafts.abandon_draft(actor(officer), compact, draft.pk, version=draft.version),
        lambda: drafts.adopt_draft(actor(officer), compact, draft.pk, date(2028, 1, 1),
                                   site_url="http://x", version=draft.version),
    ):  # fmt: skip
        with pytest.raises(Invalid) as refused:
            attempt()
        assert "no longer changes" in refused.value.message
    assert compact.editions.count() == 3


def test_adopting_before_the_edition_in_force_is_refused(compact, officer, draft):
    with pytest.raises(Invalid) as refused:
        drafts.adopt_draft(actor(officer), compact, draft.pk, date(2010, 1, 1),
                           site_url="http://x", version=1)  # fmt: skip
    assert "must come into force after" in refused.value.message
    draft.refresh_from_db()
    assert draft.status == DraftStatus.DRAFT and compact.editions.count() == 2
    assert not mail.outbox


# The six-year review warning -------------------------------------------------------------


def test_the_warning_comes_the_day_after_six_years(compact):
    in_force = compact.editions.get(slug="cambridgeshire-refreshed").in_force_from
    six_years = add_period(in_force, 6, "years")
    assert review_due(compact, six_years - timedelta(days=1)) is None
    assert review_due(compact, six_years) is None
    due = review_due(compact, six_years + timedelta(days=1))
    assert due is not None
    assert due.message == (
        "The edition in force (refreshed edition) came into force on 1 December 2012, 6 years "
        "ago. Compact Voice's guide suggests reviewing a local Compact at least every six "
        "years: start a draft of a new edition."
    )


def test_the_edition_in_force_is_the_one_named(compact):
    from compactwatch.changes.editions import set_in_force_dates

    set_in_force_dates(
        Actor.system("test"), compact, {"cambridgeshire-refreshed": date(2014, 1, 1)}
    )
    due = review_due(compact, date(2013, 6, 1))
    assert due.message.startswith(
        "The edition in force (2007 edition) came into force on 1 February 2007, 6 years ago."
    )


def test_a_draft_started_since_puts_the_warning_off_for_six_years(compact, officer):
    drafts.start_draft(actor(officer), compact)
    today = date.today()
    assert review_due(compact, today) is None
    assert review_due(compact, add_period(today, 6, "years")) is None
    assert review_due(compact, add_period(today, 6, "years") + timedelta(days=1)) is not None


# The pages -------------------------------------------------------------------------------


def _form(client, url) -> dict:
    from service_fixtures import form_data

    return form_data(client.get(url).context["form"])


def test_the_pages_keep_what_was_typed_and_name_the_field(client, officer, draft):
    client.force_login(officer)
    url = reverse("web:draft_commitment", args=["cambridgeshire", draft.pk, "2.4"])
    data = {**_form(client, url), "p0__minimum_length": "0", "text": "Consult for 16 weeks."}
    page = client.post(url, data)
    assert page.status_code == 200
    assert page.context["form"].errors["p0__minimum_length"] == [
        "Enter the minimum length as a whole number of weeks, 1 or more"
    ]
    assert "Consult for 16 weeks." in page.content.decode()
    page = client.post(url, {**data, "p0__minimum_length": "16"})
    assert page.status_code == 302 and weeks(draft) == 16
    page = client.post(url, {**data, "p0__minimum_length": "20"})  # the version read is old
    assert page.status_code == 200 and "Changed since you opened it" in page.content.decode()
    assert weeks(draft) == 16


def test_the_preview_marks_insertions_and_deletions_in_words(client, officer, draft):
    item = draft.core().commitment("2.4")
    drafts.change_commitment(actor(officer), draft.compact, draft.pk, "2.4",
                             text=item.text.replace("12-week", "16-week"), name=item.name,
                             parameters={CONSULTATION: 16}, version=1)  # fmt: skip
    client.force_login(officer)
    page = client.get(reverse("web:draft_preview", args=["cambridgeshire", draft.pk]))
    text = page.content.decode()
    assert "Length of consultations, minimum length: 12 weeks → 16 weeks (2.4)" in text
    removed = re.findall(r"<del>(.*?)</del>", text)
    assert any("[removed: </span>12-week" in words for words in removed), removed
    assert re.search(r"<ins><span class=\"govuk-visually-hidden\">\[added: </span>16-week", text)


def test_the_warning_shows_to_the_officer_only(client, officer, compact, council_member):
    client.force_login(officer)
    editions = client.get(reverse("web:manage_editions", args=["cambridgeshire"])).content.decode()
    home = client.get(reverse("web:compact", args=["cambridgeshire"])).content.decode()
    for page in (editions, home):
        assert "Compact Voice&#x27;s guide suggests reviewing" in page
    client.force_login(council_member)
    home = client.get(reverse("web:compact", args=["cambridgeshire"])).content.decode()
    assert "Compact Voice" not in home
    client.force_login(officer)
    drafts.start_draft(actor(officer), compact)
    editions = client.get(reverse("web:manage_editions", args=["cambridgeshire"])).content.decode()
    assert "Compact Voice" not in editions and "2026 edition" in editions
