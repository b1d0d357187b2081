"""Pages say what they should, in the Compact's own words."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from compactwatch.findings.models import Finding

pytestmark = pytest.mark.django_db
C = "/compacts/cambridgeshire"


def test_edition_and_comparison_pages(client, compact):
    text = client.get(f"{C}/editions/cambridgeshire-refreshed/").content.decode()
    assert 'id="c-4.5"' in text and "Give a minimum of three months’ notice in writing" in text
    assert "where organsiations are engaging volunteers" in text
    compare = client.get(f"{C}/editions/compare/").content.decode()
    assert "12 weeks → 3 months" in compare


def test_plan_page_answers_and_names_bad_dates(client, compact):
    answer = client.get(f"{C}/plan/?effective=2099-03-31").content.decode()
    assert "Give notice by 31 December 2098" in answer
    wrong = client.get(f"{C}/plan/?effective-day=31&effective-month=2&effective-year=2026")
    page = wrong.content.decode()
    assert "Enter a real date" in page and 'name="effective-day" type="text"' in page
    assert 'inputmode="numeric" value="31"' in page


def test_upload_page_stores_and_the_figures_count_it(client, officer, compact):
    client.force_login(officer)
    document = {"funding_agreements": [{"id": "u-1", "funder": "cambridgeshire-county-council",
                                        "award_date": "2016-03-01", "decision_rationale": False}]}  # fmt: skip
    upload = SimpleUploadedFile("records.json", json.dumps(document).encode(), "application/json")
    page = client.post(f"{C}/records/upload/", {"files": [upload]}).content.decode()
    assert "Records stored" in page and "1 new funding agreement" in page
    assert Finding.objects.filter(
        record_ref="u-1", commitment="cambridgeshire-refreshed/3.3", status="not_met"
    ).exists()
    # The upload's one agreement is counted, as not met, on the figures and the funder's page.
    rationale = "3.3 Reasons for funding decisions (refreshed edition)"
    figures = client.get(f"{C}/figures/?year=2016").content.decode()
    assert _counts(figures, rationale) == ["0", "0", "1", "0"]
    body = client.get(f"{C}/register/cambridgeshire-county-council/?year=2016").content.decode()
    assert _counts(body, rationale) == ["0", "0", "1", "0"]
    other = client.get(f"{C}/register/cambridge-city-council/?year=2016").content.decode()
    assert _counts(other, rationale) is None


def _counts(page: str, commitment: str) -> list[str] | None:
    """A figures table's met, explained, not met and unknown for one commitment's row."""
    row = re.search(rf">{re.escape(commitment)}</a>(.*?)</tr>", page, re.DOTALL)
    if row is None:
        return None
    return re.findall(r'govuk-table__cell--numeric">([^<]*)</td>', row.group(1))[:4]


def test_upload_page_counts_every_problem_and_says_how_a_file_was_read(client, officer, compact):
    client.force_login(officer)
    many = {"consultations": [{"id": f"c-{n}", "opens": "not a date"} for n in range(150)]}
    upload = SimpleUploadedFile("many.json", json.dumps(many).encode(), "application/json")
    page = client.post(f"{C}/records/upload/", {"files": [upload]}).content.decode()
    assert "the file has 150 problems" in page and "50 more problems are not listed" in page
    heading = "id,organisation,title,opens,closes\nc-1,cambridgeshire-county-council,"
    windows = (heading + "Caf\xe9 review,2026-01-05,2026-03-29\n").encode("cp1252")
    upload = SimpleUploadedFile("consultations.csv", windows, "text/csv")
    page = client.post(f"{C}/records/upload/", {"files": [upload]}).content.decode()
    assert "Records stored" in page and "Windows-1252" in page


def test_forms_hold_dates_to_the_records_formats_bounds_and_keep_what_was_typed(
    client, council_member, compact
):
    client.force_login(council_member)
    council = compact.organisations.get(ref="cambridgeshire-county-council")
    typed = {"organisation": council.pk, "title": "Far future", "opens": "9999-12-01",
             "closes": "9999-12-31"}  # fmt: skip
    page = client.post(f"{C}/records/new/consultation/", typed).content.decode()
    assert "9999-12-01 is outside the dates the format allows (1900-01-01 to 2199-12-31)" in page
    assert 'value="Far future"' in page and 'value="9999-12-01"' in page
    from compactwatch.records.models import Consultation

    assert not Consultation.objects.exists()
