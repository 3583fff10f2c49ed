"""Seed the business calendars and the company-wide default SLA policies of the SPEC."""

import datetime as dt

from django.db import migrations

STD = [
    {"when": "warn", "notify": ["owner"]},
    {"when": "due", "after_minutes": 0, "notify": ["owner", "supervisor"]},
    {"when": "due", "after_minutes": 30, "notify": ["manager"]},
    {"when": "due", "after_minutes": 120, "notify": ["quality"]},
]
WORK = [
    {"when": "warn", "notify": ["owner"]},
    {"when": "due", "after_minutes": 0, "notify": ["owner", "control", "repair_manager"]},
    {"when": "due", "after_minutes": 30, "notify": ["manager"]},
    {"when": "due", "after_minutes": 120, "notify": ["quality"]},
]
ALL_BUT_PRAISE = ["repair", "complaint", "suggestion", "consultation", "special_service", "feedback"]
WAITING = ["waiting_customer", "waiting_vendor"]

# code, name, requirement, kinds, sources, priorities, start, stops, minutes, same_day, from_receipt, calendar, pauses, ladder
POLICIES = [
    ("dispatch", "5 分钟内派单", "R-WO-1", ["repair", "special_service"], [], [], "ticket.created",
     ["ticket.assigned", "work.dispatched", "ticket.resolved", "ticket.closed"], 5, False, False, "always", [], STD),
    ("completion_report", "完工后 10 分钟内报控制中心", "R-WO-2", [], [], [], "work.finished",
     ["work.reported"], 10, False, False, "always", [], WORK),
    ("shift_signoff", "交班前到控制中心签认", "R-WO-2", [], [], [], "work.reported",
     ["work.signed_off"], None, True, False, "desk", [], WORK),
    ("housekeeping_return_visit", "家政完工后即时回访", "R-WO-3", ["special_service"], [], [], "ticket.resolved",
     ["work.return_visited", "ticket.replied", "ticket.closed"], 30, False, False, "desk", [], STD),
    ("first_response", "首问责任：2 小时内答复客户", "R-IN-5", ALL_BUT_PRAISE, [], [], "ticket.created",
     ["ticket.replied", "ticket.resolved", "ticket.closed"], 120, False, False, "desk", [], STD),
    ("complaint_first_contact", "投诉 2 小时内联系客户", "R-CP-3", ["complaint"], [], [], "ticket.created",
     ["ticket.replied"], 120, False, False, "desk", [], STD),
    ("complaint_invalid_explained", "无效投诉 2 小时内解释", "R-CP-3", ["complaint"], [], [], "complaint.invalid",
     ["ticket.replied"], 120, False, False, "desk", [], STD),
    ("complaint_supervisor_same_day", "主管处理的有效投诉当日答复", "R-CP-3", ["complaint"], [], [],
     "complaint.valid_supervisor", ["ticket.replied"], None, True, False, "desk", [], STD),
    ("developer_complaint_result", "开发商转来的投诉完成后 12 小时内回复结果", "R-CP-3", ["complaint"], ["superior"], [],
     "ticket.resolved", ["ticket.replied", "ticket.closed"], 720, False, False, "always", [], STD),
    ("feedback_result", "信息反馈 24 小时内回复结果", "R-FB-1", ["feedback"], [], [], "ticket.created",
     ["ticket.resolved", "ticket.closed"], 1440, False, False, "always", WAITING, STD),
    ("superior_escalation", "需上级决定的事项 2 小时内上报", "R-FB-2", [], [], [], "ticket.escalation_requested",
     ["ticket.escalation_requested"], 120, False, True, "always", [], STD),
    ("superior_answer", "上级 24 小时内答复前台", "R-FB-2", [], [], [], "ticket.escalation_requested",
     ["ticket.replied", "ticket.resolved", "ticket.closed"], 1440, False, False, "always", WAITING, STD),
    ("major_progress", "重大事项 48 小时内告知进展", "R-FB-3", [], [], ["urgent"], "ticket.created",
     ["ticket.replied", "ticket.resolved", "ticket.closed"], 2880, False, False, "always", [], STD),
]


def seed(apps, schema_editor):
    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    calendars = {
        "always": BusinessCalendar.objects.create(name="全天候（24×7）", kind="always"),
        "desk": BusinessCalendar.objects.create(
            name="客服前台 9:00–20:00（每日）", kind="daily_hours", opens=dt.time(9), closes=dt.time(20)
        ),
        "office": BusinessCalendar.objects.create(
            name="办公室 9:00–18:00（工作日）", kind="workdays", opens=dt.time(9), closes=dt.time(18)
        ),
    }
    for (code, name, req, kinds, sources, priorities, start, stops, minutes, same_day, from_receipt, cal,
         pauses, ladder) in POLICIES:
        SlaPolicy.objects.create(
            code=code, name=name, requirement=req, kinds=kinds, sources=sources, priorities=priorities,
            start_event=start, stop_events=stops, duration_minutes=minutes, same_business_day=same_day,
            clock_from_receipt=from_receipt, calendar=calendars[cal], pause_statuses=pauses, ladder=ladder,
        )


def unseed(apps, schema_editor):
    apps.get_model("sla", "SlaPolicy").objects.filter(service_center__isnull=True).delete()
    apps.get_model("sla", "BusinessCalendar").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
