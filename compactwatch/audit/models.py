"""The audit trail: who changed which record, when, and what changed. Nobody can edit it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("the audit trail cannot be changed")

    def delete(self):
        raise PermissionError("the audit trail cannot be deleted")


class AuditEntry(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True, help_text="Kept if the user is removed")
    compact = models.ForeignKey(
        "compacts.Compact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=30)  # created, changed, deleted, uploaded, imported
    record_type = models.CharField(max_length=30)
    record_ref = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, help_text="{field: [before, after]}")
    summary = models.TextField(blank=True)
    via = models.CharField(
        max_length=30, blank=True, help_text="The way in: form, upload, API, admin, import, ..."
    )
    version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The changed thing's version after the change"
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["record_type", "record_ref"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.record_type} {self.record_ref}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("the audit trail cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the audit trail cannot be deleted")
