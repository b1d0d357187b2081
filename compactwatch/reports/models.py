"""The annual report as stored: a draft made (and remade) from the Compact's data, partners'
responses added to it, then published and frozen.

A report holds a snapshot of every figure it shows (JSON, made by
compactwatch/monitoring/report.py), the editions in force and the day it was made. Pages and
the PDF render only the snapshot, so a published report reads the same next year, whatever
findings, records or the register have become since.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from compactwatch.compacts.models import Compact
from compactwatch.guard import Guarded
from compactwatch.organisations.models import Organisation


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class BuildStatus(models.TextChoices):
    """Making a report's figures is long work, done by the worker, with its progress."""

    IDLE = "", "Not being made"
    QUEUED = "queued", "Waiting for the worker"
    RUNNING = "running", "Being made"
    FAILED = "failed", "Could not be made"


class AnnualReport(Guarded):
    compact = models.ForeignKey(Compact, on_delete=models.CASCADE, related_name="annual_reports")
    year = models.PositiveIntegerField(help_text="The calendar year it reports on")
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default="draft")
    snapshot = models.JSONField(
        default=dict, blank=True, help_text="Every figure the report shows, as made"
    )
    made_at = models.DateTimeField(null=True, blank=True, help_text="When the figures were made")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.CharField(max_length=150, blank=True)
    build_status = models.CharField(
        max_length=10, choices=BuildStatus.choices, default="", blank=True
    )
    build_percent = models.PositiveSmallIntegerField(default=0)
    build_problem = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Counts the report's changes: a change from an older one is refused."
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["compact", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["compact", "year"], name="one_annual_report_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.compact.name} annual report {self.year}"

    @property
    def is_published(self) -> bool:
        return self.status == ReportStatus.PUBLISHED

    @property
    def ref(self) -> str:
        return f"{self.compact.slug}/{self.year}"


class PartnerResponse(Guarded):
    """A partner's response to the year's report, added before it is published. Drafts are
    seen by the partner's members and the officer; final responses are printed in it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINAL = "final", "Ready to publish"

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="responses")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="report_responses"
    )
    text = models.TextField("Your organisation's response", max_length=5000)
    status = models.CharField(max_length=10, choices=Status.choices, default="draft")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "organisation"], name="one_response_per_partner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} on {self.report}"


class ExportStatus(models.TextChoices):
    """Making the open data download reads every record and finding: the worker does it."""

    QUEUED = "queued", "Waiting for the worker"
    RUNNING = "running", "Being made"
    DONE = "done", "Ready"
    FAILED = "failed", "Could not be made"


class OpenDataExport(Guarded):
    """One making of a Compact's open data download (compactwatch/reports/opendata.py), kept
    as a file in the data folder, never under a public static path. The page and the download
    serve the latest one done; at most one is queued or running for a Compact at a time."""

    compact = models.ForeignKey(Compact, on_delete=models.CASCADE, related_name="open_data")
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default="queued")
    percent = models.PositiveSmallIntegerField(default=0)
    problem = models.CharField(max_length=300, blank=True)
    requested_by = models.CharField(
        max_length=150, blank=True, help_text="Who asked for it; empty when compactwatch did"
    )
    made = models.DateTimeField(null=True, blank=True, help_text="When the file was finished")
    file = models.CharField(
        max_length=500, blank=True, help_text="The zip's path, inside the data folder"
    )
    size = models.PositiveBigIntegerField(default=0, help_text="The zip's size in bytes")
    rows = models.JSONField(default=dict, blank=True, help_text="Rows written, by table")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["compact", "-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["compact"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_open_data_export_at_a_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.compact.name} open data ({self.get_status_display().lower()})"

    @property
    def ref(self) -> str:
        return f"{self.compact.slug}/{self.pk}"

    @property
    def busy(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)
