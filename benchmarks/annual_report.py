"""Speed and memory of the annual report, next to reading the same rows with plain SQL.

    python -m benchmarks.annual_report                       # 100,000 records in one year, SQLite
    python -m benchmarks.annual_report --records 20000 --database-url postgres://postgres@127.0.0.1:5432/postgres

A new database holds the shipped Compact with RECORDS records dated in one year (60%
funding agreements, 20% consultations, 20% changes to funding, generated with a fixed seed
so that every indicator and commitment has figures) and the year before (a tenth as many),
with their findings made by the core, as the service makes them (untimed). Then, each in
its own process so that its peak memory (ru_maxrss) is its own:
- the baseline: every row of the year's records and findings read with plain SQL
  (`SELECT *`, fetched to the last row);
- the report: its figures made (`make_draft`: indicators, findings, disagreements, action
  plan, register), then the HTML page and the PDF rendered from them.
The aim (issue 14) is under 10 seconds on this machine in all. Results are printed and
added to benchmarks/REPORT_RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).parent
OUT = HERE / "out" / "annual-report"
YEAR = 2025


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compactwatch.settings")
    import django

    django.setup()


def _day(rng: random.Random, year: int) -> date:
    return date(year, 1, 1) + timedelta(days=rng.randrange(365))


def _records(compact, count: int, year: int, rng: random.Random) -> None:
    from compactwatch.bulk import insert_rows, insert_rows_by_ref
    from compactwatch.guard import way_in
    from compactwatch.records.models import Consultation, FundingAgreement, FundingChange

    bodies = list(compact.organisations.values_list("pk", flat=True))
    agreements, consultations = count * 6 // 10, count // 5
    changes = count - agreements - consultations
    with way_in():
        rows = []
        for n in range(agreements):
            award = _day(rng, year)
            start = award + timedelta(days=rng.randrange(60))
            rows.append((
                compact.pk, f"g-{year}-{n}", rng.choice(bodies), rng.choice(bodies), "grant",
                str(rng.randrange(1000, 90000)), "GBP", award.isoformat(), start.isoformat(),
                (start + timedelta(days=rng.choice((364, 729, 1094)))).isoformat(),
                "" if rng.random() < 0.2 else "Scored against the published criteria",
                (award - timedelta(days=10)).isoformat() if rng.random() < 0.7 else None,
            ))  # fmt: skip
        refs = insert_rows_by_ref(FundingAgreement, (
            "compact_id", "ref", "funder_id", "recipient_id", "kind", "amount", "currency",
            "award_date", "start", "end", "decision_rationale", "monitoring_agreed",
        ), rows, compact.pk)  # fmt: skip
        keys = list(refs.values())
        rows = []
        for n in range(consultations):
            opens = _day(rng, year)
            weeks = rng.choice((6, 8, 12, 12, 12, 14))
            rows.append((compact.pk, f"c-{year}-{n}", rng.choice(bodies), f"Consultation {n}",
                         opens.isoformat(), (opens + timedelta(weeks=weeks)).isoformat(),
                         True, "Urgent" if weeks < 12 and rng.random() < 0.3 else ""))  # fmt: skip
        insert_rows(Consultation, ("compact_id", "ref", "organisation_id", "title", "opens",
                                   "closes", "formal", "shorter_period_rationale"), rows)  # fmt: skip
        rows = []
        for n in range(changes):
            notice = _day(rng, year)
            rows.append((compact.pk, f"n-{year}-{n}", rng.choice(keys), rng.choice(("end", "reduce")),
                         notice.isoformat(), (notice + timedelta(days=rng.choice((30, 60, 95, 120)))).isoformat(),
                         True, "Budget reduced"))  # fmt: skip
        insert_rows(FundingChange, ("compact_id", "ref", "agreement_id", "change", "notice_given",
                                    "effective", "in_writing", "rationale"), rows)  # fmt: skip


def setup(records: int) -> dict:
    """The database: migrated, the shipped Compact, the records and their findings."""
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    from compactwatch.changes.editions import install_shipped_compact
    from compactwatch.findings.services import refresh_compact

    compact = install_shipped_compact()
    rng = random.Random(14)
    with transaction.atomic():
        _records(compact, records, YEAR, rng)
        _records(compact, max(records // 10, 10), YEAR - 1, rng)
    started = time.perf_counter()
    findings = refresh_compact(compact)
    return {"findings": findings, "findings_seconds": round(time.perf_counter() - started, 1)}


def baseline(records: int) -> dict:
    """Every row of the year's records and findings, read with plain SQL."""
    from django.db import connection

    queries = [
        "SELECT * FROM records_fundingagreement WHERE award_date BETWEEN %s AND %s",
        "SELECT * FROM records_consultation WHERE opens BETWEEN %s AND %s",
        "SELECT * FROM records_fundingchange WHERE notice_given BETWEEN %s AND %s",
    ]
    started = time.perf_counter()
    rows = 0
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute(query, [f"{YEAR}-01-01", f"{YEAR}-12-31"])
            rows += len(cursor.fetchall())
        cursor.execute("SELECT * FROM findings_finding WHERE year = %s", [YEAR])
        findings = len(cursor.fetchall())
    return {"rows": rows, "findings": findings, "seconds": round(time.perf_counter() - started, 2)}


