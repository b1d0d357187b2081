"""Public pages speak in words: no edition ids, citations or records-format field names in
what a reader sees, with records, findings and an import in the Compact."""

from __future__ import annotations

import re
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import connection
from service_fixtures import save_record

from compactwatch.findings.models import Finding
from compactwatch.imports.models import Status
from compactwatch.imports.services import create_job, run_job
from compactwatch.organisations.models import Organisation
from compactwatch.records.models import RECORD_MODELS, Consultation, FundingAgreement, FundingChange

sys.path.insert(0, str(Path(__file__).parents[1] / "browser"))
from test_accessibility import PUBLIC_PAGES  # the site's list of public pages

DATABASES = ["default"] if connection.vendor == "sqlite" else ["default", "jobs"]
pytestmark = pytest.mark.django_db(databases=DATABASES)
C = "/compacts/cambridgeshire"
GRANTS = (
    Path(__file__).parents[1] / "data" / "360giving" / "funders" / "trafford-council_2021-04.xlsx"
)


def field_names() -> set[str]:
    """The records format's field names and the organisations' (with an underscore: plain
    words such as `title` or `amount` may rightly appear in a sentence)."""
    names = {"compact_lead", "dbs_checks_paid_by_organisation"}  # the format's organisation
    for model in RECORD_MODELS.values():
        names |= set(model.format)
        for kind in model.format.values():
            names |= set(kind.model_fields())
    names |= {field.name for field in Organisation._meta.concrete_fields}
    return {name for name in names if "_" in name}


