"""Indicators computed from the stored records (issue 14, point 1): the figures of a
fixture worked out by hand (tests/data/indicators/*.yaml), the page, the API, and a
bounded number of queries whatever the number of records."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compactwatch.changes import cases
from compactwatch.changes.base import Actor
from compactwatch.changes.uploads import upload
from compactwatch.monitoring.indicators import (
    indicator_figures,
    indicators_for,
    partners_without_lead,
)
from compactwatch.organisations.models import Organisation

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent.parent / "data" / "indicators"
CASES = sorted(DATA.glob("*.yaml"))


def _load(compact, officer, document: dict) -> None:
    """Upload the records as the officer would, and raise and close each disagreement."""
    upload(
        Actor(officer, "test"),
        compact,
        [("records.json", json.dumps(document["records"]).encode())],
    )
    actor = Actor(officer, "test")
    for item in document.get("disagreements", []):
        case = cases.raise_case(
            actor, compact,
            other_party=Organisation.objects.get(compact=compact, ref=item["about"]),
            raising_organisation=Organisation.objects.get(compact=compact, ref="hunts-forum"),
            commitments=["cambridgeshire-refreshed/4.5"],
            what_happened=f"Disagreement {item['name']}", wanted="Three months' notice",
            day=date.fromisoformat(item["raised"]),
        )  # fmt: skip
        if "closed" in item:
            case.refresh_from_db()
            breach = item.get("breach")
            cases.close(
                actor, case, version=case.version, outcome=item["outcome"],
                outcome_text="Settled", breach_found=None if breach is None else bool(breach),
                breach_commitment=breach or "", day=date.fromisoformat(item["closed"]),
            )  # fmt: skip


def _expected_cases():
    for path in CASES:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for number, expected in enumerate(document["expected"]):
            label = f"{path.stem}-{number}-{expected['indicator']}-{expected.get('body', 'all')}"
            yield pytest.param(document, expected, id=label)


@pytest.mark.parametrize(("document", "expected"), list(_expected_cases()))
def test_figures_worked_out_by_hand(compact, officer, document, expected):
    _load(compact, officer, document)
    body = (
        Organisation.objects.get(compact=compact, ref=expected["body"])
        if "body" in expected else None
    )  # fmt: skip
    this_year = document["this_year"]
    rows = indicator_figures(compact, this_year, body, exact=expected.get("exact", False))
    (row,) = [row for row in rows if row.indicator.id == expected["indicator"]]
    figure = row.this_year if expected["year"] == this_year else row.last_year
    shown = f"{figure.words} ({figure.percent}%)" if figure.percent is not None else figure.words
    assert shown == expected["words"], expected["working"]
    assert figure.unknown == expected.get("unknown", 0), expected["working"]
    if "too_small" in expected:
        assert figure.too_small is expected["too_small"], expected["working"]
        assert figure.caution == ("too few to mean much" if expected["too_small"] else "")


def test_every_shipped_indicator_is_in_the_fixture():
    ids = {item.id for item in indicators_for_shipped()}
    checked = {
        expected["indicator"]
        for path in CASES
        for expected in yaml.safe_load(path.read_text(encoding="utf-8"))["expected"]
    }
    assert ids <= checked


def indicators_for_shipped():
    from compactwatch.compact.indicators import shipped_indicators

    return shipped_indicators()["cambridgeshire"].indicators


def test_counts_per_body_add_up_to_the_whole(compact, officer):
    document = yaml.safe_load((DATA / "two_years.yaml").read_text(encoding="utf-8"))
    _load(compact, officer, document)
    whole = {
        row.indicator.id: row.this_year for row in indicator_figures(compact, 2016, exact=True)
    }
    bodies = Organisation.objects.filter(compact=compact)
    sums: dict[str, list[int]] = {}
    for body in bodies:
        for row in indicator_figures(compact, 2016, body, exact=True):
            if row.indicator.about.kind == "share":
                counted = sums.setdefault(row.indicator.id, [0, 0])
                counted[0] += row.this_year.count or 0
                counted[1] += row.this_year.total or 0
    for indicator_id, (count, total) in sums.items():
        assert (count, total) == (whole[indicator_id].count, whole[indicator_id].total), (
            indicator_id
        )


def test_partners_without_lead_by_name(compact, officer):
    document = yaml.safe_load((DATA / "two_years.yaml").read_text(encoding="utf-8"))
    _load(compact, officer, document)
    names = [organisation.name for organisation in partners_without_lead(compact)]
    assert "Fenland CVS" in names
    assert "Cambridgeshire County Council" not in names and "Hunts Forum" not in names
    assert names == sorted(names) and len(names) == 22


def test_an_empty_year_gives_none_to_count(compact):
    rows = indicator_figures(compact, 1999)
    assert rows and all(row.this_year.words for row in rows)
    by_id = {row.indicator.id: row.this_year for row in rows}
    assert by_id["consultations-full-length"].words == "none to count"
    assert by_id["median-notice"].words == "no notices to count"
    assert by_id["consultations-full-length"].too_small


def _records(compact, officer, how_many: int) -> None:
    consultations = [
        {"id": f"q{n}", "organisation": "cambridgeshire-county-council", "title": f"Consultation {n}",
         "opens": "2016-01-04", "closes": "2016-03-28" if n % 2 else "2016-02-01", "formal": True}
        for n in range(how_many)
    ]  # fmt: skip
    changes = [
        {"id": f"m{n}", "agreement": "qg", "change": "end", "notice_given": "2016-01-04",
         "effective": f"2016-0{2 + n % 4}-01", "in_writing": True, "rationale": "Budget"}
        for n in range(how_many)
    ]  # fmt: skip
    agreement = {"id": "qg", "funder": "cambridgeshire-county-council", "recipient": "hunts-forum",
                 "award_date": "2015-01-01"}  # fmt: skip
    document = {"consultations": consultations, "funding_agreements": [agreement],
                "funding_changes": changes}  # fmt: skip
    upload(Actor(officer, "test"), compact, [("records.json", json.dumps(document).encode())])


def _queries(compact) -> int:
    indicators_for(compact)  # the editions, read once and cached
    with CaptureQueriesContext(connection) as queries:
        indicator_figures(compact, 2016)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_records(compact, officer):
    _records(compact, officer, 3)
    few = _queries(compact)
    _records(compact, officer, 60)
    many = _queries(compact)
    assert many == few
    assert few < 40


def test_the_page_shows_counts_and_no_record_links_to_the_public(client, compact, officer):
    document = yaml.safe_load((DATA / "two_years.yaml").read_text(encoding="utf-8"))
    _load(compact, officer, document)
    page = client.get(reverse("web:indicators", args=[compact.slug]), {"year": 2016})
    text = page.content.decode()
    assert page.status_code == 200
    assert "3 of 4 (75%)" in text and "0 of 1 (0%)" in text
    assert "too few to mean much" in text
    assert "2.4 12-week formal written consultation" in text
    assert "Fenland CVS" in text  # partners with no lead, by name
    assert "The records behind this figure" not in text
    assert "fewer than 5 disagreements" in text
    assert "In 5.1 of the 2007 edition, the Compact says:" in text
    assert "fewer than 5 in all" in text  # disagreements resolved, 2 of 4, withheld


def test_the_officer_sees_the_records_behind_each_figure(client, compact, officer):
    client.force_login(officer)
    page = client.get(reverse("web:indicators", args=[compact.slug]), {"year": 2016})
    text = page.content.decode()
    assert "The records behind this figure" in text
    assert "type=consultation&amp;year=2016" in text


def test_a_body_sees_its_own_records_link_and_the_chooser_is_alphabetical(
    client, compact, council_member
):
    client.force_login(council_member)
    url = reverse("web:indicators", args=[compact.slug])
    own = client.get(url, {"year": 2016, "body": "cambridgeshire-county-council"}).content.decode()
    assert "body=cambridgeshire-county-council&amp;side=acting" in own
    other = client.get(url, {"year": 2016, "body": "fenland-dc"}).content.decode()
    assert "The records behind this figure" not in other
    chooser = own.split('id="body"')[1].split("</select>")[0]
    names = [part.split(">", 1)[1].split("<", 1)[0] for part in chooser.split("<option")[2:]]
    assert names == sorted(names, key=str.lower)


@pytest.mark.parametrize("query", [{"year": "next"}, {"year": "1066"}, {"body": "nobody"}])
def test_a_bad_query_is_refused_in_words_not_a_500(client, compact, query):
    page = client.get(reverse("web:indicators", args=[compact.slug]), query)
    assert page.status_code == 400


def test_the_compact_page_links_to_the_indicators(client, compact):
    page = client.get(reverse("web:compact", args=[compact.slug])).content.decode()
    assert reverse("web:indicators", args=[compact.slug]) in page


# ---------------------------------------------------------------- the API


def test_the_api_gives_each_indicator_beside_last_year(compact, officer):
    from rest_framework.test import APIClient

    document = yaml.safe_load((DATA / "two_years.yaml").read_text(encoding="utf-8"))
    _load(compact, officer, document)
    url = f"/api/v1/compacts/{compact.slug}/indicators/"
    answer = APIClient().get(url, {"year": 2016})
    assert answer.status_code == 200
    by_id = {item["id"]: item for item in answer.json()}
    consultations = by_id["consultations-full-length"]
    assert consultations["commitment_name"].startswith("2.4 12-week formal written consultation")
    assert consultations["this_year"] == {
        "count": 3, "total": 4, "value": None, "percent": 75, "unknown": 1, "too_small": True,
        "words": "3 of 4",
    }  # fmt: skip
    assert consultations["last_year"]["words"] == "0 of 1"
    assert consultations["target"] is None
    # The public's figures of disagreements: small counts withheld, numbers too.
    assert by_id["disagreements-raised"]["this_year"]["count"] is None
    assert by_id["disagreements-raised"]["this_year"]["words"] == "fewer than 5 disagreements"
    council = APIClient().get(url, {"year": 2016, "body": "cambridgeshire-county-council"}).json()
    assert {item["id"]: item for item in council}["consultations-full-length"]["this_year"][
        "words"
    ] == "2 of 3"


@pytest.mark.parametrize(
    ("query", "field"), [({"year": "soon"}, "year"), ({"body": "nobody"}, "body")]
)
def test_the_api_refuses_a_bad_query_naming_the_field(compact, query, field):
    from rest_framework.test import APIClient

    answer = APIClient().get(f"/api/v1/compacts/{compact.slug}/indicators/", query)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == field


def test_the_api_answers_404_for_no_such_compact(db):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/compacts/nowhere/indicators/").status_code == 404
