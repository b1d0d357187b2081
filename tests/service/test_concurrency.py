"""Two people change one record at the same moment: nothing is lost.

Each side runs in its own thread with its own database connection, started together by a
barrier. The first to lock the record holds it a little longer (its findings take a moment
to store), so the second truly waits on the lock rather than running after it: without the
lock and the version check the second would read the record before the first had saved,
and one change would be lost.

The use case's race is PostgreSQL's (its row locks); the API's runs on both databases: on
SQLite against a file copy of the test database (see `_file_copy`).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from django.db import connection, connections
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from service_fixtures import save_record

from compactwatch.changes import records as record_changes
from compactwatch.changes.base import Actor, Stale
from compactwatch.organisations.models import Organisation
from compactwatch.records.models import FundingAgreement

pytestmark = pytest.mark.django_db(transaction=True)
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks: PostgreSQL's (SQLite has one writer at a time)",
)
SLUG = "cambridgeshire"
HELD = 0.3  # seconds the first to lock the record holds it


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def agreement(compact, officer):
    council = Organisation.objects.get(compact=compact, ref="cambridgeshire-county-council")
    return save_record(
        FundingAgreement(compact=compact, ref="race-g-1", funder=council, kind="grant",
                         award_date=date(2025, 4, 1)),
        officer,
    )  # fmt: skip


@pytest.fixture
def slow_findings(monkeypatch):
    """Storing findings, inside the locked transaction, takes a moment."""
    refresh = record_changes.refresh

    def slowly(items):
        time.sleep(HELD)
        return refresh(items)

    monkeypatch.setattr(record_changes, "refresh", slowly)


def _file_copy(folder: Path) -> Path | None:
    """On SQLite the test database is in memory with a shared cache, whose table locks do
    not wait: a second writer is told "database table is locked" at once. The threads use a
    copy of it in a file instead, opened as the service opens its database (WAL, BEGIN
    IMMEDIATE, a busy timeout), where a second writer waits its turn."""
    if connection.vendor != "sqlite":
        return None
    path = folder / "race.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return path


def together(*work, database: Path | None = None):
    """Run each callable in its own thread, started at once; returns what each returned
    or raised (in the order given). Each thread has its own connection (to `database`, a
    file, if given) and closes it."""
    barrier = threading.Barrier(len(work))
    outcomes: list = [None] * len(work)
    wrapper, settings = type(connections["default"]), connections["default"].settings_dict

    def run(position, job):
        try:
            if database is not None:
                connections["default"] = wrapper({**settings, "NAME": str(database)}, "default")
            barrier.wait(timeout=10)
            outcomes[position] = job()
        except Exception as error:  # judged by the test
            outcomes[position] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(work)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread never finished"
    return outcomes


@postgresql_only
def test_two_saves_from_one_version_one_succeeds_the_other_is_stale(
    compact, officer, council_member, agreement, slow_findings
):
    def change(user, values):
        return lambda: record_changes.save_record(
            Actor(user, "test"), compact, FundingAgreement, "race-g-1", values,
            mode="update", version=1,
        )  # fmt: skip

    outcomes = together(
        change(officer, {"kind": "contract"}), change(council_member, {"currency": "EUR"})
    )
    saved = [o for o in outcomes if isinstance(o, FundingAgreement)]
    stale = [o for o in outcomes if isinstance(o, Stale)]
    assert (len(saved), len(stale)) == (1, 1), outcomes
    record = FundingAgreement.objects.get(ref="race-g-1")
    assert record.version == 2
    # The winner's change is stored whole; the loser is told what it was.
    won = (record.kind, record.currency)
    assert won in (("contract", "GBP"), ("grant", "EUR"))
    assert stale[0].current.version == 2
    assert [entry["version"] for entry in stale[0].since] == [2]
    assert stale[0].since[0]["changes"] in (
        {"kind": ["grant", "contract"]},
        {"currency": ["GBP", "EUR"]},
    )


def _patch(user, values):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    url = reverse("api:agreement", args=[SLUG, "race-g-1"])
    return lambda: client.patch(url, values, format="json")


def test_two_api_patches_of_different_fields_at_once_both_survive(
    compact, officer, council_member, agreement, slow_findings, tmp_path
):
    patches = (_patch(officer, {"kind": "contract"}), _patch(council_member, {"currency": "EUR"}))
    database = _file_copy(tmp_path)
    outcomes = together(*patches, database=database)
    problems = [o for o in outcomes if isinstance(o, Exception)]
    assert not problems, problems  # on SQLite, "database is locked" would show here
    assert [o.status_code for o in outcomes] == [200, 200], [o.content for o in outcomes]
    ((kind, currency, version),) = together(
        lambda: (
            FundingAgreement.objects.filter(ref="race-g-1")
            .values_list("kind", "currency", "version")
            .get()
        ),
        database=database,
    )
    assert (kind, currency) == ("contract", "EUR"), "a change was lost"
    assert version == 3
    assert sorted(o["ETag"] for o in outcomes) == ['"2"', '"3"']
