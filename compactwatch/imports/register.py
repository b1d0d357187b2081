"""Finding a grant's funder and recipient in the register, and adding those not in it.

An organisation is matched by its org-id, then its charity number, then its company
number, then its name; one not found is added to the register, marked as imported.
"""

from __future__ import annotations

from django.utils.text import slugify

from compactwatch.compacts.models import Compact
from compactwatch.organisations.models import Organisation
from compactwatch.threesixtygiving.mapping import OrganisationId

REF_LENGTH = 100


class RegisterIndex:
    """The register of one Compact, held in memory for the length of an import."""

    def __init__(self, compact: Compact, source: str):
        self.compact = compact
        self.source = source
        self.refs: set[str] = set()
        self.by_org_id: dict[str, Organisation] = {}
        self.by_charity: dict[str, Organisation] = {}
        self.by_company: dict[str, Organisation] = {}
        self.by_name: dict[str, Organisation] = {}
        self.added: list[Organisation] = []
        for organisation in Organisation.objects.filter(compact=compact):
            self._index(organisation)

    def _index(self, organisation: Organisation) -> None:
        self.refs.add(organisation.ref)
        for table, key in (
            (self.by_org_id, organisation.org_id.upper()),
            (self.by_charity, organisation.charity_number.upper()),
            (self.by_company, organisation.company_number.upper()),
            (self.by_name, organisation.name.casefold()),
        ):
            if key:
                table.setdefault(key, organisation)

    def find(self, who: OrganisationId) -> Organisation | None:
        for table, key in (
            (self.by_org_id, who.org_id.upper()),
            (self.by_charity, who.charity_number.upper()),
            (self.by_company, who.company_number.upper()),
            (self.by_name, who.name.casefold()),
        ):
            if key and key in table:
                return table[key]
        return None

    def find_or_add(self, who: OrganisationId) -> Organisation:
        """The organisation in the register; a new one (not yet saved) if it is not there."""
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
        )
        self._index(organisation)
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
        """Store the organisations added since the last call; returns them."""
        added, self.added = self.added, []
        if added:
            Organisation.objects.bulk_create(added, batch_size=500)
        return added
