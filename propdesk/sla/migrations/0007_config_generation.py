import secrets

from django.db import migrations, models


def first_row(apps, schema_editor):
    apps.get_model("sla", "ConfigGeneration").objects.create(pk=1, token=secrets.randbits(62))


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0006_complaint_reschedule_triggers"),
    ]

    operations = [
        migrations.CreateModel(
            name="ConfigGeneration",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.BigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "时限配置版本",
                "verbose_name_plural": "时限配置版本",
            },
        ),
        migrations.RunPython(first_row, migrations.RunPython.noop),
    ]
