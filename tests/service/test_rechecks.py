"""Changing when an edition comes into force: refused for impossible dates, then every
record checked again in the background, with progress on the officer's page."""

from __future__ import annotations

import html
from datetime import date

import pytest

from compactwatch.audit.models import AuditEntry
from compactwatch.findings.models import Recheck
from compactwatch.findings.rechecks import run_recheck

pytestmark = pytest.mark.django_db
PAGE = "/compacts/cambridgeshire/manage/editions/"


def _post(client, compact, **dates):
    data = {}
    for edition in compact.editions.all():
        day = dates.get(edition.slug.replace("-", "_"), edition.in_force_from)
        data[f"{edition.slug}-in_force_from"] = day.isoformat()
        data[f"{edition.slug}-version"] = edition.version
    return client.post(PAGE, data, follow=True)


@pytest.mark.parametrize(
    "dates, message",
    [
        ({"cambridgeshire_refreshed": date(2006, 1, 1)},
         "must come into force after The Cambridgeshire Compact"),
        ({"cambridgeshire_2007": date(1899, 12, 31)},
         "Enter a date from 1 January 1900 to 31 December 2199"),
        ({"cambridgeshire_refreshed": date(2200, 1, 1)},
         "Enter a date from 1 January 1900 to 31 December 2199"),
    ],
)  # fmt: skip
def test_impossible_dates_are_refused_beside_their_field(client, officer, compact, dates, message):
    client.force_login(officer)
    before = list(compact.editions.values_list("slug", "in_force_from", "version"))
    page = html.unescape(_post(client, compact, **dates).content.decode())
    assert message in page and "govuk-error-message" in page
    assert list(compact.editions.values_list("slug", "in_force_from", "version")) == before
    assert not Recheck.objects.exists()


def test_a_new_date_is_saved_at_once_and_every_record_checked_in_the_background(
    client, officer, compact
):
    client.force_login(officer)
    page = _post(client, compact, cambridgeshire_refreshed=date(2011, 1, 1)).content.decode()
    assert "Every record is being checked again" in page
    recheck = Recheck.objects.get()
    assert recheck.status == "queued" and "Waiting to start" in page
    assert AuditEntry.objects.filter(record_type="edition", action="changed").count() == 1
    run_recheck(recheck.pk)
    page = client.get(PAGE).content.decode()
    assert "Every record was checked again" in page
    recheck.refresh_from_db()
    assert recheck.total == recheck.checked > 0 and recheck.findings > 0


def test_saving_the_same_dates_queues_nothing(client, officer, compact):
    client.force_login(officer)
    assert "No date changed" in _post(client, compact).content.decode()
    assert not Recheck.objects.exists()
