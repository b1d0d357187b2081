"""Open data (issue 14, point 5): one download per Compact, CSV and JSON with a README of
the fields, and nothing confidential in any file; the same tables through the API.

The download is made by the worker and kept as a file (changes/open_data.py): a request
only queues it or serves the latest one made. The confidentiality checks read the file the
worker made, as the download serves it."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from service_fixtures import save_record

from compactwatch.audit.models import AuditEntry
from compactwatch.changes import cases
from compactwatch.changes import open_data as open_data_changes
from compactwatch.changes.base import Actor, Refused
from compactwatch.changes.joining import add_contact
from compactwatch.changes.register import save_organisation
from compactwatch.cli import main
from compactwatch.compact.disclosure import shown_count
from compactwatch.organisations.models import Organisation
from compactwatch.records.models import Consultation, FundingAgreement
from compactwatch.reports import exports, opendata
from compactwatch.reports.models import OpenDataExport

GROUP, COUNTY, CITY = "hunts-forum", "cambridgeshire-county-council", "cambridge-city-council"
LEAD = "Margaret Thistlewood"
EMAIL = "jo.private@example.org"
PHONE = "01223 555 0199"
CONTACT = "Joanna Privett"
NOTE = "Confidential: the chair is worried about XQZ funding"
WHAT_HAPPENED = "Our grant was ended with four weeks notice PLANTEDWORDS"


def org(compact, ref: str) -> Organisation:
    return Organisation.objects.get(compact=compact, ref=ref)


@pytest.fixture
def planted(compact, officer):
    """A Compact holding everything that must never be published."""
    system = Actor.system("test")
    save_organisation(system, compact, GROUP, {"lead_status": "nominated", "lead_name": LEAD,
                      "lead_role": "board_member", "kind": "charity"}, mode="update")  # fmt: skip
    add_contact(system, org(compact, GROUP), {"name": CONTACT, "email": EMAIL, "phone": PHONE})
    city = org(compact, CITY)
    save_record(Consultation(compact=compact, ref="c-1", organisation=city, title="Library review",
                             opens=date(2025, 1, 6), closes=date(2025, 3, 30), formal=True),
                officer)  # fmt: skip
    # A person's name typed into a record's free text is withheld, not published.
    save_record(FundingAgreement(compact=compact, ref="g-1", funder=city, kind="grant",
                                 award_date=date(2025, 4, 1),
                                 decision_rationale=f"Agreed with {LEAD} at the panel"),
                officer)  # fmt: skip
    case = cases.raise_case(
        Actor(officer, "test"), compact, other_party=org(compact, COUNTY),
        raising_organisation=org(compact, GROUP), day=date(2025, 5, 1),
        commitments=["cambridgeshire-refreshed/4.5"], what_happened=WHAT_HAPPENED,
        wanted="Three months' notice",
    )  # fmt: skip
    cases.add_confidential_note(Actor(officer, "test"), case, NOTE)
    return case


def built(compact, officer=None) -> OpenDataExport:
    """What the worker does: one export queued, then made."""
    actor = Actor(officer, "test") if officer else Actor.system("test")
    export = open_data_changes.ask_for_fresh(actor, compact)
    return open_data_changes.run_export(export.pk)


def unzip(data: bytes) -> dict[str, str]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def files(compact) -> dict[str, str]:
    """The files of the download as the worker built it, read back from where it is kept."""
    export = built(compact)
    assert export.status == "done", export.problem
    return unzip(exports.stored_path(export.file).read_bytes())


def test_nothing_confidential_in_any_file(compact, planted):
    everything = files(compact)
    assert set(everything) == {"README.md"} | {
        f"{table.name}.{kind}" for table in opendata.TABLES for kind in ("csv", "json")
    }
    secrets = [LEAD, "Thistlewood", EMAIL, PHONE, CONTACT, NOTE, "XQZ", "PLANTEDWORDS",
               planted.ref]  # fmt: skip
    for name, text in everything.items():
        for secret in secrets:
            assert secret.lower() not in text.lower(), (name, secret)
    # The case's parties are not named in the counts of disagreements.
    for name in ("disagreements.csv", "disagreements.json"):
        for party in (GROUP, COUNTY, org(compact, GROUP).name, org(compact, COUNTY).name):
            assert party not in everything[name], (name, party)
    # ...while what may be published is there (so the checks above can fail).
    assert "Library review" in everything["consultations.csv"]
    assert opendata.WITHHELD in everything["funding_agreements.csv"]
    assert "fewer than 5" in everything["disagreements.csv"]
    register = list(csv.DictReader(io.StringIO(everything["register.csv"])))
    hunts = next(row for row in register if row["id"] == GROUP)
    assert hunts["compact_lead"] == "nominated" and hunts["compact_lead_role"] == "board_member"


def test_the_readme_lists_every_column_of_every_file(compact, planted):
    everything = files(compact)
    readme = everything["README.md"]
    sections = readme.split("\n## ")[1:]
    for table in opendata.TABLES:
        header = next(csv.reader(io.StringIO(everything[f"{table.name}.csv"])))
        section = next(part for part in sections if part.startswith(f"{table.name}.csv"))
        for column in header:
            assert f"| `{column}` |" in section, (table.name, column)
        rows = json.loads(everything[f"{table.name}.json"])
        assert all(list(row) == header for row in rows), table.name
    assert len(json.loads(everything["consultations.json"])) == 1


def test_records_columns_are_the_records_formats_fields(compact, planted):
    from compactwatch.compact.format_guide import MEANINGS

    for table in opendata.RECORD_TABLES.values():
        names = [column.name for column in table.columns]
        assert names[:-1] == list(MEANINGS[table.name]), table.name


def test_the_download_page_and_the_api(compact, planted):
    client = Client()
    built(compact)
    assert client.get(reverse("web:open_data", args=[compact.slug])).status_code == 200
    download = client.get(reverse("web:open_data_download", args=[compact.slug]))
    assert download["Content-Type"] == "application/zip"
    readme = (
        zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).read("README.md").decode()
    )
    assert (
        client.get(reverse("web:open_data_readme", args=[compact.slug])).content.decode() == readme
    )
    index = client.get(reverse("api:open_data", args=[compact.slug])).json()
    assert [table["name"] for table in index["tables"]] == [t.name for t in opendata.TABLES]
    rows = client.get(reverse("api:open_data_table", args=[compact.slug, "register"])).json()
    assert rows["count"] == Organisation.objects.filter(compact=compact).count()
    assert LEAD not in json.dumps(rows)
    page = client.get(
        reverse("api:open_data_table", args=[compact.slug, "register"]) + "?limit=2&offset=1"
    ).json()
    assert [row["id"] for row in page["results"]] == [row["id"] for row in rows["results"][1:3]]
    missing = client.get(reverse("api:open_data_table", args=[compact.slug, "nothing"]))
    assert missing.status_code == 404 and "register" in missing.json()["errors"][0]["message"]


def test_the_apis_counts_are_the_rows_it_pages_through(compact, planted):
    client = Client()
    for table in opendata.TABLES:
        url = reverse("api:open_data_table", args=[compact.slug, table.name])
        answer = client.get(url + "?limit=500").json()
        every = list(opendata.rows(compact, table, shown_count))
        assert answer["count"] == len(every) and answer["results"] == json.loads(
            json.dumps(every, default=str)
        ), table.name


# Made by the worker, kept as a file, served from there -----------------------------------


def queued_tasks() -> list[list]:
    return [
        row.args_kwargs["args"]
        for row in DBTaskResult.objects.filter(task_path__endswith="build_open_data")
    ]


def test_the_page_never_builds_it_but_queues_one(
    compact, planted, django_capture_on_commit_callbacks, monkeypatch
):
    def no_building_here(*args, **kwargs):
        raise AssertionError("the download was built inside a request")

    monkeypatch.setattr(opendata, "write_zip", no_building_here)
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(reverse("web:open_data", args=[compact.slug]))
    assert page.status_code == 200
    assert b"being prepared" in page.content and b"Download the open data" not in page.content
    (export,) = OpenDataExport.objects.filter(compact=compact)
    assert export.status == "queued" and export.requested_by == ""
    assert queued_tasks() == [[export.pk]], "the worker is asked to make it"
    # Seen again (or by others) before the worker has run: still one, not one a visit.
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("web:open_data", args=[compact.slug]))
        download = client.get(reverse("web:open_data_download", args=[compact.slug]))
    assert download.status_code == 404 and b"being prepared" in download.content
    assert download["Content-Type"].startswith("text/html")
    assert OpenDataExport.objects.filter(compact=compact).count() == 1
    assert len(queued_tasks()) == 1
    assert not exports.folder(compact).exists(), "no file was written"


def test_asked_twice_one_is_queued_and_the_asking_is_audited(
    compact, officer, django_capture_on_commit_callbacks
):
    actor = Actor(officer, "test")
    with django_capture_on_commit_callbacks(execute=True):
        first = open_data_changes.ask_for_fresh(actor, compact)
        second = open_data_changes.ask_for_fresh(actor, compact)
    assert first.pk == second.pk and first.requested_by == officer.username
    assert OpenDataExport.objects.filter(compact=compact, status="queued").count() == 1
    assert queued_tasks() == [[first.pk]]
    entries = AuditEntry.objects.filter(record_type="open_data", record_ref=first.ref)
    assert [entry.username for entry in entries] == [officer.username]
    # Running is busy too: asking again gives the one being made.
    open_data_changes._set(first.pk, status="running", percent=40)
    assert open_data_changes.ask_for_fresh(actor, compact).pk == first.pk
    # Once it is made, a fresh one may be asked for.
    assert open_data_changes.run_export(first.pk).status == "running", "not queued: not run"
    open_data_changes._set(first.pk, status="done")
    assert open_data_changes.ask_for_fresh(actor, compact).pk != first.pk


def test_only_the_officer_asks_for_a_fresh_one(compact, officer, group_member, council_member):
    for who in (group_member, council_member):
        with pytest.raises(Refused):
            open_data_changes.ask_for_fresh(Actor(who, "test"), compact)
    assert not OpenDataExport.objects.exists()
    manage = reverse("web:open_data_manage", args=[compact.slug])
    anyone, member, the_officer = Client(), Client(), Client()
    member.force_login(group_member)
    the_officer.force_login(officer)
    assert anyone.post(manage).status_code == 302 and not OpenDataExport.objects.exists()
    assert member.post(manage).status_code == 403 and not OpenDataExport.objects.exists()
    assert b"Make a fresh download" in the_officer.get(manage).content
    answer = the_officer.post(manage, follow=True)
    assert answer.status_code == 200 and b"waiting for the worker" in answer.content
    assert OpenDataExport.objects.get().requested_by == officer.username
    built(compact)
    public = member.get(reverse("web:open_data", args=[compact.slug]))
    assert b"Download the open data" in public.content
    assert b"Make a fresh download" not in public.content
    assert b"Make a fresh download" in the_officer.get(manage).content


def test_the_worker_makes_the_file_and_the_page_says_when_and_how_big(
    compact, planted, officer, monkeypatch
):
    progress = []
    real = open_data_changes._set
    export = open_data_changes.ask_for_fresh(Actor(officer, "test"), compact)

    def watch(export_id, **values):
        if "percent" in values:
            progress.append(values["percent"])
        real(export_id, **values)

    monkeypatch.setattr(open_data_changes, "_set", watch)
    done = open_data_changes.run_export(export.pk)
    monkeypatch.undo()
    assert done.status == "done" and done.percent == 100
    assert progress == sorted(progress) and progress[-1] <= 99 and len(progress) > 1
    path = exports.stored_path(done.file)
    assert path.is_file() and done.size == path.stat().st_size
    assert exports.folder(compact) in path.parents
    assert not list(path.parent.glob("*.part")), "no half-written file is left"
    assert (
        done.rows["consultations"] == 1
        and done.rows["register"] == Organisation.objects.filter(compact=compact).count()
    )
    page = Client().get(reverse("web:open_data", args=[compact.slug]))
    made = timezone.localtime(done.made)
    assert f"Made on {made.day} {made:%B %Y} at {made:%H:%M}".encode() in page.content
    assert filesizeformat(done.size).encode() in page.content
    download = Client().get(reverse("web:open_data_download", args=[compact.slug]))
    assert b"".join(download.streaming_content) == path.read_bytes()
    assert run_again_does_nothing(done)


def run_again_does_nothing(done: OpenDataExport) -> bool:
    again = open_data_changes.run_export(done.pk)
    return again.made == done.made and again.file == done.file


def test_a_failed_build_leaves_the_previous_file_served(
    compact, planted, monkeypatch, django_capture_on_commit_callbacks
):
    first = built(compact)
    before = exports.stored_path(first.file).read_bytes()

    def breaks(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(opendata, "write_zip", breaks)
    failed = built(compact)
    assert failed.status == "failed" and "went wrong" in failed.problem
    assert open_data_changes.latest(compact).pk == first.pk
    download = Client().get(reverse("web:open_data_download", args=[compact.slug]))
    assert b"".join(download.streaming_content) == before
    assert not list(exports.folder(compact).glob("*.part")), "the half file is removed"
    monkeypatch.undo()
    # The next one made replaces it, and the old file goes.
    with django_capture_on_commit_callbacks(execute=True):
        second = built(compact)
    assert open_data_changes.latest(compact).pk == second.pk
    assert not exports.stored_path(first.file).exists()
    assert list(OpenDataExport.objects.filter(compact=compact)) == [second]


def test_the_download_serves_only_a_finished_file(compact, planted):
    export = open_data_changes.ask_for_fresh(Actor.system("test"), compact)
    open_data_changes._set(export.pk, status="running", percent=50)
    folder = exports.folder(compact)
    folder.mkdir(parents=True)
    (folder / ".half.zip.part").write_bytes(b"PK half")
    url = reverse("web:open_data_download", args=[compact.slug])
    assert Client().get(url).status_code == 404
    # A done export whose file has gone (the data folder emptied) is not served either.
    open_data_changes._set(export.pk, status="done", file="open-data/x/missing.zip")
    assert Client().get(url).status_code == 404


def test_the_periodic_refresh_queues_day_old_ones_and_fails_stalled(compact, planted):
    now = timezone.now()
    assert open_data_changes.refresh(now) == 1, "none yet: one queued"
    assert open_data_changes.refresh(now) == 0, "one is queued already"
    export = OpenDataExport.objects.get()
    open_data_changes.run_export(export.pk)
    assert open_data_changes.refresh(now + timedelta(hours=23)) == 0, "fresh for a day"
    assert open_data_changes.refresh(now + timedelta(days=1, minutes=1)) == 1
    running = OpenDataExport.objects.get(status="queued")
    open_data_changes._set(running.pk, status="running")
    assert open_data_changes.refresh(now + timedelta(minutes=59)) == 0
    later = timezone.now() + timedelta(hours=1, minutes=1)
    assert open_data_changes.refresh(later) == 0, "stalled: failed; the latest is fresh"
    running.refresh_from_db()
    assert running.status == "failed" and "worker stopped" in running.problem


def test_the_cli_export_writes_the_zip(compact, planted, tmp_path, capsys):
    out = tmp_path / "out" / "cambs.zip"
    assert main(["open-data", "export", "--compact", compact.slug, "-o", str(out)]) == 2
    assert "no folder" in capsys.readouterr().err
    out.parent.mkdir()
    assert main(["open-data", "export", "--compact", compact.slug, "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert "consultations 1" in said and str(out) in said
    everything = unzip(out.read_bytes())
    assert "Library review" in everything["consultations.csv"] and LEAD not in str(everything)
    assert not list(out.parent.glob("*.part"))
    assert main(["open-data", "export", "--compact", "nowhere", "-o", str(out)]) == 1
    assert not OpenDataExport.objects.exists(), "the command line keeps nothing"


def test_the_cli_refresh_queues(compact, capsys):
    assert main(["open-data", "refresh"]) == 0
    assert "1 open data download queued" in capsys.readouterr().out
    assert OpenDataExport.objects.filter(status="queued").count() == 1
