"""One measured run for import_bench, in its own process: `import` or `baseline`.

Prints one JSON line: grants, seconds, peak memory in MB (this process's ru_maxrss).
The database is DATABASE_URL, new and empty; both runs first create the schema, untimed.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compactwatch.settings")

BASELINE_TABLE = """CREATE TABLE baseline_grant (
    grant_id VARCHAR(200), funder_id VARCHAR(100), funder_name VARCHAR(300),
    recipient_id VARCHAR(100), recipient_name VARCHAR(300), amount NUMERIC(14, 2),
    currency VARCHAR(3), award_date VARCHAR(40), start_date VARCHAR(40), end_date VARCHAR(40),
    duration INTEGER, programme VARCHAR(300))"""


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _row(grant: dict) -> tuple:
    funder = (grant.get("fundingOrganization") or [{}])[0]
    recipient = (grant.get("recipientOrganization") or [{}])[0]
    planned = (grant.get("plannedDates") or [{}])[0]
    return (grant["id"], funder.get("id"), funder.get("name"), recipient.get("id"),
            recipient.get("name"), grant.get("amountAwarded"), grant.get("currency"),
            grant.get("awardDate"), planned.get("startDate"), planned.get("endDate"),
            planned.get("duration"), (grant.get("grantProgramme") or [{}])[0].get("title"))  # fmt: skip


def baseline(path: Path) -> dict:
    import orjson
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute(BASELINE_TABLE)
    started = time.perf_counter()
    grants = orjson.loads(path.read_bytes())["grants"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO baseline_grant VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [_row(grant) for grant in grants],
        )
    return {"grants": len(grants), "seconds": round(time.perf_counter() - started, 2)}


def import_file(path: Path) -> dict:
    from compactwatch.changes.editions import install_shipped_compact
    from compactwatch.imports.models import Status
    from compactwatch.imports.services import create_job, run_job

    compact = install_shipped_compact()
    job = create_job(compact, path, path.name, valid_only=True)
    started = time.perf_counter()
    job = run_job(job.pk)
    seconds = time.perf_counter() - started
    if job.status != Status.DONE:
        raise SystemExit(f"import {job.status}: {job.errors[:3]}")
    return {
        "grants": job.grants_stored,
        "seconds": round(seconds, 2),
        "check_seconds": job.outcome["seconds"]["check"],
        "store_seconds": job.outcome["seconds"]["store"],
    }


def main() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    role, path = sys.argv[1], Path(sys.argv[2])
    result = baseline(path) if role == "baseline" else import_file(path)
    print(json.dumps({**result, "peak_mb": _peak_mb()}))


if __name__ == "__main__":
    main()
