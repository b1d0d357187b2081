"""Query parameters are read by one helper: a value a parameter does not take is a 400
that says what it takes, never a server error (`?year=²` once gave a 500)."""

from __future__ import annotations

import html

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compactwatch.params import BadQuery, query_date, query_int, query_year

C = "/compacts/cambridgeshire"


@pytest.mark.parametrize("text", ["²", "٣", "2016.0", "-1", "1899", "2200", "1e3", " 20 16"])
def test_years_that_are_not_years_are_refused(text):
    with pytest.raises(BadQuery, match="'year' takes a whole number from 1900 to 2199"):
        query_year({"year": text})


@pytest.mark.parametrize(
    "text, year", [("", None), ("1900", 1900), ("2199", 2199), (" 2016 ", 2016)]
)
def test_years_at_the_bounds_are_read(text, year):
    assert query_year({"year": text}) == year


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31", "1899-12-31", "2200-01-01"])
def test_dates_outside_the_records_formats_range_are_refused(text):
    with pytest.raises(BadQuery, match="from 1 January 1900 to 31 December 2199"):
        query_date({"opens": text}, "opens")


@given(st.text(max_size=12))
@settings(max_examples=300, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_is_a_number_in_range_or_refused(text):
    try:
        value = query_int({"n": text}, "n", 1, 500)
    except BadQuery:
        return
    assert value is None or 1 <= value <= 500


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["figures/", "register/cambridgeshire-county-council/"])
def test_pages_answer_400_with_the_reason(client, compact, path):
    response = client.get(f"{C}/{path}?year=%C2%B2")
    assert response.status_code == 400
    assert "'year' takes a whole number from 1900 to 2199" in html.unescape(
        response.content.decode()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["effective", "opens"])
@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31"])
def test_plan_a_decision_names_a_date_it_cannot_plan_for(client, compact, field, text):
    page = client.get(f"{C}/plan/?{field}={text}").content.decode()
    assert "Enter a date from 1 January 1900 to 31 December 2199" in page
    assert f'value="{int(text[:4])}"' in page  # what was typed is kept, as day, month, year


@pytest.mark.django_db
def test_a_record_whose_id_holds_slashes_has_a_working_address(client, officer, compact):
    from service_fixtures import save_record

    from compactwatch.records.models import FundingAgreement

    council = compact.organisations.get(ref="cambridgeshire-county-council")
    ref = "360G-sampletrust-105177/Z/14/Z"
    record = save_record(FundingAgreement(compact=compact, ref=ref, funder=council), officer)
    client.force_login(officer)
    page = client.get(record.get_absolute_url())
    assert page.status_code == 200 and ref in page.content.decode()
    assert client.get(f"{C}/records/?type=funding_agreement").status_code == 200
    edit = client.get(f"{C}/records/funding_agreement/edit/{ref}/")
    assert edit.status_code == 200 and f'value="{ref}"' in edit.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["limit=%C2%B2", "offset=%C2%B2", "limit=-1", "limit=x"])
def test_a_page_query_the_api_cannot_read_gives_the_first_page(compact, query):
    from rest_framework.test import APIClient

    response = APIClient().get(f"/api/v1/compacts/cambridgeshire/organisations/?{query}")
    assert response.status_code == 200 and response.json()["previous"] is None


@pytest.mark.django_db
def test_the_apis_figures_refuse_a_year_they_cannot_read(compact):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/compacts/cambridgeshire/figures/?year=%C2%B2")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"record": None, "field": "year",
        "message": "'year' takes a whole number from 1900 to 2199"}]  # fmt: skip
