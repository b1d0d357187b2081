"""The officer's "Upload an edition" page: every problem shown beside its line and nothing
stored; a sound file previewed against the edition in force, then stored once confirmed
(audited, every record checked again); the confirmation's text checked again; refusals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from compactwatch.audit.models import AuditEntry
from compactwatch.compacts.models import Edition
from compactwatch.findings.models import Recheck

ROOT = Path(__file__).parents[2]
REFRESHED = ROOT / "compactwatch" / "compact" / "editions" / "cambridgeshire-refreshed.yaml"


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def new_edition(weeks: int = 16, **fields) -> dict:
    """The refreshed edition as a new edition of Cambridgeshire's, with its own id."""
    document = yaml.safe_load(REFRESHED.read_text())
    document.update(id="cambridgeshire-2026", edition_name="2026 edition",
                    short_name="2026 edition", default_in_force_from="2026-04-01")  # fmt: skip
    document.update(fields)
    for commitment in document["commitments"]:
        for standard in commitment.get("standards", []):
            if standard["check"] == "consultation_length":
                standard["parameters"]["minimum_length"]["value"] = weeks
    return document


def as_text(document: dict) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def url(compact) -> str:
    return reverse("web:edition_upload", args=[compact.slug])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(client: Client, compact, content: bytes | str, name: str = "edition.yaml"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(url(compact), {"edition_file": SimpleUploadedFile(name, data)})


def stored() -> list:
    return list(Edition.objects.values_list("slug", "in_force_from", "version"))


def test_every_problem_is_shown_beside_its_line_and_nothing_is_stored(compact, officer):
    document = new_edition()
    commitments = document["commitments"]
    commitments[3]["binds"] = "everyone"
    consultation = next(item for item in commitments if item.get("standards")
                        and item["standards"][0]["check"] == "consultation_length")  # fmt: skip
    consultation["standards"][0]["parameters"]["minimum_length"]["value"] = "sixteen"
    text = as_text(document)
    lines = text.splitlines()
    binds = lines.index("  binds: everyone") + 1
    weeks = next(n for n, line in enumerate(lines, 1) if line.strip() == "value: sixteen")
    before, audited = stored(), AuditEntry.objects.count()

    response = send(signed_in(officer), compact, text, "mine.yaml")

    assert response.status_code == 200
    assert response.templates[0].name == "web/editions/upload.html"
    summary = [str(problem) for problem, _ in response.context["summary"]]
    assert summary[0].startswith(
        f"mine.yaml: line {binds}: commitment {commitments[3]['ref']}, field binds: 'everyone'"
    )
    assert summary[1].startswith(
        f"mine.yaml: line {weeks}: commitment {consultation['ref']}, field "
        "standards[0].parameters.minimum_length.value: 'sixteen' is not a whole number"
    )
    assert [anchor for _, anchor in response.context["summary"]] == [
        f"line-{binds}",
        f"line-{weeks}",
    ]
    # The long file is shown only around its problems, each problem beside its own line.
    shown = {
        line.number: line for excerpt in response.context["excerpts"] for line in excerpt.lines
    }
    assert set(shown) == {*range(binds - 2, binds + 3), *range(weeks - 2, weeks + 3)}
    assert [p.field for p in shown[binds].problems] == ["binds"]
    assert shown[weeks].text.strip() == "value: sixteen"
    assert not shown[binds - 1].problems
    page = response.content.decode()
    assert f'id="line-{weeks}"' in page and "Nothing was stored: the file has 2 problems" in page
    assert stored() == before and AuditEntry.objects.count() == audited


def test_a_short_file_is_shown_whole_and_broken_yaml_names_its_line(compact, officer):
    response = send(signed_in(officer), compact, "id: x\ncompact: [cambridgeshire\ntitle: T\n")
    (problem,) = response.context["problems"]
    assert problem.line in (2, 3, 4) and "is not valid YAML" in problem.message
    shown = [line.number for excerpt in response.context["excerpts"] for line in excerpt.lines]
    assert shown == [1, 2, 3]


@pytest.mark.parametrize(
    "content, words",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "is not UTF-8 text"),
        ("id: café\n".encode("cp1252"), "is not UTF-8 text"),
        (b"", "the file is empty"),
        (b"- a list\n- of things\n", "is not an edition"),
        (b"[" * 50_000, "nested more than"),
        (b"a: &x [1]\nb: *x\n", "an alias"),
    ],
)
def test_files_that_are_no_edition_are_problems_not_errors(compact, officer, content, words):
    response = send(signed_in(officer), compact, content)
    assert response.status_code == 200
    assert words in response.content.decode()
    assert Edition.objects.count() == 2


