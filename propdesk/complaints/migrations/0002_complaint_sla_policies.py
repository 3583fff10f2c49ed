"""The complaint timers the seeded SLA policies do not cover yet (R-CP-3, R-FB-3), as company-wide default
policies of the SLA engine, started by the triggers the complaint services emit:

- ``complaint_on_spot_reply``: answered on the spot → the desk replies with the customer's opinion within 2 h
  (002 §7.1);
- ``complaint_assisted_progress``: an assisted complaint → progress to the customer at an interval; the center
  sets its own interval with a center policy of the same code (002 §9);
- ``complaint_major_progress``: a complaint marked a major matter after intake → progress within 48 h, the CS
  supervisor and the manager told at once (R-FB-3; one recorded as urgent has the ticket core's own clock).

Agreeing a reply time with the customer also stops the "contact the customer within 2 h" clock (R-CP-3).
Every ladder runs handler → CS supervisor → manager → company quality department (R-CP-5). Complaints forwarded
by the developer's customer center (ticket source "superior") already have their 12 h result clock
(``developer_complaint_result``, sla 0002).
"""

from django.db import migrations
from django.utils.translation import gettext_noop as N_

STD = [
    {"when": "warn", "notify": ["owner"]},
    {"when": "due", "after_minutes": 0, "notify": ["owner", "supervisor"]},
    {"when": "due", "after_minutes": 30, "notify": ["manager"]},
    {"when": "due", "after_minutes": 120, "notify": ["quality"]},
]
MAJOR = [{"when": "start", "notify": ["supervisor", "manager"]}, *STD]
DONE = ["ticket.resolved", "ticket.closed"]

# code, name, start, stops, minutes, calendar kind, ladder
POLICIES = [
    ("complaint_on_spot_reply", N_("当场处理的投诉 2 小时内回复客户并记录意见"), "complaint.on_spot",
     ["complaint.opinion"], 120, "daily_hours", STD),
    ("complaint_assisted_progress", N_("协助处理投诉定期告知进展"), "complaint.assisted",
     ["complaint.progress", *DONE], 1440, "always", STD),
    ("complaint_major_progress", N_("重大投诉 48 小时内告知进展并即时报告上级"), "complaint.major",
     ["complaint.progress", "ticket.replied", *DONE], 2880, "always", MAJOR),
]
AGREED = "complaint.reply_agreed"


def _calendar(BusinessCalendar, kind):
    return BusinessCalendar.objects.filter(kind=kind).order_by("pk").first() or BusinessCalendar.objects.filter(
        kind="always"
    ).order_by("pk").first()


def forward(apps, schema_editor):
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    for code, name, start, stops, minutes, kind, ladder in POLICIES:
        calendar = _calendar(BusinessCalendar, kind)
        if calendar is None or SlaPolicy.objects.filter(code=code, service_center__isnull=True).exists():
            continue
        SlaPolicy.objects.create(
            code=code, name=name, requirement="R-FB-3" if "major" in code else "R-CP-3", kinds=["complaint"],
            start_event=start, stop_events=stops, duration_minutes=minutes, calendar=calendar, ladder=ladder,
        )
    first_contact = SlaPolicy.objects.filter(code="complaint_first_contact", service_center__isnull=True).first()
    if first_contact is not None and AGREED not in first_contact.stop_events:
        first_contact.stop_events = [*first_contact.stop_events, AGREED]
        first_contact.save(update_fields=["stop_events"])


def backward(apps, schema_editor):
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    SlaPolicy.objects.filter(code__in=[p[0] for p in POLICIES], service_center__isnull=True, targets=None).delete()
    first_contact = SlaPolicy.objects.filter(code="complaint_first_contact", service_center__isnull=True).first()
    if first_contact is not None and AGREED in first_contact.stop_events:
        first_contact.stop_events = [e for e in first_contact.stop_events if e != AGREED]
        first_contact.save(update_fields=["stop_events"])


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial"), ("sla", "0004_dispatch_and_major_matter_ladders")]
    operations = [migrations.RunPython(forward, backward)]
