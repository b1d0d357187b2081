"""Issue 8: every change to stored data passes through compactwatch.changes, the one way in.

One regression test per defect the issue found, each through a real way in (the web pages
with the test client, the API with a token, the admin, the import runner); then the guard
that makes models refuse writes from elsewhere, a static check that nothing else writes
rows in bulk, and the bulk inserts' columns.
"""

from __future__ import annotations

import ast
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from service_fixtures import form_data, save_record

import compactwatch
from compactwatch.audit.models import AuditEntry
from compactwatch.bulk import columns_of, default_of
from compactwatch.changes.base import Actor
from compactwatch.changes.grant_register import COLUMNS as ORGANISATION_COLUMNS
from compactwatch.changes.grants import AGREEMENT_COLUMNS
from compactwatch.changes.register import add_membership, set_officers
from compactwatch.demo import load_demo
from compactwatch.findings.models import Finding
from compactwatch.findings.services import COLUMNS as FINDING_COLUMNS
from compactwatch.guard import WriteOutsideWayIn
from compactwatch.imports.models import Status
from compactwatch.imports.services import create_job, run_job
from compactwatch.organisations.models import Membership, Organisation
from compactwatch.records.models import Consultation, FundingAgreement, FundingChange

# Imports report progress through a second connection ("jobs") except on SQLite.
DATABASES = ["default"] if connection.vendor == "sqlite" else ["default", "jobs"]
pytestmark = pytest.mark.django_db(databases=DATABASES)
SLUG = "cambridgeshire"


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    # The tests sign in without passwords; a fast hasher saves most of each test's setup.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Helpers ---------------------------------------------------------------------------------


def stored(model, ref: str):
    """What a record holds, as the records format has it, and its version: compared before
    and after a refused change."""
    record = model.objects.get(compact__slug=SLUG, ref=ref)
    return record.as_record(), record.version


def upload(client, document: dict, name: str = "records.json"):
    """Post a records file to the upload page, as the page's form does."""
    content = json.dumps(document).encode()
    return client.post(
        reverse("web:upload", args=[SLUG]),
        {"files": SimpleUploadedFile(name, content, content_type="application/json")},
    )


def api_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


# What differs between two renderings of one page: the masked CSRF token, a CSP nonce.
PER_RESPONSE = re.compile(rb'(csrfmiddlewaretoken" value|nonce)="[^"]*"')


def same_answer(first, first_ref: str, second, second_ref: str) -> None:
    """Two responses say the same, but for the id each was asked about."""

    def said(response, ref: str) -> bytes:
        return PER_RESPONSE.sub(rb"\1", response.content.replace(ref.encode(), b"<id>"))

    assert first.status_code == second.status_code
    assert said(first, first_ref) == said(second, second_ref)


def org(ref: str) -> Organisation:
    return Organisation.objects.get(compact__slug=SLUG, ref=ref)


# (1) An upload could overwrite another organisation's records ----------------------------


def test_1_a_group_cannot_overwrite_the_councils_records_by_uploading_them(
    client, compact, group_member
):
    load_demo(compact)
    before = {
        "demo-c-14": stored(Consultation, "demo-c-14"),
        "demo-g-2": stored(FundingAgreement, "demo-g-2"),
    }
    client.force_login(group_member)

    def records(consultation: str, agreement: str) -> dict:
        return {
            "consultations": [{"id": consultation, "organisation": "hunts-forum", "title": "X",
                               "opens": "2026-01-01", "closes": "2026-03-31"}],
            "funding_agreements": [{"id": agreement, "funder": "hunts-forum",
                                    "recipient": "hunts-forum", "amount": 1,
                                    "award_date": "2026-01-01"}],
        }  # fmt: skip

    taken = upload(client, records("demo-c-14", "demo-g-2"))
    fresh = upload(client, records("new-c-1", "new-g-1"))
    # The council's records are untouched: the group's are its own, under its own ids...
    assert stored(Consultation, "demo-c-14") == before["demo-c-14"]
    assert stored(FundingAgreement, "demo-g-2") == before["demo-g-2"]
    assert Consultation.objects.get(ref="hunts-forum/demo-c-14").organisation == org("hunts-forum")
    assert FundingAgreement.objects.get(ref="hunts-forum/demo-g-2").funder == org("hunts-forum")
    # ...and the answer is the same whether or not another organisation has those ids.
    assert taken.status_code == fresh.status_code == 200
    assert "errors" not in taken.context and "errors" not in fresh.context
    assert taken.context["outcome"].lines() == fresh.context["outcome"].lines()
    # Uploading them again changes the group's own records, by the ids it gave.
    again = upload(client, records("demo-c-14", "demo-g-2"))
    assert again.context["outcome"].unchanged == taken.context["outcome"].created


