"""The register: the partners of a Compact, who signed which edition, their Compact leads."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from compactwatch.compact.words import in_words
from compactwatch.compacts.models import Compact, Edition
from compactwatch.guard import Guarded
from compactwatch.organisations.traits import Traits


class Sector(models.TextChoices):
    PUBLIC = "public", "Public body"
    VOLUNTARY = "voluntary", "Voluntary or community group"


class LeadStatus(models.TextChoices):
    NOT_RECORDED = "", "Not recorded"
    NONE = "none", "None nominated"
    NOMINATED = "nominated", "Nominated"


# Kinds of organisation in words, as the register's entries name them (`nhs_body`); a kind
# not listed is read from its own words.
KIND_WORDS = {
    "local_authority": "Local authority", "nhs_body": "NHS body",
    "government_agency": "Government agency",
    "association_of_local_councils": "Association of local councils",
    "infrastructure_organisation": "Infrastructure organisation",
    "partnership": "Partnership", "consortium": "Consortium", "charity": "Charity",
    "community_group": "Community group", "social_enterprise": "Social enterprise",
}  # fmt: skip
# The Compact lead's roles the 2007 edition names (5.4), in words.
LEAD_ROLE_WORDS = {
    "councillor": "Councillor", "board_member": "Board member",
    "management_committee_member": "Management committee member",
}  # fmt: skip


class Organisation(Guarded):
    compact = models.ForeignKey(Compact, on_delete=models.CASCADE, related_name="organisations")
    ref = models.SlugField(
        max_length=100, help_text="A short id, unique in this Compact; records files use it."
    )
    name = models.CharField(max_length=300)
    sector = models.CharField(max_length=20, choices=Sector.choices, blank=True)
    kind = models.CharField(
        max_length=100,
        blank=True,
        help_text="For example local authority, NHS body, charity or community group",
    )
    charity_number = models.CharField(max_length=20, blank=True)
    company_number = models.CharField(max_length=20, blank=True)
    org_id = models.CharField(
        "Org-id", max_length=100, blank=True, db_index=True, help_text="e.g. GB-CHC-1234567"
    )
    lead_status = models.CharField(
        "Compact lead", max_length=20, choices=LeadStatus.choices, blank=True
    )
    lead_name = models.CharField("Compact lead's name", max_length=200, blank=True)
    lead_role = models.CharField(
        "Compact lead's role",
        max_length=200,
        blank=True,
        help_text="For example councillor, board member or management committee member",
    )
    dbs_checks_paid = models.BooleanField(
        "Pays for its volunteers' DBS checks", null=True, blank=True
    )
    imported = models.BooleanField(default=False, help_text="Added to the register by an import")
    partner = models.BooleanField(
        default=True,
        help_text="A partner of the Compact (it signed, or the officer made it one); otherwise "
        "an organisation known only from imported data",
    )
    added_by_import = models.PositiveBigIntegerField(
        null=True, blank=True, db_index=True,
        help_text="The number of the import that added it (undoing the import removes it)",
    )  # fmt: skip
    source = models.CharField(max_length=300, blank=True, help_text="Where the entry came from")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Counts the entry's changes: a save from an older version is refused."
    )

    traits = Traits(
        type="organisation", section="organisations", label="Organisation",
        plural="Organisations", prefix="", acting="", part_of=("",),
        finding_link="organisation", api_path="organisations",
    )  # fmt: skip

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["compact", "ref"], name="organisation_ref_unique")
        ]
        indexes = [
            models.Index(fields=["compact", "sector", "name"]),
            models.Index(fields=["compact", "partner"], name="organisation_partner"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("web:organisation", args=[self.compact.slug, self.ref])

    @property
    def kind_words(self) -> str:
        """Its kind in words: "NHS body", "Local authority"."""
        return in_words(self.kind, KIND_WORDS)

    @property
    def lead_role_words(self) -> str:
        """Its Compact lead's role in words: "board member"."""
        return LEAD_ROLE_WORDS.get(self.lead_role, self.lead_role.replace("_", " ")).lower()

    @property
    def is_public_body(self) -> bool:
        return self.sector == Sector.PUBLIC

    def compact_lead(self) -> dict[str, str | None] | bool | None:
        if self.lead_status == LeadStatus.NONE:
            return False
        if self.lead_status == LeadStatus.NOMINATED:
            return {"name": self.lead_name or None, "role": self.lead_role or None}
        return None

    def as_record(self) -> dict[str, Any]:
        """The organisation in the records format, as the core's checks read it."""
        return {
            "id": self.ref,
            "name": self.name,
            "sector": self.sector or None,
            "kind": self.kind or None,
            "compact_lead": self.compact_lead(),
            "dbs_checks_paid_by_organisation": self.dbs_checks_paid,
        }

    @staticmethod
    def values_from_record(row: dict[str, Any]) -> dict[str, Any]:
        """Model field values for a row of the records format's `organisations` (the name
        is kept if the row gives none)."""
        lead = row["compact_lead"]
        status = (
            LeadStatus.NONE
            if lead is False
            else LeadStatus.NOMINATED
            if lead
            else LeadStatus.NOT_RECORDED
        )
        values = {
            "sector": row["sector"] or "", "kind": row["kind"] or "", "lead_status": status,
            "lead_name": (lead["name"] or "") if lead else "",
            "lead_role": (lead["role"] or "") if lead else "",
            "dbs_checks_paid": row["dbs_checks_paid_by_organisation"],
        }  # fmt: skip
        if row["name"]:
            values["name"] = row["name"]
        return values


