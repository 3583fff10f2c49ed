from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0003_work_order_updated_idx"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="workorder",
            index=models.Index(fields=["assignee", "assigned_at"], name="dispatch_wo_assignee_last_idx"),
        ),
    ]
