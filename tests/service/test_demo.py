"""`compactwatch demo` sets up the demonstration Compact, through a real subprocess."""

import os
import sqlite3
import subprocess
import sys

import pytest
from django.core.management import call_command

from compactwatch.compacts.models import Compact
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


@pytest.mark.django_db
def test_the_demonstration_says_so_and_puts_no_invented_person_on_a_real_body(client, compact):
    from compactwatch.demo import FUNDERS, load_demo
    from compactwatch.organisations.models import Organisation

    real = {org.ref: org.as_record() for org in Organisation.objects.filter(compact=compact)}
    assert not compact.demonstration
    load_demo(compact)
    compact.refresh_from_db()
    assert compact.demonstration  # stored as data: every page shows the banner
    page = client.get(f"/compacts/{compact.slug}/register/cambridgeshire-county-council/")
    assert "the records, leads and findings are invented" in page.content.decode()
    assert "Example" not in page.content.decode()
    # The register's real entries are as they were; only the invented groups have leads,
    # and those say they are invented.
    for org in Organisation.objects.filter(compact=compact):
        if org.ref in real:
            assert org.as_record() == real[org.ref], org.ref
        else:
            assert org.name.endswith("(demonstration)") and org.lead_name.endswith("(invented)")
    assert set(FUNDERS) <= set(real)
    # Loading again keeps it a demonstration and adds nothing.
    assert load_demo(compact) == 0 and Compact.objects.get(pk=compact.pk).demonstration
