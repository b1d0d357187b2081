"""Creating a Compact from the editions that ship with compactwatch (Cambridgeshire's)."""

from __future__ import annotations

from importlib import resources

import yaml
from django.db import transaction

from compactwatch.compact.edition import shipped_editions
from compactwatch.compacts.models import Compact, Edition
from compactwatch.organisations.models import Organisation, Signature

REGISTER_FILES = {"cambridgeshire": "cambridgeshire-supporters.yaml"}


@transaction.atomic
def install_shipped_compact(slug: str = "cambridgeshire") -> Compact:
    """Create (or bring up to date) a Compact from its shipped editions and its initial register."""
    editions = [edition for edition in shipped_editions().values() if edition.compact == slug]
    if not editions:
        raise ValueError(f"no shipped editions for a Compact called '{slug}'")
    first = editions[0]
    compact, _ = Compact.objects.get_or_create(
        slug=slug,
        defaults={"name": first.title, "area": slug.replace("-", " ").title()},
    )
    rows = {}
    for edition in editions:
        row, created = Edition.objects.get_or_create(
            compact=compact,
            slug=edition.id,
            defaults={"document": edition.document, "in_force_from": edition.default_in_force_from},
        )
        if not created and row.document != edition.document:
            row.document = edition.document
            row.save(update_fields=["document", "updated"])
        rows[edition.id] = row
    register_file = REGISTER_FILES.get(slug)
    if register_file:
        data = yaml.safe_load(
            resources.files("compactwatch.organisations.data")
            .joinpath(register_file)
            .read_text("utf-8")
        )
        for entry in data["supporters"]:
            organisation, _ = Organisation.objects.get_or_create(
                compact=compact,
                ref=entry["ref"],
                defaults={
                    "name": entry["name"],
                    "sector": entry.get("sector", ""),
                    "kind": entry.get("kind", ""),
                    "source": f"Supporters listed in the {data['edition']} edition",
                },
            )
            Signature.objects.get_or_create(
                organisation=organisation, edition=rows[data["edition"]]
            )
    return compact