class Signature(Guarded):
    """An organisation's signing of (or support for) an edition of the Compact."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="signatures"
    )
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="signatures")
    signed_on = models.DateField(null=True, blank=True, help_text="Leave blank if not known")
    # Who signed, as they typed it (the join form, or a partner's page signing a new
    # edition), and the account that recorded it: the officer who approved, or the member.
    signer_name = models.CharField("Signed by", max_length=200, blank=True)
    signer_role = models.CharField("Their role in the organisation", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="signatures_recorded",
    )  # fmt: skip

    class Meta:
        ordering = ["edition__in_force_from", "signed_on"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "edition"], name="signature_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} signed {self.edition.slug}"

    @property
    def in_words(self) -> str:
        """For public pages: the edition, the day and the signer's role, never a name
        ("Signed the refreshed edition on 12 May 2025, by its chair of trustees")."""
        from compactwatch.compact.dates import format_date

        when = f" on {format_date(self.signed_on)}" if self.signed_on else ""
        role = self.signer_role
        if role[:2] != role[:2].upper():  # "Chair of trustees", not "CEO"
            role = role[:1].lower() + role[1:]
        by = f", by its {role}" if role else ""
        return f"Signed the {self.edition.name}{when}{by}"


class Contact(Guarded):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(Guarded):
    """A person who acts for a partner organisation: records and sees its own records."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} for {self.organisation}"


class JoinStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the officer"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class JoinRequest(Guarded):
    """An organisation's request to join the Compact, sent from the public "Join the
    Compact" form: who it is, who signs for it, its Compact lead (2007 edition, 5.4) and the
    edition it signs; the officer approves it (it becomes a partner) or declines it."""

    compact = models.ForeignKey(Compact, on_delete=models.CASCADE, related_name="join_requests")
    name = models.CharField("Name of the organisation", max_length=300)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    kind = models.CharField(max_length=100, blank=True)
    charity_number = models.CharField(max_length=20, blank=True)
    company_number = models.CharField(max_length=20, blank=True)
    org_id = models.CharField("Org-id", max_length=100, blank=True)
    signer_name = models.CharField("Your full name", max_length=200)
    signer_role = models.CharField("Your role in the organisation", max_length=200)
    signer_email = models.EmailField("Your email address")
    lead_status = models.CharField("Compact lead", max_length=20, choices=LeadStatus.choices[1:])
    lead_name = models.CharField("Compact lead's name", max_length=200, blank=True)
    lead_role = models.CharField("Compact lead's role", max_length=200, blank=True)
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="join_requests")
    status = models.CharField(
        max_length=20, choices=JoinStatus.choices, default=JoinStatus.PENDING, db_index=True
    )
    reason = models.TextField(max_length=2000, blank=True, help_text="Why it was declined")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="join_requests", help_text="The partner it made, once approved",
    )  # fmt: skip
    submitted = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="join_decisions",
    )  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-submitted"]
        # One request waits at a time for an org-id or a charity number, even when two are
        # sent at the same moment (submit's own check cannot see the other's unsaved row).
        constraints = [
            models.UniqueConstraint(
                Lower("org_id"), "compact", name="join_pending_org_id_once",
                condition=models.Q(status="pending") & ~models.Q(org_id=""),
            ),
            models.UniqueConstraint(
                Lower("charity_number"), "compact", name="join_pending_charity_once",
                condition=models.Q(status="pending") & ~models.Q(charity_number=""),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.name} asks to join {self.compact}"

    @property
    def ref(self) -> str:
        """Its id in the audit trail."""
        return f"join-request-{self.pk}"
