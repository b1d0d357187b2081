"""The Django side of the disagreements benchmark (run in child processes by cases_bench).

    python -m benchmarks.cases_load load [SCALE]         200 Compacts, 100,000 cases (times SCALE)
    python -m benchmarks.cases_load list RUNS            the officer's case list, in process (JSON)
    python -m benchmarks.cases_load candidates DAY       the baseline of `compactwatch remind`
    python -m benchmarks.cases_load startup              opening the database and nothing else
    python -m benchmarks.cases_load forget               forget the reminders sent (between runs)

The data loads in bulk inside `way_in()`, beside the use cases (which check, audit and lock
one case at a time); each case's cached stage, whose move and next deadline are the core's
reading of its steps, as `_refresh` in changes/cases.py sets them.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from datetime import date, timedelta
from typing import Any

from benchmarks.cases_bench import (
    CASES,
    CLOSED_FROM,
    COMPACTS,
    DUE_RAISED,
    MEASURED_CASES,
    OPEN_FROM,
    PAGE_SIZE,
    PARTNERS,
    kind_of,
)
from compactwatch.cli.database import open_database

BATCH = 2000


# ---------------------------------------------------------------- loading


_states: dict[tuple[int, date, date | None, date | None], Any] = {}


def _state(route: Any, raised: date, acknowledged: date | None, closed: date | None) -> Any:
    """The core's reading of a case's steps (a few hundred distinct histories per route)."""
    from compactwatch.compact.disputes import case_state

    key = (id(route), raised, acknowledged, closed)
    if key not in _states:
        _states[key] = case_state(route, _core_steps(raised, acknowledged, closed))
    return _states[key]


def _core_steps(raised: date, acknowledged: date | None, closed: date | None) -> list[Any]:
    from compactwatch.compact.disputes import Step as CoreStep

    steps = [CoreStep("raised", raised, "raiser")]
    if acknowledged:
        steps.append(CoreStep("acknowledged", acknowledged, "other party"))
    if closed:
        steps.append(CoreStep("closed", closed, "officer", outcome="resolved"))
    return steps


def _history(index: int) -> tuple[date, date | None, date | None]:
    """Raised, acknowledged and closed days of the case numbered `index` over all Compacts:
    a fifth closed (raised in early 2026), a tenth raised on DUE_RAISED (acknowledgement due
    on the benchmark's busy day), the rest open, raised from August 2026 on, a third of
    them acknowledged."""
    kind = kind_of(index)
    if kind == "closed":
        raised = CLOSED_FROM + timedelta(days=index % 40)
        return raised, raised + timedelta(days=2), raised + timedelta(days=12)
    if kind == "due":
        return DUE_RAISED, None, None
    raised = OPEN_FROM + timedelta(days=index % 280)
    return raised, (raised + timedelta(days=2) if index % 3 == 1 else None), None


def _counts(compacts: int, cases: int, measured: int) -> list[int]:
    rest, others = cases - measured, compacts - 1
    return [measured] + [rest // others + (1 if n < rest % others else 0) for n in range(others)]


def load(scale: float) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from compactwatch.changes.case_route import route_of
    from compactwatch.changes.cases import commitment_choices
    from compactwatch.changes.editions import install_shipped_compact
    from compactwatch.disputes.models import Case, CaseCommitment, CaseRoute, Step
    from compactwatch.guard import way_in
    from compactwatch.organisations.models import Membership, Organisation

    User = get_user_model()
    compacts = max(2, round(COMPACTS * scale))
    counts = _counts(compacts, round(CASES * scale), round(MEASURED_CASES * scale))
    template = install_shipped_compact()
    template_route = route_of(template)
    route_document = template_route.document
    documents = [(row.slug, row.document, row.in_force_from) for row in template.editions.all()]
    citations = [citation for citation, _ in commitment_choices(template, DUE_RAISED)]
    index = 0
    for number, count in enumerate(counts):
        with transaction.atomic(), way_in():
            if number == 0:
                compact, route_row = template, template_route
            else:
                compact = type(template).objects.create(
                    slug=f"area-{number}", name=f"Compact of area {number}", area=f"Area {number}"
                )
                for slug, document, in_force in documents:
                    compact.editions.create(slug=slug, document=document, in_force_from=in_force)
                route_row = CaseRoute.objects.create(compact=compact, document=route_document)
            route = route_row.core()
            officer = User.objects.create_user(
                f"c{number}-officer", f"officer{number}@example.org", password=None
            )
            compact.officers.through.objects.create(compact=compact, user=officer)
            partners = Organisation.objects.bulk_create([
                Organisation(compact=compact, ref=f"p{i}", name=f"Partner {i} of area {number}",
                             sector="public" if i % 4 == 0 else "voluntary",
                             kind="local_authority" if i % 4 == 0 else "charity", partner=True)
                for i in range(PARTNERS)
            ])  # fmt: skip
            members = User.objects.bulk_create([
                User(username=f"c{number}-m{i}", email=f"member{i}@area{number}.example.org",
                     password="!")
                for i in range(PARTNERS)
            ])  # fmt: skip
            Membership.objects.bulk_create(
                [
                    Membership(user=user, organisation=org)
                    for user, org in zip(members, partners, strict=True)
                ]
            )
            made, histories, numbers = [], [], {}
            for _ in range(count):
                raised, acknowledged, closed = _history(index)
                state = _state(route, raised, acknowledged, closed)
                due = state.next_deadline
                numbers[raised.year] = numbers.get(raised.year, 0) + 1
                n = numbers[raised.year]
                raiser = index % PARTNERS
                other = (raiser + 1 + index % (PARTNERS - 1)) % PARTNERS
                made.append(Case(
                    compact=compact, year=raised.year, number=n, ref=f"D-{raised.year}-{n:03d}",
                    route=route_row, raised_by=members[raiser], raising_organisation=partners[raiser],
                    other_party=partners[other],
                    what_happened=f"Case {index}: the funding ended without the notice 4.5 asks for.",
                    wanted="Three months' notice, as the Compact asks.",
                    outcome="resolved" if closed else "",
                    stage=state.stage.id if state.stage else "", closed=state.phase == "closed",
                    whose_move=state.whose_move or "", next_due=due.day if due else None,
                    next_action=due.action if due else "", raised_on=state.raised,
                ))  # fmt: skip
                histories.append((raised, acknowledged, closed, members[raiser]))
                index += 1
            Case.objects.bulk_create(made, batch_size=BATCH)
            steps, commitments = [], []
            for case, (raised, acknowledged, closed, user) in zip(made, histories, strict=True):
                first = route.first_stage
                steps.append(Step(case=case, number=1, kind="raised", day=raised, user=user,
                                  username=user.username, acting_as="raiser", to_stage=first,
                                  text=case.what_happened))  # fmt: skip
                if acknowledged:
                    steps.append(Step(case=case, number=2, kind="acknowledged", day=acknowledged,
                                      acting_as="other party", from_stage=first, to_stage=first))  # fmt: skip
                if closed:
                    steps.append(Step(case=case, number=3, kind="closed", day=closed,
                                      acting_as="officer", from_stage=first, outcome="resolved"))  # fmt: skip
                commitments.append(
                    CaseCommitment(case=case, commitment=citations[case.pk % len(citations)])
                )
            Step.objects.bulk_create(steps, batch_size=BATCH)
            CaseCommitment.objects.bulk_create(commitments, batch_size=BATCH)
        if number % 20 == 0 or number == len(counts) - 1:
            print(
                f"compact {number + 1}/{len(counts)}: {index:,} cases", file=sys.stderr, flush=True
            )


# ---------------------------------------------------------------- the officer's list


LIST_SQL = """
SELECT c.id, c.ref, c.stage, c.whose_move, c.next_due, c.closed, c.outcome, c.public_status,
       c.on_behalf_of, c.contact_name, c.route_id, compact.slug, raiser.name, other.name
FROM disputes_case c
JOIN compacts_compact compact ON compact.id = c.compact_id
LEFT JOIN organisations_organisation raiser ON raiser.id = c.raising_organisation_id
JOIN organisations_organisation other ON other.id = c.other_party_id
WHERE c.compact_id = %s {where}
ORDER BY c.closed, CASE WHEN c.next_due IS NULL THEN 1 ELSE 0 END, c.next_due,
         c.year DESC, c.number DESC
LIMIT {limit}
"""


def _timed(call: Any, runs: int) -> list[float]:
    call()  # warm: the route parsed, the templates compiled, the pages of the database read
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def measure_list(runs: int) -> dict[str, Any]:
    """The first page and the overdue page of the measured Compact's list, through Django's
    test client signed in as its officer; the baseline reads the same rows with one SELECT."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from compactwatch.compacts.models import Compact

    compact = Compact.objects.get(slug="cambridgeshire")
    client = Client()
    client.force_login(get_user_model().objects.get(username="c0-officer"))
    today = date.today()  # the page works out "overdue" on the real day
    pages = {
        "first page": ("", "", []),
        "overdue only": (
            "?status=overdue",
            "AND c.closed = %s AND c.next_due < %s",
            [False, today],
        ),
    }
    results = {}
    for name, (query, where, params) in pages.items():
        url = f"/compacts/{compact.slug}/cases/{query}"

        def page(url: str = url) -> None:
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")

        sql = LIST_SQL.format(where=where, limit=PAGE_SIZE)

        def baseline(sql: str = sql, params: list[Any] = params) -> int:
            with connection.cursor() as cursor:
                cursor.execute(sql, [compact.pk, *params])
                return len(cursor.fetchall())

        queries: list[str] = []

        def counted(execute: Any, sql: str, *rest: Any, queries: list[str] = queries) -> Any:
            queries.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(counted):
            page(url)
        rows = baseline()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM disputes_case c WHERE c.compact_id = %s {where}",
                [compact.pk, *params],
            )
            matching = cursor.fetchone()[0]
        page_times, base_times = _timed(page, runs), _timed(baseline, runs)
        results[name] = {
            "rows": rows, "matching": matching, "queries": len(queries),
            "page": [min(page_times), statistics.median(page_times)],
            "baseline": [min(base_times), statistics.median(base_times)],
        }  # fmt: skip
    return results