# (2) Uploaded changes to funding were not checked at all ---------------------------------


@pytest.fixture
def forum_agreement(compact, officer):
    """An agreement Hunts Forum funds: one a change it records may name."""
    return save_record(
        FundingAgreement(compact=compact, ref="hf-g-1", funder=org("hunts-forum"),
                         recipient=org("fenland-cvs"), kind="grant", award_date=date(2025, 4, 1)),
        officer,
    )  # fmt: skip


def _notice(ref: str, agreement: str) -> dict:
    return {"id": ref, "agreement": agreement, "change": "end", "notice_given": "2026-01-05",
            "effective": "2026-04-30", "in_writing": True}  # fmt: skip


def test_2_a_group_cannot_overwrite_the_councils_notice_by_upload(
    client, compact, group_member, forum_agreement
):
    load_demo(compact)
    before = stored(FundingChange, "demo-n-2")
    client.force_login(group_member)
    # A notice of its own to its own agreement, under the same id: stored as the group's.
    response = upload(client, {"funding_changes": [_notice("demo-n-2", "hf-g-1")]})
    assert response.status_code == 200 and "errors" not in response.context
    assert FundingChange.objects.get(ref="hunts-forum/demo-n-2").agreement.ref == "hf-g-1"
    # Naming the council's notice's agreement is refused: not the group's to name.
    agreement = FundingChange.objects.get(ref="demo-n-2").agreement.ref
    response = upload(client, {"funding_changes": [_notice("demo-n-2", agreement)]})
    assert any("change 'demo-n-2'" in error for error in response.context["errors"])
    assert stored(FundingChange, "demo-n-2") == before


def test_2_a_group_cannot_add_a_notice_to_a_councils_agreement_nor_learn_it_exists(
    client, compact, group_member, forum_agreement
):
    load_demo(compact)
    assert FundingAgreement.objects.filter(ref="demo-g-5").exists()
    assert not FundingAgreement.objects.filter(ref="demo-g-0").exists()  # same length
    client.force_login(group_member)
    existing = upload(client, {"funding_changes": [_notice("hf-n-1", "demo-g-5")]})
    missing = upload(client, {"funding_changes": [_notice("hf-n-1", "demo-g-0")]})
    assert existing.status_code == missing.status_code == 200
    assert existing.context["errors"], "the notice to another's agreement is refused"
    assert [e.replace("demo-g-5", "<id>") for e in existing.context["errors"]] == [
        e.replace("demo-g-0", "<id>") for e in missing.context["errors"]
    ]
    assert not FundingChange.objects.filter(ref__endswith="hf-n-1").exists()
    # The control: a notice to the group's own agreement is stored (under the group's id).
    response = upload(client, {"funding_changes": [_notice("hf-n-1", "hf-g-1")]})
    assert "errors" not in response.context, response.context["errors"]
    assert FundingChange.objects.get(ref="hunts-forum/hf-n-1").agreement == forum_agreement


# (3) Lost updates: a save from an older version overwrote what others saved since -------


@pytest.fixture
def consultation(compact, officer):
    return save_record(
        Consultation(compact=compact, ref="t-c-1", organisation=org("cambridgeshire-county-council"),
                     title="Original title", opens=date(2025, 1, 6), closes=date(2025, 3, 30)),
        officer,
    )  # fmt: skip


