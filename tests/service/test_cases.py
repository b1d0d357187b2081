"""Disagreements through the use cases: every allowed and refused step, raising, the public
form, closing, the raiser's answer, publishing, and steps nobody can change."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from case_helpers import (
    COMMITMENT,
    COUNCIL,
    GROUP,
    THIRD,
    actor,
    fresh,
    member_of,
    organisation,
    raise_one,
)
from django.core.files.uploadedfile import SimpleUploadedFile

from compactwatch.audit.models import AuditEntry
from compactwatch.changes import cases
from compactwatch.changes.base import Actor, Invalid, Refused, Stale
from compactwatch.disputes.models import Step
from compactwatch.guard import WriteOutsideWayIn, way_in

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def group(compact):
    return member_of(compact, GROUP, "grp")


@pytest.fixture
def council(compact):
    return member_of(compact, COUNCIL, "cncl")


@pytest.fixture
def case(compact, group, council):
    return raise_one(compact, group)


def test_a_case_starts_at_source_with_the_other_partys_deadline(case, mailoutbox):
    assert case.ref == f"D-{TODAY.year}-001"
    assert (case.stage, case.whose_move, case.next_action) == ("at-source", "other party",
                                                               "acknowledge")  # fmt: skip
    assert case.next_due == case.state().next_deadline.day > TODAY
    assert case.citations() == [COMMITMENT]
    assert [m.to for m in mailoutbox] == [["cncl@example.org"]]
    assert (
        "Hunts Forum raised a concern about Cambridgeshire County Council" in mailoutbox[0].subject
    )
    assert AuditEntry.objects.filter(record_type="case", record_ref=case.ref).count() == 1


def test_the_route_in_order_acknowledge_respond_move_close_answer(
    compact, case, group, council, officer, mailoutbox
):
    cases.acknowledge(actor(council), case, version=1)
    case = fresh(case)
    assert (case.next_action, case.version) == ("respond", 2)
    cases.extend(actor(council), case, version=2, days=10, reason="Our officer is away")
    case = fresh(case)
    with pytest.raises(Invalid, match="allows one extension, and it has had one"):
        cases.extend(actor(council), case, version=3, days=1, reason="Again")
    cases.respond(actor(council), case, version=3, text="We disagree.")
    case = fresh(case)
    assert case.whose_move == "raiser"
    cases.move(actor(group), case, version=4, to_stage="compact-development-group")
    case = fresh(case)
    assert (case.stage, case.whose_move) == ("compact-development-group",
                                             "Compact Development Group")  # fmt: skip
    cases.close(actor(officer), case, version=5, outcome="unresolved", outcome_text="No agreement",
                breach_found=True, breach_commitment=COMMITMENT, lessons="Give notice")  # fmt: skip
    case = fresh(case)
    assert case.closed and case.outcome == "unresolved" and case.breach_commitment == COMMITMENT
    assert case.next_due is None and case.whose_move == ""
    with pytest.raises(Invalid, match="nothing more can be added"):
        cases.add_note(actor(group), case, version=6, text="One more thing")
    with pytest.raises(Refused):
        cases.answer(actor(council), case, version=6, answer="yes")
    cases.answer(actor(group), case, version=6, answer="partly", text="Late, but heard")
    case = fresh(case)
    assert case.raiser_answer == "partly"
    with pytest.raises(Invalid, match="already answered"):
        cases.answer(actor(group), case, version=7, answer="yes")
    kinds = [step.kind for step in cases.timeline(actor(group), case)]
    assert kinds == ["raised", "acknowledged", "extended", "responded", "moved", "closed",
                     "answered"]  # fmt: skip
    assert "Was it resolved for you?" in mailoutbox[-2].body


@pytest.mark.parametrize(
    ("who", "step", "values", "refusal"),
    [
        ("group", cases.acknowledge, {}, "the other party acknowledges"),
        ("group", cases.move, {"to_stage": "compact-development-group"},
         "once the other party has responded"),
        ("council", cases.move, {"to_stage": "compact-development-group"},
         "Only the raiser or the Compact officer can move"),
        ("council", cases.move, {"to_stage": "mediation"}, "it can move to 'Compact Development Group'"),
        ("group", cases.close, {"outcome": "unresolved", "outcome_text": "x"},
         "Only the Compact officer can close the case as unresolved"),
        ("council", cases.extend, {"days": 11, "reason": "x"}, "up to 10 working days"),
        ("council", cases.extend, {"days": 5, "reason": " "}, "An extension needs a reason"),
        ("council", cases.extend, {"days": 0, "reason": "x"}, "Say how many working days"),
    ],
)  # fmt: skip
def test_steps_the_route_refuses_are_invalid_in_its_words(
    case, group, council, who, step, values, refusal
):
    user = {"group": group, "council": council}[who]
    with pytest.raises(Invalid, match=refusal):
        step(actor(user), case, version=1, **values)
    assert fresh(case).version == 1 and Step.objects.filter(case=case).count() == 1


def test_a_move_after_the_deadline_passes_without_a_response(compact, officer, group):
    raised = TODAY - timedelta(days=60)
    case = raise_one(compact, officer, day=raised)
    deadline = case.next_due
    with pytest.raises(Invalid, match="once its deadline"):
        cases.move(actor(officer), case, version=1, to_stage="compact-development-group",
                   day=deadline)  # fmt: skip
    cases.move(actor(group), case, version=1, to_stage="compact-development-group")
    assert fresh(case).stage == "compact-development-group"


def test_a_stale_version_is_refused_and_names_who_acted(case, group, council):
    cases.acknowledge(actor(council), case, version=1)
    with pytest.raises(Stale) as refused:
        cases.add_note(actor(group), case, version=1, text="Hello")
    assert "cncl" in str(refused.value)
    assert Step.objects.filter(case=case).count() == 2


def test_only_the_officer_backdates_and_nobody_dates_ahead(case, council, officer):
    with pytest.raises(Invalid, match="Only the Compact officer") as refused:
        cases.acknowledge(actor(council), case, version=1, day=TODAY - timedelta(days=1))
    assert refused.value.field == "day"
    with pytest.raises(Invalid, match="after today"):
        cases.acknowledge(actor(officer), case, version=1, day=TODAY + timedelta(days=1))


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"commitments": []}, "commitments"),
        ({"commitments": ["cambridgeshire-refreshed/99.9"]}, "commitments"),
        ({"what_happened": "  "}, "what_happened"),
        ({"wanted": ""}, "wanted"),
        ({"wanted": "x" * 5001}, "wanted"),
        ({"other": GROUP}, "other_party"),
        ({"raising": COUNCIL}, "raising_organisation"),
        ({"records": [("funding_agreement", "no-such")]}, "records"),
        ({"on_behalf_of": "A group", "raising": "cambridgeshire-acre"}, None),
    ],
)  # fmt: skip
def test_raising_refuses_each_wrong_value_naming_its_field(compact, group, values, field):
    if field is None:  # ACRE is an infrastructure body: it may raise for a group
        member_of(compact, "cambridgeshire-acre", "acre")
        raise_one(compact, fresh_user("acre"), **values)
        return
    with pytest.raises(Invalid) as refused:
        raise_one(compact, group, **values)
    assert refused.value.field == field


def fresh_user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def test_only_an_infrastructure_body_raises_on_behalf_of_a_group(compact, council):
    with pytest.raises(Invalid) as refused:
        raise_one(compact, council, raising=COUNCIL, other=GROUP, on_behalf_of="Friends")
    assert refused.value.field == "on_behalf_of"


def test_someone_in_no_partner_cannot_raise(compact):
    from case_helpers import person

    with pytest.raises(Refused, match="public form"):
        raise_one(compact, person("nobody"), raising=None)


def test_a_document_over_the_limit_is_refused(compact, group, settings):
    settings.CASE_DOCUMENT_MAX_BYTES = 10
    big = SimpleUploadedFile("letter.pdf", b"x" * 11)
    with pytest.raises(Invalid, match=r"letter\.pdf is 11 bytes; a document is at most 10 bytes"):
        raise_one(compact, group, documents=[big])


def test_a_document_is_kept_with_its_step(compact, group, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = raise_one(compact, group, documents=[SimpleUploadedFile("letter.txt", b"Dear...")])
    (document,) = case.steps.get().documents.all()
    assert (document.name, document.size, document.file.read()) == ("letter.txt", 7, b"Dear...")


def test_the_public_form_waits_for_the_officer_then_is_raised(compact, officer, council,
                                                              mailoutbox):  # fmt: skip
    officer.email = "officer@example.org"
    officer.save()
    case = cases.submit_public_case(
        Actor(None, "form"), compact, contact_name="Ann", contact_email="ann@example.org",
        other_party=organisation(compact, COUNCIL), commitments=[COMMITMENT],
        what_happened="Not consulted", wanted="To be consulted",
    )  # fmt: skip
    assert case.is_waiting and case.stage == "" and case.next_due is None
    assert mailoutbox[-1].to == ["officer@example.org"]
    with pytest.raises(Invalid, match="not accepted"):
        cases.acknowledge(actor(officer), case, version=1)
    cases.accept_public_case(actor(officer), case, version=1)
    case = fresh(case)
    assert (case.public_status, case.stage, case.whose_move) == ("accepted", "at-source",
                                                                 "other party")  # fmt: skip
    assert mailoutbox[-1].to == ["cncl@example.org"]
    with pytest.raises(Invalid, match="not waiting"):
        cases.accept_public_case(actor(officer), case, version=2)


def test_the_public_form_names_a_wrong_email_and_a_decline_tells_the_sender(compact, officer,
                                                                            mailoutbox):  # fmt: skip
    values = dict(contact_name="Ann", other_party=organisation(compact, COUNCIL),
                  commitments=[COMMITMENT], what_happened="x", wanted="y")  # fmt: skip
    with pytest.raises(Invalid) as refused:
        cases.submit_public_case(Actor(None, "form"), compact, contact_email="ann@", **values)
    assert refused.value.field == "contact_email"
    case = cases.submit_public_case(Actor(None, "form"), compact, contact_email="a@example.org",
                                    **values)  # fmt: skip
    with pytest.raises(Invalid, match="Enter the reason"):
        cases.decline_public_case(actor(officer), case, version=1, reason="")
    cases.decline_public_case(actor(officer), case, version=1, reason="Not a Compact matter")
    assert fresh(case).public_status == "declined"
    assert mailoutbox[-1].to == ["a@example.org"] and "Not a Compact matter" in mailoutbox[-1].body


def test_both_parties_agree_to_publish(case, group, council, officer):
    with pytest.raises(Refused):
        cases.agree_to_publish(actor(officer), case, version=1)
    cases.agree_to_publish(actor(group), case, version=1)
    case = fresh(case)
    assert not case.is_published
    with pytest.raises(Invalid, match="already agreed"):
        cases.agree_to_publish(actor(group), case, version=2)
    cases.agree_to_publish(actor(council), case, version=2)
    assert fresh(case).is_published


def test_closing_with_a_breach_names_the_commitment(case, officer):
    with pytest.raises(Invalid) as refused:
        cases.close(actor(officer), case, version=1, outcome="withdrawn", outcome_text="x",
                    breach_found=True)  # fmt: skip
    assert refused.value.field == "breach_commitment"
    with pytest.raises(Invalid) as refused:
        cases.close(actor(officer), case, version=1, outcome="ended", outcome_text="x")
    assert refused.value.field == "outcome"


def test_prefill_from_a_not_met_finding(compact, group, council, officer):
    from case_helpers import organisation as org
    from service_fixtures import save_record

    from compactwatch.findings.models import Finding
    from compactwatch.records.models import FundingAgreement, FundingChange

    agreement = save_record(FundingAgreement(compact=compact, ref="g-1", funder=org(compact, COUNCIL),
                                             recipient=org(compact, GROUP), kind="grant",
                                             award_date=date(2025, 4, 1)), officer)  # fmt: skip
    save_record(FundingChange(compact=compact, ref="n-1", agreement=agreement, change="end",
                              notice_given=date(2025, 6, 1), effective=date(2025, 6, 20),
                              in_writing=True), officer)  # fmt: skip
    finding = Finding.objects.filter(record_ref="n-1", status="not_met").first()
    assert finding is not None
    filled = cases.prefill_from_finding(actor(group), compact, finding.pk)
    assert filled.other_party.ref == COUNCIL and filled.raising_organisation.ref == GROUP
    assert filled.records == [("funding_change", "n-1")] and filled.what_happened == finding.message
    third = member_of(compact, THIRD, "third")
    with pytest.raises(cases.NotFound):
        cases.prefill_from_finding(actor(third), compact, finding.pk)


def test_steps_cannot_be_changed_or_deleted_even_inside_the_way_in(case):
    step = case.steps.get()
    with way_in():
        step.text = "rewritten"
        with pytest.raises(PermissionError):
            step.save()
        with pytest.raises(PermissionError):
            step.delete()
        with pytest.raises(PermissionError):
            Step.objects.filter(pk=step.pk).update(text="rewritten")
        with pytest.raises(PermissionError):
            Step.objects.filter(pk=step.pk).delete()
    assert Step.objects.get(pk=step.pk).text != "rewritten"


def test_steps_and_cases_are_written_only_through_the_way_in(case):
    with pytest.raises(WriteOutsideWayIn):
        Step.objects.create(case=case, number=2, kind="note", day=TODAY, text="sneaked in")
    case.stage = "mediation"
    with pytest.raises(WriteOutsideWayIn):
        case.save()


def test_the_officer_changes_the_route_and_a_case_keeps_its_own(compact, officer, group, case):
    from compactwatch.changes import case_route

    stored = case_route.route_of(compact)
    document = {**stored.document, "version": 2, "title": "A faster route"}
    document["stages"] = [dict(stage) for stage in document["stages"]]
    document["stages"][0]["clocks"] = {
        **document["stages"][0]["clocks"],
        "acknowledge": {"within": 2, "unit": "working days", "source": "Ours"},
    }
    with pytest.raises(Refused):
        case_route.change_route(actor(group), compact, document, version=1)
    with pytest.raises(Invalid, match="first_stage"):
        case_route.change_route(actor(officer), compact, {**document, "first_stage": "nowhere"},
                                version=1)  # fmt: skip
    case_route.change_route(actor(officer), compact, document, version=1)
    with pytest.raises(Stale):
        case_route.change_route(actor(officer), compact, document, version=1)
    assert fresh(case).core_route().stage("at-source").acknowledge.period.amount == 5
    newer = raise_one(compact, group)
    assert newer.core_route().stage("at-source").acknowledge.period.amount == 2
