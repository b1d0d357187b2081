"""Response times of the Compact figures page and a body's page at national scale.

    python -m benchmarks.service_bench [--scale 1.0] [--database sqlite postgresql]

Loads 200 Compacts, 50,000 organisations, 1,000,000 funding records and 100,000
consultations (times --scale) with their findings, serves the app with gunicorn as
`compactwatch serve` does, and sends requests from 20 concurrent clients on loopback.
Reports the median and 95th percentile per page and database; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
RESULTS = Path(__file__).resolve().parent / "SERVICE_RESULTS.md"
POSTGRES = "postgres://postgres@127.0.0.1:5432/"
BIN = Path(sys.executable).parent
PORT = 8799
CLIENTS = 20


def environment(database: str, scale: float) -> dict[str, str]:
    env = {
        **os.environ,
        "COMPACTWATCH_ENV": "demo",
        "DJANGO_SETTINGS_MODULE": "compactwatch.settings",
    }
    env["COMPACTWATCH_DATA_DIR"] = str(OUT / f"service-{database}-{scale}")
    env.pop("DATABASE_URL", None)
    if database == "postgresql":
        env["DATABASE_URL"] = POSTGRES + f"compactwatch_bench_{str(scale).replace('.', '_')}"
    return env


def prepare(database: str, scale: float) -> dict[str, str]:
    env = environment(database, scale)
    data = Path(env["COMPACTWATCH_DATA_DIR"])
    if database == "postgresql":
        name = env["DATABASE_URL"].rsplit("/", 1)[1]
        subprocess.run(
            ["psql", POSTGRES + "postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True
        )
        subprocess.run(
            ["psql", POSTGRES + "postgres", "-qc", f"CREATE DATABASE {name}"], check=True
        )
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    manage = [str(BIN / "compactwatch"), "manage"]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "benchmarks.service_load", str(scale)], env=env, check=True
    )
    print(f"{database}: loaded in {time.perf_counter() - started:.0f} s", flush=True)
    return env


def timed_get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        assert response.status == 200, url
    return (time.perf_counter() - started) * 1000


def measure(env: dict[str, str], scale: float, requests: int) -> dict[str, tuple[float, float]]:
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "compactwatch.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
         "--workers", "3", "--threads", "4"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{PORT}"
        for _ in range(100):
            try:
                timed_get(base + "/api/v1/schema/")
                break
            except OSError:
                time.sleep(0.2)
        compacts = ["cambridgeshire"] + [f"area-{n}" for n in range(1, max(1, round(200 * scale)))]
        organisations = max(1, round(50_000 * scale / len(compacts)))
        rng = random.Random(3)
        pages = {
            "Compact figures page": lambda: f"{base}/compacts/{rng.choice(compacts)}/figures/",
            "a body's page": lambda: (
                f"{base}/compacts/{rng.choice(compacts)}/register/o{rng.randrange(0, organisations, 5)}/"
            ),
        }
        results = {}
        for name, make in pages.items():
            urls = [make() for _ in range(requests)]
            with ThreadPoolExecutor(CLIENTS) as pool:
                list(pool.map(timed_get, urls[: CLIENTS * 2]))  # warm each worker's caches
                times = sorted(pool.map(timed_get, urls))
            results[name] = (statistics.median(times), times[int(len(times) * 0.95) - 1])
        return results
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--database", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the data loaded by an earlier run"
    )
    arguments = parser.parse_args()
    rows = []
    for database in arguments.database:
        env = (
            environment(database, arguments.scale)
            if arguments.reuse
            else prepare(database, arguments.scale)
        )
        for page, (median, p95) in measure(env, arguments.scale, arguments.requests).items():
            rows.append(f"| {database} | {page} | {median:.0f} | {p95:.0f} |")
            print(rows[-1], flush=True)
    table = "\n".join(
        ["| database | page | median ms | 95th percentile ms |", "|---|---|---|---|", *rows]
    )
    RESULTS.write_text(
        f"# Service response times\n\nMeasured {date.today()} on {os.cpu_count()} cores by "
        f"`python -m benchmarks.service_bench --scale {arguments.scale}`: {CLIENTS} concurrent clients "
        f"on loopback, {arguments.requests} requests per page, gunicorn with 3 workers x 4 threads.\n\n"
        f"{table}\n"
    )
    print(table)


if __name__ == "__main__":
    main()
