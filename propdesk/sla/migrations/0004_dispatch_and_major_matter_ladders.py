"""The dispatch deadline (R-WO-1) is the control center's: its ladder starts at the operators on duty, not at
whoever recorded the request. A major matter (R-FB-3) tells the direct superior — the CS supervisor and the
center manager — the moment it is recorded. Only the company defaults still on the seeded ladder change; a
ladder someone edited is left as it is."""

from django.db import migrations

STD = [
    {"when": "warn", "notify": ["owner"]},
    {"when": "due", "after_minutes": 0, "notify": ["owner", "supervisor"]},
    {"when": "due", "after_minutes": 30, "notify": ["manager"]},
    {"when": "due", "after_minutes": 120, "notify": ["quality"]},
]
DISPATCH = [
    {"when": "warn", "notify": ["control"]},
    {"when": "due", "after_minutes": 0, "notify": ["control", "supervisor"]},
    {"when": "due", "after_minutes": 30, "notify": ["manager"]},
    {"when": "due", "after_minutes": 120, "notify": ["quality"]},
]
MAJOR = [{"when": "start", "notify": ["supervisor", "manager"]}, *STD]
NEW = {"dispatch": DISPATCH, "major_progress": MAJOR}


def _set(apps, old_for, new_for):
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    for code in NEW:
        policy = SlaPolicy.objects.filter(code=code, service_center__isnull=True).first()
        if policy is not None and policy.ladder == old_for(code):
            policy.ladder = new_for(code)
            policy.save(update_fields=["ladder"])


def forward(apps, schema_editor):
    _set(apps, lambda code: STD, NEW.get)


def backward(apps, schema_editor):
    _set(apps, NEW.get, lambda code: STD)


class Migration(migrations.Migration):
    dependencies = [("sla", "0003_work_order_targets")]
    operations = [migrations.RunPython(forward, backward)]
