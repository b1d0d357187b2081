"""Changing a Compact's editions: loading a new one, the dates they come into force, and
installing the editions (and initial register) that ship with compactwatch.

Records are judged by the edition in force on their date, so a change of date checks
every record of the Compact again.
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from typing import Any

import yaml

from compactwatch.changes.base import (
    Actor,
    Invalid,
    Refused,
    Stale,
    Taken,
    changes_since,
    changing,
)
from compactwatch.compact.compact import CompactEditions
from compactwatch.compact.edition import EditionFileError
from compactwatch.compact.loader import parse_edition, shipped_editions
from compactwatch.compact.records import EARLIEST_DATE, LATEST_DATE
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact, Edition
from compactwatch.findings.models import Recheck
from compactwatch.findings.rechecks import queue_recheck
from compactwatch.findings.services import refresh
from compactwatch.organisations.models import Organisation, Signature

REGISTER_FILES = {"cambridgeshire": "cambridgeshire-supporters.yaml"}


def set_in_force_dates(
    actor: Actor,
    compact: Compact,
    dates: dict[str, date],
    versions: dict[str, int] | None = None,
) -> Recheck | None:
    """Set the in-force dates of a Compact's editions (by edition id); `versions` are those
    the officer read. Every record is then checked again, in the background: returns that
    recheck, or None if no date changed. A date outside the records format's years, or one
    that would put an edition in force before an earlier one, is refused (Invalid)."""
    with changing():
        if not actor.is_officer(compact):
            raise Refused("Only the Compact officer can change when editions come into force")
        rows = {row.slug: row for row in compact.editions.select_for_update()}
        _check_dates(editions_of(compact), rows, dates)
        changed = []
        for slug, new in dates.items():
            row = rows[slug]
            expected = (versions or {}).get(slug)
            if expected is not None and row.version != expected:
                raise Stale(row, changes_since(compact, "edition", slug, expected))
            if new == row.in_force_from:
                continue
            before = {"in_force_from": row.in_force_from}
            row.in_force_from, row.version = new, row.version + 1
            row.save(update_fields=["in_force_from", "version", "updated"])
            actor.audit("changed", "edition", slug, compact=compact, before=before,
                        after={"in_force_from": new}, version=row.version)  # fmt: skip
            changed.append(row)
        if not changed:
            return None
        titles = ", ".join(row.title for row in changed)
        return queue_recheck(compact, f"The date {titles} comes into force changed", actor.user)


def load_edition(
    actor: Actor,
    compact: Compact,
    document: dict[str, Any],
    file_name: str,
    in_force_from: date | None = None,
) -> tuple[Edition, Recheck | None]:
    """Store a new edition of `compact` from an edition document (as read from its file),
    in force from `in_force_from` (by default the date the document gives), and queue a
    recheck of every record. Loading an edition already stored, unchanged, changes nothing
    (the recheck is None); a different edition under a stored id is refused (Taken), since
    editions are not edited in place."""
    try:
        edition = parse_edition(document, file_name)
    except EditionFileError as error:
        raise Invalid(str(error)) from None
    day = in_force_from or edition.default_in_force_from
    with changing():
        if not actor.is_officer(compact):
            raise Refused("Only the Compact officer can add an edition")
        if edition.compact != compact.slug:
            raise Invalid(
                f"{file_name}: field compact: the file is an edition of the Compact "
                f"'{edition.compact}', not of '{compact.slug}'",
                "compact",
            )
        rows = {row.slug: row for row in compact.editions.select_for_update()}
        stored = rows.get(edition.id)
        if stored is not None:
            if stored.document == document and stored.in_force_from == day:
                return stored, None
            raise Taken(
                f"{compact.name} already has an edition with the id '{edition.id}' "
                f"({stored.title}, in force from {stored.in_force_from:%-d %B %Y}); an edition "
                "is not changed once stored: give the new one an id of its own",
                "id",
            )
        row = Edition(compact=compact, slug=edition.id, document=document, in_force_from=day)
        _check_dates(
            CompactEditions([*editions_of(compact), edition]),
            {**rows, row.slug: row},
            {row.slug: day},
        )
        row.save()
        actor.audit("created", "edition", row.slug, compact=compact, version=row.version,
                    after={"in_force_from": day}, summary=f"loaded from {file_name}")  # fmt: skip
        reason = f"{row.title} was added, in force from {day:%-d %B %Y}"
        return row, queue_recheck(compact, reason, actor.user)


def _check_dates(
    editions: CompactEditions, rows: dict[str, Edition], dates: dict[str, date]
) -> None:
    """Editions come into force in the order they were made (the order of their own
    default dates, read from the Compact's cached editions), on days the records format
    can hold."""
    for slug, day in dates.items():
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            raise Invalid(
                f"Enter a date from {EARLIEST_DATE:%-d %B %Y} to {LATEST_DATE:%-d %B %Y}", slug
            )
    in_order = sorted(
        rows.values(), key=lambda row: editions.get(row.slug).default_in_force_from or date.min
    )
    chosen = [dates.get(row.slug, row.in_force_from) for row in in_order]
    for earlier, later, day_before, day in zip(
        in_order, in_order[1:], chosen, chosen[1:], strict=False
    ):
        if day <= day_before:
            raise Invalid(
                f"{later.title} must come into force after {earlier.title} "
                f"({day_before:%-d %B %Y})", later.slug,
            )  # fmt: skip


def install_shipped_compact(slug: str = "cambridgeshire", actor: Actor | None = None) -> Compact:
    """Create (or bring up to date) a Compact from its shipped editions and initial register."""
    actor = actor or Actor.system()
    editions = [edition for edition in shipped_editions().values() if edition.compact == slug]
    if not editions:
        raise ValueError(f"no shipped editions for a Compact called '{slug}'")
    with changing():
        if not actor.is_site_admin():
            raise Refused("Only a site administrator can set up a Compact")
        first = editions[0]
        compact, created = Compact.objects.get_or_create(
            slug=slug, defaults={"name": first.title, "area": slug.replace("-", " ").title()}
        )
        if created:
            actor.audit(
                "created", "compact", slug, compact=compact, summary="from the shipped editions"
            )
        rows = {}
        for edition in editions:
            row, created = Edition.objects.get_or_create(
                compact=compact,
                slug=edition.id,
                defaults={
                    "document": edition.document,
                    "in_force_from": edition.default_in_force_from,
                },
            )
            if created or row.document != edition.document:
                if not created:
                    row.document, row.version = edition.document, row.version + 1
                    row.save(update_fields=["document", "version", "updated"])
                actor.audit("created" if created else "changed", "edition", edition.id,
                            compact=compact, version=row.version,
                            summary="the shipped edition's text")  # fmt: skip
            rows[edition.id] = row
        register_file = REGISTER_FILES.get(slug)
        if register_file:
            _install_register(actor, compact, register_file, rows)
    return compact


def _install_register(
    actor: Actor, compact: Compact, register_file: str, rows: dict[str, Edition]
) -> None:
    data = yaml.safe_load(
        resources.files("compactwatch.organisations.data")
        .joinpath(register_file)
        .read_text("utf-8")
    )
    added = []
    for entry in data["supporters"]:
        organisation, created = Organisation.objects.get_or_create(
            compact=compact,
            ref=entry["ref"],
            defaults={
                "name": entry["name"],
                "sector": entry.get("sector", ""),
                "kind": entry.get("kind", ""),
                "source": f"Supporters listed in the {data['edition']} edition",
            },
        )
        if created:
            actor.audit("created", "organisation", organisation.ref, compact=compact,
                        after=organisation.as_record(), version=1,
                        summary="from the Compact's published supporters")  # fmt: skip
            added.append(organisation)
        Signature.objects.get_or_create(organisation=organisation, edition=rows[data["edition"]])
    refresh(added)  # an entry is checked as soon as it is in the register (a Compact lead)
