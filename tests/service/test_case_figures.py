"""The public's figures of disagreements (issue 13, points 5 and 10): cases per commitment and
by year beside the records' findings, with no names and any count under 5 shown as "fewer
than 5"; cases both parties agreed to publish listed by name."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from compactwatch.changes import cases as use
from compactwatch.changes.base import Actor
from compactwatch.compact.disclosure import SMALLEST_SHOWN, shown_count
from compactwatch.organisations.models import Organisation

DATABASES = ["default"] if connection.vendor == "sqlite" else ["default", "jobs"]
C = "/compacts/cambridgeshire"
NOTICE, CONSULT = "cambridgeshire-refreshed/4.5", "cambridgeshire-refreshed/2.4"


@given(st.integers(min_value=0, max_value=10**9))
def test_a_count_under_5_is_never_shown(count):
    shown = shown_count(count)
    if count < SMALLEST_SHOWN:
        assert shown == "fewer than 5"
    else:
        assert shown == f"{count:,}" and int(shown.replace(",", "")) == count


def test_the_boundary_is_5():
    assert [shown_count(n) for n in (0, 1, 4, 5, 6)] == [
        "fewer than 5", "fewer than 5", "fewer than 5", "5", "6"]  # fmt: skip


def org(ref: str) -> Organisation:
    return Organisation.objects.get(compact__slug="cambridgeshire", ref=ref)


def _raise(compact, commitments, day=date(2025, 5, 1), raiser="hunts-forum"):
    return use.raise_case(
        Actor.system("test"), compact, other_party=org("cambridgeshire-county-council"),
        commitments=commitments, what_happened="Short notice", wanted="Reasons",
        raising_organisation=org(raiser), day=day,
    )  # fmt: skip


def _close(case, outcome="resolved", breach=None):
    actor = Actor.system("test")
    use.respond(actor, case, version=case.version, text="Answered")
    case.refresh_from_db()
    use.close(actor, case, version=case.version, outcome=outcome, outcome_text="Settled",
              breach_found=breach is not None or None, breach_commitment=breach or "")  # fmt: skip
    case.refresh_from_db()
    return case


def _section(page: str) -> str:
    return page.split('id="disagreements"')[1]


@pytest.mark.django_db(databases=DATABASES)
def test_counts_per_commitment_and_year_with_no_names(compact):
    for number in range(6):
        case = _raise(compact, [NOTICE])
        if number < 5:
            _close(case, breach=NOTICE if number < 2 else None)
    _raise(compact, [CONSULT], day=date(2024, 6, 3))
    response = Client().get(f"{C}/figures/")
    rows = {row.label: row for row in response.context["case_rows"]}
    notice = next(row for label, row in rows.items() if label.startswith("4.5"))
    assert (notice.raised, notice.resolved, notice.breach_found) == ("6", "5", "fewer than 5")
    consult = next(row for label, row in rows.items() if label.startswith("2.4"))
    assert consult.raised == "fewer than 5"
    years = {row.label: row for row in response.context["case_years"]}
    assert (years["2025"].raised, years["2024"].raised) == ("6", "fewer than 5")
    section = _section(response.content.decode())
    for name in ("Hunts Forum", "Cambridgeshire County Council", "D-2025-"):
        assert name not in section
    assert "4.5 Three months" in section
    only_2024 = Client().get(f"{C}/figures/?year=2024").context["case_rows"]
    assert [row.raised for row in only_2024] == ["fewer than 5"]


@pytest.mark.django_db(databases=DATABASES)
def test_a_case_is_named_only_once_both_parties_agree(compact, group_member, council_member):
    case = _close(_raise(compact, [NOTICE]), breach=NOTICE)
    use.agree_to_publish(Actor(group_member, "test"), case, version=case.version)
    case.refresh_from_db()
    assert case.ref not in _section(Client().get(f"{C}/figures/").content.decode())
    use.agree_to_publish(Actor(council_member, "test"), case, version=case.version)
    section = _section(Client().get(f"{C}/figures/").content.decode())
    assert f"{case.ref}: Hunts Forum and Cambridgeshire County Council" in section
    assert "A breach of 4.5 Three months" in section


@pytest.mark.django_db(databases=DATABASES)
def test_concerns_waiting_for_the_officer_are_not_counted(compact):
    from django.contrib.auth.models import AnonymousUser

    use.submit_public_case(
        Actor(AnonymousUser(), "form"), compact, contact_name="A", contact_email="a@example.org",
        other_party=org("cambridgeshire-county-council"), commitments=[NOTICE],
        what_happened="x", wanted="y",
    )  # fmt: skip
    assert Client().get(f"{C}/figures/").context["case_rows"] == []
