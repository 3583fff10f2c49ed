"""Two complaint clocks become data of the SLA engine:

- ``complaint_agreed_reply``: the reply time agreed with the customer is its own deadline (R-CP-3): started by
  ``complaint.reply_agreed`` with the agreed moment as its fixed due time, met by the reply (or the customer's
  opinion, or the complaint resolved or closed), stopped when the time is agreed again (a new clock starts);
- the clocks a validity starts (invalid → explained within 2 h, assisted → progress, valid with the supervisor →
  the same day) stop when the complaint is reclassified to another validity (``complaint.reclassified``).
"""

from django.db import migrations
from django.utils.translation import gettext_noop as N_

CODE = "complaint_agreed_reply"
RECLASSIFIED = "complaint.reclassified"
VALIDITY_STARTS = ["complaint.invalid", "complaint.assisted", "complaint.valid_supervisor"]
LADDER = [
    {"when": "warn", "notify": ["owner"]},
    {"when": "due", "after_minutes": 0, "notify": ["owner", "supervisor"]},
    {"when": "due", "after_minutes": 30, "notify": ["manager"]},
    {"when": "due", "after_minutes": 120, "notify": ["quality"]},
]


def forward(apps, schema_editor):
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    calendar = BusinessCalendar.objects.filter(kind="always").order_by("pk").first()
    if calendar is not None and not SlaPolicy.objects.filter(code=CODE, service_center__isnull=True).exists():
        SlaPolicy.objects.create(
            code=CODE,
            name=N_("按约定时间答复客户"),
            requirement="R-CP-3",
            kinds=["complaint"],
            start_event="complaint.reply_agreed",
            stop_events=[
                "ticket.replied",
                "complaint.opinion",
                "complaint.reply_rescheduled",
                "ticket.resolved",
                "ticket.closed",
            ],
            duration_minutes=1440,
            warn_ratio=0.75,
            calendar=calendar,
            ladder=LADDER,
        )
    for policy in SlaPolicy.objects.filter(start_event__in=VALIDITY_STARTS):
        if RECLASSIFIED not in policy.stop_events:
            policy.stop_events = [*policy.stop_events, RECLASSIFIED]
            policy.save(update_fields=["stop_events"])


def backward(apps, schema_editor):
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    SlaPolicy.objects.filter(code=CODE, service_center__isnull=True, targets=None).delete()
    for policy in SlaPolicy.objects.filter(start_event__in=VALIDITY_STARTS):
        if RECLASSIFIED in policy.stop_events:
            policy.stop_events = [e for e in policy.stop_events if e != RECLASSIFIED]
            policy.save(update_fields=["stop_events"])


class Migration(migrations.Migration):
    dependencies = [("complaints", "0005_documents_and_record"), ("sla", "0006_complaint_reschedule_triggers")]
    operations = [migrations.RunPython(forward, backward)]
