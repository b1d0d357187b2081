"""A deployment holds one or more local Compacts, each with its editions and their dates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.urls import reverse

from compactwatch.compact.edition import Edition as CoreEdition
from compactwatch.compact.loader import parse_edition
from compactwatch.guard import Guarded, require_way_in


class Compact(Guarded):
    slug = models.SlugField(unique=True, help_text="Used in web addresses, e.g. cambridgeshire")
    name = models.CharField(max_length=200, help_text="e.g. The Cambridgeshire Compact")
    area = models.CharField(max_length=200, help_text="The area it covers, e.g. Cambridgeshire")
    description = models.TextField(blank=True)
    demonstration = models.BooleanField(
        default=False,
        help_text="Its records, leads and findings are invented for a demonstration: every "
        "page says so.",
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="compacts_run",
        help_text="Compact officers: they run this Compact, its register and its editions.",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("web:compact", args=[self.slug])


class Edition(Guarded):
    """One edition of a Compact: its text and standards (validated by the core) and its date."""

    compact = models.ForeignKey(Compact, on_delete=models.CASCADE, related_name="editions")
    slug = models.SlugField(max_length=100, help_text="The edition's id, e.g. cambridgeshire-2007")
    document = models.JSONField(help_text="The edition data file, as the core reads it.")
    in_force_from = models.DateField(
        help_text="Records whose key date is on or after this day are judged by this edition, "
        "until a newer edition comes into force."
    )
    updated = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1,
        help_text="Counts the edition's changes: a save from an older version is refused.",
    )

    class Meta:
        ordering = ["compact", "in_force_from"]
        constraints = [
            models.UniqueConstraint(fields=["compact", "slug"], name="edition_unique_per_compact")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.slug})"

    @property
    def title(self) -> str:
        return f"{self.document.get('title', '')}: {self.document.get('edition_name', '')}".strip(
            ": "
        )

    @property
    def name(self) -> str:
        """The edition as its file names it for people: "refreshed edition" (the core's
        Edition.name, read without parsing the whole file)."""
        document = self.document
        return document.get("short_name") or document.get("edition_name") or self.title

    def core(self) -> CoreEdition:
        return parse_edition(self.document, f"{self.slug}.yaml")


@receiver(m2m_changed, sender=Compact.officers.through)
def _officers_change_through_the_way_in(sender: type, action: str, **kwargs: object) -> None:
    """Who runs a Compact changes only through compactwatch.changes (audited)."""
    if action.startswith("pre_"):
        require_way_in("A Compact's officers")


class DraftStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CONSULTING = "consulting", "Out for consultation"
    ADOPTED = "adopted", "Adopted"
    ABANDONED = "abandoned", "Abandoned"


# A draft in either of these may still change; the others are kept as they ended.
OPEN_DRAFT_STATUSES = (DraftStatus.DRAFT, DraftStatus.CONSULTING)


class EditionDraft(Guarded):
    """A new edition of a Compact being drafted from the edition in force: its document
    changes until it is adopted (then it is stored as an Edition, and the draft is kept as
    it was) or abandoned. A Compact has at most one open draft at a time."""

    compact = models.ForeignKey(Compact, on_delete=models.CASCADE, related_name="drafts")
    based_on = models.ForeignKey(
        Edition,
        on_delete=models.CASCADE,
        related_name="drafts",
        help_text="The edition in force when the draft was started: the preview compares with it.",
    )
    document = models.JSONField(help_text="The draft edition, as the core reads an edition file.")
    status = models.CharField(max_length=20, choices=DraftStatus.choices, default=DraftStatus.DRAFT)
    # The consultation is a record, a layer above the Compact's own: kept by its id.
    consultation_ref = models.CharField(
        max_length=100,
        blank=True,
        help_text="The id of the consultation record of the partners' consultation on the draft.",
    )
    adopted_as = models.ForeignKey(
        Edition,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The edition the draft became when it was adopted.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1,
        help_text="Counts the draft's changes: a save from an older version is refused.",
    )

    class Meta:
        ordering = ["compact", "-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["compact"],
                condition=models.Q(status__in=["draft", "consulting"]),
                name="one_open_draft_per_compact",
            )
        ]

    def __str__(self) -> str:
        return f"Draft {self.name} of {self.compact.name}"

    @property
    def name(self) -> str:
        """The draft edition's name, e.g. "2026 edition"."""
        return str(self.document.get("edition_name") or self.document.get("id", ""))

    @property
    def edition_id(self) -> str:
        return str(self.document.get("id", ""))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_DRAFT_STATUSES

    def core(self) -> CoreEdition:
        return parse_edition(self.document, f"{self.edition_id}.yaml")

    def get_absolute_url(self) -> str:
        return reverse("web:draft", args=[self.compact.slug, self.pk])
