"""`compactwatch compacts create|list`: the Compacts this deployment runs."""

from __future__ import annotations

import argparse

from compactwatch.cli.common import CommandError
from compactwatch.cli.database import open_database
from compactwatch.compact.dates import format_date


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser("compacts", help="create and list Compacts")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create",
        help="set up a Compact (empty, or the shipped one with --shipped)",
        description="Set up a Compact: with --name, an empty one (then load its first edition "
        "with `compactwatch editions load`); with --shipped, one that ships with compactwatch "
        "(the Cambridgeshire Compact's two editions and its register of supporters). Running "
        "it again changes nothing.",
    )
    create.add_argument("slug", metavar="SLUG", help="its id in web addresses, e.g. leeds")
    create.add_argument("--name", help="e.g. The Leeds Compact")
    create.add_argument("--area", help="the area it covers (default: from SLUG, e.g. Leeds)")
    create.add_argument(
        "--shipped", action="store_true", help="the shipped Compact of this id, with its register"
    )
    create.set_defaults(handler=create_command)
    listing = actions.add_parser("list", help="each Compact, its editions, partners and officers")
    listing.set_defaults(handler=list_command)


def create_command(arguments: argparse.Namespace) -> int:
    if arguments.shipped:
        if arguments.name or arguments.area:
            raise CommandError("--shipped takes its name and area from the shipped editions")
        return _create_shipped(arguments.slug)
    if not arguments.name:
        raise CommandError("give the Compact's name with --name (or use --shipped)")
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_slug

    try:
        validate_slug(arguments.slug)
    except ValidationError:
        raise CommandError(
            f"'{arguments.slug}' cannot be a Compact's id: use letters, numbers, hyphens and "
            "underscores only"
        ) from None
    open_database()
    from compactwatch.changes.base import Actor
    from compactwatch.changes.register import save_compact
    from compactwatch.compacts.models import Compact

    area = arguments.area or arguments.slug.replace("-", " ").title()
    stored = Compact.objects.filter(slug=arguments.slug).first()
    if stored is not None:
        if (stored.name, stored.area) == (arguments.name, area):
            print(f"{stored.name} ({stored.slug}) already exists; nothing changed.")
            return 0
        raise CommandError(
            f"There is already a Compact '{stored.slug}': {stored.name}, for {stored.area}. "
            "Choose another id, or give its name and area as they are.",
            status=1,
        )
    compact = save_compact(
        Actor.system(), Compact(slug=arguments.slug, name=arguments.name, area=area)
    )
    print(f"Created {compact.name} ({compact.slug}), for {compact.area}, with no editions yet.")
    print("Next, load its first edition. To start from a shipped one, write it out, change its")
    print("id, compact, title, text and numbers, then load it:")
    print(f"  compactwatch editions export cambridgeshire-refreshed -o {compact.slug}.yaml")
    print(f"  compactwatch editions load {compact.slug}.yaml --compact {compact.slug}")
    return 0


def _create_shipped(slug: str) -> int:
    from compactwatch.compact.loader import shipped_editions

    shipped = sorted({edition.compact for edition in shipped_editions().values()})
    if slug not in shipped:
        raise CommandError(
            f"No Compact '{slug}' ships with compactwatch (shipped: {', '.join(shipped)}). "
            "Create it with --name instead.",
            status=1,
        )
    open_database()
    from compactwatch.changes.base import Actor
    from compactwatch.changes.editions import install_shipped_compact
    from compactwatch.compacts.models import Compact

    def counts() -> tuple[int, int] | None:
        compact = Compact.objects.filter(slug=slug).first()
        if compact is None:
            return None
        return compact.editions.count(), compact.organisations.count()

    before = counts()
    compact = install_shipped_compact(slug, Actor.system())
    after = counts()
    if before == after:
        print(f"{compact.name} ({slug}) is already set up from the shipped editions; "
              "nothing changed.")  # fmt: skip
        return 0
    editions, organisations = after or (0, 0)
    print(f"Set up {compact.name} ({slug}): {editions} editions and {organisations} "
          "organisations in its register.")  # fmt: skip
    print("Next, invite its officer:")
    print(f"  compactwatch users invite EMAIL --compact {slug} --officer")
    return 0


def list_command(arguments: argparse.Namespace) -> int:
    open_database()
    from compactwatch.compacts.models import Compact

    compacts = list(Compact.objects.prefetch_related("editions", "officers"))
    if not compacts:
        print("No Compact is set up yet: `compactwatch compacts create --help` says how.")
        return 0
    for compact in compacts:
        partners = compact.organisations.filter(partner=True).count()
        officers = ", ".join(user.get_username() for user in compact.officers.all())
        print(f"{compact.slug}: {compact.name} ({compact.area})")
        print(f"  partners: {partners}; officers: {officers or 'none yet'}")
        editions = list(compact.editions.all())
        if not editions:
            print("  no editions yet")
        for edition in editions:
            print(f"  {edition.slug}: {edition.title}, in force from "
                  f"{format_date(edition.in_force_from)}")  # fmt: skip
    return 0