def report(records: int) -> dict:
    from compactwatch.changes.base import Actor
    from compactwatch.changes.reports import make_draft
    from compactwatch.compacts.models import Compact
    from compactwatch.reports import render

    compact = Compact.objects.get(slug="cambridgeshire")
    started = time.perf_counter()
    made = make_draft(Actor.system("benchmark"), compact, YEAR)
    figures = time.perf_counter()
    html = render.print_html(made)
    page = time.perf_counter()
    pdf = render.pdf(made)
    done = time.perf_counter()
    (OUT / "report.pdf").write_bytes(pdf)
    return {
        "figures_seconds": round(figures - started, 2), "html_seconds": round(page - figures, 2),
        "pdf_seconds": round(done - page, 2), "seconds": round(done - started, 2),
        "html_kb": len(html) // 1024, "pdf_kb": len(pdf) // 1024,
    }  # fmt: skip


ROLES = {"setup": setup, "baseline": baseline, "report": report}


def _run(role: str, records: int, url: str) -> dict:
    environment = {**os.environ, "DATABASE_URL": url, "COMPACTWATCH_DATA_DIR": str(OUT)}
    command = [sys.executable, "-m", "benchmarks.annual_report", "--role", role,
               "--records", str(records)]  # fmt: skip
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{role} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _database(database_url: str | None) -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    if not database_url:
        path = OUT / "report_bench.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS report_bench")
        connection.execute("CREATE DATABASE report_bench")
    return database_url.rsplit("/", 1)[0] + "/report_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL; SQLite if not given")
    parser.add_argument("--role", choices=ROLES, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.role:
        _django()
        result = ROLES[arguments.role](arguments.records)
        print(json.dumps({**result, "peak_mb": _peak_mb()}))
        return
    url = _database(arguments.database_url)
    made = _run("setup", arguments.records, url)
    base = _run("baseline", arguments.records, url)
    ours = _run("report", arguments.records, url)
    engine = "PostgreSQL" if arguments.database_url else "SQLite"
    lines = [
        f"## {engine}, measured {date.today():%d %B %Y}: {arguments.records:,} records in "
        f"{YEAR} ({made['findings']:,} findings in all)",
        "",
        "| | seconds | peak MB |",
        "|---|---:|---:|",
        f"| plain SQL: {base['rows']:,} records and {base['findings']:,} findings of {YEAR} "
        f"read | {base['seconds']} | {base['peak_mb']} |",
        f"| the report: figures made | {ours['figures_seconds']} | |",
        f"| the report: HTML rendered ({ours['html_kb']} KB) | {ours['html_seconds']} | |",
        f"| the report: PDF made ({ours['pdf_kb']} KB) | {ours['pdf_seconds']} | |",
        f"| the report in all | {ours['seconds']} | {ours['peak_mb']} |",
        f"| ratio, report to plain SQL | {round(ours['seconds'] / max(base['seconds'], 0.01), 1)} "
        f"| {round(ours['peak_mb'] / base['peak_mb'], 2)} |",
    ]
    text = "\n".join(lines) + "\n"
    results = HERE / "REPORT_RESULTS.md"
    before = results.read_text() if results.exists() else "# The annual report: measured\n\n"
    results.write_text(before + "\n" + text)
    print(text)


if __name__ == "__main__":
    main()
