"""How fast `compactwatch check` runs, against parsing the same file and nothing else.

    python -m benchmarks.check_bench [--records 250000 500000 1000000]

Each measurement runs in a fresh process so that its peak memory can be read. Times are
the best of three runs. The baseline is `json.load` of the same file with the standard
library. Nothing here asserts: it reports.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from benchmarks.generate import write_records

OUT = Path(__file__).resolve().parent / "out"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BASELINE = [sys.executable, "-c", "import json, sys; json.load(open(sys.argv[1]))"]
CHECK = [sys.executable, "-m", "compactwatch", "check", "--format", "json", "--as-of", "2026-01-01"]


def measure(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one run of `command`."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{command} failed: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024


def best_of(command: list[str], runs: int) -> tuple[float, float]:
    results = [measure(command) for _ in range(runs)]
    return min(seconds for seconds, _ in results), max(memory for _, memory in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[250_000, 500_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    rows = []
    for total in arguments.records:
        path = OUT / f"records-{total}.json"
        if not path.exists():
            write_records(path, total)
        base_s, base_mb = best_of([*BASELINE, str(path)], arguments.runs)
        check_s, check_mb = best_of([*CHECK, str(path)], arguments.runs)
        rows.append(
            f"| {total:,} | {path.stat().st_size / 1e6:.0f} | {base_s:.2f} | {check_s:.2f} | "
            f"{total / base_s:,.0f} | {total / check_s:,.0f} | {check_s / base_s:.2f} | "
            f"{base_mb:.0f} | {check_mb:.0f} | {check_mb / base_mb:.2f} | {check_mb / total * 1e5:.0f} |"
        )
        print(rows[-1], flush=True)
    table = "\n".join(
        [
            "| records | file MB | json.load s | check s | json.load rec/s | check rec/s | time ratio | "
            "json.load peak MB | check peak MB | memory ratio | check MB per 100k records |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
            *rows,
        ]
    )
    header = (
        f"# `compactwatch check` against parsing alone\n\nMeasured {date.today()} on "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, by "
        f"`python -m benchmarks.check_bench` (best of {arguments.runs} runs for time; "
        "`check --format json` writing to /dev/null; the baseline is `json.load` of the same file).\n\n"
    )
    RESULTS.write_text(header + table + "\n")
    print(table)


if __name__ == "__main__":
    main()
