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

    def core(self) -> CoreEdition:
        return parse_edition(self.document, f"{self.slug}.yaml")


@receiver(m2m_changed, sender=Compact.officers.through)
def _officers_change_through_the_way_in(sender: type, action: str, **kwargs: object) -> None:
    """Who runs a Compact changes only through compactwatch.changes (audited)."""
    if action.startswith("pre_"):
        require_way_in("A Compact's officers")
