"""An import of a 360Giving grants file: what was asked, how far it has gone, its outcome."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse

from compactwatch.compacts.models import Compact
from compactwatch.organisations.models import Organisation


class Status(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    DONE = "done", "Imported"
    REFUSED = "refused", "Refused: nothing stored"
    FAILED = "failed", "Failed: nothing stored"
    CANCELLED = "cancelled", "Cancelled: nothing stored"
    UNDONE = "undone", "Undone: what it added is removed"


# A running import's worker beats every HEARTBEAT seconds, whatever it is doing (a thread
# of its own); a minute of silence means the worker has stopped.
HEARTBEAT = 10
STALL_AFTER = timedelta(seconds=settings.IMPORT_STALL_SECONDS)
FINISHED = (Status.DONE, Status.REFUSED, Status.FAILED, Status.CANCELLED, Status.UNDONE)


class Phase(models.TextChoices):
    WAITING = "", "Waiting"
    CHECKING = "checking", "Reading and checking the file"
    STORING = "storing", "Storing the grants"
    FINISHED = "finished", "Finished"


class ImportJob(models.Model):
    compact = models.ForeignKey(Compact, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    path = models.CharField(
        max_length=1000, help_text="The file on disk; an uploaded file is removed when done"
    )
    file_name = models.CharField(max_length=300, help_text="The file's name as given")
    file_size = models.BigIntegerField(default=0)
    valid_only = models.BooleanField(
        default=False, help_text="Import the valid grants and leave out the invalid ones"
    )
    remove_file_when_done = models.BooleanField(default=False)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(
        max_length=20, choices=Phase.choices, default=Phase.WAITING, blank=True
    )
    bytes_read = models.BigIntegerField(default=0)
    grants_read = models.BigIntegerField(default=0)
    grants_to_store = models.BigIntegerField(default=0)
    grants_stored = models.BigIntegerField(default=0)
    error_count = models.BigIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    reported = models.DateTimeField(
        null=True, blank=True, help_text="When the running import last said how far it had gone"
    )
    task_id = models.CharField(max_length=64, blank=True)
    funder = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imports",
        help_text="The funder of most of the file's grants",
    )
    undone = models.DateTimeField(null=True, blank=True, help_text="When the import was undone")
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undo_outcome = models.JSONField(
        default=dict, blank=True, help_text="What undoing the import removed, and what it kept"
    )

    outcome = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(
        default=list, blank=True, help_text="The first problems found (all are counted)"
    )
    notes = models.JSONField(default=list, blank=True, help_text="What the reader noticed")
    summary = models.JSONField(
        default=dict, blank=True,
        help_text="The file in short, as read before anything is stored: grants, funders, "
        "amounts awarded by currency, award dates, recipients by kind of identifier",
    )  # fmt: skip
    problem_kinds = models.JSONField(
        default=list, blank=True,
        help_text="Every problem, grouped by kind (the rule broken and the field): for each, "
        "its heading, how many, and the first examples",
    )  # fmt: skip
    warnings = models.JSONField(
        default=list, blank=True,
        help_text="Personal data the file holds about grants to individuals (none is kept)",
    )  # fmt: skip
    problems_file = models.CharField(
        max_length=200, blank=True,
        help_text="Every problem listed (up to a limit), a gzipped CSV file under the data "
        "folder's imports/problems/",
    )  # fmt: skip
    problems_listed = models.BigIntegerField(
        default=0, help_text="How many problems the problems file lists"
    )

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["compact", "status"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("web:import", args=[self.compact.slug, self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    def stalled(self, now: datetime) -> bool:
        """Running, but silent for longer than any batch of grants takes: its worker has
        most likely stopped (the transaction then rolled back; nothing is half stored)."""
        last = self.reported or self.started
        return self.status == Status.RUNNING and last is not None and now - last > STALL_AFTER

    @property
    def grants_left_out(self) -> int:
        """Grants read but not to be stored: invalid, or sharing an id (valid-only imports)."""
        return self.grants_read - self.grants_to_store

    @property
    def percent(self) -> int:
        """How far the import has gone, 0-100: checking is the first half, storing the second."""
        if self.status in FINISHED:
            return 100
        if self.phase == Phase.STORING and self.grants_to_store:
            return 50 + int(50 * self.grants_stored / self.grants_to_store)
        if self.phase == Phase.CHECKING and self.file_size:
            return int(50 * min(self.bytes_read, self.file_size) / self.file_size)
        return 0
