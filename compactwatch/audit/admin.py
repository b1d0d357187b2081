from django.contrib import admin

from compactwatch.audit.models import AuditEntry
from compactwatch.records.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "username", "action", "record_type", "record_ref", "compact")
    list_filter = ("action", "record_type", "compact")
    search_fields = ("record_ref", "username")
