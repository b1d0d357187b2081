"""Who sees a disagreement: its parties, whoever raised it, the officer and the Compact
Development Group. A third organisation sees nothing (NotFound, never a hint); the
officer's confidential notes are the officer's alone."""

from __future__ import annotations

import pytest
from case_helpers import COUNCIL, GROUP, THIRD, actor, fresh, member_of, person, raise_one
from django.contrib.auth.models import AnonymousUser

from compactwatch import permissions
from compactwatch.changes import cases
from compactwatch.changes.base import Actor, NotFound, Refused
from compactwatch.disputes.models import ConfidentialNote

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(compact, officer):
    group, council = member_of(compact, GROUP, "grp"), member_of(compact, COUNCIL, "cncl")
    third = member_of(compact, THIRD, "third")
    panel = person("panel")
    cases.set_development_group_member(actor(officer), compact, panel, True)
    return {"group": group, "council": council, "third": third, "panel": panel,
            "officer": officer}  # fmt: skip


@pytest.fixture
def case(compact, people):
    return raise_one(compact, people["group"])


@pytest.mark.parametrize(
    ("who", "roles"),
    [("group", ["raiser"]), ("council", ["other party"]), ("panel", ["Compact Development Group"]),
     ("officer", ["officer"]), ("third", [])],
)  # fmt: skip
def test_each_persons_roles_and_list(compact, people, case, who, roles):
    user = people[who]
    assert cases.roles_in(actor(user), case) == roles
    assert list(cases.visible_cases(actor(user), compact)) == ([case] if roles else [])


def test_a_third_organisation_gets_not_found_for_reading_and_every_step(compact, people, case):
    third = actor(people["third"])
    with pytest.raises(NotFound, match="No such case"):
        cases.get_case(third, compact, case.ref)
    with pytest.raises(NotFound, match="No such case"):
        cases.get_case(third, compact, "D-1999-999")  # the same words for one that never was
    for step, values in [(cases.acknowledge, {}), (cases.respond, {"text": "x"}),
                         (cases.add_note, {"text": "x"}), (cases.agree_to_publish, {}),
                         (cases.move, {"to_stage": "compact-development-group"})]:  # fmt: skip
        with pytest.raises(NotFound):
            step(third, case, version=1, **values)
    with pytest.raises(NotFound):
        cases.timeline(third, case)
    with pytest.raises(NotFound):
        cases.add_confidential_note(third, case, "x")
    assert cases.choices_for(third, case) == []
    assert fresh(case).version == 1


def test_nobody_signed_out_sees_a_case(compact, case):
    anonymous = Actor(AnonymousUser(), "form")
    assert not cases.visible_cases(anonymous, compact).exists()
    with pytest.raises(NotFound):
        cases.get_case(anonymous, compact, case.ref)


def test_confidential_notes_are_the_officers_alone(compact, people, case):
    with pytest.raises(Refused, match="Only the Compact officer"):
        cases.add_confidential_note(actor(people["panel"]), case, "A thought")
    cases.add_confidential_note(actor(people["officer"]), case, "They settled by phone")
    assert ConfidentialNote.objects.filter(case=case).count() == 1
    for who in ("group", "council", "panel", "third"):
        assert cases.confidential_notes(actor(people[who]), case) == []
        assert not permissions.can_read_confidential_notes(people[who], case)
    (note,) = cases.confidential_notes(actor(people["officer"]), case)
    assert note.text == "They settled by phone"


def test_the_development_group_sees_every_case_and_leaves_it(compact, people, case, officer):
    assert cases.get_case(actor(people["panel"]), compact, case.ref) == case
    cases.set_development_group_member(actor(officer), compact, people["panel"], False)
    with pytest.raises(NotFound):
        cases.get_case(actor(people["panel"]), compact, case.ref)
    with pytest.raises(Refused):
        cases.set_development_group_member(actor(people["group"]), compact, people["third"], True)


def test_a_public_form_case_is_the_officers_alone_until_accepted(compact, people):
    from case_helpers import COMMITMENT, organisation

    case = cases.submit_public_case(
        Actor(None, "form"), compact, contact_name="Ann", contact_email="ann@example.org",
        other_party=organisation(compact, COUNCIL), commitments=[COMMITMENT],
        what_happened="x", wanted="y",
    )  # fmt: skip
    for who in ("council", "panel", "group"):
        assert not cases.visible_cases(actor(people[who]), compact).filter(pk=case.pk).exists()
    assert cases.get_case(actor(people["officer"]), compact, case.ref) == case
    cases.accept_public_case(actor(people["officer"]), case, version=1)
    assert cases.get_case(actor(people["council"]), compact, case.ref).pk == case.pk
    assert cases.get_case(actor(people["panel"]), compact, case.ref).pk == case.pk


def test_choices_are_narrowed_to_the_persons_roles(people, case):
    council = {c.kind for c in cases.choices_for(actor(people["council"]), case)}
    group = {c.kind for c in cases.choices_for(actor(people["group"]), case)}
    assert "acknowledged" in council and "acknowledged" not in group
    assert {"closed", "note"} <= group
