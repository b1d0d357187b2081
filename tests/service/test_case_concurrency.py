"""Two people act on one disagreement at the same moment: exactly one step is stored, the
other is told plainly that someone acted first, and the case never reaches a state its
route does not allow.

Each side runs in its own thread with its own PostgreSQL session, started together; the
first to lock the case holds it a moment (its cache takes a while to work out), so the
second truly waits on the row lock."""

from __future__ import annotations

import threading
import time

import pytest
from case_helpers import COUNCIL, GROUP, actor, fresh, member_of, raise_one
from django.db import connection, connections

from compactwatch.changes import cases
from compactwatch.changes.base import Stale
from compactwatch.disputes.models import Step

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks: PostgreSQL's (SQLite has one writer at a time)"),
]  # fmt: skip
HELD = 0.3


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def slow_refresh(monkeypatch):
    refresh = cases._refresh

    def slowly(case):
        time.sleep(HELD)
        return refresh(case)

    monkeypatch.setattr(cases, "_refresh", slowly)


@pytest.fixture
def people(compact, officer):
    return member_of(compact, GROUP, "grp"), member_of(compact, COUNCIL, "cncl"), officer


def together(*work):
    barrier = threading.Barrier(len(work))
    outcomes: list = [None] * len(work)

    def run(position, job):
        try:
            barrier.wait(timeout=10)
            outcomes[position] = job()
        except Exception as error:  # judged by the test
            outcomes[position] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(work)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_two_moves_of_one_case_at_once_one_wins_the_other_is_told(compact, people):
    group, council, officer = people
    case = raise_one(compact, group)
    cases.respond(actor(council), case, version=1, text="No")
    case = fresh(case)
    outcomes = together(
        lambda: cases.move(actor(group), case, version=2, to_stage="compact-development-group"),
        lambda: cases.close(actor(officer), case, version=2, outcome="withdrawn",
                            outcome_text="Withdrawn by phone"),
    )  # fmt: skip
    won = [o for o in outcomes if isinstance(o, Step)]
    lost = [o for o in outcomes if isinstance(o, Stale)]
    assert (len(won), len(lost)) == (1, 1), outcomes
    assert "after you opened it, so nothing was saved" in lost[0].message
    case = fresh(case)
    assert case.version == 3 and case.steps.count() == 3
    # The stored steps are ones the route allows, in order.
    state = case.state()
    assert (state.phase == "closed") == (won[0].kind == "closed")


def test_two_responses_at_once_store_one(compact, people):
    group, council, officer = people
    case = raise_one(compact, group)
    outcomes = together(
        lambda: cases.respond(actor(council), case, version=1, text="From the council"),
        lambda: cases.respond(actor(officer), case, version=1, text="From the officer"),
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["Stale", "Step"], outcomes
    assert list(fresh(case).steps.values_list("kind", flat=True)) == ["raised", "responded"]


def test_the_same_step_from_a_fresh_read_is_refused_by_the_route(compact, people):
    """Two people who each read the case after the other's step still cannot store a step
    the route refuses: the lock makes the second check the first's result."""
    group, council, officer = people
    case = raise_one(compact, group)

    def respond_as(user, text):
        def job():
            current = fresh(case)
            return cases.respond(actor(user), current, version=current.version, text=text)

        return job

    outcomes = together(respond_as(council, "One"), respond_as(officer, "Two"))
    kinds = sorted(type(o).__name__ for o in outcomes)
    assert kinds in (["Stale", "Step"], ["Invalid", "Step"]), outcomes
    assert fresh(case).steps.filter(kind="responded").count() == 1


def test_two_cases_raised_at_once_get_two_numbers(compact, people):
    group, _council, _officer = people
    outcomes = together(lambda: raise_one(compact, group), lambda: raise_one(compact, group))
    assert sorted(o.ref for o in outcomes)[1].endswith("-002"), outcomes
