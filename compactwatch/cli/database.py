"""The database behind the commands that need one: set up Django, and say in one line
(never a traceback) when the database is not set up yet or cannot be reached."""

from __future__ import annotations

import os
import sys
from typing import Any

from compactwatch.cli.common import CommandError

NOT_SET_UP = "The database at {where} is not set up yet: run `compactwatch init`."


def django_setup(environment: str | None = None) -> None:
    if environment:
        os.environ.setdefault("COMPACTWATCH_ENV", environment)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compactwatch.settings")
    import django

    try:
        django.setup()
    except RuntimeError as error:  # the settings refuse (e.g. no SECRET_KEY in production)
        raise CommandError(str(error), status=1) from None


def where() -> str:
    """The default database, for people: the SQLite file, or the server and database name
    (never the password)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        return str(database["NAME"])
    user = f"{database.get('USER')}@" if database.get("USER") else ""
    port = f":{database.get('PORT')}" if database.get("PORT") else ""
    return f"{user}{database.get('HOST') or 'localhost'}{port}/{database['NAME']}"


def open_database() -> None:
    """Set up Django for a command that reads or changes stored data; refused in one line
    when the database has migrations still to apply (or none at all)."""
    django_setup()
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        raise CommandError(database_problem(error) or str(error), status=1) from None
    if not pending:
        return
    if not executor.loader.applied_migrations:
        raise CommandError(NOT_SET_UP.format(where=where()), status=1)
    raise CommandError(
        f"The database at {where()} is from an older compactwatch ({len(pending)} changes to "
        "it not yet made): run `compactwatch init` to bring it up to date.",
        status=1,
    )


def database_problem(error: BaseException) -> str | None:
    """A database error in one line for the operator, or None if `error` is not one."""
    if "django.db" not in sys.modules:
        return None
    from django.db import DatabaseError

    if not isinstance(error, DatabaseError):
        return None
    text = str(error).strip()
    # SQLite says "no such table"; PostgreSQL "relation ... does not exist".
    if "no such table" in text or ("relation" in text and "does not exist" in text):
        return NOT_SET_UP.format(where=where())
    first_line = text.splitlines()[0] if text else type(error).__name__
    return f"The database at {where()} could not be used: {first_line}"


def known_compact(slug: str) -> Any:
    """The Compact called `slug`, or a one-line refusal naming those there are (exit 1)."""
    from compactwatch.compacts.models import Compact

    compact = Compact.objects.filter(slug=slug).first()
    if compact is None:
        known = ", ".join(Compact.objects.values_list("slug", flat=True)) or "none yet"
        raise CommandError(
            f"There is no Compact '{slug}' (there are: {known}). "
            "Create one with `compactwatch compacts create`.",
            status=1,
        )
    return compact
