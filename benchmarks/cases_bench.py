"""How fast the officer's list of disagreements and `compactwatch remind` are, at scale.

    python -m benchmarks.cases_bench [--database sqlite postgresql] [--runs 5] [--scale 1.0]

Loads 200 Compacts, 20 partners each (one member with an email each) and an officer per
Compact, and 100,000 cases (20,000 in the Compact measured; a fifth closed, a tenth with
an acknowledgement due on DUE_DAY), with benchmarks/cases_load.py. Then measures, each
against a baseline measured in the same run:
- the officer's case list (first page, and overdue only) through Django's test client, in
  process; baseline: the same page's rows read with one plain SELECT;
- `python -m compactwatch remind --today D` as a subprocess, with the locmem email backend
  (every message composed, none sent): on a day with nothing due, on DUE_DAY with 10,000
  reminders due, and on DUE_DAY again (all already sent); baseline: a subprocess opening
  the database as the command does and reading the candidate cases with plain SQL.
Reports best and median seconds, rows per second, the ratio to the baseline and the peak
memory of the subprocesses. It asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from compactwatch.compact.disputes import Step, case_state, shipped_routes

OUT = Path(__file__).resolve().parent / "out"
RESULTS = Path(__file__).resolve().parent / "CASES_RESULTS.md"
POSTGRES = "postgres://postgres@127.0.0.1:5432/"
BIN = Path(sys.executable).parent

COMPACTS, PARTNERS, CASES, MEASURED_CASES = 200, 20, 100_000, 20_000
PAGE_SIZE = 50  # as the list view's
CLOSED_FROM = date(2026, 1, 5)  # closed cases are raised from here, over 40 days
DUE_RAISED = date(2026, 6, 1)  # a tenth of the cases, raised on this day ...
OPEN_FROM = date(2026, 8, 3)  # ... the other open ones from here, over 280 days
NOTHING_DAY = date(2026, 3, 2)  # no open case's deadline is near: nothing to send


def kind_of(index: int) -> str:
    """Which history the case numbered `index` (over all Compacts) has."""
    if index % 5 == 4:
        return "closed"
    return "due" if index % 10 == 0 else "open"


def due_day() -> date:
    """The day the cases raised on DUE_RAISED are to be acknowledged (the core's reading of
    the shipped route); each then gets one "due today" reminder, to its other party."""
    route = shipped_routes()["cambridgeshire"]
    deadline = case_state(route, [Step("raised", DUE_RAISED, "raiser")]).next_deadline
    assert deadline is not None
    return deadline.day


def environment(database: str) -> dict[str, str]:
    env = {
        **os.environ,
        "COMPACTWATCH_ENV": "demo",
        "DJANGO_SETTINGS_MODULE": "compactwatch.settings",
        "COMPACTWATCH_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "COMPACTWATCH_DATA_DIR": str(OUT / f"cases-{database}"),
    }
    env.pop("DATABASE_URL", None)
    if database == "postgresql":
        env["DATABASE_URL"] = POSTGRES + "compactwatch_cases_bench"
    return env


def prepare(database: str, scale: float) -> dict[str, str]:
    env = environment(database)
    if database == "postgresql":
        name = env["DATABASE_URL"].rsplit("/", 1)[1]
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            subprocess.run(["psql", POSTGRES + "postgres", "-qc", sql], check=True)
    data = Path(env["COMPACTWATCH_DATA_DIR"])
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    manage = [str(BIN / "compactwatch"), "manage"]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    started = time.perf_counter()
    load([sys.executable, "-m", "benchmarks.cases_load", "load", str(scale)], env)
    print(f"{database}: loaded in {time.perf_counter() - started:.0f} s", flush=True)
    return env


def load(command: list[str], env: dict[str, str]) -> str:
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak resident memory (MB) and the last line of output of one run."""
    with tempfile.TemporaryFile("w+") as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{command} failed: {process.stderr.read().decode()}")
        output.seek(0)
        lines = output.read().splitlines()
    return elapsed, usage.ru_maxrss / 1024, lines[-1] if lines else ""


def repeated(command: list[str], env: dict[str, str], runs: int, before: list[str] | None = None):
    """Best and median seconds, the largest peak memory and the last line over `runs` runs;
    `before` (untimed) runs ahead of each."""
    results = []
    for _ in range(runs):
        if before:
            load(before, env)
        results.append(measure(command, env))
    times = [seconds for seconds, _, _ in results]
    return min(times), statistics.median(times), max(mb for _, mb, _ in results), results[-1][2]


