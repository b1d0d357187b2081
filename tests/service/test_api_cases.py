"""Disagreements through the API (issue 13, point 9): raise, list, read and step a case with
the same permissions as the web (a third organisation gets 404), the same error shape, the
version guard (412 with the current ETag) and the OpenAPI description."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from openapi_spec_validator import validate
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from service_fixtures import PASSWORD

from compactwatch.changes import cases as use
from compactwatch.changes.base import Actor
from compactwatch.changes.register import add_membership
from compactwatch.disputes.models import Case
from compactwatch.organisations.models import Organisation

pytestmark = pytest.mark.django_db
API = "/api/v1/compacts/cambridgeshire"
NOTICE = "cambridgeshire-refreshed/4.5"
NEW = {"other_party": "cambridgeshire-county-council", "commitments": [NOTICE],
       "what_happened": "Four weeks' notice", "wanted": "Reasons in writing"}  # fmt: skip


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token = Token.objects.get_or_create(user=user)[0].key
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def third_member(compact):
    user = get_user_model().objects.create_user("third", password=PASSWORD)
    org = Organisation.objects.get(compact=compact, ref="cambridge-city-council")
    add_membership(Actor.system("test"), org, user)
    return user


@pytest.fixture
def case(compact, group_member):
    response = client_for(group_member).post(f"{API}/cases/", NEW, format="json")
    assert response.status_code == 201, response.json()
    return Case.objects.get(ref=response.json()["id"])


def test_a_member_raises_a_case_and_reads_where_it_stands(compact, group_member, case):
    body = client_for(group_member).get(f"{API}/cases/{case.ref}/")
    data = body.json()
    assert body["ETag"] == f'"{case.version}"'
    assert (data["raising_organisation"], data["other_party"]) == (
        "hunts-forum", "cambridgeshire-county-council")  # fmt: skip
    assert data["commitments"] == [NOTICE] and data["stage"] == "at-source"
    assert data["next_deadline"]["action"] == "acknowledge"
    assert data["next_deadline"]["explanation"].startswith("5 working days from")
    assert data["next_deadline"]["status"] in ("due", "due today")
    assert [step["kind"] for step in data["steps"]] == ["raised"]
    assert {choice["kind"] for choice in data["choices"]} >= {"note", "closed"}


def test_steps_through_the_api_with_the_version_guard(compact, group_member, council_member, case):
    council = client_for(council_member)
    url = f"{API}/cases/{case.ref}/steps/"
    acknowledged = council.post(url, {"kind": "acknowledge", "text": "Seen"}, format="json",
                                HTTP_IF_MATCH=f'"{case.version}"')  # fmt: skip
    assert acknowledged.status_code == 200, acknowledged.json()
    assert [s["kind"] for s in acknowledged.json()["steps"]] == ["raised", "acknowledged"]
    stale = council.post(url, {"kind": "respond", "text": "Late"}, format="json",
                         HTTP_IF_MATCH=f'"{case.version}"')  # fmt: skip
    assert stale.status_code == 412 and stale["ETag"] == acknowledged["ETag"]
    assert stale.json()["errors"][0]["message"].startswith("This was changed by")
    missing = council.post(url, {"kind": "respond", "text": "x"}, format="json")
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "version"
    version = int(acknowledged["ETag"].strip('"'))
    refused = council.post(url, {"kind": "extend", "days": 11, "reason": "Busy",
                                 "version": version}, format="json")  # fmt: skip
    assert refused.status_code == 400
    assert "up to 10 working days" in refused.json()["errors"][0]["message"]
    responded = council.post(url, {"kind": "respond", "text": "Sorry", "version": version},
                             format="json")  # fmt: skip
    assert responded.status_code == 200 and responded.json()["whose_move"] == "raiser"


def test_a_third_organisation_and_the_public_get_404(compact, case, third_member):
    for client in (client_for(third_member), client_for()):
        assert client.get(f"{API}/cases/{case.ref}/").status_code == 404
        assert client.get(f"{API}/cases/").json()["results"] == []
    refused = client_for(third_member).post(f"{API}/cases/{case.ref}/steps/",
                                            {"kind": "note", "text": "x", "version": 1},
                                            format="json")  # fmt: skip
    assert refused.status_code == 404
    assert refused.json() == {"errors": [{"record": case.ref, "field": None,
                                          "message": refused.json()["errors"][0]["message"]}]}  # fmt: skip
    assert client_for().post(f"{API}/cases/", NEW, format="json").status_code == 401
    assert case.steps.count() == 1


def test_the_officer_lists_every_case_open_first(compact, officer, group_member, case):
    closed = use.raise_case(Actor.system("test"), compact,
                            other_party=Organisation.objects.get(compact=compact, ref="fenland-dc"),
                            commitments=[NOTICE], what_happened="x", wanted="y",
                            raising_organisation=Organisation.objects.get(compact=compact,
                                                                          ref="fenland-cvs"),
                            day=date(2025, 5, 1))  # fmt: skip
    use.close(Actor.system("test"), closed, version=closed.version, outcome="withdrawn",
              outcome_text="Settled")  # fmt: skip
    listed = client_for(officer).get(f"{API}/cases/").json()["results"]
    assert [item["id"] for item in listed] == [case.ref, closed.ref]
    only_closed = client_for(officer).get(f"{API}/cases/?closed=true").json()["results"]
    assert [item["id"] for item in only_closed] == [closed.ref]
    assert client_for(officer).get(f"{API}/cases/?closed=maybe").status_code == 400
    mine = client_for(group_member).get(f"{API}/cases/").json()["results"]
    assert [item["id"] for item in mine] == [case.ref]


def test_bad_input_names_the_field(compact, group_member):
    client = client_for(group_member)
    response = client.post(f"{API}/cases/", {**NEW, "commitments": ["nowhere/9.9"]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "commitments"
    response = client.post(f"{API}/cases/", {**NEW, "other_party": "no-such"}, format="json")
    assert response.json()["errors"][0]["field"] == "other_party"
    response = client.post(f"{API}/cases/", {**NEW, "wanted": ""}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "wanted"
    assert not Case.objects.exists()


def test_the_openapi_description_covers_cases(client, compact):
    document = client.get("/api/v1/schema/?format=json").json()
    validate(document)
    paths = document["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/compacts/{slug}/cases/"])
    assert "get" in paths["/api/v1/compacts/{slug}/cases/{ref}/"]
    step = paths["/api/v1/compacts/{slug}/cases/{ref}/steps/"]["post"]
    assert {"400", "401", "403", "404", "412", "429"} <= set(step["responses"])
    listing = paths["/api/v1/compacts/{slug}/cases/"]["get"]["responses"]["200"]
    assert listing["content"]["application/json"]["schema"]["$ref"].endswith("PaginatedCaseList")


def test_the_list_does_not_query_per_case(
    compact, officer, group_member, case, django_assert_max_num_queries
):
    client = client_for(officer)
    client.get(f"{API}/cases/")
    with django_assert_max_num_queries(30) as few:
        client.get(f"{API}/cases/")
    queries = len(few.captured_queries)  # read now: each request empties Django's log
    for _ in range(10):
        client_for(group_member).post(f"{API}/cases/", NEW, format="json")
    with django_assert_max_num_queries(queries):
        assert client.get(f"{API}/cases/").json()["count"] == 11
