"""Findings as stored: computed by the core on every save and upload, kept so pages are fast."""

from __future__ import annotations

from django.db import models

from compactwatch.compact.findings import STATUS_LABELS, Status
from compactwatch.compacts.models import Compact
from compactwatch.organisations.models import Organisation
from compactwatch.records.models import Consultation, FundingAgreement, FundingChange

STATUS_CHOICES = [(status.value, STATUS_LABELS[status]) for status in Status]


class Finding(models.Model):
    compact = models.ForeignKey(Compact, on_delete=models.CASCADE, related_name="findings")
    record_type = models.CharField(max_length=30)
    record_ref = models.CharField(max_length=100)
    consultation = models.ForeignKey(
        Consultation, null=True, blank=True, on_delete=models.CASCADE, related_name="findings"
    )
    agreement = models.ForeignKey(
        FundingAgreement, null=True, blank=True, on_delete=models.CASCADE, related_name="findings"
    )
    change = models.ForeignKey(
        FundingChange, null=True, blank=True, on_delete=models.CASCADE, related_name="findings"
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="own_findings",
        help_text="Set when the record checked is the organisation itself",
    )
    body = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
        help_text="The organisation whose undertaking this is about",
    )
    edition = models.CharField(max_length=100)
    commitment = models.CharField(max_length=120, help_text="e.g. cambridgeshire-refreshed/4.5")
    status = models.CharField(max_length=20, choices=STATUS_CHOICES)
    strength = models.CharField(max_length=10)
    message = models.TextField()
    year = models.IntegerField(null=True, blank=True, help_text="The year of the record's key date")
    computed_on = models.DateField()

    class Meta:
        ordering = ["commitment"]
        indexes = [
            models.Index(fields=["compact", "commitment", "status"]),
            models.Index(fields=["compact", "year", "commitment"]),
            models.Index(fields=["body", "commitment", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.record_ref} {self.commitment}: {self.status}"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[Status(self.status)]

    @property
    def clause(self) -> str:
        return self.commitment.split("/", 1)[1]
