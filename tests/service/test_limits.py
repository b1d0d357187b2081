"""What a request may cost is bounded before it is read, and refusals are pages of the
service (or the API's one error shape), never Django's bare defaults."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compactwatch.records.models import Consultation

pytestmark = pytest.mark.django_db
C = "/compacts/cambridgeshire"


def _records(count: int) -> bytes:
    return json.dumps({"consultations": [
        {"id": f"c-{n}", "organisation": "cambridgeshire-county-council", "title": "A review",
         "opens": "2026-01-05", "closes": "2026-03-29"} for n in range(count)
    ]}).encode()  # fmt: skip


def test_a_records_upload_over_the_limit_is_refused_unread(client, officer, settings):
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "web:upload": 4096}
    client.force_login(officer)
    small, large = _records(3), _records(100)
    assert len(small) < 4096 < len(large)
    refused = client.post(f"{C}/records/upload/", {"files": [SimpleUploadedFile("r.json", large)]})
    assert refused.status_code == 413
    text = refused.content.decode()
    assert re.search(r"The file is \d+ KB; at most 4 KB can be sent here", text)
    assert "The file is too large" in text and "govuk-header" in text
    assert not Consultation.objects.exists()
    stored = client.post(f"{C}/records/upload/", {"files": [SimpleUploadedFile("r.json", small)]})
    assert stored.status_code == 200 and Consultation.objects.count() == 3


def test_an_import_over_the_limit_is_refused_by_the_api_in_its_error_shape(officer, settings):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "api:imports": 1024}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=officer).key}")
    response = client.post(
        reverse("api:imports", args=["cambridgeshire"]),
        {"file": SimpleUploadedFile("grants.json", b"{" + b" " * 4096 + b"}")},
        format="multipart",
    )
    assert response.status_code == 413
    assert "at most" in response.json()["errors"][0]["message"]


def test_error_pages_are_the_services_own(client, group_member, compact):
    missing = client.get(f"{C}/records/consultation/no-such-record/")
    assert missing.status_code == 302  # signed out: asked to sign in first
    client.force_login(group_member)
    missing = client.get(f"{C}/records/consultation/no-such-record/")
    assert missing.status_code == 404
    assert (
        "Page not found" in missing.content.decode() and "govuk-header" in missing.content.decode()
    )
    forbidden = client.get(f"{C}/manage/editions/")
    assert forbidden.status_code == 403
    page = forbidden.content.decode()
    assert "You cannot do this" in page and "Only the Compact officer can do this" in page
