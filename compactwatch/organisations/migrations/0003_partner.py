"""Partners of a Compact apart from organisations known only from imported data: an entry
added by an import is a partner only if it signed an edition."""

from django.db import migrations, models


def mark_partners(apps, schema_editor) -> None:
    organisation = apps.get_model("organisations", "Organisation")
    # A plain update: the migration's historical models have no way in to guard.
    organisation.objects.filter(imported=True, signatures__isnull=True).update(partner=False)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_organisation_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="partner",
            field=models.BooleanField(
                default=True,
                help_text="A partner of the Compact (it signed, or the officer made it one); "
                "otherwise an organisation known only from imported data",
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="added_by_import",
            field=models.PositiveBigIntegerField(
                blank=True,
                db_index=True,
                help_text="The number of the import that added it (undoing the import removes it)",
                null=True,
            ),
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["compact", "partner"], name="organisation_partner"),
        ),
        migrations.RunPython(mark_partners, migrations.RunPython.noop),
    ]
