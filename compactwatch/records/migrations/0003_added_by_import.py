from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0002_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="fundingagreement",
            name="added_by_import",
            field=models.PositiveBigIntegerField(
                blank=True,
                db_index=True,
                help_text="The number of the import that added it (undoing the import removes it)",
                null=True,
            ),
        ),
    ]