# ---------------------------------------------------------------- remind's baseline


CANDIDATES_SQL = """
SELECT c.id, c.ref, c.stage, c.whose_move, c.next_due, c.next_action, c.route_id,
       c.raised_by_id, c.contact_email, c.on_behalf_of, compact.slug, raiser.name, other.name
FROM disputes_case c
JOIN compacts_compact compact ON compact.id = c.compact_id
LEFT JOIN organisations_organisation raiser ON raiser.id = c.raising_organisation_id
JOIN organisations_organisation other ON other.id = c.other_party_id
WHERE c.closed = %s AND c.next_due IS NOT NULL AND c.next_due <= %s
  AND c.public_status IN ('', 'accepted')
ORDER BY c.next_due, c.id
"""


def candidates(day: date) -> int:
    """The open cases `compactwatch remind` must consider on `day`: next deadline up to its
    window's end (the same horizon as reminders.case_messages), read with plain SQL."""
    from django.db import connection

    from compactwatch.disputes.reminders import timings

    horizon = day + timedelta(days=timings().before.amount * 2 + 14)
    with connection.cursor() as cursor:
        cursor.execute(CANDIDATES_SQL, [False, horizon])
        return len(cursor.fetchall())


def forget() -> None:
    from compactwatch.disputes.models import SentReminder
    from compactwatch.guard import way_in

    with way_in():
        SentReminder.objects.all().delete()


def main(arguments: list[str]) -> None:
    open_database()
    what = arguments[0]
    if what == "load":
        load(float(arguments[1]) if len(arguments) > 1 else 1.0)
    elif what == "list":
        print(json.dumps(measure_list(int(arguments[1]))))
    elif what == "candidates":
        print(f"{candidates(date.fromisoformat(arguments[1]))} candidates read")
    elif what == "forget":
        forget()
    elif what != "startup":
        raise SystemExit(f"unknown: {what}")


if __name__ == "__main__":
    main(sys.argv[1:])
