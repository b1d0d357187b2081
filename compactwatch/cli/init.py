"""`compactwatch init`: set up the database and the first site administrator."""

from __future__ import annotations

import argparse
import getpass
import sys

from compactwatch.cli.common import CommandError
from compactwatch.cli.database import django_setup, where

NEXT_STEPS = """
Next:
  compactwatch compacts create cambridgeshire --shipped     # the shipped Compact, or:
  compactwatch compacts create SLUG --name "The ... Compact" # a Compact of your own,
  compactwatch editions load EDITION.yaml --compact SLUG     #   then its first edition
  compactwatch users invite EMAIL --compact SLUG --officer   # its Compact officer
  compactwatch serve                                         # the web service
"""


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "init",
        help="set up the database and the first site administrator",
        description="Set up the database (or bring it up to date) and make the first site "
        "administrator. At a terminal it asks for what is not given (the password unseen); "
        "with no terminal it prints a one-time link to set the password. Running it again "
        "changes nothing.",
    )
    parser.add_argument("--admin-email", metavar="EMAIL")
    parser.add_argument("--admin-username", metavar="NAME", help="(default: the email address)")
    add_site_url(parser)
    parser.set_defaults(handler=run)


def add_site_url(parser: argparse.ArgumentParser) -> None:
    """The service's address, which links in what a command prints or emails start with."""
    parser.add_argument(
        "--site-url",
        metavar="URL",
        help="the service's address, for links (default: COMPACTWATCH_SITE_URL)",
    )


def run(arguments: argparse.Namespace) -> int:
    django_setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    call_command("migrate", verbosity=0, interactive=False)
    if not pending:
        print(f"The database at {where()} is up to date.")
    elif executor.loader.applied_migrations:
        print(f"The database at {where()} is brought up to date ({len(pending)} changes made).")
    else:
        print(f"The database at {where()} is set up.")

    from compactwatch.changes.people import first_site_admin

    admin = first_site_admin()
    if admin is not None:
        print(f"A site administrator exists already ({admin.get_username()}); nothing changed.")
    else:
        _make_admin(arguments)
    print(NEXT_STEPS, end="")
    return 0


def _make_admin(arguments: argparse.Namespace) -> None:
    from django.conf import settings

    from compactwatch.changes.base import Actor, ChangeRefused
    from compactwatch.changes.people import create_site_admin, password_link

    at_terminal = sys.stdin.isatty()
    email = arguments.admin_email or (_ask("Email address of the site administrator: ")
                                      if at_terminal else None)  # fmt: skip
    if not email:
        raise CommandError(
            "give the first site administrator's email with --admin-email "
            "(there is no terminal to ask at)"
        )
    check_email(email)
    username = arguments.admin_username or email
    password = _ask_password(username, email) if at_terminal else None
    try:
        user = create_site_admin(Actor.system(), username, email, password)
    except ChangeRefused as error:
        raise CommandError(error.message, status=1) from None
    print(f"Made the site administrator {username} ({email}).")
    if password is None:
        link = password_link(user, arguments.site_url or settings.SITE_URL)
        days = settings.PASSWORD_RESET_TIMEOUT // 86400
        print(f"Set its password within {days} days, once, at:\n  {link}")


def check_email(email: str) -> None:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:
        validate_email(email)
    except ValidationError:
        raise CommandError(f"'{email}' is not an email address") from None


def _ask(prompt: str) -> str:
    try:
        return input(prompt).strip()
    except EOFError:
        return ""


def _ask_password(username: str, email: str) -> str:
    """A password typed twice, unseen, that the password rules accept."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    someone = get_user_model()(username=username, email=email)
    for _ in range(3):
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("The same password again: "):
            print("The two passwords differ; try again.", file=sys.stderr)
            continue
        try:
            validate_password(password, someone)
        except ValidationError as error:
            print(" ".join(error.messages), file=sys.stderr)
            continue
        return password
    raise CommandError("no password was set; run `compactwatch init` again", status=1)
