"""The monthly page: the summary with its .xlsx, the notice drafted, approved, published and printed with the seal,
an action issued by the business-management department and finished by the manager, a training case from the
complaint page; refusals are messages that change nothing."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from propdesk.complaints.models import CorrectiveAction, PublicNotice, TrainingCase
from propdesk.org.choices import Role
from propdesk.testing.roles import role_user

pytestmark = pytest.mark.usefixtures("clock")


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_the_summary_page_and_its_sheet(record, cast, client):
    record()
    client.force_login(cast.supervisor)
    page = client.get(reverse("complaints:monthly") + "?month=2026-11").content.decode()
    assert "投诉月度工作 · 2026-11" in page and "共 1 宗" in page
    response = client.get(reverse("complaints:monthly_export") + "?month=2026-11")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))[:2] == ("投诉总数", 1)
    bad = client.get(reverse("complaints:monthly") + "?month=2026-13", follow=True)
    assert "月份格式不正确" in _messages(bad)


def test_the_notice_from_draft_to_print(record, cast, client, world):
    complaint = record(content="小区路灯不亮")
    head = role_user(Role.DEPARTMENT_MANAGER, world.center_a, username="head-a")
    client.force_login(cast.supervisor)
    url = reverse("complaints:monthly_act", args=["notice"])
    data = {"center": world.center_a.pk, "month": "2026-11", "title": "11月公共投诉处理", "body": "路灯已修复"}
    missing = client.post(url, data | {"complaints": "X-404"}, follow=True)
    assert "找不到投诉" in _messages(missing) and not PublicNotice.objects.exists()
    client.post(url, data | {"complaints": complaint.ticket.number})
    notice = PublicNotice.objects.get()
    client.force_login(head)
    client.post(
        reverse("complaints:monthly_act", args=["approve"]), {"target": notice.pk, "version": 1, "month": "2026-11"}
    )
    client.force_login(cast.supervisor)
    client.post(
        reverse("complaints:monthly_act", args=["publish"]),
        {"target": notice.pk, "version": 2, "note": "公告栏", "month": "2026-11"},
    )
    notice.refresh_from_db()
    assert notice.status == "published" and notice.published_how == "公告栏"
    sheet = client.get(reverse("complaints:notice", args=[notice.pk])).content.decode()
    assert "各位业主、住户" in sheet and "小区路灯不亮" in sheet


def test_an_action_issued_and_finished(cast, client, world):
    business = role_user(Role.BUSINESS_DEPT, world.company, username="business")
    client.force_login(business)
    client.post(
        reverse("complaints:monthly_act", args=["issue"]),
        {
            "center": world.center_a.pk,
            "kind": "corrective",
            "title": "增加清运频次",
            "due_on": "2026-12-10",
            "month": "2026-11",
        },
    )
    action = CorrectiveAction.objects.get()
    client.force_login(cast.supervisor)
    refused = client.post(
        reverse("complaints:monthly_act", args=["finish"]), {"target": action.pk, "note": "完成"}, follow=True
    )
    assert "服务中心经理确认" in _messages(refused)
    client.force_login(cast.manager)
    client.post(reverse("complaints:monthly_act", args=["finish"]), {"target": action.pk, "note": "已落实"})
    action.refresh_from_db()
    assert action.done_by == cast.manager


def test_a_training_case_from_the_complaint_page(record, cast, client):
    complaint = record(content="13812345678 反映3栋电梯异响")
    client.force_login(cast.assistant)
    assert "编为培训案例" in client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    client.post(reverse("complaints:case_write", args=[complaint.pk]), {"title": "电梯异响", "lessons": "及时报修"})
    case = TrainingCase.objects.get()
    assert "13812345678" not in case.story and "电梯异响" in case.story
