"""The import worker is supervised: a worker that dies is started again, and an import it
was running ends as failed (audited) with nothing half stored."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from compactwatch.cli import service
from compactwatch.imports import services
from compactwatch.imports.models import ImportJob, Status

ROOT = Path(__file__).parents[2]


def _run(arguments: list[str], environment: dict, **options) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "compactwatch", *arguments], cwd=ROOT,
                          env=environment, capture_output=True, text=True, timeout=300, **options)  # fmt: skip


def test_killing_the_worker_mid_import_keeps_nothing_and_the_job_fails(tmp_path):
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment.update(COMPACTWATCH_DATA_DIR=str(tmp_path), COMPACTWATCH_IMPORT_STALL_SECONDS="3")
    set_up = "from compactwatch.changes.editions import install_shipped_compact as i; i()"
    for arguments in (["manage", "migrate", "-v", "0"], ["manage", "shell", "-c", set_up]):
        result = _run(arguments, environment)
        assert result.returncode == 0, result.stderr
    grants = tmp_path / "grants.json"
    made = subprocess.run([sys.executable, "-m", "benchmarks.generate_grants", "--grants",
                           "40000", "--out", str(grants)], cwd=ROOT, timeout=300)  # fmt: skip
    assert made.returncode == 0
    importing = subprocess.Popen(
        [sys.executable, "-m", "compactwatch", "import", "360giving", str(grants), "--compact",
         "cambridgeshire"], cwd=ROOT, env=environment,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    progress = tmp_path / "imports" / "progress-1.json"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:  # until it is storing grants, in its one transaction
        try:
            if json.loads(progress.read_text()).get("grants_stored", 0) > 0:
                break
        except (OSError, ValueError):
            pass
        if importing.poll() is not None:
            pytest.fail(f"the import ended before it could be stopped: {importing.stderr.read()}")
        time.sleep(0.1)
    else:
        pytest.fail("the import never began to store grants")
    importing.send_signal(signal.SIGKILL)
    importing.wait()
    database = sqlite3.connect(tmp_path / "compactwatch.sqlite3")
    assert database.execute("select count(*) from records_fundingagreement").fetchone() == (0,)
    assert database.execute("select status from imports_importjob").fetchone() == ("running",)
    time.sleep(4)  # the heartbeat silent for longer than the stall time
    swept = _run(["manage", "fail_stalled_imports"], environment)
    assert swept.returncode == 0, swept.stderr
    assert "1 stopped import marked as failed" in swept.stdout
    assert database.execute("select status from imports_importjob").fetchone() == ("failed",)
    audited = database.execute(
        "select action, via from audit_auditentry where record_type = '360giving_import'"
    ).fetchall()
    assert audited == [("import failed", "worker supervision")]
    assert database.execute("select count(*) from records_fundingagreement").fetchone() == (0,)


class FakeProcess:
    """A process that has exited (or not) as the test says."""

    def __init__(self, exits_after: int | None):
        self.polls, self.exits_after, self.returncode = 0, exits_after, None

    def poll(self):
        self.polls += 1
        if self.exits_after is not None and self.polls > self.exits_after:
            self.returncode = -9
        return self.returncode

    def wait(self, timeout=None):
        if self.returncode is None and timeout is not None:
            raise subprocess.TimeoutExpired("server", timeout)
        return self.returncode

    def terminate(self):
        self.returncode = -15


@pytest.mark.django_db
def test_a_worker_that_dies_is_started_again(monkeypatch):
    started = []
    monkeypatch.setattr(service, "SUPERVISE_EVERY", 0)
    monkeypatch.setattr(
        service, "_start_worker", lambda: started.append(FakeProcess(1)) or started[-1]
    )
    monkeypatch.setattr(services, "fail_stalled_jobs", lambda: 0)
    server = FakeProcess(exits_after=6)
    assert service._supervise(server) == -9
    assert len(started) >= 2  # the first worker died; another took its place


# The heartbeat's thread has its own connection: it sees only committed rows.
@pytest.mark.django_db(transaction=True, databases=["default", "jobs"])
def test_the_heartbeat_keeps_a_busy_import_alive(compact, monkeypatch):
    monkeypatch.setattr(services, "HEARTBEAT", 0.05)
    path = Path(__file__).parents[1] / "data" / "360giving" / "fixtures"
    job = services.create_job(compact, next(path.glob("*.json")), "grants.json")
    ImportJob.objects.filter(pk=job.pk).update(status=Status.RUNNING)
    job.refresh_from_db()
    with services.Heartbeat(SimpleNamespace(pk=job.pk)):
        time.sleep(0.3)
    job.refresh_from_db()
    alive = services.channel().latest(job)
    assert alive.reported is not None
    assert not services.mark_stalled_failed(job)
