from django.contrib import admin

from compactwatch.audit.admin import ReadOnlyAdmin
from compactwatch.findings.models import Finding


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("record_type", "record_ref", "commitment", "status", "computed_on")
    list_filter = ("compact", "status", "commitment")
    search_fields = ("record_ref",)
