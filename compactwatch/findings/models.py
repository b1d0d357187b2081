"""Findings as stored: computed by the core on every save and upload, kept so pages are fast."""

from __future__ import annotations

from django.conf import settings
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


class Recheck(models.Model):
    """Every record of a Compact checked again, in the background: after the date an
    edition comes into force changes (a record is judged by the edition in force on its
    date), which can be tens of thousands of records, too many for a web request."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Checking"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    compact = models.ForeignKey(Compact, on_delete=models.CASCADE, related_name="rechecks")
    reason = models.CharField(max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0, help_text="Records to check")
    checked = models.PositiveIntegerField(default=0, help_text="Records checked so far")
    findings = models.PositiveIntegerField(default=0, help_text="Findings stored")
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.compact}: {self.reason} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return (
            100 if self.status == self.Status.DONE else int(100 * self.checked / (self.total or 1))
        )
