"""Who may do what, through the web pages."""

from datetime import date

import pytest
from service_fixtures import save_record

from compactwatch.changes.base import Actor
from compactwatch.changes.register import add_membership
from compactwatch.records.models import Consultation, FundingAgreement

pytestmark = pytest.mark.django_db
C = "/compacts/cambridgeshire"


@pytest.fixture
def council_record(compact, officer):
    council = compact.organisations.get(ref="cambridgeshire-county-council")
    other_group = compact.organisations.get(ref="fenland-cvs")
    return save_record(
        FundingAgreement(compact=compact, ref="g-9", funder=council, recipient=other_group,
                         kind="grant", award_date=date(2016, 3, 1)),
        officer,
    )  # fmt: skip


def test_the_public_sees_public_pages_but_no_records(client, council_record):
    assert client.get(f"{C}/figures/").status_code == 200
    assert client.get(f"{C}/register/").status_code == 200
    response = client.get(f"{C}/records/funding_agreement/g-9/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_group_cannot_read_or_change_anothers_records(client, group_member, council_record):
    client.force_login(group_member)
    assert client.get(f"{C}/records/funding_agreement/g-9/").status_code == 404
    assert client.get(f"{C}/records/funding_agreement/edit/g-9/").status_code == 404
    response = client.post(
        f"{C}/records/funding_agreement/edit/g-9/", {"ref": "g-9", "kind": "contract"}
    )
    assert response.status_code == 404
    assert FundingAgreement.objects.get(ref="g-9").kind == "grant"
    assert b"g-9" not in client.get(f"{C}/records/?type=funding_agreement").content


def test_a_member_records_only_for_their_own_organisation(client, group_member, compact):
    client.force_login(group_member)
    council = compact.organisations.get(ref="cambridgeshire-county-council")
    response = client.post(f"{C}/records/new/consultation/", {
        "organisation": council.pk, "title": "Not ours", "opens": "2017-01-02", "closes": "2017-03-26",
    })  # fmt: skip
    assert response.status_code == 200  # the form again, with the error
    assert "Select the public body that consulted from the list" in response.content.decode()
    assert not Consultation.objects.filter(title="Not ours").exists()


def test_the_council_edits_its_own_record_and_the_recipient_can_only_read(
    client, council_member, compact, council_record
):
    client.force_login(council_member)
    assert client.get(f"{C}/records/funding_agreement/edit/g-9/").status_code == 200
    recipient_user = council_member.__class__.objects.create_user(
        "fenland", password="x-long-password-9"
    )
    add_membership(
        Actor.system("test"), compact.organisations.get(ref="fenland-cvs"), recipient_user
    )
    client.force_login(recipient_user)
    assert client.get(f"{C}/records/funding_agreement/g-9/").status_code == 200
    assert client.get(f"{C}/records/funding_agreement/edit/g-9/").status_code == 403


def test_only_the_officer_manages(client, council_member, officer):
    client.force_login(council_member)
    for path in ("manage/editions/", "manage/audit/", "manage/register/new/"):
        assert client.get(f"{C}/{path}").status_code == 403
    client.force_login(officer)
    for path in ("manage/editions/", "manage/audit/", "manage/register/new/"):
        assert client.get(f"{C}/{path}").status_code == 200


def test_security_headers(client, compact):
    response = client.get(f"{C}/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_repeated_failed_sign_ins_are_locked_out(client, officer):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "officer", "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"username": "officer", "password": "a-long-test-password-1"}
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