def test_3_the_second_of_two_form_edits_from_one_version_is_refused_and_keeps_its_typing(
    client, compact, officer, council_member, consultation
):
    from django.test import Client

    edit = reverse("web:record_edit", args=[SLUG, "consultation", "t-c-1"])
    client.force_login(officer)
    theirs = Client()
    theirs.force_login(council_member)
    officers_form = form_data(client.get(edit).context["form"])
    councils_form = form_data(theirs.get(edit).context["form"])
    assert officers_form["version"] == councils_form["version"] == 1

    response = client.post(edit, {**officers_form, "title": "Title from the officer"})
    assert response.status_code == 302
    response = theirs.post(
        edit, {**councils_form, "title": "Title from the council", "closes": "2025-04-06"}
    )
    assert response.status_code == 200, "refused, the form shown again"
    page = response.content.decode()
    assert "This was changed by officer after you opened it, so nothing was saved" in page
    assert 'value="Title from the council"' in page and 'value="2025-04-06"' in page
    assert response.context["stale"] is not None
    assert "Changed since you opened it" in page
    assert "Original title" in page and "Title from the officer" in page  # was, and now
    assert '<th scope="row" class="govuk-table__header">Title</th>' in page  # a label
    record = Consultation.objects.get(ref="t-c-1")
    assert (record.title, record.closes, record.version) == (
        "Title from the officer",
        date(2025, 3, 30),
        2,
    )
    # Saving the form again, having seen the changes, keeps the council's version.
    again = form_data(response.context["form"])
    assert again["version"] == "2"
    assert theirs.post(edit, again).status_code == 302
    record.refresh_from_db()
    assert (record.title, record.closes, record.version) == (
        "Title from the council",
        date(2025, 4, 6),
        3,
    )


@pytest.fixture
def agreement(compact, officer):
    return save_record(
        FundingAgreement(compact=compact, ref="t-g-1", funder=org("cambridgeshire-county-council"),
                         recipient=org("fenland-cvs"), kind="grant",
                         award_date=date(2025, 4, 1)),
        officer,
    )  # fmt: skip


