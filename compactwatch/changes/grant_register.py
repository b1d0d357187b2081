"""Finding a grant's funder and recipient in the register, and adding those not in it.

The register is held in memory for the length of an import (a file names thousands of
organisations), matched by the one matcher's keys and order (organisations/matching.py);
one not found is added to the register as an organisation known from imported data (not a
partner: it has not signed), marked with the import that added it, so that undoing the
import can remove it.
"""

from __future__ import annotations

from typing import NamedTuple

from django.utils.text import slugify

from compactwatch.bulk import insert_rows_by_ref
from compactwatch.compacts.models import Compact
from compactwatch.organisations.matching import identity_keys, normalise, other_org_id
from compactwatch.organisations.models import Organisation
from compactwatch.threesixtygiving.mapping import OrganisationId


class Entry(NamedTuple):
    """An organisation of the register as an import needs it: a few bytes, not a model
    instance, so that a register of many thousands stays small in memory."""

    pk: int
    ref: str
    org_id: str


# The matcher's keys an import uses, in its order (a grant names no id in the register).
IDENTITY = ("org_id", "charity_number", "company_number", "name")
# The columns a new organisation's row gives, in the order `_insert` gives them; the others
# take their defaults (compactwatch/bulk.py).
COLUMNS = ("compact_id", "ref", "name", "sector", "charity_number", "company_number", "org_id",
           "imported", "source", "partner", "added_by_import")  # fmt: skip


def _keys(org_id: str, charity: str, company: str, name: str) -> tuple[str, ...]:
    return tuple(normalise(field, value) for field, value in
                 zip(IDENTITY, (org_id, charity, company, name), strict=True))  # fmt: skip


def _insert(added: list[Organisation]) -> None:
    """Insert new organisations as plain rows (many thousands in a large file), then give
    each instance its primary key."""
    keys = insert_rows_by_ref(Organisation, COLUMNS, [
        (o.compact_id, o.ref, o.name, o.sector, o.charity_number, o.company_number, o.org_id,
         o.imported, o.source, o.partner, o.added_by_import)
        for o in added
    ], added[0].compact_id)  # fmt: skip
    for organisation in added:
        organisation.pk = keys[organisation.ref]
        organisation._state.adding = False  # as the ORM marks an instance it has saved


def _identity(organisation: Organisation) -> tuple[str, ...]:
    return _keys(organisation.org_id, organisation.charity_number,
                 organisation.company_number, organisation.name)  # fmt: skip


class RegisterIndex:
    """The register of one Compact, held in memory for the length of an import."""

    def __init__(self, compact: Compact, source: str, import_id: int | None = None):
        self.compact = compact
        self.source = source
        self.import_id = import_id
        self.refs: set[str] = set()
        # By org-id, charity number, company number and name, in the order they are tried.
        self.tables: tuple[dict[str, Entry | Organisation], ...] = ({}, {}, {}, {})
        self.added: list[Organisation] = []
        fields = ("pk", "ref", "org_id", "charity_number", "company_number", "name")
        for pk, ref, *identity in Organisation.objects.filter(compact=compact).values_list(*fields):
            self._index(Entry(pk, ref, identity[0]), _keys(*identity))

    def _index(self, entry: Entry | Organisation, keys: tuple[str, ...]) -> None:
        self.refs.add(entry.ref)
        for table, key in zip(self.tables, keys, strict=True):
            if key:
                table.setdefault(key, entry)

    def find(self, who: OrganisationId) -> Entry | Organisation | None:
        for field, key in identity_keys(who):
            found = self.tables[IDENTITY.index(field)].get(key)
            if found is not None and not other_org_id(found.org_id, who.org_id):
                return found
        return None

    def find_or_add(self, who: OrganisationId) -> Entry | Organisation:
        """The organisation in the register; a new one (saved by `save_added`) if it is not
        there. Either has the `pk` (once saved) and `ref` the import needs."""
        found = self.find(who)
        if found is not None:
            return found
        organisation = Organisation(
            compact=self.compact,
            ref=self._new_ref(who),
            name=(who.name or who.org_id)[:300],
            sector=who.sector,
            charity_number=who.charity_number[:20],
            company_number=who.company_number[:20],
            org_id=who.org_id[:100],
            imported=True,
            source=self.source[:300],
            partner=False,
            added_by_import=self.import_id,
        )
        self._index(organisation, _identity(organisation))
        self.added.append(organisation)
        return organisation

    def _new_ref(self, who: OrganisationId) -> str:
        base = slugify(who.name)[:80].strip("-") or slugify(who.org_id)[:80] or "organisation"
        ref, number = base, 1
        while ref in self.refs:
            number += 1
            ref = f"{base}-{number}"
        return ref

    def save_added(self) -> list[Organisation]:
        """Store the organisations added since the last call and keep only their entries;
        returns them."""
        added, self.added = self.added, []
        if not added:
            return added
        _insert(added)
        for organisation in added:
            for table, key in zip(self.tables, _identity(organisation), strict=True):
                if key and table.get(key) is organisation:
                    table[key] = Entry(organisation.pk, organisation.ref, organisation.org_id)
        return added
