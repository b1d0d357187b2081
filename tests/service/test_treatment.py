"""Each partner sees how it was treated; records lists and record pages people can use."""

import html
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from service_fixtures import save_record

from compactwatch.findings.models import Finding
from compactwatch.records.models import Consultation, FundingAgreement, FundingChange
from compactwatch.web.views import records as record_views

pytestmark = pytest.mark.django_db
C = "/compacts/cambridgeshire"
NOTICE_FINDING = (
    "Notice of 6 weeks was given; the Compact asks for at least 3 months in writing (4.5)."
)
NOTICE_COMMITMENT = "4.5 Three months' notice in writing (refreshed edition)"


def text_of(response) -> str:
    """A page's visible text (its main content), as a reader sees it."""
    page = response.content.decode()
    page = page[page.index("<main") : page.index("</main>")]
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>|<select.*?</select>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def shown(response) -> list[str]:
    """The references of the records on a list page, in order."""
    assert response.status_code == 200, response.content[:500]
    return [row.ref for row in response.context["page"].object_list]


@pytest.fixture
def world(compact, officer):
    """The County Council funds Hunts Forum (then ends it at 6 weeks' notice) and Fenland CVS
    (then cuts it); it consulted once; the City Council, which funds neither, consulted."""
    org = compact.organisations.get
    council, city = org(ref="cambridgeshire-county-council"), org(ref="cambridge-city-council")
    hunts, fenland = org(ref="hunts-forum"), org(ref="fenland-cvs")
    grant = save_record(FundingAgreement(
        compact=compact, ref="t-g-1", funder=council, recipient=hunts, kind="grant",
        programme="Youth services", amount=12000, award_date=date(2025, 4, 1),
        decision_rationale="Scored", monitoring_agreed=date(2025, 3, 20)), officer)  # fmt: skip
    save_record(FundingChange(
        compact=compact, ref="t-n-1", agreement=grant, change="end",
        notice_given=date(2025, 8, 1), effective=date(2025, 9, 12), in_writing=True,
        rationale="Budget"), officer)  # fmt: skip
    contract = save_record(FundingAgreement(
        compact=compact, ref="t-g-2", funder=council, recipient=fenland, kind="contract",
        award_date=date(2024, 12, 31)), officer)  # fmt: skip
    save_record(FundingChange(
        compact=compact, ref="t-n-2", agreement=contract, change="reduce",
        notice_given=date(2024, 9, 2), in_writing=False, impact_not_assessed=True), officer)  # fmt: skip
    save_record(Consultation(
        compact=compact, ref="t-c-1", organisation=council, title="Library services review",
        opens=date(2025, 1, 1), closes=date(2025, 3, 2), formal=True), officer)  # fmt: skip
    save_record(Consultation(
        compact=compact, ref="t-c-2", organisation=city, title="Parks review",
        opens=date(2025, 2, 3), closes=date(2025, 4, 27), formal=True), officer)  # fmt: skip
    return compact


# How a charity was treated ---------------------------------------------------------------


def test_a_charity_sees_first_how_it_was_treated(client, group_member, world):
    client.force_login(group_member)
    page = text_of(client.get("/"))
    treated = page.split("How you were treated")[1].split("Your own undertakings")[0]
    assert "Youth services grant from Cambridgeshire County Council to Hunts Forum" in treated
    assert "Ending the Youth services grant from Cambridgeshire County Council" in treated
    assert f"Not met {NOTICE_COMMITMENT} : {NOTICE_FINDING}" in treated
    assert "1 August 2025" in treated and "Cambridgeshire County Council (funder)" in treated
    # The consultation of the body that funds it, not that of a body that does not.
    assert "Library services review" in treated and "Parks review" not in page
    # Another charity's funding never appears.
    assert "Fenland CVS" not in page and "Contract from" not in page
    assert "funding_change" not in page and "cambridgeshire-refreshed" not in page