def test_no_file_or_a_file_too_large_is_said_plainly(compact, officer, settings):
    client = signed_in(officer)
    response = client.post(url(compact), {})
    assert (
        response.status_code == 200 and "Choose an edition file (YAML)" in response.content.decode()
    )
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "web:edition_upload": 1000}
    large = send(client, compact, "# " + "x" * 2000)
    assert large.status_code == 413  # refused from its declared length, before it is read
    assert "at most 1,000 bytes" in large.content.decode()


def test_a_sound_file_is_previewed_then_stored_once_confirmed(compact, officer):
    client = signed_in(officer)
    text = as_text(new_edition())
    preview = send(client, compact, text, "cambridgeshire-2026.yaml")
    assert preview.templates[0].name == "web/editions/upload_confirm.html"
    page = preview.content.decode()
    # The same words as `compactwatch editions load`.
    assert "Against the edition in force (The Cambridgeshire Compact: Refreshed edition" in page
    assert "minimum length: 12 weeks -&gt; 16 weeks" in page
    assert preview.context["form"]["in_force_from"].value() == date(2026, 4, 1)
    assert Edition.objects.count() == 2  # nothing stored before the officer confirms

    confirmed = client.post(url(compact), {
        "step": "confirm", "text": preview.context["text"], "file_name": "cambridgeshire-2026.yaml",
        "in_force_from": "2026-05-01",
    }, follow=True)  # fmt: skip
    row = Edition.objects.get(slug="cambridgeshire-2026")
    assert row.in_force_from == date(2026, 5, 1)
    assert row.document == new_edition()
    entry = AuditEntry.objects.get(record_type="edition", record_ref="cambridgeshire-2026")
    assert (entry.action, entry.user, entry.via) == ("created", officer, "form")
    assert "loaded from cambridgeshire-2026.yaml" in entry.summary
    assert Recheck.objects.filter(compact=compact).exists()
    assert confirmed.redirect_chain[-1][0] == reverse("web:manage_editions", args=[compact.slug])
    message = next(str(m) for m in confirmed.context["messages"])
    assert "is stored, in force from 1 May 2026" in message
    assert "Every record is being checked again" in message


def test_the_confirmation_reads_its_text_again(compact, officer):
    """The text comes back from the browser: a changed one is checked, not trusted."""
    tampered = new_edition()
    tampered["commitments"][0]["strength"] = "perhaps"
    response = signed_in(officer).post(url(compact), {
        "step": "confirm", "text": as_text(tampered), "file_name": "x.yaml",
        "in_force_from": "2026-04-01",
    })  # fmt: skip
    assert response.status_code == 200
    (problem,) = response.context["problems"]
    assert str(problem).startswith("x.yaml: line ") and "field strength: 'perhaps'" in str(problem)
    assert Edition.objects.count() == 2


def confirm(client, compact, document, day="2026-04-01", name="x.yaml"):
    return client.post(url(compact), {"step": "confirm", "text": as_text(document),
                                      "file_name": name, "in_force_from": day})  # fmt: skip


def test_refusals_are_form_errors(compact, officer):
    client = signed_in(officer)
    before = stored()
    # An edition already stored, changed: editions are never edited in place (Taken).
    changed = yaml.safe_load(REFRESHED.read_text())
    changed["title"] = "Renamed"
    taken = confirm(client, compact, changed)
    assert "already has an edition with the id 'cambridgeshire-refreshed'" in " ".join(
        taken.context["form"].non_field_errors()
    )
    # Before the edition it follows (Invalid): the date's error.
    early = confirm(client, compact, new_edition(), day="2008-01-01")
    assert "must come into force after" in " ".join(early.context["form"].errors["in_force_from"])
    # Another Compact's edition (Invalid): the file's error.
    other = confirm(client, compact, new_edition(compact="leeds"))
    assert "is an edition of the Compact 'leeds'" in " ".join(
        other.context["form"].non_field_errors()
    )
    # No date at all: the field says so, and the page keeps the text to confirm again.
    blank = confirm(client, compact, new_edition(), day="")
    assert "Enter the date the edition comes into force" in blank.content.decode()
    assert blank.context["text"] == as_text(new_edition())
    assert stored() == before


@pytest.mark.parametrize("role", ["council_member", "group_member"])
def test_a_partner_member_is_refused(compact, request, role):
    client = signed_in(request.getfixturevalue(role))
    assert client.get(url(compact)).status_code == 403
    assert confirm(client, compact, new_edition()).status_code == 403
    assert send(client, compact, as_text(new_edition())).status_code == 403
    assert Edition.objects.count() == 2


def test_signing_in_is_asked_for(compact):
    response = Client().get(url(compact))
    assert response.status_code == 302 and reverse("web:login") in response["Location"]
