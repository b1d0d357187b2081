"""The people who use the service: the first site administrator, and people invited to
run a Compact or to act for a partner. Each account made is audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from compactwatch.changes.base import Actor, Refused, Taken, changing
from compactwatch.changes.register import add_membership, add_officer
from compactwatch.compacts.models import Compact
from compactwatch.organisations.models import Organisation


def first_site_admin() -> Any:
    """The longest-standing site administrator, or None before there is one."""
    return get_user_model().objects.filter(is_superuser=True).order_by("pk").first()


def create_site_admin(actor: Actor, username: str, email: str, password: str | None) -> Any:
    """Make a site administrator. Without a password the account has none that works until
    its holder sets one through a password reset link."""
    with changing():
        if not actor.is_site_admin():
            raise Refused("Only a site administrator can make another")
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise Taken(f"There is already an account called {username}", "username")
        # Without a password Django gives the account an unusable one.
        user = User.objects.create_superuser(username=username, email=email, password=password)
        actor.audit("created", "user", username, summary="site administrator")
    return user


def invite(
    actor: Actor, email: str, compact: Compact, organisation: Organisation | None = None
) -> tuple[Any, bool]:
    """The account for `email` (made, with no password yet, if there is none) as an officer
    of `compact`, or a member of `organisation` when one is given. Returns the user and
    whether the account is new."""
    with changing():
        User = get_user_model()
        user = (
            User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
            .order_by("pk")
            .first()
        )
        created = user is None
        if created:
            if not actor.is_officer(compact):
                raise Refused("Only the Compact officer can invite people")
            user = User.objects.create_user(username=email, email=email)  # no usable password
            actor.audit("created", "user", email, compact=compact, summary="invited")
        if organisation is None:
            add_officer(actor, compact, user)
        else:
            add_membership(actor, organisation, user)
    return user, created