def test_a_charity_may_open_what_its_home_page_lists_and_nothing_more(client, group_member, world):
    client.force_login(group_member)
    for kind, ref in (("funding_agreement", "t-g-1"), ("funding_change", "t-n-1"),
                      ("consultation", "t-c-1")):  # fmt: skip
        assert client.get(f"{C}/records/{kind}/{ref}/").status_code == 200, ref
    for kind, ref in (("funding_agreement", "t-g-2"), ("funding_change", "t-n-2"),
                      ("consultation", "t-c-2")):  # fmt: skip
        assert client.get(f"{C}/records/{kind}/{ref}/").status_code == 404, ref
    assert set(shown(client.get(f"{C}/records/"))) == {"t-g-1", "t-n-1", "t-c-1"}


def test_the_home_page_shows_the_worst_first_and_links_to_all(client, group_member, world, officer):
    hunts = world.organisations.get(ref="hunts-forum")
    council = world.organisations.get(ref="cambridgeshire-county-council")
    save_record(FundingAgreement(compact=world, ref="t-g-3", funder=council, recipient=hunts,
                                 kind="grant", award_date=date(2025, 6, 1),
                                 decision_rationale_none=True), officer)  # fmt: skip
    client.force_login(group_member)
    response = client.get("/")
    received = response.context["organisations"][0]["treated"][0]
    assert [row.ref for row in received.rows] == ["t-g-3", "t-g-1"]  # not met, then unknown
    assert received.rows[0].worst == "not_met" and received.total == 2
    link = f"{C}/records/?type=funding_agreement&amp;body=hunts-forum&amp;side=other"
    assert f'href="{link}"' in response.content.decode()
    assert shown(client.get(html.unescape(link))) == ["t-g-3", "t-g-1"]


def test_the_officer_sees_recent_findings_named_in_words(client, officer, world):
    client.force_login(officer)
    page = text_of(client.get("/"))
    recent = page.split("Recent findings not met")[1]
    assert f"{NOTICE_COMMITMENT} : {NOTICE_FINDING}" in recent
    assert "Ending the Youth services grant from Cambridgeshire County Council" in recent
    assert "t-n-1" not in recent and "cambridgeshire-refreshed" not in page


# The records list -----------------------------------------------------------------------


@pytest.mark.parametrize("query, expected", [
    ("type=consultation", {"t-c-1", "t-c-2"}),
    ("type=funding_change", {"t-n-1", "t-n-2"}),
    ("status=not_met", {"t-n-1", "t-n-2", "t-c-1"}),
    ("status=unknown", {"t-g-1", "t-g-2", "t-c-2"}),
    ("body=fenland-cvs", {"t-g-2", "t-n-2", "t-c-1"}),  # its funder's consultation too
    ("body=hunts-forum", {"t-g-1", "t-n-1", "t-c-1"}),  # and its funder's consultation
    ("body=hunts-forum&side=acting", set()),
    ("body=cambridge-city-council&side=acting", {"t-c-2"}),
    ("body=cambridgeshire-county-council&side=other", set()),
    ("year=2024", {"t-g-2", "t-n-2"}),  # 31 December 2024 is in 2024
    ("year=2025&type=consultation", {"t-c-1", "t-c-2"}),  # 1 January 2025 is in 2025
    ("q=fenland", {"t-g-2", "t-n-2"}),
    ("q=T-C-1", {"t-c-1"}),
    ("q=library", {"t-c-1"}),
    ("q=youth services", {"t-g-1", "t-n-1"}),
])  # fmt: skip
def test_the_list_filters(client, officer, world, query, expected):
    client.force_login(officer)
    assert set(shown(client.get(f"{C}/records/?{query}"))) == expected


def test_the_list_filters_stand_as_the_worst_finding(client, officer, world):
    # A record is listed under the status of its worst finding, and only that.
    client.force_login(officer)
    worst = {}
    for finding in Finding.objects.exclude(record_type="organisation"):
        rank = ("not_met", "unknown", "explained", "met").index(finding.status)
        worst[finding.record_ref] = min(rank, worst.get(finding.record_ref, 9))
    for rank, status in enumerate(("not_met", "unknown", "explained", "met")):
        expected = {ref for ref, found in worst.items() if found == rank}
        assert set(shown(client.get(f"{C}/records/?status={status}"))) == expected, status


