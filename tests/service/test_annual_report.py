"""The annual report (issue 14, point 4): made from the Compact's data, rendered from one
template as a page and a PDF, frozen when published, answered by partners."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader
from service_fixtures import PASSWORD, save_record

from compactwatch.changes.base import Actor, Invalid, NotFound, Refused, Stale
from compactwatch.changes.register import add_membership
from compactwatch.changes.reports import (
    make_draft,
    publish,
    queue_draft,
    responses_for,
    run_build,
    save_response,
)
from compactwatch.cli import main
from compactwatch.monitoring.report import SECTIONS, build_report
from compactwatch.organisations.models import Organisation
from compactwatch.records.models import Consultation, FundingAgreement
from compactwatch.reports import render
from compactwatch.reports.charts import STATUS_BARS
from compactwatch.reports.models import AnnualReport, PartnerResponse

YEAR = 2025
CITY, GROUP, COUNTY = "cambridge-city-council", "hunts-forum", "cambridgeshire-county-council"


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def org(compact, ref: str) -> Organisation:
    return Organisation.objects.get(compact=compact, ref=ref)


def some_records(compact, officer, year: int = YEAR) -> None:
    """Seven consultations of 12 weeks or less (one long enough) and two funding agreements,
    one with reasons recorded as not given."""
    city = org(compact, CITY)
    for n in range(7):
        save_record(Consultation(compact=compact, ref=f"c-{year}-{n}", organisation=city,
                                 title=f"Review {n}", opens=date(year, 1, 6),
                                 closes=date(year, 3, 30 - n * 4), formal=True), officer)  # fmt: skip
    save_record(FundingAgreement(compact=compact, ref=f"g-{year}-1", funder=city, kind="grant",
                                 award_date=date(year, 4, 1), decision_rationale_none=True),
                officer)  # fmt: skip
    save_record(FundingAgreement(compact=compact, ref=f"g-{year}-2", funder=city, kind="grant",
                                 award_date=date(year, 5, 1), decision_rationale="Met the aims"),
                officer)  # fmt: skip


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def numbered_titles() -> list[str]:
    return [f"{number}. {title}" for number, (_, title) in enumerate(SECTIONS, start=1)]


def assert_in_order(text: str, parts: list[str]) -> None:
    positions = [text.find(part) for part in parts]
    assert -1 not in positions, [part for part, at in zip(parts, positions, strict=True) if at < 0]
    assert positions == sorted(positions), positions


def test_renders_for_a_year_with_no_data(compact):
    report = make_draft(Actor.system(), compact, 1990)
    html = render.print_html(report)
    text = squeeze(pdf_text(render.pdf(report)))
    assert "No records of 1990 were checked" in html
    assert "No disagreement was raised in 1990" in html
    assert "The action plan for 1990 has no items" in html
    assert_in_order(text, numbered_titles())
    assert "Page 1 of" in text


def test_the_pdf_has_its_sections_in_order_and_opens(compact, officer):
    some_records(compact, officer)
    report = make_draft(Actor.system(), compact, YEAR)
    data = render.pdf(report)
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    assert "The Cambridgeshire Compact (refreshed edition), in force from" in squeeze(
        pdf_text(data)
    )
    text = squeeze(pdf_text(data))
    # Each title twice: in the contents, then as the section's heading, in the same order.
    titles = numbered_titles()
    contents_end = text.find(titles[0], text.find("Contents") + 1 + len("Contents"))
    assert_in_order(text[text.find("Contents") :], [title.split(". ", 1)[1] for title in titles])
    assert_in_order(text[contents_end:], titles)


def _table(html: str, table_id: str) -> str:
    start = html.index(f'id="{table_id}"')
    return html[start : html.index("</table>", start)]


def _row(table: str, label: str) -> str:
    for row in table.split("<tr")[1:]:
        if label in row:
            return row
    raise AssertionError(f"no row for {label!r}")


def _cells(row: str) -> list[str]:
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    return [squeeze(re.sub(r"<[^>]+>", " ", cell)).strip() for cell in cells]


def test_every_charts_figures_appear_in_its_table(compact, officer):
    some_records(compact, officer)
    some_records(compact, officer, YEAR - 1)
    report = make_draft(Actor.system(), compact, YEAR)
    html = render.print_html(report)
    charts = render.charts(report.snapshot)
    assert charts["indicators"] and charts["findings"], "both charts are drawn"
    indicators = _table(html, "table-indicators")
    for row in charts["indicators"].rows:
        cells = _cells(_row(indicators, row.label))
        for bar in row.bars:
            column = 0 if bar.label == "This year" else 1
            assert cells[column].startswith(bar.words), (row.label, bar.words, cells)
    findings = _table(html, "table-findings")
    columns = [label for _, label, _ in STATUS_BARS]
    for row in charts["findings"].rows:
        cells = _cells(_row(findings, row.label))
        for bar in row.bars:
            count = bar.words.split(" ")[0]
            assert cells[columns.index(bar.label)] == count, (row.label, bar.words, cells)
    # And the PDF carries the same tables' words.
    text = squeeze(pdf_text(render.pdf(report)))
    for chart in charts.values():
        for row in chart.rows:
            assert row.label in text


def test_a_published_report_reads_the_same_after_the_records_change(compact, officer):
    some_records(compact, officer)
    report = make_draft(Actor.system(), compact, YEAR)
    report = publish(Actor(officer, "test"), report, version=report.version)
    before = render.print_html(report)
    # The year's records change: three more agreements, all without reasons.
    city = org(compact, CITY)
    for n in range(3):
        save_record(FundingAgreement(compact=compact, ref=f"late-{n}", funder=city, kind="grant",
                                     award_date=date(YEAR, 6, 1), decision_rationale_none=True),
                    officer)  # fmt: skip
    assert build_report(compact, YEAR)["findings"] != report.snapshot["findings"], (
        "the figures made now differ, so the comparison below can fail"
    )
    again = AnnualReport.objects.get(pk=report.pk)
    assert render.print_html(again) == before
    with pytest.raises(Invalid, match="frozen"):
        make_draft(Actor.system(), compact, YEAR)
    with pytest.raises(Invalid, match="frozen"):
        queue_draft(Actor(officer, "test"), compact, YEAR)
    assert AnnualReport.objects.get(pk=report.pk).snapshot == report.snapshot


def _member(compact, username: str, ref: str):
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    add_membership(Actor.system("test"), org(compact, ref), user)
    return user


def test_who_may_write_and_read_responses(compact, officer):
    report = make_draft(Actor.system(), compact, YEAR)
    group = _member(compact, "group", GROUP)
    county = _member(compact, "county", COUNTY)
    stranger = get_user_model().objects.create_user("stranger", password=PASSWORD)
    mine = save_response(Actor(group, "test"), report, org(compact, GROUP),
                         text="We welcome it.", final=False)  # fmt: skip
    # Another partner's member, the officer and someone of no partner cannot write it.
    for user in (county, officer, stranger):
        with pytest.raises(NotFound):
            save_response(Actor(user, "test"), report, org(compact, GROUP), text="X", final=True)
    assert PartnerResponse.objects.get(pk=mine.pk).text == "We welcome it."
    # A draft is read by its own partner and the officer, not by another partner.
    assert responses_for(group, report) == [mine]
    assert responses_for(officer, report) == [mine]
    assert responses_for(county, report) == []
    # Once final, the others read it, and it is printed in the report.
    mine = save_response(Actor(group, "test"), report, org(compact, GROUP),
                         text="We welcome it, with one worry.", final=True, version=mine.version)  # fmt: skip
    assert responses_for(county, report) == [mine]
    assert "We welcome it, with one worry." in render.print_html(report)
    with pytest.raises(Stale):
        save_response(Actor(group, "test"), report, org(compact, GROUP), text="Old",
                      final=True, version=1)  # fmt: skip
    with pytest.raises(Invalid, match="5,000 characters"):
        save_response(Actor(group, "test"), report, org(compact, GROUP), text="x" * 5001,
                      final=True)  # fmt: skip
    report = publish(Actor(officer, "test"), report, version=report.version)
    assert report.snapshot["responses"] == [
        {"organisation": org(compact, GROUP).name, "text": "We welcome it, with one worry."}
    ]
    with pytest.raises(Invalid, match="frozen"):
        save_response(Actor(group, "test"), report, org(compact, GROUP), text="Later",
                      final=True)  # fmt: skip


def test_only_the_officer_makes_and_publishes(compact, officer):
    group = _member(compact, "group", GROUP)
    with pytest.raises(Refused):
        make_draft(Actor(group, "test"), compact, YEAR)
    report = make_draft(Actor(officer, "test"), compact, YEAR)
    with pytest.raises(Refused):
        publish(Actor(group, "test"), report, version=report.version)
    with pytest.raises(Stale):
        publish(Actor(officer, "test"), report, version=report.version - 1)
    assert not AnnualReport.objects.get(pk=report.pk).is_published


def test_the_button_queues_the_work_and_the_worker_does_it(compact, officer):
    some_records(compact, officer)
    report = queue_draft(Actor(officer, "test"), compact, YEAR)
    assert report.build_status == "queued" and not report.snapshot
    done = run_build(report.pk)
    assert done.build_status == "" and done.build_percent == 100
    assert done.snapshot["findings"], "the worker made the figures"
    assert run_build(report.pk).version == done.version, "a second run does nothing"


def test_pages_and_pdf(compact, officer):
    some_records(compact, officer)
    page = reverse("web:annual_report", args=[compact.slug, YEAR])
    anyone, signed_in = Client(), Client()
    signed_in.force_login(officer)
    assert anyone.get(page).status_code == 404, "no report yet"
    assert signed_in.get(page).status_code == 200, "the officer is offered to make it"
    manage = reverse("web:annual_report_manage", args=[compact.slug, YEAR])
    response = signed_in.post(manage, {"action": "make"})
    assert response.status_code == 302
    run_build(AnnualReport.objects.get(compact=compact, year=YEAR).pk)
    assert anyone.get(page).status_code == 404, "a draft is not public"
    report = AnnualReport.objects.get(compact=compact, year=YEAR)
    response = signed_in.post(manage, {"action": "publish", "version": report.version})
    assert response.status_code == 302
    response = anyone.get(page)
    assert response.status_code == 200 and b"Published on" in response.content
    pdf = anyone.get(reverse("web:annual_report_pdf", args=[compact.slug, YEAR]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert anyone.get(reverse("web:annual_report", args=[compact.slug, 3000])).status_code == 404


def test_a_partners_response_form_keeps_what_was_typed(compact, officer):
    make_draft(Actor.system(), compact, YEAR)
    group = _member(compact, "group", GROUP)
    client = Client()
    client.force_login(group)
    form = reverse("web:report_response", args=[compact.slug, YEAR, GROUP])
    response = client.post(form, {"text": "y" * 5001})
    assert response.status_code == 200
    assert "5,000 characters" in response.content.decode()
    assert "y" * 5001 in response.content.decode()
    assert client.post(form, {"text": "Thank you", "final": "on"}).status_code == 302
    other = reverse("web:report_response", args=[compact.slug, YEAR, COUNTY])
    assert client.get(other).status_code == 404


def test_the_command_writes_html_and_pdf(compact, officer, tmp_path, capsys):
    some_records(compact, officer)
    html, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    arguments = ["report", "annual", "--compact", compact.slug, "--year", str(YEAR)]
    assert main([*arguments, "--html", str(html), "--pdf", str(pdf)]) == 0
    assert "Annual report 2025" in html.read_text()
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "a draft, made now" in capsys.readouterr().out
    assert main(["report", "annual", "--compact", "nowhere", "--year", "2025", "--html",
                 str(html)]) == 1  # fmt: skip


def test_the_register_section_names_organisations_never_their_leads(compact, officer):
    from django.utils import timezone

    from compactwatch.changes.joining import leave
    from compactwatch.changes.register import save_organisation

    year = timezone.localdate().year  # the audit trail is dated today
    system = Actor.system("test")
    save_organisation(system, compact, GROUP, {"lead_status": "nominated",
                      "lead_name": "Margaret Thistlewood", "lead_role": "board_member"},
                      mode="update")  # fmt: skip
    county = org(compact, COUNTY)
    leave(system, county, version=county.version, reason="Merged")
    register = make_draft(system, compact, year).snapshot["register"]
    assert register["leads"] == [f"{org(compact, GROUP).name} nominated a Compact lead"]
    assert register["left"] == [county.name]
    html = render.print_html(AnnualReport.objects.get(compact=compact, year=year))
    assert county.name in html and "Thistlewood" not in html


@pytest.mark.django_db(transaction=True)
def test_the_button_runs_in_the_database_queue(compact, officer):
    from django.core.management import call_command

    some_records(compact, officer)
    client = Client()
    client.force_login(officer)
    manage = reverse("web:annual_report_manage", args=[compact.slug, YEAR])
    assert client.post(manage, {"action": "make"}).status_code == 302
    report = AnnualReport.objects.get(compact=compact, year=YEAR)
    assert report.build_status == "queued" and not report.snapshot
    assert "waiting for the worker" in client.get(manage).content.decode()
    call_command("db_worker", batch=True, verbosity=0)
    report.refresh_from_db()
    assert report.build_status == "" and report.snapshot["findings"]
    assert "Make the figures again" in client.get(manage).content.decode()


counts = st.integers(min_value=0, max_value=10**6)


@given(st.lists(st.tuples(counts, counts, counts, counts), min_size=1, max_size=8))
def test_a_stacked_bar_is_as_long_as_its_parts(rows):
    from compactwatch.reports.charts import BAR_WIDTH, stacked_chart

    data = [dict(zip(("met", "explained", "not_met", "unknown"), row, strict=True),
                 name=f"row {n}") for n, row in enumerate(rows)]  # fmt: skip
    chart = stacked_chart("c", "t", "s", data)
    drawn = [row for row in data if sum(row[key] for key, _, _ in STATUS_BARS)]
    assert (chart is None) == (not drawn)
    for row, source in zip(chart.rows if chart else [], drawn, strict=True):
        widths = sum(bar.width for bar in row.bars)
        assert abs(widths - BAR_WIDTH) <= len(STATUS_BARS)  # each part rounded once
        for bar in row.bars:  # a bar for each status counted, named with its count
            key = next(key for key, label, _ in STATUS_BARS if label == bar.label)
            assert bar.words == f"{source[key]:,} {bar.label.lower()}" and source[key]
            assert bar.x + bar.width <= BAR_WIDTH + len(STATUS_BARS)


@given(counts, counts)
def test_a_share_bar_is_its_share_of_the_width(count, extra):
    from compactwatch.reports.charts import BAR_WIDTH, share_chart

    total = count + extra
    figure = {"count": count, "total": total, "words": f"{count} of {total}"}
    chart = share_chart("c", "t", "s", [{"name": "x", "this_year": figure, "last_year": figure}])
    if not total:
        assert chart is None
        return
    (bar, _) = chart.rows[0].bars
    assert 0 <= bar.width <= BAR_WIDTH
    assert abs(bar.width - BAR_WIDTH * count / total) <= 0.5
