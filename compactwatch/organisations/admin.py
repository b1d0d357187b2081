from django.contrib import admin

from compactwatch.organisations.models import Contact, Membership, Organisation, Signature
from compactwatch.records.services import save_organisation


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class SignatureInline(admin.TabularInline):
    model = Signature
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "compact", "sector", "kind", "lead_status", "imported")
    list_filter = ("compact", "sector", "imported")
    search_fields = ("name", "ref", "org_id", "charity_number", "company_number")
    inlines = [SignatureInline, ContactInline, MembershipInline]

    def save_model(self, request, obj, form, change):
        # Through the service, so the change is audited and findings recomputed.
        save_organisation(obj, request.user)