def test_the_list_sorts(client, officer, world):
    save_record(FundingAgreement(compact=world, ref="t-g-9", funder_name="aardvark trust",
                                 award_date=date(2023, 1, 1)), officer)  # fmt: skip
    client.force_login(officer)
    newest = ["t-n-1", "t-g-1", "t-c-2", "t-c-1", "t-g-2", "t-n-2", "t-g-9"]
    assert shown(client.get(f"{C}/records/")) == newest
    assert shown(client.get(f"{C}/records/?sort=oldest")) == newest[::-1]
    by_body = shown(client.get(f"{C}/records/?sort=body"))
    assert by_body[0] == "t-g-9"  # "aardvark trust" before "Cambridge City Council"
    assert by_body[1] == "t-c-2" and by_body[2:] == ["t-n-1", "t-g-1", "t-c-1", "t-g-2", "t-n-2"]
    by_status = shown(client.get(f"{C}/records/?sort=status"))
    assert by_status[:3] == ["t-n-1", "t-c-1", "t-n-2"]  # not met, newest first


def test_the_list_pages_and_keeps_its_filters(client, officer, world, monkeypatch):
    monkeypatch.setattr(record_views, "PAGE_SIZE", 2)
    client.force_login(officer)
    first = client.get(f"{C}/records/?year=2025&sort=oldest")
    assert shown(first) == ["t-c-1", "t-c-2"] and "4 records" in text_of(first)
    page = first.content.decode()
    assert 'href="?year=2025&amp;sort=oldest&amp;page=2" rel="next"' in page
    assert 'aria-current="page"' in page and 'class="govuk-pagination"' in page
    assert 'value="2025"' in page and '<option value="oldest" selected>' in page
    assert shown(client.get(f"{C}/records/?year=2025&sort=oldest&page=2")) == ["t-g-1", "t-n-1"]
    # Beyond the last page: the last page.
    assert shown(client.get(f"{C}/records/?year=2025&sort=oldest&page=99")) == ["t-g-1", "t-n-1"]


@pytest.mark.parametrize("query, message", [
    ("page=x", "'page' takes a whole number"),
    ("page=0", "'page' takes a whole number"),
    ("page=%C2%B2", "'page' takes a whole number"),
    ("year=twenty", "'year' takes a whole number from 1900 to 2199"),
    ("year=99999", "'year' takes a whole number from 1900 to 2199"),
    ("type=grant", "'type' takes one of"),
    ("status=bad", "'status' takes one of"),
    ("sort=size", "'sort' takes one of"),
    ("side=up", "'side' takes one of"),
    ("body=no-such-body", "there is none called 'no-such-body'"),
])  # fmt: skip
def test_the_list_refuses_what_it_cannot_read(client, officer, world, query, message):
    client.force_login(officer)
    response = client.get(f"{C}/records/?{query}")
    assert response.status_code == 400 and message in html.unescape(response.content.decode())


def test_the_list_says_who_when_and_how_it_stands_naming_each_record_once(client, officer, world):
    client.force_login(officer)
    response = client.get(f"{C}/records/")
    page = text_of(response)
    assert "6 records" in page
    assert (
        "Ending the Youth services grant from Cambridgeshire County Council to Hunts Forum" in page
    )
    assert "Cambridgeshire County Council (funder) Hunts Forum (recipient)" in page
    assert "1 August 2025 Notice given" in page and "Not met 1" in page
    for ref in shown(response):
        assert page.count(ref) == 1, ref
    assert 'class="cw-table-scroll" role="region"' in response.content.decode()


def test_a_member_lists_only_records_their_organisation_is_part_of(client, council_member, world):
    city_member = council_member.__class__.objects.create_user("city", password="x-long-pw-12")
    from compactwatch.changes.base import Actor
    from compactwatch.changes.register import add_membership

    add_membership(Actor.system("test"), world.organisations.get(ref="cambridge-city-council"),
                   city_member)  # fmt: skip
    client.force_login(city_member)
    assert shown(client.get(f"{C}/records/")) == ["t-c-2"]
    assert shown(client.get(f"{C}/records/?body=cambridgeshire-county-council")) == []
    client.force_login(council_member)
    assert "t-c-2" not in shown(client.get(f"{C}/records/"))


