"""The service layer: every save audited and checked by the core; uploads all or nothing."""

import json
from datetime import date

import pytest
from service_fixtures import save_record

from compactwatch.audit.models import AuditEntry
from compactwatch.changes.base import Actor
from compactwatch.changes.editions import set_in_force_dates
from compactwatch.changes.uploads import upload
from compactwatch.compact.engine import check_record
from compactwatch.compact.records import InputError
from compactwatch.compacts.editions import editions_of
from compactwatch.findings.models import Finding
from compactwatch.findings.rechecks import run_recheck
from compactwatch.organisations.models import Organisation
from compactwatch.records.models import Consultation, FundingAgreement, FundingChange

pytestmark = pytest.mark.django_db


def _change(compact, agreement, **fields):
    return FundingChange(compact=compact, agreement=agreement, change="end", **fields)


@pytest.fixture
def agreement(compact, officer):
    council = Organisation.objects.get(compact=compact, ref="cambridgeshire-county-council")
    group = Organisation.objects.get(compact=compact, ref="hunts-forum")
    return save_record(
        FundingAgreement(
            compact=compact,
            ref="svc-g1",
            funder=council,
            recipient=group,
            kind="grant",
            award_date=date(2016, 3, 1),
            start=date(2016, 4, 1),
            end=date(2019, 3, 31),
            decision_rationale="Scored well",
            monitoring_agreed=date(2016, 2, 1),
        ),
        officer,
    )


def test_save_audits_and_stores_the_cores_findings(compact, officer, agreement):
    change = save_record(
        _change(
            compact,
            agreement,
            ref="svc-n1",
            notice_given=date(2017, 1, 1),
            effective=date(2017, 2, 12),
            in_writing=True,
            rationale="Budget",
        ),
        officer,
    )
    entry = AuditEntry.objects.filter(record_ref="svc-n1").get()
    assert entry.action == "created" and entry.username == officer.username
    assert entry.changes["notice_given"] == [None, "2017-01-01"]
    stored = {f.commitment: (f.status, f.message) for f in Finding.objects.filter(change=change)}
    expected = {
        f.commitment: (f.status.value, f.message)
        for f in check_record(
            "funding_changes", change.as_record(), editions_of(compact), date.today()
        )
    }
    assert stored == expected
    assert stored["cambridgeshire-refreshed/4.5"][0] == "not_met"
    assert all(f.body_id == agreement.funder_id for f in Finding.objects.filter(change=change))


def test_an_edit_is_audited_with_what_changed_and_rechecked(compact, officer, agreement):
    change = save_record(
        _change(
            compact,
            agreement,
            ref="svc-n2",
            notice_given=date(2017, 1, 1),
            effective=date(2017, 2, 12),
            in_writing=True,
            rationale="Budget",
        ),
        officer,
    )
    change.effective = date(2017, 4, 1)
    save_record(change, officer)
    edit = AuditEntry.objects.filter(record_ref="svc-n2", action="changed").get()
    assert edit.changes == {"effective": ["2017-02-12", "2017-04-01"]}
    assert (
        Finding.objects.get(change=change, commitment="cambridgeshire-refreshed/4.5").status
        == "met"
    )


def test_the_audit_trail_cannot_be_edited(officer, compact, agreement):
    entry = AuditEntry.objects.filter(record_ref="svc-g1").first()
    entry.summary = "tampered"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="tampered")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_changing_an_editions_date_rejudges_records(compact, officer):
    consultation = save_record(
        Consultation(
            compact=compact,
            ref="svc-c1",
            title="Review",
            opens=date(2011, 6, 1),
            closes=date(2011, 8, 23),
            formal=True,
        ),
        officer,
    )
    assert set(
        Finding.objects.filter(consultation=consultation).values_list("edition", flat=True)
    ) == {"cambridgeshire-2007"}
    recheck = set_in_force_dates(
        Actor(officer, "form"), compact, {"cambridgeshire-refreshed": date(2011, 1, 1)}
    )
    assert recheck.status == "queued"  # the worker checks every record, not the request
    assert set(
        Finding.objects.filter(consultation=consultation).values_list("edition", flat=True)
    ) == {"cambridgeshire-2007"}
    recheck = run_recheck(recheck.pk)
    assert (recheck.status, recheck.checked, recheck.total) == (
        "done",
        recheck.total,
        recheck.total,
    )
    assert set(
        Finding.objects.filter(consultation=consultation).values_list("edition", flat=True)
    ) == {"cambridgeshire-refreshed"}


