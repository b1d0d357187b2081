"""Undoing an import: what it added is removed, what another record refers to is kept, the
undoing is audited, and it happens once, by the officer only."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from grants_helpers import TRAFFORD_JSON
from service_fixtures import save_record

from compactwatch.audit.models import AuditEntry
from compactwatch.changes.base import Actor, Invalid, Refused
from compactwatch.changes.register import add_membership
from compactwatch.findings.models import Finding
from compactwatch.imports.describe import outcome_lines
from compactwatch.imports.models import ImportJob, Status
from compactwatch.imports.services import create_job, run_job, undo_job
from compactwatch.organisations.models import Organisation
from compactwatch.records.models import Consultation, FundingAgreement, FundingChange

DATABASES = ["default"] if connection.vendor == "sqlite" else ["default", "jobs"]
pytestmark = pytest.mark.django_db(databases=DATABASES)
C = "/compacts/cambridgeshire"


def import_trafford(compact):
    job = create_job(compact, TRAFFORD_JSON, TRAFFORD_JSON.name)
    return run_job(job.pk)


def stored(compact) -> dict:
    return {
        "agreements": set(
            FundingAgreement.objects.filter(compact=compact).values_list("ref", "version")
        ),
        "organisations": set(
            Organisation.objects.filter(compact=compact).values_list("ref", "version")
        ),
        "findings": Finding.objects.filter(compact=compact).count(),
    }


@pytest.fixture
def imported(compact, officer):
    """The Trafford file imported, and records of others that refer to what it added."""
    before = stored(compact)
    job = import_trafford(compact)
    added = Organisation.objects.filter(compact=compact, added_by_import=job.pk).order_by("ref")
    agreements = FundingAgreement.objects.filter(added_by_import=job.pk).order_by("ref")
    assert added.count() == job.outcome["organisations_added"] > 300
    assert agreements.count() == job.outcome["created"] == 555
    first, second = agreements[:2]
    # A change to funding refers to one agreement; the officer added evidence to another.
    save_record(FundingChange(compact=compact, ref="n-1", agreement=first, change="end",
                              notice_given=date(2024, 1, 5)), officer)  # fmt: skip
    second.decision_rationale = "Agreed at the March panel"
    save_record(second, officer)
    # An imported group ran a consultation; another has a member; the officer's own
    # agreement funds a third.
    groups = [a.recipient for a in agreements[3:6]]
    save_record(Consultation(compact=compact, ref="c-1", organisation=groups[0], title="Hall",
                             opens=date(2024, 2, 1), closes=date(2024, 4, 1)), officer)  # fmt: skip
    member = type(officer).objects.create_user("member", password="x-long-password-1")
    add_membership(Actor.system("test"), groups[1], member)
    save_record(FundingAgreement(compact=compact, ref="g-own", recipient=groups[2],
                                 funder=Organisation.objects.get(ref="cambridgeshire-county-council"),
                                 award_date=date(2024, 3, 1)), officer)  # fmt: skip
    kept_groups = {first.recipient.ref, second.recipient.ref, *(g.ref for g in groups)}
    return {"job": job, "before": before, "kept_agreements": {first.ref, second.ref},
            "kept_groups": kept_groups, "member": member}  # fmt: skip


def test_undo_removes_what_the_import_added_and_keeps_what_others_refer_to(
    compact, officer, imported
):
    job = imported["job"]
    kept_before = stored(compact)
    undone = undo_job(Actor(officer, "test"), job.pk)
    assert undone.status == Status.UNDONE and undone.undone_by == officer
    after = stored(compact)
    kept_agreements = imported["kept_agreements"]
    assert {ref for ref, _ in after["agreements"]} == (
        {ref for ref, _ in imported["before"]["agreements"]} | kept_agreements | {"g-own"}
    )
    organisations = {ref for ref, _ in after["organisations"]}
    before = {ref for ref, _ in imported["before"]["organisations"]}
    # The funder stays too: the kept agreements name it.
    trafford = Organisation.objects.get(compact=compact, org_id="GB-LAE-TRF").ref
    assert organisations == before | imported["kept_groups"] | {trafford}
    # Nothing another record holds is touched; only the removed agreements' findings go.
    assert {row for row in kept_before["organisations"] if row[0] in organisations} == after[
        "organisations"
    ]
    removed_refs = {ref for ref, _ in kept_before["agreements"]} - {
        ref for ref, _ in after["agreements"]
    }
    assert len(removed_refs) == 553
    assert not Finding.objects.filter(record_ref__in=removed_refs).exists()
    assert Finding.objects.filter(record_ref__in=kept_agreements).exists()
    assert FundingChange.objects.get(ref="n-1").agreement.ref in kept_agreements
    assert undone.undo_outcome["agreements_removed"] == 553
    kept_added = imported["kept_groups"] | {trafford}
    assert undone.undo_outcome["organisations_removed"] == (
        job.outcome["organisations_added"] - len(kept_added)
    )
    assert undone.undo_outcome["organisations_kept"] == len(kept_added)
    # One entry in the audit trail names every row removed.
    entry = AuditEntry.objects.get(action="import undone", record_ref=str(job.pk))
    assert entry.username == "officer"
    removed = entry.changes["funding agreements"][0]
    assert len(removed) == 553 and not kept_agreements & set(removed)
    assert len(entry.changes["organisations"][0]) == undone.undo_outcome["organisations_removed"]
    assert "553 funding agreements" in entry.summary
    assert outcome_lines(undone)[0].startswith("Undone on ")


def test_an_undone_import_cannot_be_undone_again(client, compact, officer, imported):
    job = imported["job"]
    client.force_login(officer)
    check = client.get(f"{C}/manage/imports/{job.pk}/undo/").content.decode()
    assert "Check what undoing the import removes" in check and "553" in check
    assert "because other records refer to them" in check
    response = client.post(f"{C}/manage/imports/{job.pk}/undo/")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Import undone: 553 funding agreements" in page and "Undo this import" not in page
    after = stored(compact)
    again = client.post(f"{C}/manage/imports/{job.pk}/undo/")
    assert again.status_code == 409 and "nothing left to undo" in again.content.decode()
    with pytest.raises(Invalid, match="nothing left to undo"):
        undo_job(Actor(officer, "test"), job.pk)
    assert stored(compact) == after
    assert AuditEntry.objects.filter(action="import undone").count() == 1


def test_a_running_import_cannot_be_undone(client, compact, officer):
    job = create_job(compact, TRAFFORD_JSON, TRAFFORD_JSON.name)
    ImportJob.objects.filter(pk=job.pk).update(status=Status.RUNNING)
    with pytest.raises(Invalid, match="still running"):
        undo_job(Actor(officer, "test"), job.pk)
    client.force_login(officer)
    assert "still running" in client.get(f"{C}/manage/imports/{job.pk}/undo/").content.decode()
    assert ImportJob.objects.get(pk=job.pk).status == Status.RUNNING


def test_the_import_page_offers_the_undoing_to_the_officer(client, compact, officer, imported):
    client.force_login(officer)
    page = client.get(imported["job"].get_absolute_url()).content.decode()
    assert f"/manage/imports/{imported['job'].pk}/undo/" in page


@pytest.mark.parametrize("role", ["anonymous", "council_member", "group_member", "member"])
def test_only_the_officer_undoes_an_import(client, compact, request, imported, role):
    job = imported["job"]
    users = {"anonymous": None, "member": imported["member"]}  # the member of a group it added
    user = users[role] if role in users else request.getfixturevalue(role)
    before = stored(compact)
    url = f"{C}/manage/imports/{job.pk}/undo/"
    if user is not None:
        client.force_login(user)
        with pytest.raises(Refused):
            undo_job(Actor(user, "test"), job.pk)
    for response in (client.get(url), client.post(url)):
        assert response.status_code == (302 if user is None else 403)
        if user is None:
            assert response["Location"].startswith("/accounts/login/")
    assert stored(compact) == before
    assert ImportJob.objects.get(pk=job.pk).status == Status.DONE
