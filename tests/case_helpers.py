"""Shorthands for the tests of disagreements: people with email addresses, and a case
raised through the use cases (never written directly)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model

from compactwatch.changes import cases
from compactwatch.changes.base import Actor
from compactwatch.changes.register import add_membership
from compactwatch.organisations.models import Organisation

PASSWORD = "a-long-test-password-1"
COUNCIL = "cambridgeshire-county-council"
GROUP = "hunts-forum"
THIRD = "fenland-cvs"
COMMITMENT = "cambridgeshire-refreshed/4.5"


def organisation(compact, ref: str) -> Organisation:
    return Organisation.objects.get(compact=compact, ref=ref)


def person(username: str, **fields):
    fields.setdefault("email", f"{username}@example.org")
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)


def member_of(compact, ref: str, username: str):
    user = person(username)
    add_membership(Actor.system("test"), organisation(compact, ref), user)
    return user


def actor(user) -> Actor:
    return Actor(user, "test")


def raise_one(compact, user, *, day: date | None = None, other: str = COUNCIL, raising=GROUP,
              **values):  # fmt: skip
    """A case raised by `user` for `raising` about `other` (the officer may give a day)."""
    values.setdefault("commitments", [COMMITMENT])
    values.setdefault("what_happened", "Our grant was ended with four weeks' notice.")
    values.setdefault("wanted", "Three months' notice, as the Compact says.")
    return cases.raise_case(
        actor(user), compact, other_party=organisation(compact, other),
        raising_organisation=organisation(compact, raising) if raising else None,
        day=day, **values,
    )  # fmt: skip


def fresh(case):
    return type(case).objects.get(pk=case.pk)