class VisibleText(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = VisibleText()
    parser.feed(page)
    return " ".join(parser.parts)


@pytest.fixture
def filled(compact, officer):
    """Records of each kind (with their findings) and an imported 360Giving file."""
    council = compact.organisations.get(ref="cambridgeshire-county-council")
    group = compact.organisations.get(ref="hunts-forum")
    agreement = save_record(FundingAgreement(
        compact=compact, ref="g-1", funder=council, recipient=group, kind="service_agreement",
        amount=5000, award_date=date(2016, 3, 1), start=date(2016, 4, 1), end=date(2017, 3, 31),
        decision_rationale_none=True,
    ), officer)  # fmt: skip
    save_record(FundingChange(
        compact=compact, ref="n-1", agreement=agreement, change="end",
        notice_given=date(2016, 12, 1), effective=date(2017, 1, 31), in_writing=True,
        rationale_none=True, impact_not_assessed=True, performance_related=False,
    ), officer)  # fmt: skip
    save_record(Consultation(
        compact=compact, ref="c-1", organisation=council, title="Libraries review",
        opens=date(2016, 1, 4), closes=date(2016, 2, 1), formal=True,
        feedback_not_published=True,
    ), officer)  # fmt: skip
    job = run_job(create_job(compact, GRANTS, GRANTS.name).pk)
    assert job.status == Status.DONE, job.summary
    return job


def test_the_pages_are_read_with_findings_and_imported_grants(filled, compact):
    assert Finding.objects.filter(compact=compact, record_ref="n-1").exists()
    assert FundingAgreement.objects.exclude(source_grant_id="").exists()


def test_public_pages_show_no_internal_ids(client, compact, filled):
    # One test for every page: the import it needs takes a while.
    editions = list(compact.editions.values_list("slug", flat=True))
    assert len(editions) == 2
    citation = re.compile(rf"(?:{'|'.join(map(re.escape, editions))})/[\w.]+")
    pages = [*PUBLIC_PAGES, filled.funder.get_absolute_url(), f"{C}/figures/?year=2016",
             f"{C}/register/cambridgeshire-county-council/?year=2016"]  # fmt: skip
    problems = {}
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        text = visible_text(response.content.decode())
        shown = citation.findall(text) + [edition for edition in editions if edition in text]
        # The records format's own page documents the field names, for people writing files.
        if path != "/records-format/":
            shown += sorted(name for name in field_names() if re.search(rf"\b{name}\b", text))
        if shown:
            problems[path] = shown
    assert not problems, "\n".join(f"{path} shows {shown}" for path, shown in problems.items())


def test_record_forms_say_what_to_do_and_accept_their_examples(client, council_member, compact):
    client.force_login(council_member)
    council = compact.organisations.get(ref="cambridgeshire-county-council")
    typed = {"organisation": council.pk, "title": "", "opens": "31/3/2026", "closes": "1/3/2026"}
    page = visible_text(client.post(f"{C}/records/new/consultation/", typed).content.decode())
    assert "Enter the consultation’s title" in page or "Enter the consultation's title" in page
    assert (
        "The date the consultation closes must be the same as or after the date the "
        "consultation opens" in page
    )
    assert "as a real date" not in page  # 31/3/2026, the example, is a date the form reads
    typed = {**typed, "title": "Libraries", "opens": "31 March", "closes": "31/3/2026"}
    page = visible_text(client.post(f"{C}/records/new/consultation/", typed).content.decode())
    assert "Enter the date the consultation opens as a real date, for example 31/3/2026" in page
    assert not Consultation.objects.exists()


def test_the_kind_of_agreement_is_typed_and_shown_in_words(client, council_member, compact):
    client.force_login(council_member)
    council = compact.organisations.get(ref="cambridgeshire-county-council")
    typed = {"funder": council.pk, "kind": "Service agreement", "amount": "12,500",
             "award_date": "2026-03-31", "currency": "GBP"}  # fmt: skip
    page = visible_text(client.post(f"{C}/records/new/funding_agreement/", typed).content.decode())
    assert "Enter the amount as a number, for example 12500.50" in page
    assert "For example Grant, Contract or Service agreement" in page
    typed["amount"] = "12500.50"
    response = client.post(f"{C}/records/new/funding_agreement/", typed)
    assert response.status_code == 302
    agreement = FundingAgreement.objects.get()
    assert agreement.kind == "service_agreement" and agreement.amount == 12500.5
    edit = client.get(f"{C}/records/funding_agreement/edit/{agreement.ref}/").content.decode()
    assert 'value="Service agreement"' in edit and "service_agreement" not in visible_text(edit)


def test_the_audit_trail_shows_labels_and_words(client, officer, compact):
    council = compact.organisations.get(ref="cambridgeshire-county-council")
    agreement = save_record(FundingAgreement(
        compact=compact, ref="g-1", funder=council, kind="service_agreement",
        award_date=date(2016, 3, 1), decision_rationale_none=True), officer)  # fmt: skip
    change = save_record(FundingChange(compact=compact, ref="n-1", agreement=agreement,
                                       change="end", notice_given=date(2016, 12, 1),
                                       in_writing=True), officer)  # fmt: skip
    change.in_writing = None
    save_record(change, officer)
    client.force_login(officer)
    page = client.get(f"{C}/manage/audit/").content.decode()
    text = " ".join(visible_text(page).split())
    assert "Notice given in writing Yes → changed to Not recorded" in text
    assert "Notice given 1 December 2016" in text and "Change End the funding" in text
    assert "Kind Service agreement" in text and "Funder Cambridgeshire County Council" in text
    assert "Rationale for the funding decision Recorded as none given" in text
    assert f'href="{change.get_absolute_url()}">n-1: Ending the service agreement' in page
    assert 'class="cw-table-scroll" role="region" aria-label="Audit entries"' in page
    names = {"in_writing", "notice_given", "service_agreement", "decision_rationale", "True"}
    assert not [name for name in names if re.search(rf"\b{name}\b", text)]


def test_a_register_entry_is_edited_in_words_and_stored_as_the_register_names_it(
    client, officer, compact
):
    from service_fixtures import form_data

    client.force_login(officer)
    edit = f"{C}/manage/register/cambridgeshire-pct/"
    page = client.get(edit).content.decode()
    assert 'value="NHS body"' in page and "nhs_body" not in visible_text(page)
    assert "For example local authority, NHS body, charity or community group" in page
    typed = {**form_data(client.get(edit).context["form"]), "lead_status": "nominated",
             "lead_name": "A. Person", "lead_role": " Board  Member "}  # fmt: skip
    assert client.post(edit, typed).status_code == 302
    entry = Organisation.objects.get(compact=compact, ref="cambridgeshire-pct")
    assert (entry.kind, entry.lead_role) == ("nhs_body", "board_member")
    # A kind the register does not know is kept as typed.
    typed = {**form_data(client.get(edit).context["form"]), "kind": "Friendly society"}
    assert client.post(edit, typed).status_code == 302
    entry.refresh_from_db()
    assert entry.kind == "Friendly society"
