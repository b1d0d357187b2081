"""`compactwatch users invite`: an account for a Compact officer or a partner's member, with
an email inviting them to set its password."""

from __future__ import annotations

import argparse
import smtplib

from compactwatch.cli.common import CommandError
from compactwatch.cli.database import known_compact, open_database
from compactwatch.cli.init import add_site_url, check_email


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser("users", help="invite the people who use the service")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    invite = actions.add_parser(
        "invite",
        help="invite someone by email to run a Compact or to act for a partner",
        description="Make an account for EMAIL (or use theirs), make them an officer of the "
        "Compact or a member of one of its organisations, and email them a link to set "
        "their password (SMTP by the EMAIL_HOST settings; without them the email is printed).",
    )
    invite.add_argument("email", metavar="EMAIL")
    invite.add_argument("--compact", required=True, metavar="SLUG", help="the Compact's id")
    role = invite.add_mutually_exclusive_group(required=True)
    role.add_argument("--officer", action="store_true", help="as a Compact officer")
    role.add_argument(
        "--organisation", metavar="REF", help="as a member of this organisation (its ref)"
    )
    add_site_url(invite)
    invite.set_defaults(handler=invite_command)
    reset = actions.add_parser(
        "reset-two-factor",
        help="turn off two-factor sign-in for someone who lost their device",
        description="Turn off two-factor sign-in for the account with this email address (or "
        "username): they sign in with their password alone, and can set it up again from "
        "their account page. Recorded in the audit trail.",
    )
    reset.add_argument("email", metavar="EMAIL")
    reset.set_defaults(handler=reset_two_factor_command)


def reset_two_factor_command(arguments: argparse.Namespace) -> int:
    open_database()
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from compactwatch.changes import two_factor
    from compactwatch.changes.base import Actor

    users = get_user_model().objects.filter(
        Q(email__iexact=arguments.email) | Q(username__iexact=arguments.email)
    )
    if users.count() != 1:
        found = "No account has" if not users.exists() else "More than one account has"
        raise CommandError(f"{found} the email address or username {arguments.email}", status=1)
    user = users.get()
    if two_factor.reset(Actor.system(), user):
        print(f"Two-factor sign-in is off for {user.get_username()}: they sign in with their "
              "password, and can set it up again from their account page.")  # fmt: skip
    else:
        print(f"Two-factor sign-in was not on for {user.get_username()}: nothing changed.")
    return 0


def invite_command(arguments: argparse.Namespace) -> int:
    check_email(arguments.email)
    open_database()
    from django.conf import settings

    from compactwatch.changes.base import Actor, ChangeRefused
    from compactwatch.changes.people import invite, password_link, send_invitation

    compact = known_compact(arguments.compact)
    organisation = None
    if arguments.organisation:
        organisation = compact.organisations.filter(ref=arguments.organisation).first()
        if organisation is None:
            raise CommandError(
                f"{compact.name} has no organisation '{arguments.organisation}' in its register "
                "(the register page lists each one's ref)",
                status=1,
            )
    role = f"a member of {organisation.name}" if organisation else f"an officer of {compact.name}"
    try:
        user, created = invite(Actor.system(), arguments.email, compact, organisation)
    except ChangeRefused as error:
        raise CommandError(error.message, status=1) from None
    if user.has_usable_password():
        print(f"{user.get_username()} has an account already, and is now {role}.")
        return 0
    site_url = arguments.site_url or settings.SITE_URL
    link = password_link(user, site_url)
    try:
        send_invitation(user, compact, role, site_url, link)
    except (OSError, smtplib.SMTPException) as error:
        raise CommandError(
            f"{user.get_username()} is {role}, but the email could not be sent ({error}). "
            f"Send them this link to set their password instead: {link}",
            status=1,
        ) from None
    made = "Made an account for" if created else "Invited again:"
    print(f"{made} {user.get_username()}, as {role}.")
    print(f"An email to {user.email} has a link to set the password (it works once).")
    return 0
