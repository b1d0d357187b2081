"""Two imports of one file into one Compact at the same moment: the second waits for the
first, then finds every grant stored (unchanged); neither fails."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import connection, connections

from compactwatch.imports.models import Status
from compactwatch.imports.services import create_job, run_job
from compactwatch.records.models import FundingAgreement

TRAFFORD = (
    Path(__file__).parents[1] / "data" / "360giving" / "funders"
    / "trafford-council_voluntary_sector_grants_2013-2024.json"
)  # fmt: skip


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
@pytest.mark.django_db(transaction=True, databases=["default", "jobs"])
def test_two_imports_of_one_file_at_once_store_it_once(compact):
    jobs = [create_job(compact, TRAFFORD, TRAFFORD.name) for _ in range(2)]
    start, outcomes = threading.Barrier(2), {}

    def run(job_id: int) -> None:
        try:
            start.wait()
            outcomes[job_id] = run_job(job_id)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job.pk,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    finished = sorted(outcomes.values(), key=lambda job: job.finished)
    assert [job.status for job in finished] == [Status.DONE, Status.DONE], [
        j.errors for j in finished
    ]
    first, second = (job.outcome for job in finished)
    assert first["created"] > 0 and second["created"] == 0
    assert second["unchanged"] == first["created"]
    assert FundingAgreement.objects.filter(compact=compact).count() == first["created"]