GOOD = {
    "consultations": [
        {
            "id": "up-c1",
            "organisation": "cambridgeshire-county-council",
            "title": "Bus review",
            "opens": "2016-01-04",
            "closes": "2016-03-27",
            "formal": True,
        }
    ],
    "funding_agreements": [
        {
            "id": "up-g1",
            "funder": "Cambridgeshire County Council",
            "recipient": "A new group",
            "kind": "grant",
            "award_date": "2016-03-01",
            "start": "2016-04-01",
            "end": "2017-03-31",
            "decision_rationale": False,
        }
    ],
    "funding_changes": [
        {
            "id": "up-n1",
            "agreement": "up-g1",
            "change": "end",
            "notice_given": "2016-12-01",
            "effective": "2017-03-31",
            "in_writing": True,
            "rationale": "Programme closed",
        }
    ],
}


def _file(document, name="records.json"):
    return [(name, json.dumps(document).encode())]


def test_upload_stores_records_matched_to_the_register(compact, officer):
    outcome = upload(Actor(officer, "upload"), compact, _file(GOOD))
    assert sum(outcome.created.values()) == 3
    agreement = FundingAgreement.objects.get(compact=compact, ref="up-g1")
    assert agreement.funder.ref == "cambridgeshire-county-council"  # matched by name
    assert agreement.recipient is None and agreement.recipient_name == "A new group"
    assert agreement.decision_rationale_none is True
    assert (
        Finding.objects.get(agreement=agreement, commitment="cambridgeshire-refreshed/3.3").status
        == "not_met"
    )
    change = FundingChange.objects.get(compact=compact, ref="up-n1")
    assert change.agreement == agreement
    again = upload(Actor(officer, "upload"), compact, _file(GOOD))
    assert sum(again.unchanged.values()) == 3 and not again.created and not again.changed


def test_upload_with_one_bad_record_stores_nothing(compact, officer):
    bad = json.loads(json.dumps(GOOD))
    bad["funding_changes"][0]["notice_given"] = "2016-11-31"
    before = (
        Consultation.objects.count(),
        FundingAgreement.objects.count(),
        AuditEntry.objects.count(),
    )
    with pytest.raises(InputError) as caught:
        upload(Actor(officer, "upload"), compact, _file(bad))
    assert "funding change 'up-n1', field 'notice_given'" in str(caught.value)
    after = (
        Consultation.objects.count(),
        FundingAgreement.objects.count(),
        AuditEntry.objects.count(),
    )
    assert before == after


def test_upload_may_refer_to_a_stored_agreement(compact, officer, agreement):
    document = {
        "funding_changes": [
            {
                "id": "up-n2",
                "agreement": agreement.ref,
                "change": "reduce",
                "notice_given": "2017-01-02",
                "effective": "2017-04-02",
            }
        ]
    }
    upload(Actor(officer, "upload"), compact, _file(document))
    assert FundingChange.objects.get(ref="up-n2").agreement == agreement


def test_a_member_cannot_upload_for_another_organisation(compact, group_member):
    with pytest.raises(InputError) as caught:
        upload(
            Actor(group_member, "upload"), compact, _file({"consultations": GOOD["consultations"]})
        )
    assert "consultation 'up-c1', field 'organisation': You can record only for your own" in str(
        caught.value
    )
    assert not Consultation.objects.filter(ref="up-c1").exists()