def test_the_lists_queries_do_not_grow_with_its_rows(client, officer, compact, monkeypatch):
    council = compact.organisations.get(ref="cambridgeshire-county-council")
    hunts = compact.organisations.get(ref="hunts-forum")
    for number in range(8):
        day = date(2025, 1, 1) + timedelta(days=10 * number)
        grant = save_record(FundingAgreement(compact=compact, ref=f"q-g-{number}", funder=council,
                                             recipient=hunts, award_date=day), officer)  # fmt: skip
        save_record(FundingChange(compact=compact, ref=f"q-n-{number}", agreement=grant,
                                  change="end", notice_given=day + timedelta(days=1)), officer)  # fmt: skip
        save_record(Consultation(compact=compact, ref=f"q-c-{number}", organisation=council,
                                 title=f"Review {number}", opens=day + timedelta(days=2)), officer)  # fmt: skip
    client.force_login(officer)
    counts = {}
    for size in (3, 24):
        monkeypatch.setattr(record_views, "PAGE_SIZE", size)
        for sort in ("newest", "status"):
            with CaptureQueriesContext(connection) as queries:
                assert len(shown(client.get(f"{C}/records/?sort={sort}"))) == size
            counts[size, sort] = len(queries)
    assert counts[3, "newest"] == counts[24, "newest"], counts
    assert counts[3, "status"] == counts[24, "status"], counts


# The record page --------------------------------------------------------------------------


def test_the_record_page_names_everything_in_words(client, officer, world):
    client.force_login(officer)
    response = client.get(f"{C}/records/funding_change/t-n-2/")
    page, text = response.content.decode(), text_of(response)
    assert "Change to funding Reducing the contract from Cambridgeshire County Council" in text
    assert ("Between Cambridgeshire County Council (funder) and Fenland CVS (recipient)") in text
    assert "Notice given in writing No" in text  # a false yes/no is "No"
    assert "Impact assessed Recorded as not assessed" in text  # the format's "not done"
    assert "Shorter notice by mutual agreement Not recorded" in text
    agreement = f'<a class="govuk-link" href="{C}/records/funding_agreement/t-g-2/">'
    assert (f"{agreement}Funding agreement: Contract from Cambridgeshire County Council to "
            "Fenland CVS</a>") in page  # fmt: skip
    assert f'href="{C}/register/fenland-cvs/"' in page
    assert f"Not met {NOTICE_COMMITMENT}" in text
    assert "cambridgeshire-refreshed" not in text and "in_writing" not in text
    assert text.count("t-n-2") == 1


def test_the_agreement_page_shows_its_money_and_kind_in_words(client, officer, world):
    client.force_login(officer)
    text = text_of(client.get(f"{C}/records/funding_agreement/t-g-1/"))
    assert "Amount £12,000" in text and "Kind Grant" in text and "Programme Youth services" in text
    assert "Funder Cambridgeshire County Council Recipient Hunts Forum" in text


# A body's page ----------------------------------------------------------------------------


def test_a_bodys_page_shows_its_records_in_both_roles_with_a_way_to_all(
    client, council_member, officer, compact
):
    council = compact.organisations.get(ref="cambridgeshire-county-council")
    hunts = compact.organisations.get(ref="hunts-forum")
    for number in range(12):
        save_record(FundingAgreement(compact=compact, ref=f"b-g-{number}", funder=council,
                                     recipient=hunts, award_date=date(2025, 1, 1 + number)),
                    officer)  # fmt: skip
    client.force_login(council_member)
    response = client.get(f"{C}/register/cambridgeshire-county-council/")
    gives = next(s for s in response.context["records"] if s.heading == "Funding it gives")
    assert len(gives.rows) == 10 and gives.total == 12
    page = response.content.decode()
    link = f"{C}/records/?type=funding_agreement&amp;body=cambridgeshire-county-council&amp;side=acting"
    assert f'<a class="govuk-link" href="{link}">See all 12' in page
    assert len(shown(client.get(html.unescape(link)))) == 12
    assert "Funding it receives (0)" in text_of(response)
    client.force_login(council_member.__class__.objects.create_user("x", password="x-long-pw-12"))
    assert (
        "Funding it gives"
        not in client.get(f"{C}/register/cambridgeshire-county-council/").content.decode()
    )
    # The recipient's page lists the same funding on its other side.
    client.force_login(officer)
    text = text_of(client.get(f"{C}/register/hunts-forum/"))
    assert "Funding it receives (12)" in text and "Funding it gives (0)" in text