def remind_rows(env: dict[str, str], runs: int) -> list[str]:
    child = [sys.executable, "-m", "benchmarks.cases_load"]
    remind = [sys.executable, "-m", "compactwatch", "remind", "--today"]
    busy = due_day().isoformat()
    startup = repeated([*child, "startup"], env, runs)
    # Python, Django and the migration check that `remind` also pays, and nothing else.
    rows = [f"| start-up alone (open the database) | – | {startup[0]:.2f} | – | – | – | – | {startup[2]:.0f} | – |"]  # fmt: skip
    print(rows[-1], flush=True)
    cases = [
        ("(a) nothing due", NOTHING_DAY.isoformat(), [*child, "forget"]),
        ("(b) 10,000 reminders due", busy, [*child, "forget"]),
        ("(c) the same day again: all sent", busy, None),
    ]
    for name, day, before in cases:
        base = repeated([*child, "candidates", day], env, runs)
        command = repeated([*remind, day], env, runs, before)
        considered = int(base[3].split()[0])
        sent = command[3]
        rate = f"{considered / command[0]:,.0f}" if considered else "–"
        rows.append(
            f"| {name} ({day}) | {considered:,} | {base[0]:.2f} | {command[0]:.2f} | "
            f"{command[1]:.2f} | {rate} | {command[0] / base[0]:.2f} | {base[2]:.0f} | "
            f"{command[2]:.0f} ({sent}) |"
        )
        print(rows[-1], flush=True)
    return rows


def list_rows(env: dict[str, str], runs: int) -> list[str]:
    out = load([sys.executable, "-m", "benchmarks.cases_load", "list", str(max(10, runs * 4))], env)
    rows = []
    for name, result in json.loads(out.splitlines()[-1]).items():
        (page, page_median), (base, _) = result["page"], result["baseline"]
        rows.append(
            f"| {name} | {result['matching']:,} | {result['rows']} | {base * 1000:.1f} | "
            f"{page * 1000:.0f} | {page_median * 1000:.0f} | {result['rows'] / page:,.0f} | "
            f"{page / base:.0f} | {result['queries']} |"
        )
        print(rows[-1], flush=True)
    return rows


LIST_HEADER = (
    "| page | cases matching | rows shown | plain SELECT ms (best) | page ms (best) | "
    "page ms (median) | rows/s | ratio | queries |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|"
)
REMIND_HEADER = (
    "| run | candidate cases | baseline s (best) | remind s (best) | remind s (median) | "
    "cases/s | ratio | baseline peak MB | remind peak MB (its last line) |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---|"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", nargs="+", default=["sqlite"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--reuse", nargs="*", default=[], metavar="DATABASE",
        help="measure the data an earlier run loaded into these databases",
    )  # fmt: skip
    arguments = parser.parse_args()
    sections = []
    for database in arguments.database:
        reuse = database in arguments.reuse
        env = environment(database) if reuse else prepare(database, arguments.scale)
        listed = list_rows(env, arguments.runs)
        reminded = remind_rows(env, arguments.runs)
        sections.append(
            f"## {database}\n\nThe officer's case list of the Compact with "
            f"{round(MEASURED_CASES * arguments.scale):,} cases, {PAGE_SIZE} to a page:\n\n"
            f"{LIST_HEADER}\n" + "\n".join(listed) + "\n\n`compactwatch remind`:\n\n"
            f"{REMIND_HEADER}\n" + "\n".join(reminded) + "\n"
        )
    RESULTS.write_text(
        f"# Disagreements: the officer's list and `compactwatch remind`\n\nMeasured "
        f"{date.today()} on {os.cpu_count()} cores, Python {platform.python_version()}, by "
        f"`python -m benchmarks.cases_bench --scale {arguments.scale} --runs {arguments.runs}`: "
        f"{round(COMPACTS * arguments.scale)} Compacts, {round(CASES * arguments.scale):,} cases. "
        "Times are the best (and median) of the runs; the list is measured in process through "
        "Django's test client, `remind` as a subprocess with the locmem email backend, its "
        "baseline a subprocess that opens the database as the command does and reads the "
        "candidate cases with one SELECT.\n\n" + "\n".join(sections)
    )
    print(RESULTS.read_text())


if __name__ == "__main__":
    main()
