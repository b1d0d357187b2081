"""`compactwatch demo` sets up the demonstration Compact, through a real subprocess."""

import os
import sqlite3
import subprocess
import sys

import pytest
from django.core.management import call_command

from compactwatch.findings.models import Finding

COMMAND = [sys.executable, "-m", "compactwatch", "demo", "--no-serve", "--data-dir"]


def test_demo_sets_up_and_is_idempotent(tmp_path):
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    first = subprocess.run(
        [*COMMAND, str(tmp_path)], capture_output=True, text=True, env=environment, timeout=300
    )
    assert first.returncode == 0, first.stderr
    assert "officer" in first.stdout and "Site administrator" in first.stdout
    database = sqlite3.connect(tmp_path / "compactwatch.sqlite3")
    statuses = dict(
        database.execute("select status, count(*) from findings_finding group by status").fetchall()
    )
    records = database.execute("select count(*) from records_fundingagreement").fetchone()[0]
    assert statuses.get("met", 0) > 0 and statuses.get("not_met", 0) > 0
    second = subprocess.run(
        [*COMMAND, str(tmp_path)], capture_output=True, text=True, env=environment, timeout=300
    )
    assert second.returncode == 0, second.stderr
    assert (
        database.execute("select count(*) from records_fundingagreement").fetchone()[0] == records
    )


@pytest.mark.django_db
def test_refresh_findings_command(compact, officer, capsys):
    from compactwatch.demo import load_demo

    load_demo(compact)
    stored = Finding.objects.filter(compact=compact)
    fields = ("record_type", "record_ref", "commitment", "status", "message")
    before = sorted(stored.values_list(*fields))
    stored.delete()
    call_command("refresh_findings")
    assert len(before) > 230  # a year of demonstration records, each on its commitments
    assert sorted(stored.values_list(*fields)) == before
    assert "cambridgeshire" in capsys.readouterr().out
