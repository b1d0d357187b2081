"""Records are entered through the service's own forms, API and uploads (audited, checked);
the admin shows them read-only."""

from django.contrib import admin

from compactwatch.audit.admin import ReadOnlyAdmin
from compactwatch.records.models import Consultation, FundingAgreement, FundingChange


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ("ref", "title", "organisation", "opens", "closes", "compact")
    list_filter = ("compact",)
    search_fields = ("ref", "title")


@admin.register(FundingAgreement)
class FundingAgreementAdmin(ReadOnlyAdmin):
    list_display = ("ref", "funder", "recipient", "kind", "amount", "award_date", "compact")
    list_filter = ("compact", "kind")
    search_fields = ("ref", "source_grant_id")


@admin.register(FundingChange)
class FundingChangeAdmin(ReadOnlyAdmin):
    list_display = ("ref", "agreement", "change", "notice_given", "effective", "compact")
    list_filter = ("compact", "change")
    search_fields = ("ref",)
