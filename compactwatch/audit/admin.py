from django.contrib import admin

from compactwatch.audit.models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown in the admin, changed only by the service (the audit trail, findings, records)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "username", "action", "record_type", "record_ref", "via", "compact")
    list_filter = ("action", "record_type", "via", "compact")
    search_fields = ("record_ref", "username")
