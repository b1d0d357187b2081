"""The admin for site administrators: Compacts, their editions' dates and officers, and the
register. The admin is a way in like the pages and the API, so it lives here, above the
use-case layer: every change it makes goes through compactwatch.changes. (The audit trail,
findings and records are shown read-only by their own apps.)"""

from django.contrib import admin, messages

from compactwatch.changes.base import Actor, ChangeRefused
from compactwatch.changes.editions import set_in_force_dates
from compactwatch.changes.register import (
    delete_entry,
    save_compact,
    save_entry,
    save_organisation,
    set_officers,
)
from compactwatch.compacts.models import Compact, Edition
from compactwatch.organisations.models import Contact, Membership, Organisation, Signature


class EditionInline(admin.TabularInline):
    model = Edition
    fields = ("slug", "in_force_from")
    readonly_fields = ("slug",)
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # editions are loaded from their data files


@admin.register(Compact)
class CompactAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "area")
    filter_horizontal = ("officers",)
    inlines = [EditionInline]

    def has_delete_permission(self, request, obj=None):
        return False  # a Compact's records and audit trail are not removed from the admin

    def save_model(self, request, obj, form, change):
        save_compact(Actor(request.user, "admin"), obj)

    def save_related(self, request, form, formsets, change):
        actor = Actor(request.user, "admin")
        set_officers(actor, form.instance, list(form.cleaned_data["officers"]))
        for formset in formsets:
            dates = {edition.slug: edition.in_force_from for edition in formset.save(commit=False)}
            if dates:
                try:
                    set_in_force_dates(actor, form.instance, dates)
                except ChangeRefused as problem:  # nothing of the dates was changed
                    messages.error(request, f"The dates were not changed: {problem.message}")


# The register's fields an officer edits (the rest are kept by the service).
EDITED = ("name", "ref", "sector", "kind", "charity_number", "company_number", "org_id",
          "lead_status", "lead_name", "lead_role", "dbs_checks_paid")  # fmt: skip


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
    fields = ("compact", *EDITED)
    inlines = [SignatureInline, ContactInline, MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        return ("compact",) if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False  # records name it; an officer edits, never removes, an entry

    def save_model(self, request, obj, form, change):
        stored_ref = form.initial.get("ref") if change else None
        saved = save_organisation(
            Actor(request.user, "admin"), obj.compact, obj.ref,
            {name: form.cleaned_data[name] for name in EDITED if name in form.cleaned_data},
            mode="update" if change else "create", stored_ref=stored_ref,
        )  # fmt: skip
        obj.pk, obj._state.adding = saved.pk, False

    def save_formset(self, request, form, formset, change):
        actor = Actor(request.user, "admin")
        for entry in formset.save(commit=False):
            save_entry(actor, entry)
        for entry in formset.deleted_objects:
            delete_entry(actor, entry)
