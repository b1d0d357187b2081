from django.contrib import admin

from compactwatch.audit.services import record_action
from compactwatch.compacts.models import Compact, Edition
from compactwatch.findings.services import refresh_compact


class EditionInline(admin.TabularInline):
    model = Edition
    fields = ("slug", "in_force_from")
    readonly_fields = ("slug",)
    extra = 0
    can_delete = False


@admin.register(Compact)
class CompactAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "area")
    filter_horizontal = ("officers",)
    inlines = [EditionInline]

    def save_formset(self, request, form, formset, change):
        changed = [edition for edition in formset.save(commit=False) if edition.pk]
        before = {
            e.pk: str(e.in_force_from)
            for e in Edition.objects.filter(pk__in=[e.pk for e in changed])
        }
        formset.save()
        for edition in changed:
            record_action(
                request.user,
                "changed",
                "edition",
                edition.slug,
                compact=edition.compact,
                before={"in_force_from": before.get(edition.pk)},
                after={"in_force_from": str(edition.in_force_from)},
            )
        if changed:
            # Records are judged by the edition in force on their date: recompute.
            refresh_compact(form.instance)
