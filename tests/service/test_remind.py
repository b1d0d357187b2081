"""`compactwatch remind`: reminders before and after a case's deadline, prevention for
funders and the officer, each message once, however often (and however many at once) it
runs."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from case_helpers import COUNCIL, GROUP, member_of, organisation, raise_one
from django.db import connection, connections
from service_fixtures import save_record

from compactwatch.changes import cases
from compactwatch.changes.base import Actor
from compactwatch.cli import main
from compactwatch.compact.disputes import Calendar
from compactwatch.disputes import reminders
from compactwatch.disputes.models import SentReminder
from compactwatch.guard import way_in
from compactwatch.records.models import Consultation, FundingAgreement

RAISED = date(2026, 3, 2)  # a Monday; acknowledge within 5 working days: 9 March
WORKING = Calendar("working", "England and Wales")


def remind(today: date) -> list[str]:
    lines: list[str] = []
    cases.send_reminders(Actor.system(), today, say=lines.append)
    return lines


@pytest.fixture
def officer_with_email(officer):
    officer.email = "officer@example.org"
    officer.save()
    return officer


@pytest.fixture
def case(compact, officer_with_email):
    member_of(compact, COUNCIL, "cncl")
    member_of(compact, GROUP, "grp")
    return raise_one(compact, officer_with_email, day=RAISED)


@pytest.mark.django_db
def test_before_on_and_after_the_deadline_each_once(case, mailoutbox):
    due = case.next_due
    assert due == date(2026, 3, 9)
    assert remind(date(2026, 3, 4)) == []  # Wednesday: three working days before
    (before,) = remind(date(2026, 3, 5))  # Thursday: two working days before Monday 9 March
    assert before == ("cncl@example.org: D-2026-001: the other party is to acknowledge by "
                      "9 March 2026")  # fmt: skip
    assert remind(date(2026, 3, 5)) == [] and remind(date(2026, 3, 9)) == []
    overdue = remind(date(2026, 3, 10))
    assert sorted(line.split(":")[0] for line in overdue) == ["cncl@example.org",
                                                              "officer@example.org"]  # fmt: skip
    assert all("is overdue: the other party was to acknowledge by 9 March 2026" in line
               for line in overdue)  # fmt: skip
    assert remind(date(2026, 3, 20)) == []  # still overdue: told once
    long_overdue = remind(WORKING.add(due, 21).day)
    assert len(long_overdue) == 2 and "is long overdue" in long_overdue[0]
    assert len(mailoutbox) == 1 + 1 + 2 + 2  # raised, before, overdue, long overdue
    assert "2 days ago" not in mailoutbox[-1].body and "See the case:" in mailoutbox[-1].body


@pytest.mark.django_db
def test_a_new_deadline_is_reminded_afresh_and_a_closed_case_never(case, officer_with_email):
    remind(date(2026, 3, 10))
    cases.acknowledge(Actor(officer_with_email, "test"), case, version=1, day=date(2026, 3, 10))
    case.refresh_from_db()
    assert case.next_due == date(2026, 3, 24)
    assert len(remind(date(2026, 3, 25))) == 2
    cases.close(Actor(officer_with_email, "test"), case, version=2, outcome="withdrawn",
                outcome_text="Settled", day=date(2026, 3, 25))  # fmt: skip
    assert remind(date(2026, 6, 1)) == []


@pytest.mark.django_db
def test_the_command_prints_each_message_and_a_last_line(case, capsys):
    assert main(["remind", "--today", "2026-03-10"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "2 reminders sent" and len(lines) == 3
    assert main(["remind", "--today", "2026-03-10"]) == 0
    assert capsys.readouterr().out.splitlines() == ["0 reminders sent"]


@pytest.mark.django_db
def test_a_funder_is_told_the_last_day_to_give_notice(compact, officer, mailoutbox):
    member_of(compact, COUNCIL, "cncl")
    save_record(FundingAgreement(compact=compact, ref="g-9", funder=organisation(compact, COUNCIL),
                                 recipient=organisation(compact, GROUP), kind="grant",
                                 award_date=date(2026, 4, 1), start=date(2026, 4, 1),
                                 end=date(2027, 3, 31)), officer)  # fmt: skip
    # Eight weeks before 31 December 2026 is 5 November: nothing on the 4th.
    assert remind(date(2026, 11, 4)) == []
    (line,) = remind(date(2026, 11, 5))
    assert line == ("cncl@example.org: Your grant to Hunts Forum ends on 31 March 2027: to keep "
                    "4.5, give notice in writing by 31 December 2026")  # fmt: skip
    assert "4.5 Three months' notice in writing" in mailoutbox[-1].body
    assert remind(date(2026, 11, 20)) == []
    assert len(remind(date(2026, 12, 17))) == 1  # two weeks before: once more
    assert remind(date(2027, 1, 1)) == []  # too late to keep 4.5: nothing to plan


@pytest.mark.django_db
def test_the_officer_hears_of_consultations_without_feedback(compact, officer_with_email):
    council = organisation(compact, COUNCIL)
    for ref, feedback in (("c-1", None), ("c-2", date(2026, 2, 1))):
        save_record(Consultation(compact=compact, ref=ref, organisation=council, title=f"Parks {ref}",
                                 opens=date(2025, 10, 1), closes=date(2025, 12, 31),
                                 feedback_published=feedback), officer_with_email)  # fmt: skip
    # 12 weeks after 31 December 2025 is 25 March 2026.
    assert remind(date(2026, 3, 24)) == []
    (line,) = remind(date(2026, 3, 25))
    assert line == ("officer@example.org: Cambridgeshire County Council's consultation "
                    "'Parks c-1' closed on 31 December 2025, 12 weeks ago, with no feedback "
                    "published")  # fmt: skip
    assert remind(date(2026, 4, 25)) == []


@pytest.mark.django_db
def test_a_message_another_run_stored_first_is_not_sent_again(case, monkeypatch, mailoutbox):
    """The race in one thread: between finding what is due and storing it, another run
    stores the same key; the insert fails on the unique key and nothing is sent."""
    found = list(reminders.due_messages(date(2026, 3, 10)))
    assert len(found) == 2
    with way_in():
        SentReminder.objects.create(key=found[0].key, to=found[0].to, subject="sent by the other")
    monkeypatch.setattr(cases, "due_messages", lambda today: iter(found))
    before = len(mailoutbox)
    assert len(remind(date(2026, 3, 10))) == 1
    assert len(mailoutbox) == before + 1


@pytest.mark.django_db
def test_a_failed_send_is_tried_again_next_run(case, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("mail server away")

    monkeypatch.setattr(cases, "send_mail", broken)
    with pytest.raises(OSError):
        remind(date(2026, 3, 10))
    assert not SentReminder.objects.exists()
    monkeypatch.undo()
    assert len(remind(date(2026, 3, 10))) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two sessions: PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_message_once(case, mailoutbox):
    barrier = threading.Barrier(2)
    counts: list = [None, None]

    def run(position):
        try:
            barrier.wait(timeout=10)
            counts[position] = len(remind(date(2026, 3, 10)))
        except Exception as error:  # judged below
            counts[position] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(counts) in ([0, 2], [1, 1]), counts
    assert SentReminder.objects.count() == 2
    assert len([m for m in mailoutbox if "overdue" in m.subject]) == 2


@pytest.mark.django_db
def test_composing_reminders_reads_no_query_per_case(compact, officer_with_email, case):
    """Ten times the cases due, the same number of queries (the benchmark found two a case)."""
    from django.test.utils import CaptureQueriesContext

    day = date(2026, 3, 5)  # two working days before the cases' first deadline

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            count = len(list(reminders.due_messages(day)))
        return count, len(captured.captured_queries)

    one_case = queries()
    for _ in range(9):
        raise_one(compact, officer_with_email, day=RAISED)
    ten_cases = queries()
    assert ten_cases[0] == 10 * one_case[0] > 0
    assert ten_cases[1] == one_case[1]