def test_3_two_api_patches_from_one_version_the_second_412(council_member, agreement):
    api = api_for(council_member)
    url = reverse("api:agreement", args=[SLUG, "t-g-1"])
    etag = api.get(url)["ETag"]
    assert etag == '"1"'
    first = api.patch(url, {"kind": "contract"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200 and first["ETag"] == '"2"'
    second = api.patch(url, {"amount": 5}, format="json", HTTP_IF_MATCH=etag)
    assert second.status_code == 412
    assert second["ETag"] == '"2"'
    assert second.json()["errors"][0]["changes"][0]["changes"] == {"kind": ["grant", "contract"]}
    record = FundingAgreement.objects.get(ref="t-g-1")
    assert (record.kind, record.amount, record.version) == ("contract", None, 2)


def test_3_two_api_patches_without_if_match_both_fields_survive(council_member, agreement):
    api = api_for(council_member)
    url = reverse("api:agreement", args=[SLUG, "t-g-1"])
    assert api.patch(url, {"kind": "contract"}, format="json").status_code == 200
    assert api.patch(url, {"amount": 5}, format="json").status_code == 200
    record = FundingAgreement.objects.get(ref="t-g-1")
    assert (record.kind, record.amount, record.version) == ("contract", Decimal("5"), 3)


# (4) A grant with a blank id overwrote an agreement entered by hand ----------------------


def _grant(grant_id: str) -> dict:
    return {
        "id": grant_id, "title": "A grant", "description": "For the test", "currency": "GBP",
        "amountAwarded": 999, "awardDate": "2024-04-01",
        "plannedDates": [{"startDate": "2024-04-01", "endDate": "2025-03-31"}],
        "fundingOrganization": [{"id": "GB-LAE-CAM", "name": "Cambridgeshire County Council"}],
        "recipientOrganization": [{"id": "GB-CHC-1199999", "name": "A New Group"}],
    }  # fmt: skip


@pytest.mark.parametrize("valid_only", [False, True])
def test_4_a_grant_with_a_blank_id_never_overwrites_a_hand_entered_agreement(
    compact, officer, tmp_path, valid_only
):
    by_hand = save_record(
        FundingAgreement(compact=compact, ref="hand-1", funder=org("cambridge-city-council"),
                         recipient=org("hunts-forum"), kind="contract", amount=Decimal("50"),
                         award_date=date(2023, 5, 1), decision_rationale="Scored"),
        officer,
    )  # fmt: skip
    assert by_hand.source_grant_id == ""
    before = stored(FundingAgreement, "hand-1")
    path = tmp_path / "grants.json"
    path.write_text(json.dumps({"grants": [_grant(" "), _grant("360G-test-ok")]}))
    job = run_job(create_job(compact, path, path.name, user=officer, valid_only=valid_only).pk)
    problems = [problem["message"] for problem in job.errors]
    assert problems == ["id is blank: each grant needs its own id to be imported"], problems
    if valid_only:
        assert job.status == Status.DONE
        assert (job.outcome["created"], job.outcome["changed"]) == (1, 0)
        assert FundingAgreement.objects.filter(source_grant_id="360G-test-ok").exists()
    else:
        assert job.status == Status.REFUSED
        assert not FundingAgreement.objects.exclude(ref="hand-1").exists()
    assert stored(FundingAgreement, "hand-1") == before
    assert FundingAgreement.objects.get(ref="hand-1").source_grant_id == ""


# (5) Officers and memberships changed without an audit entry -----------------------------


def admin_form_data(response) -> dict:
    """What the admin's change page posts back as rendered: its form and inlines."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
        for form in formset.forms:
            data.update({form.add_prefix(k): v for k, v in form_data(form).items()})
    return data


def _officers_entries():
    return list(AuditEntry.objects.filter(record_type="officers").order_by("id"))


def test_5_making_an_officer_in_the_admin_is_audited_with_the_officers_before_and_after(
    client, compact, site_admin, officer, council_member
):
    audited = len(_officers_entries())
    client.force_login(site_admin)
    url = reverse("admin:compacts_compact_change", args=[compact.pk])
    data = admin_form_data(client.get(url))
    assert data["officers"] == [officer.pk]
    response = client.post(url, {**data, "officers": [officer.pk, council_member.pk]})
    assert response.status_code == 302, response.context and response.context["errors"]
    assert set(compact.officers.all()) == {officer, council_member}
    entries = _officers_entries()
    assert len(entries) == audited + 1
    entry = entries[-1]
    assert (entry.username, entry.via, entry.compact) == (site_admin.username, "admin", compact)
    assert entry.changes == {"officers": [["officer"], ["council", "officer"]]}


def test_5_set_officers_is_audited_with_the_officers_before_and_after(
    compact, site_admin, officer, group_member
):
    set_officers(Actor(site_admin, "test"), compact, [group_member])
    entry = _officers_entries()[-1]
    assert entry.changes == {"officers": [["officer"], ["group"]]}
    assert entry.username == site_admin.username


def test_5_adding_a_membership_in_the_admin_is_audited_with_its_values(client, compact, site_admin):
    newcomer = get_user_model().objects.create_user("newcomer", password="x-long-password-9")
    forum = org("hunts-forum")
    client.force_login(site_admin)
    url = reverse("admin:organisations_organisation_change", args=[forum.pk])
    response = client.get(url)
    data = admin_form_data(response)
    (memberships,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Membership
    ]
    index = int(data[f"{memberships.prefix}-TOTAL_FORMS"])
    data[f"{memberships.prefix}-TOTAL_FORMS"] = index + 1
    data[f"{memberships.prefix}-{index}-user"] = newcomer.pk
    data[f"{memberships.prefix}-{index}-organisation"] = forum.pk
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert Membership.objects.filter(user=newcomer, organisation=forum).exists()
    entry = AuditEntry.objects.filter(record_type="membership").latest("id")
    assert (entry.via, entry.record_ref, entry.username) == ("admin", "hunts-forum", "admin")
    assert entry.changes and entry.changes["user"] == [None, "newcomer"]


def test_5_add_membership_is_audited_with_its_values(compact, officer):
    newcomer = get_user_model().objects.create_user("newcomer", password="x-long-password-9")
    add_membership(Actor(officer, "test"), org("hunts-forum"), newcomer)
    entry = AuditEntry.objects.filter(record_type="membership").latest("id")
    assert entry.changes and entry.changes["user"] == [None, "newcomer"]
    assert entry.username == "officer"


# (6) A member could learn whether another organisation's record id exists ---------------

EXISTING, MISSING = "t-g-1", "t-g-0"  # the council's agreement, and an id nobody has


def test_6_the_web_pages_answer_alike_for_anothers_record_and_a_missing_one(
    client, group_member, agreement
):
    client.force_login(group_member)
    for name in ("web:record", "web:record_edit"):
        existing = client.get(reverse(name, args=[SLUG, "funding_agreement", EXISTING]))
        missing = client.get(reverse(name, args=[SLUG, "funding_agreement", MISSING]))
        assert existing.status_code == 404
        same_answer(existing, EXISTING, missing, MISSING)
    existing = client.post(reverse("web:record_edit", args=[SLUG, "funding_agreement", EXISTING]),
                           {"kind": "contract"})  # fmt: skip
    missing = client.post(reverse("web:record_edit", args=[SLUG, "funding_agreement", MISSING]),
                          {"kind": "contract"})  # fmt: skip
    assert existing.status_code == 404
    same_answer(existing, EXISTING, missing, MISSING)
    assert FundingAgreement.objects.get(ref=EXISTING).kind == "grant"


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_6_the_api_answers_alike_for_anothers_record_and_a_missing_one(
    group_member, agreement, method
):
    before = stored(FundingAgreement, EXISTING)
    api = api_for(group_member)
    body = {"id": EXISTING, "funder": "hunts-forum", "kind": "contract", "award_date": "2025-04-01"}
    answers = {}
    for ref in (EXISTING, MISSING):
        url = reverse("api:agreement", args=[SLUG, ref])
        answers[ref] = getattr(api, method)(url, {**body, "id": ref}, format="json")
    assert answers[EXISTING].status_code == 404
    same_answer(answers[EXISTING], EXISTING, answers[MISSING], MISSING)
    assert stored(FundingAgreement, EXISTING) == before


def test_6_a_notice_to_anothers_agreement_is_answered_as_one_to_no_agreement(
    client, compact, group_member, agreement, forum_agreement
):
    # Through the API.
    api = api_for(group_member)
    answers = {
        ref: api.post(reverse("api:changes", args=[SLUG]), _notice("hf-n-1", ref), format="json")
        for ref in (EXISTING, MISSING)
    }
    assert answers[EXISTING].status_code == 400
    same_answer(answers[EXISTING], EXISTING, answers[MISSING], MISSING)
    # Through the form: the agreement is chosen by its key; another's is no valid choice.
    client.force_login(group_member)
    url = reverse("web:record_create", args=[SLUG, "funding_change"])
    errors = {}
    for key in (agreement.pk, FundingAgreement.objects.order_by("-pk")[0].pk + 1000):
        response = client.post(url, {"agreement": key, "change": "end",
                                     "notice_given": "2026-01-05", "effective": "2026-04-30"})  # fmt: skip
        assert response.status_code == 200
        errors[key] = response.context["form"].errors
    first, second = errors.values()
    assert first == second and "agreement" in first
    assert not FundingChange.objects.exists()


# The guard: models refuse writes from outside the way in --------------------------------


def test_models_refuse_writes_from_outside_the_way_in(compact, officer, agreement):
    record = FundingAgreement.objects.get(ref="t-g-1")
    record.kind = "contract"
    attempts = {
        "a new record": lambda: Consultation(compact=compact, ref="x-1", title="X").save(),
        "a stored record": record.save,
        "a record deleted": record.delete,
        "records updated in bulk": lambda: FundingAgreement.objects.update(kind="loan"),
        "records created in bulk": lambda: Consultation.objects.bulk_create(
            [Consultation(compact=compact, ref="x-2", title="X")]
        ),
        "an organisation": lambda: Organisation(compact=compact, ref="x", name="X").save(),
        "an organisation changed": lambda: Organisation.objects.filter(ref="hunts-forum").update(
            name="Y"
        ),
        "an edition": lambda: compact.editions.first().save(),
        "a membership": lambda: Membership(user=officer, organisation=org("hunts-forum")).save(),
        "a membership created": lambda: Membership.objects.create(
            user=officer, organisation=org("fenland-cvs")
        ),
        "an officer": lambda: compact.officers.add(get_user_model().objects.create_user("x")),
        "a Compact": lambda: compact.save(),
    }
    for what, attempt in attempts.items():
        # Each in a savepoint: the many-to-many `add` refuses inside Django's own atomic
        # block, which would otherwise leave the test's transaction unusable.
        with pytest.raises(WriteOutsideWayIn), transaction.atomic():
            attempt()
            pytest.fail(f"{what} was written outside the way in")
    assert stored(FundingAgreement, "t-g-1")[0]["kind"] == "grant"
    assert not Membership.objects.filter(user=officer).exists()
    assert list(compact.officers.all()) == [officer]


# Nothing but the way in writes rows in bulk ----------------------------------------------

BULK_WRITES = {"bulk_create", "bulk_update", "insert_rows", "insert_rows_by_ref"}
PACKAGE = Path(compactwatch.__file__).parent
# Where bulk writes may be called, and why each place may.
ALLOWED = {
    # The use cases themselves: an import stores its agreements and new organisations in
    # bulk, inside `changing()`, after checking that the actor is the Compact's officer.
    "changes/grants.py",
    "changes/grant_register.py",
    # The bulk writer itself (insert_rows_by_ref calls insert_rows); it refuses a guarded
    # model outside the way in.
    "bulk.py",
    # The guard's own querysets: they check the way in, then pass the call to Django's.
    "guard.py",
    # Findings are derived data: recomputed from the records by the core's checks after
    # every change, never entered; they have no permission, version or audit to skip.
    "findings/services.py",
}


def bulk_write_calls() -> dict[str, list[int]]:
    """Each module of compactwatch/ that calls a bulk write, and the lines."""
    found: dict[str, list[int]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in BULK_WRITES:
                found.setdefault(path.relative_to(PACKAGE).as_posix(), []).append(node.lineno)
    return found


def test_only_the_way_in_and_derived_findings_write_rows_in_bulk():
    found = bulk_write_calls()
    outside = {module: lines for module, lines in found.items() if module not in ALLOWED}
    assert outside == {}, "bulk writes outside compactwatch.changes: go through the way in"
    assert set(found) == ALLOWED, "an allowance no longer used: remove it"


# Bulk inserts give every column, or the column has a default ----------------------------


@pytest.mark.parametrize(
    "model, columns",
    [
        (FundingAgreement, AGREEMENT_COLUMNS),
        (Organisation, ORGANISATION_COLUMNS),
        (Finding, FINDING_COLUMNS),
    ],
)
def test_every_column_a_bulk_insert_leaves_out_has_a_default(model, columns):
    every = {field.column: field for field in columns_of(model)}
    assert set(columns) <= set(every), "a column the code gives is not in the table"
    assert len(set(columns)) == len(columns)
    for column, field in every.items():
        if column not in columns:
            default_of(field)  # raises if the column has none
    # The check can fail: a column without a default is refused.
    with pytest.raises(ValueError, match="has no default"):
        default_of(FundingAgreement._meta.get_field("compact"))
