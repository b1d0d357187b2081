"""The people who use the service: the first site administrator, and people invited to
run a Compact or to act for a partner; the Compact officer's changes to who acts for which
partner, who are its officers, and whose account is active. Each change is audited; an
account is never deleted (its records and audit entries keep naming it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from compactwatch.audit.models import AuditEntry
from compactwatch.changes.base import (
    Actor,
    Invalid,
    NotFound,
    Refused,
    Stale,
    Taken,
    changes_since,
    changing,
)
from compactwatch.changes.register import add_membership, delete_entry
from compactwatch.compacts.models import Compact
from compactwatch.organisations.models import Membership, Organisation

OFFICERS_ONLY = "Only the Compact officer can change who uses the Compact"


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
            make_officer(actor, compact, user)
        else:
            add_membership(actor, organisation, user)
    return user, created


def people(compact: Compact) -> QuerySet:
    """Everyone who runs `compact` or acts for one of its organisations, active or not."""
    return (
        get_user_model()
        .objects.filter(Q(compacts_run=compact) | Q(memberships__organisation__compact=compact))
        .distinct()
        .order_by("username")
    )


def person(compact: Compact, pk: int) -> Any:
    """One of the Compact's people; NotFound for anyone else, so that an officer of one
    Compact learns nothing of another's people."""
    user = people(compact).filter(pk=pk).first()
    if user is None:
        raise NotFound("There is no such person in this Compact")
    return user


def _require_officer(actor: Actor, compact: Compact) -> None:
    if not actor.is_officer(compact):
        raise Refused(OFFICERS_ONLY)


def _officers_changed(actor: Actor, compact: Compact, before: list[str], summary: str) -> None:
    after = sorted(user.get_username() for user in compact.officers.all())
    actor.audit("changed", "officers", compact.slug, compact=compact,
                before={"officers": before}, after={"officers": after}, summary=summary)  # fmt: skip


def make_officer(actor: Actor, compact: Compact, user: Any) -> None:
    """`user` runs the Compact from now on, with its officers."""
    with changing():
        _require_officer(actor, compact)
        if compact.officers.filter(pk=user.pk).exists():
            return
        before = sorted(officer.get_username() for officer in compact.officers.all())
        compact.officers.add(user)
        _officers_changed(actor, compact, before, f"{user.get_username()} made an officer")


def stop_officer(actor: Actor, compact: Compact, user: Any) -> None:
    """`user` no longer runs the Compact. The last officer stays: a Compact with none could
    not be run without a site administrator."""
    with changing():
        _require_officer(actor, compact)
        officers = list(compact.officers.all())
        if user not in officers:
            return
        if len(officers) == 1:
            raise Invalid(
                f"{user.get_username()} is the only officer of {compact.name}: make someone "
                "else an officer first"
            )
        compact.officers.remove(user)
        _officers_changed(
            actor, compact, sorted(officer.get_username() for officer in officers),
            f"{user.get_username()} is no longer an officer",
        )  # fmt: skip


def leave_partner(actor: Actor, organisation: Organisation, user: Any) -> None:
    """`user` no longer acts for `organisation`; what they recorded for it stays its own."""
    with changing():
        _require_officer(actor, organisation.compact)
        membership = Membership.objects.filter(organisation=organisation, user=user).first()
        if membership is not None:
            delete_entry(actor, membership)


def account_version(user: Any) -> int:
    """How many times the account's active state has been changed, plus one: a form shows
    it, and a change made since the form was opened is Stale."""
    latest = (
        AuditEntry.objects.filter(record_type="user", record_ref=user.get_username())
        .exclude(version=None)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return latest or 1


def set_active(actor: Actor, compact: Compact, user: Any, active: bool, *, version: int) -> None:
    """Deactivate an account (it can no longer sign in, nor use its API tokens) or
    reactivate it. `version` is the account's version the officer read."""
    with changing():
        _require_officer(actor, compact)
        person(compact, user.pk)
        if user.is_superuser and not actor.is_site_admin():
            raise Refused("Only a site administrator can deactivate a site administrator")
        if not active and actor.user is not None and actor.user.pk == user.pk:
            raise Invalid("You cannot deactivate your own account")
        current = account_version(user)
        if version != current:
            raise Stale(user, changes_since(compact, "user", user.get_username(), version))
        if user.is_active == active:
            return
        get_user_model().objects.filter(pk=user.pk).update(is_active=active)
        user.is_active = active
        actor.audit("changed", "user", user.get_username(), compact=compact,
                    before={"active": not active}, after={"active": active},
                    summary="reactivated" if active else "deactivated",
                    version=current + 1)  # fmt: skip


def password_link(user: Any, site_url: str) -> str:
    """A one-time link to set `user`'s password (Django's password reset token: it stops
    working once the password is set, or when it expires)."""
    token = default_token_generator.make_token(user)
    path = reverse(
        "web:password_reset_confirm", args=[urlsafe_base64_encode(force_bytes(user.pk)), token]
    )
    return site_url.rstrip("/") + path


def send_invitation(
    user: Any, compact: Compact, role: str, site_url: str, link: str | None = None
) -> str:
    """Email `user` a link to set their password (`link`, or a new one), through Django's
    mail (SMTP by the EMAIL_HOST settings, else the console). Returns the link."""
    link = link or password_link(user, site_url)
    days = settings.PASSWORD_RESET_TIMEOUT // 86400
    sign_in = site_url.rstrip("/") + reverse("web:login")
    body = (
        f"Hello,\n\nYou are invited to use compactwatch as {role}.\n\n"
        f"Your username is: {user.get_username()}\n\n"
        f"Choose your password at this address (it works once, for {days} days):\n\n"
        f"{link}\n\nThen sign in at {sign_in}\n"
    )
    send_mail(f"Your invitation to {compact.name}", body, None, [user.email])
    return link
