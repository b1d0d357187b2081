"""The JSON API: same validation, permissions and findings as the files and the forms."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from openapi_spec_validator import validate
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from service_fixtures import PASSWORD, save_record

from compactwatch.audit.models import AuditEntry
from compactwatch.compact.engine import check_record
from compactwatch.compacts.editions import editions_of
from compactwatch.records.models import FundingAgreement, FundingChange

pytestmark = pytest.mark.django_db
API = "/api/v1/compacts/cambridgeshire"


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
    assert client.get("/api/v1/compacts/").json()["results"][0]["slug"] == "cambridgeshire"
    names = [org["name"] for org in client.get(f"{API}/organisations/?limit=100").json()["results"]]
    assert "Hunts Forum" in names
    edition = client.get(f"{API}/editions/cambridgeshire-refreshed/").json()
    assert any(
        c["ref"] == "4.5" and c["text"].startswith("Give a minimum") for c in edition["commitments"]
    )
    assert client.get(f"{API}/figures/").status_code == 200


def test_token_from_username_and_password(council_member):
    response = APIClient().post(
        "/api/v1/token/", {"username": "council", "password": "a-long-test-password-1"}
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
    assert response.json()["id"] == "cambridgeshire-county-council/n-1"  # the council's own id
    change = FundingChange.objects.get(ref="cambridgeshire-county-council/n-1")
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
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    document = response.json()
    validate(document)  # openapi-spec-validator: a valid OpenAPI document
    assert document["openapi"].startswith("3.")
    assert "/api/v1/compacts/{slug}/funding-changes/" in document["paths"]
    operations = [op for path in document["paths"].values() for op in path.values()]
    for operation in operations:  # every operation documents its errors, in the one shape
        responses = operation["responses"]
        errors = [code for code in responses if code.startswith("4")]
        assert {"401", "429"} <= set(errors), operation["operationId"]
        for code in errors:
            schema = responses[code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Errors"}
    imports = document["paths"]["/api/v1/compacts/{slug}/imports/"]["get"]["responses"]
    assert imports["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "PaginatedImportJobList"
    )
    change = document["paths"]["/api/v1/compacts/{slug}/funding-changes/{ref}/"]
    assert "ETag" in change["get"]["responses"]["200"]["headers"]
    assert "412" in change["patch"]["responses"]
    for method in ("put", "patch", "delete"):
        assert {"name": "If-Match", "in": "header"}.items() <= change[method]["parameters"][
            0
        ].items()


def test_an_etag_guards_against_lost_updates(council_member, agreement):
    client = client_for(council_member)
    read = client.get(f"{API}/funding-agreements/g-1/")
    assert read["ETag"] == '"1"'
    changed = client.patch(f"{API}/funding-agreements/g-1/", {"kind": "contract"},
                           format="json", headers={"If-Match": read["ETag"]})  # fmt: skip
    assert changed.status_code == 200 and changed["ETag"] == '"2"'
    stale = client.put(f"{API}/funding-agreements/g-1/", {"kind": "loan"}, format="json",
                       headers={"If-Match": read["ETag"]})  # fmt: skip
    assert stale.status_code == 412 and stale["ETag"] == '"2"'
    error = stale.json()["errors"][0]
    assert error["changes"][0]["changes"]["kind"] == ["grant", "contract"]
    assert FundingAgreement.objects.get(ref="g-1").kind == "contract"


def test_a_partial_change_keeps_an_amount(council_member, compact, officer):
    council = compact.organisations.get(ref="cambridgeshire-county-council")
    save_record(FundingAgreement(compact=compact, ref="g-2", funder=council,
                                 amount=Decimal("1500.50")), officer)  # fmt: skip
    response = client_for(council_member).patch(
        f"{API}/funding-agreements/g-2/", {"kind": "grant"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["amount"] == 1500.5


def test_a_record_read_can_be_sent_back_unchanged(council_member, compact, officer):
    council = compact.organisations.get(ref="cambridgeshire-county-council")
    save_record(FundingAgreement(compact=compact, ref="g-3", funder=council, kind="grant",
                                 amount=Decimal("1000.00")), officer)  # fmt: skip
    client = client_for(council_member)
    read = client.get(f"{API}/funding-agreements/g-3/")
    body = {key: value for key, value in read.json().items() if key != "findings"}
    sent = client.put(f"{API}/funding-agreements/g-3/", body, format="json",
                      HTTP_IF_MATCH=read["ETag"])  # fmt: skip
    assert sent.status_code == 200, sent.json()
    assert sent["ETag"] == read["ETag"]  # nothing changed, so no new version


def test_every_address_under_the_api_answers_in_its_error_shape(officer, compact):
    client = client_for(officer)
    for path, message in ((f"{API}/funding-agreements/a%2Fb/", "No such record"),
                          (f"{API}/imports/-1/", "Not found"), ("/api/v1/nothing/", "Not found")):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["errors"][0]["message"] == message
    assert client.post(f"{API}/nothing/", {}, format="json").status_code == 404


def test_the_old_addresses_lead_to_version_1(compact):
    response = APIClient().get("/api/compacts/?limit=1")
    assert response.status_code == 308
    assert response["Location"] == "/api/v1/compacts/?limit=1"
    assert APIClient().get("/api/v1/compacts/", follow=True).status_code == 200


def test_repeated_failed_token_requests_are_locked_out(officer):
    client = APIClient()
    for _ in range(5):
        client.post("/api/v1/token/", {"username": "officer", "password": "wrong"})
    response = client.post(
        "/api/v1/token/", {"username": "officer", "password": "a-long-test-password-1"}
    )
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.json()["errors"][0]["message"]


def test_the_documentation_page_keeps_the_strict_policy(client, compact):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    # The policy's directives, in whatever order django-csp writes them.
    policy = dict(part.strip().split(" ", 1) for part in page["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    html = page.content.decode()
    assert "<style" not in html and "<script>" not in html and " style=" not in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert all(source.startswith("/") for source in sources), sources  # nothing from elsewhere
    static = [
        source.removeprefix("/static/") for source in sources if source.startswith("/static/")
    ]
    assert len(static) == 4 and all(finders.find(path) for path in static)  # Swagger UI's files
    script = client.get("/api/v1/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()


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


def test_a_token_expires_and_a_new_one_is_given(council_member, compact, settings):
    from datetime import timedelta

    from django.utils import timezone

    token = Token.objects.create(user=council_member)
    Token.objects.filter(pk=token.pk).update(
        created=timezone.now() - timedelta(days=settings.API_TOKEN_DAYS, minutes=1)
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    refused = client.get(f"{API}/consultations/")
    assert refused.status_code == 401
    assert "The token has expired" in refused.json()["errors"][0]["message"]
    fresh = APIClient().post("/api/v1/token/", {"username": "council", "password": PASSWORD},
                             format="json").json()["token"]  # fmt: skip
    assert fresh != token.key
    assert (
        APIClient(HTTP_AUTHORIZATION=f"Token {fresh}").get(f"{API}/consultations/").status_code
        == 200
    )


def test_changing_the_password_ends_the_users_tokens(client, council_member, compact):
    key = client_for(council_member)._credentials["HTTP_AUTHORIZATION"]
    api = APIClient(HTTP_AUTHORIZATION=key)
    assert api.get(f"{API}/consultations/").status_code == 200
    client.force_login(council_member)
    changed = client.post("/accounts/password/", {"old_password": PASSWORD,
                          "new_password1": "a-new-long-password-3",
                          "new_password2": "a-new-long-password-3"})  # fmt: skip
    assert changed.status_code == 302
    assert api.get(f"{API}/consultations/").status_code == 401
    council_member.refresh_from_db()
    council_member.first_name = "Renamed"  # a change that is not the password keeps tokens
    council_member.save()
    fresh = client_for(council_member)
    council_member.save()
    assert fresh.get(f"{API}/consultations/").status_code == 200


def test_a_body_nested_deeper_than_any_record_is_a_400(officer, compact):
    body = '{"id": "c-1", "title": ' + "[" * 10_000 + "]" * 10_000 + "}"
    response = client_for(officer).post(
        f"{API}/consultations/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "not JSON the API can read" in response.json()["errors"][0]["message"]


def test_a_record_whose_id_holds_slashes_has_an_api_address(council_member, compact):
    body = {"id": "c/1", "organisation": "cambridgeshire-county-council", "title": "A review",
            "opens": "2026-01-05", "closes": "2026-03-29"}  # fmt: skip
    client = client_for(council_member)
    created = client.post(f"{API}/consultations/", body, format="json").json()
    assert created["id"] == "cambridgeshire-county-council/c/1"
    read = client.get(f"{API}/consultations/{created['id']}/")
    assert read.status_code == 200 and read.json()["title"] == "A review"
