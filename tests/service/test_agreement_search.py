"""The funding-change form chooses its agreement by search, not from a list of them all:
by funder, recipient, programme or id, words combined, at most 20 at once, and only among
the agreements the user may record a change to (the form and the autocomplete's JSON)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from service_fixtures import PASSWORD, save_record

from compactwatch import permissions
from compactwatch.changes.base import Actor
from compactwatch.changes.register import add_membership
from compactwatch.changes.uploads import upload
from compactwatch.organisations.models import Organisation
from compactwatch.records.models import FundingAgreement, FundingChange
from compactwatch.records.search import search_agreements
from compactwatch.web.agreement_choice import agreement_label

pytestmark = pytest.mark.django_db
SLUG = "cambridgeshire"
FORM = reverse("web:record_create", args=[SLUG, "funding_change"])
SEARCH = reverse("web:agreement_search", args=[SLUG])
CHANGE = {"change": "end", "notice_given": "2025-06-02", "effective": "2025-09-30",
          "rationale": "Budget reductions"}  # fmt: skip


def org(ref: str) -> Organisation:
    return Organisation.objects.get(compact__slug=SLUG, ref=ref)


def _agreement(compact, officer, ref: str, funder: str, recipient: str, programme: str, **more):
    return save_record(
        FundingAgreement(compact=compact, ref=ref, funder=org(funder), recipient=org(recipient),
                         programme=programme, kind="grant", award_date=date(2025, 3, 1), **more),
        officer,
    )  # fmt: skip


@pytest.fixture
def agreements(compact, officer):
    """Two agreements of the County Council, one of Cambridge City Council."""
    _agreement(compact, officer, "cs-g-1", "cambridgeshire-county-council", "fenland-cvs",
               "Youth services", amount=12000, start=date(2025, 4, 1))  # fmt: skip
    _agreement(compact, officer, "cs-g-2", "cambridgeshire-county-council", "hunts-forum",
               "Older people")  # fmt: skip
    _agreement(compact, officer, "city-g-1", "cambridge-city-council", "fenland-cvs",
               "Youth services")  # fmt: skip


def _bulk(compact, officer, count: int, prefix: str = "bulk-g") -> None:
    """`count` agreements of the County Council to Young Lives, in one upload."""
    rows = [{"id": f"{prefix}-{n}", "funder": "cambridgeshire-county-council",
             "recipient": "young-lives", "kind": "contract", "amount": 1000 + n,
             "award_date": "2024-05-01"} for n in range(count)]  # fmt: skip
    content = json.dumps({"funding_agreements": rows}).encode()
    upload(Actor(officer, "upload"), compact, [("bulk.json", content)])


def _refs(agreements) -> list[str]:
    return [agreement.ref for agreement in agreements]


def _found(user, compact, text: str) -> list[str]:
    editable = permissions.editable_records(user, FundingAgreement, compact)
    return sorted(_refs(search_agreements(editable, text).shown))


# The search ---------------------------------------------------------------------------


def test_search_by_funder_recipient_programme_and_id_words_combined(agreements, officer, compact):
    assert _found(officer, compact, "youth") == ["city-g-1", "cs-g-1"]  # programme
    assert _found(officer, compact, "Hunts") == ["cs-g-2"]  # recipient
    assert _found(officer, compact, "city") == ["city-g-1"]  # funder
    assert _found(officer, compact, "cs-g-2") == ["cs-g-2"]  # id
    assert _found(officer, compact, "YOUTH county") == ["cs-g-1"]  # every word, any case
    assert _found(officer, compact, "youth older") == []
    assert _found(officer, compact, "  ") == []


def test_an_agreement_in_words(agreements):
    agreement = FundingAgreement.objects.get(ref="cs-g-1")
    assert agreement_label(agreement) == (
        "Youth services grant from Cambridgeshire County Council to Fenland CVS, £12,000 "
        "from 1 April 2025 (id cs-g-1)"
    )
    assert agreement_label(FundingAgreement.objects.get(ref="cs-g-2")) == (
        "Older people grant from Cambridgeshire County Council to Hunts Forum, "
        "awarded 1 March 2025 (id cs-g-2)"
    )


def test_at_most_20_are_offered_with_how_many_match(client, compact, officer):
    _bulk(compact, officer, 30)
    client.force_login(officer)
    page = client.post(FORM, {"agreement_search": "young lives", "find": "agreement"})
    text = page.content.decode()
    assert text.count('name="agreement" type="radio"') == 20
    assert "Showing 20 of 30; add words to narrow it" in text
    answer = client.get(SEARCH, {"q": "young lives"}).json()
    assert answer["count"] == 30 and len(answer["results"]) == 20
    narrowed = client.post(FORM, {"agreement_search": "young bulk-g-29", "find": "agreement"})
    assert "1 funding agreement matches" in narrowed.content.decode()


def test_the_form_holds_no_list_of_every_agreement(client, compact, officer):
    _bulk(compact, officer, 800)
    client.force_login(officer)
    page = client.get(FORM)
    assert page.status_code == 200
    assert len(page.content) < 30_000
    assert b"bulk-g-" not in page.content and page.content.count(b"<option") < 10


# The form, without JavaScript -----------------------------------------------------------


def test_finding_keeps_what_was_typed_and_saves_nothing(client, agreements, council_member):
    client.force_login(council_member)
    page = client.post(FORM, {**CHANGE, "rationale": "Money is short", "agreement_search": "youth",
                              "find": "agreement"})  # fmt: skip
    text = page.content.decode()
    assert page.status_code == 200 and not FundingChange.objects.exists()
    assert "There is a problem" not in text
    assert "Money is short" in text and 'value="2025-06-02"' in text
    assert "Funding agreements that match ‘youth’" in text
    assert "Youth services grant from Cambridgeshire County Council to Fenland CVS" in text
    assert "city-g-1" not in text  # Cambridge City Council's, not theirs to change


def test_saving_the_chosen_agreement_stores_it_and_the_edit_form_shows_it(
    client, agreements, council_member
):
    client.force_login(council_member)
    response = client.post(FORM, {**CHANGE, "ref": "n-1", "agreement_search": "youth",
                                  "agreement": "cs-g-1"})  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    change = FundingChange.objects.get()
    assert change.agreement.ref == "cs-g-1" and change.findings.exists()
    edit = client.get(reverse("web:record_edit", args=[SLUG, "funding_change", change.ref]))
    text = edit.content.decode()
    assert 'type="radio" value="cs-g-1" checked' in text
    assert "Youth services grant from Cambridgeshire County Council to Fenland CVS" in text


def test_an_exact_id_typed_is_taken(client, agreements, council_member):
    client.force_login(council_member)
    response = client.post(FORM, {**CHANGE, "agreement_search": " cs-g-2 "})
    assert response.status_code == 302, response.context["form"].errors
    assert FundingChange.objects.get().agreement.ref == "cs-g-2"


def test_words_without_a_choice_or_a_match_are_an_error_beside_the_field(
    client, agreements, council_member
):
    client.force_login(council_member)
    nothing = client.post(FORM, {**CHANGE, "agreement_search": "xyz"})
    text = nothing.content.decode()
    message = ("No funding agreement you can record a change to matches 'xyz'. "
               "Search by funder, recipient, programme or id.")  # fmt: skip
    assert nothing.context["form"].errors["agreement"] == [message]
    assert 'id="id_agreement-error"' in text and 'href="#id_agreement"' in text
    assert 'value="xyz"' in text and "Budget reductions" in text
    several = client.post(FORM, {**CHANGE, "agreement_search": "county"})
    assert several.context["form"].errors["agreement"] == [
        "Choose the funding agreement from those that match 'county'"
    ]
    assert several.content.decode().count('name="agreement" type="radio"') == 2
    assert not FundingChange.objects.exists()


def test_another_partners_agreements_are_never_offered_nor_taken(client, agreements, compact):
    city = get_user_model().objects.create_user("city", password=PASSWORD)
    add_membership(Actor.system("test"), org("cambridge-city-council"), city)
    client.force_login(city)
    assert [r["id"] for r in client.get(SEARCH, {"q": "youth"}).json()["results"]] == ["city-g-1"]
    assert client.get(SEARCH, {"q": "cs-g"}).json() == {"count": 0, "results": []}
    found = client.post(FORM, {"agreement_search": "fenland", "find": "agreement"})
    assert "cs-g-1" not in found.content.decode()
    # Neither by id typed nor by a choice made up: the same answer as for no agreement at all.
    typed = {
        ref: client.post(FORM, {**CHANGE, "agreement_search": ref}) for ref in ("cs-g-1", "no-g-1")
    }
    assert [r.context["form"].errors["agreement"] for r in typed.values()] == [
        [f"No funding agreement you can record a change to matches '{ref}'. Search by funder, "
         "recipient, programme or id."] for ref in typed
    ]  # fmt: skip
    chosen = [client.post(FORM, {**CHANGE, "agreement": ref}).context["form"].errors["agreement"]
              for ref in ("cs-g-1", "no-g-1")]  # fmt: skip
    assert chosen[0] == chosen[1]
    assert not FundingChange.objects.exists()


def test_a_recipients_member_may_record_no_change_to_their_funding(
    client, agreements, group_member
):
    client.force_login(group_member)  # Hunts Forum receives cs-g-2
    assert client.get(SEARCH, {"q": "older"}).json() == {"count": 0, "results": []}


# The search behind the autocomplete -----------------------------------------------------


def test_the_endpoint_answers_json_to_those_signed_in(client, agreements, officer):
    response = client.get(SEARCH, {"q": "hunts"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))
    client.force_login(officer)
    answer = client.get(SEARCH, {"q": "hunts"})
    assert answer["Content-Type"] == "application/json"
    assert answer.json() == {"count": 1, "results": [{
        "id": "cs-g-2",
        "label": "Older people grant from Cambridgeshire County Council to Hunts Forum, "
                 "awarded 1 March 2025 (id cs-g-2)",
    }]}  # fmt: skip
    assert client.get(SEARCH).json() == {"count": 0, "results": []}
    missing = reverse("web:agreement_search", args=["nowhere"])
    assert client.get(missing, {"q": "x"}).status_code == 404


@pytest.mark.parametrize(
    "query, message",
    [("x" * 301, "Search with at most 300 characters (this has 301)"),
     ("a\x07b", "Search with letters, numbers and punctuation only"),
     (" ".join("w" * 11), "Search with at most 10 words (this has 11)")],
)  # fmt: skip
def test_the_endpoint_refuses_a_search_it_cannot_make(client, officer, compact, query, message):
    client.force_login(officer)
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == message
    assert client.get(SEARCH, {"q": "x" * 300}).status_code == 200  # the boundary


def test_the_form_names_a_search_it_cannot_make_beside_the_field(client, officer, compact):
    client.force_login(officer)
    response = client.post(FORM, {"agreement_search": "a\x00b", "find": "agreement"})
    assert response.status_code == 200
    assert response.context["form"].errors["agreement"] == [
        "Search with letters, numbers and punctuation only"
    ]
