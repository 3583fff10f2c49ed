from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0004_list_order_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("status__in", ["in_progress", "new", "waiting_customer", "waiting_vendor"])),
                fields=["household", "-received_at"],
                name="tickets_household_open_idx",
            ),
        ),
    ]
