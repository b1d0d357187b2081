"""The one organisation matcher: how a file, a form or an import names an organisation of
the register, and the order in which names are tried.

A records file or an API request names an organisation by one value: its id in the
register, an org-id (GB-CHC-1144542), or its name. A 360Giving grant names it by an
org-id with a name and perhaps charity and company numbers. Both are matched by the same
keys, in the same order: id in the register, org-id, charity number, company number, name;
and two different org-ids are never taken for one organisation, whatever their names.
`RegisterLookup` asks the database (a request names a few organisations); the import's
index (changes/grants) holds the keys in memory (a file names thousands).
"""

from __future__ import annotations

import re
from typing import Any

from compactwatch.organisations.models import Organisation
from compactwatch.threesixtygiving.mapping import OrganisationId, identify

# An org-id (org-id.guide): a country code, a list's code, then the identifier in that list.
ORG_ID = re.compile(r"^[A-Z]{2}-[A-Z0-9]+-\S+$", re.IGNORECASE)
# The register's fields, in the order they are tried, with how a value is normalised.
FIELDS = ("ref", "org_id", "charity_number", "company_number", "name")


def normalise(field: str, value: str) -> str:
    if field == "name":
        return value.casefold()
    return value if field == "ref" else value.upper()


def identity_keys(who: OrganisationId) -> list[tuple[str, str]]:
    """(field, normalised value) to try, in order, for an organisation a grant names."""
    given = {"org_id": who.org_id, "charity_number": who.charity_number,
             "company_number": who.company_number, "name": who.name}  # fmt: skip
    return [(name, normalise(name, value)) for name, value in given.items() if value]


def value_keys(value: str) -> list[tuple[str, str]]:
    """(field, normalised value) to try, in order, for an organisation a record names by
    one value: its id in the register first, then as an org-id or a name."""
    keys = [("ref", value)]
    if ORG_ID.match(value):
        who = identify({"id": value})
        keys += [key for key in identity_keys(who) if key[0] != "name"]
    keys.append(("name", normalise("name", value)))
    return keys


def other_org_id(found_org_id: str, org_id: str) -> bool:
    """Two org-ids that differ are two organisations, whatever their names or numbers."""
    return bool(found_org_id and org_id) and found_org_id.upper() != org_id.upper()


class RegisterLookup:
    """Finds organisations of one Compact's register in the database, remembering answers
    for the length of one request or upload."""

    def __init__(self, compact: Any):
        self.compact = compact
        self.known: dict[str, Organisation | None] = {}

    def add(self, organisation: Organisation) -> None:
        """An organisation just added or changed (by an upload's register section)."""
        self.known = {}
        self.known[organisation.ref] = organisation

    def find(self, value: str | None) -> Organisation | None:
        if not value:
            return None
        if value not in self.known:
            self.known[value] = self._find(value)
        return self.known[value]

    def _find(self, value: str) -> Organisation | None:
        register = Organisation.objects.filter(compact=self.compact)
        given_org_id = value if ORG_ID.match(value) else ""
        for field, key in value_keys(value):
            lookup = {"ref": key} if field == "ref" else {f"{field}__iexact": key}
            for found in register.filter(**lookup).order_by("pk")[:2]:
                if field == "ref" or not other_org_id(found.org_id, given_org_id):
                    return found
        return None
