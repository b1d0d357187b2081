"""The JSON API: same validation, permissions and findings as the files and the forms."""

from datetime import date

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from service_fixtures import save_record

from compactwatch.audit.models import AuditEntry
from compactwatch.compact.engine import check_record
from compactwatch.compacts.editions import editions_of
from compactwatch.records.models import FundingAgreement, FundingChange

pytestmark = pytest.mark.django_db
API = "/api/compacts/cambridgeshire"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(
            HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}"
        )
    return client


@pytest.fixture
def agreement(compact, officer):
    council = compact.organisations.get(ref="cambridgeshire-county-council")
    return save_record(FundingAgreement(compact=compact, ref="g-1", funder=council, kind="grant",
                                        award_date=date(2016, 3, 1)), officer)  # fmt: skip


def test_the_register_and_the_compact_are_public(compact):
    client = APIClient()
    assert client.get("/api/compacts/").json()["results"][0]["slug"] == "cambridgeshire"
    names = [org["name"] for org in client.get(f"{API}/organisations/?limit=100").json()["results"]]
    assert "Hunts Forum" in names
    edition = client.get(f"{API}/editions/cambridgeshire-refreshed/").json()
    assert any(
        c["ref"] == "4.5" and c["text"].startswith("Give a minimum") for c in edition["commitments"]
    )
    assert client.get(f"{API}/figures/").status_code == 200


def test_token_from_username_and_password(council_member):
    response = APIClient().post(
        "/api/token/", {"username": "council", "password": "a-long-test-password-1"}
    )
    assert response.status_code == 200 and response.json()["token"]


def test_create_a_change_and_get_the_cores_findings(compact, council_member, agreement):
    body = {"id": "n-1", "agreement": "g-1", "change": "end", "notice_given": "2017-01-01",
            "effective": "2017-02-12", "in_writing": True, "rationale": "Budget", "impact_assessed": False}  # fmt: skip
    response = client_for(council_member).post(f"{API}/funding-changes/", body, format="json")
    assert response.status_code == 201, response.json()
    findings = {f["commitment"]: f for f in response.json()["findings"]}
    assert findings["cambridgeshire-refreshed/4.5"]["message"] == (
        "Notice of 6 weeks was given; the Compact asks for at least 3 months in writing (4.5)."
    )
    assert findings["cambridgeshire-refreshed/4.2"]["status"] == "not_met"
    change = FundingChange.objects.get(ref="n-1")
    expected = {
        f.commitment: f.status.value
        for f in check_record(
            "funding_changes", change.as_record(), editions_of(compact), date.today()
        )
    }
    assert {c: f["status"] for c, f in findings.items()} == expected


def test_bad_input_names_the_record_and_field(council_member, agreement):
    response = client_for(council_member).post(
        f"{API}/funding-changes/",
        {"id": "n-2", "agreement": "g-1", "notice_given": "2017-02-30"},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["record"] == "n-2" and error["field"] == "notice_given"
    assert "is not a date" in error["message"]
    response = client_for(council_member).post(
        f"{API}/consultations/", {"id": "c-1", "colour": "red"}, format="json"
    )
    assert response.json()["errors"][0]["field"] == "colour"


def test_update_is_audited(council_member, agreement):
    client = client_for(council_member)
    response = client.patch(
        f"{API}/funding-agreements/g-1/", {"decision_rationale": False}, format="json"
    )
    assert response.status_code == 200, response.json()
    entry = AuditEntry.objects.filter(record_ref="g-1", action="changed").get()
    assert entry.changes["decision_rationale"] == [None, False]
    findings = {f["commitment"]: f["status"] for f in response.json()["findings"]}
    assert findings["cambridgeshire-refreshed/3.3"] == "not_met"


def test_a_group_cannot_read_or_change_another_organisations_records(group_member, agreement):
    client = client_for(group_member)
    assert client.get(f"{API}/funding-agreements/g-1/").status_code == 404
    assert (
        client.patch(
            f"{API}/funding-agreements/g-1/", {"kind": "contract"}, format="json"
        ).status_code
        == 404
    )
    assert client.get(f"{API}/funding-agreements/").json()["count"] == 0
    response = client.post(f"{API}/consultations/", {"id": "c-9", "organisation": "cambridgeshire-county-council",
                                                     "title": "Not ours"}, format="json")  # fmt: skip
    assert response.status_code == 403
    assert FundingAgreement.objects.get(ref="g-1").kind == "grant"


def test_anonymous_cannot_write(compact):
    response = APIClient().post(f"{API}/consultations/", {"id": "c-1"}, format="json")
    assert response.status_code in (401, 403)


def test_the_openapi_description(client, compact):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/api/compacts/{slug}/funding-changes/" in document["paths"]


def test_lists_do_not_query_per_record(officer, agreement, compact, django_assert_max_num_queries):
    council = compact.organisations.get(ref="cambridgeshire-county-council")
    for number in range(20):
        save_record(FundingAgreement(compact=compact, ref=f"g-x{number}", funder=council), officer)
    client = client_for(officer)
    with django_assert_max_num_queries(12):
        assert len(client.get(f"{API}/funding-agreements/").json()["results"]) == 21


def test_huge_offsets_are_not_server_errors(compact):
    client = APIClient()
    for path in ("organisations", "consultations"):
        response = client.get(
            f"{API}/{path}/?limit=9999999999999999999999&offset=99999999999999999999999"
        )
        assert response.status_code == 200


def test_nul_characters_are_refused_not_server_errors(officer, compact):
    assert APIClient().get(f"{API}/figures/?body=a%00b").status_code == 400
    response = client_for(officer).post(
        f"{API}/consultations/", {"id": "c\x00", "title": "x"}, format="json"
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "id"
