"""Monthly work (R-CP-8): the month's summary, anonymised training cases, the public-interest notice approved and
published by the 30th (late otherwise), corrective/preventive actions to done (overdue told once), and the
quarterly developer-legacy statistics of a young community reviewed and submitted."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.complaints import selectors_monthly, services
from propdesk.complaints.choices import DeveloperMatter, ResponsibilityClass, Validity
from propdesk.complaints.models_monthly import NoticeStatus
from propdesk.complaints.services import legacy, monthly
from propdesk.core.errors import StaleVersion
from propdesk.notify.models import Channel, Notification
from propdesk.org.choices import Role
from propdesk.testing.clock import shanghai_time as t
from propdesk.testing.roles import role_user
from propdesk.tickets.choices import ReplyMethod

pytestmark = pytest.mark.usefixtures("clock")
NOV = dt.date(2026, 11, 1)


def test_the_month_is_summarised_by_class_validity_community_handler_and_timeliness(record, cast, clock):
    one = record(content="垃圾桶三天没清运")
    services.complaint_classify(actor=cast.reception, complaint=one, responsibility_class=1, validity=Validity.VALID)
    services.complaint_assign(actor=cast.supervisor, complaint=one)
    record(content="楼道灯坏了")
    clock.move_to(t(2026, 11, 18, 10, 30))
    services.complaint_reply(actor=cast.assistant, complaint=one, method=ReplyMethod.PHONE, content="已清运")
    summary = selectors_monthly.monthly_summary(user=cast.supervisor, month=NOV)
    assert (summary.total, summary.open, summary.repeats) == (2, 2, 0)
    assert dict(summary.by_class) == {"一类：本中心服务": 1, "未分类": 1}
    assert dict(summary.by_validity) == {"有效投诉": 1, "未判定": 1}
    assert dict(summary.by_community) == {"翠湖花园": 2}
    assert dict(summary.by_handler)["—"] == 1
    assert summary.clocks_met >= 1 and summary.on_time_rate == 100.0
    assert selectors_monthly.monthly_summary(user=cast.reception_b, month=NOV).total == 0
    assert selectors_monthly.monthly_summary(user=cast.supervisor, month=dt.date(2026, 10, 1)).total == 0


def test_a_training_case_is_anonymised(record, cast, world):
    complaint = record(
        content=f"{world.resident_a.name}投诉：3栋2单元1202楼上漏水，电话13812345678",
        contact_name=world.resident_a.name,
    )
    services.complaint_reply(
        actor=cast.assistant, complaint=complaint, method=ReplyMethod.PHONE, content="已联系1302业主维修"
    )
    case = monthly.training_case_write(
        actor=cast.assistant, complaint=complaint, title="楼上漏水的协调", lessons="及时上门"
    )
    assert world.resident_a.name not in case.story and "13812345678" not in case.story and "1202" not in case.story
    assert "业户投诉" in case.story and "漏水" in case.story and "***" in case.story
    with pytest.raises(PermissionDenied):
        monthly.training_case_write(actor=cast.reception, complaint=complaint, title="x")


@pytest.fixture
def head(world):
    return role_user(Role.DEPARTMENT_MANAGER, world.center_a, username="head-a")


def test_the_notice_is_approved_then_published_by_the_30th(record, cast, head, clock, world):
    chosen = record(content="小区路灯不亮")
    with pytest.raises(ValidationError):
        monthly.notice_draft(
            actor=cast.supervisor, service_center=world.center_a, month=NOV, title="t", body="b", complaints=[]
        )
    notice = monthly.notice_draft(
        actor=cast.supervisor,
        service_center=world.center_a,
        month=dt.date(2026, 11, 18),
        title="11月公共投诉处理情况",
        body="路灯已全部修复",
        complaints=[chosen],
    )
    assert (notice.month, notice.due_on, notice.status) == (NOV, dt.date(2026, 11, 30), NoticeStatus.DRAFT)
    with pytest.raises(ValidationError, match="审批"):
        monthly.notice_publish(actor=cast.supervisor, notice=notice, how="公告栏")
    with pytest.raises(PermissionDenied):
        monthly.notice_approve(actor=cast.supervisor, notice=notice)
    with pytest.raises(StaleVersion):
        monthly.notice_approve(actor=head, notice=notice, expected_version=5)
    notice = monthly.notice_approve(actor=head, notice=notice, expected_version=1)
    clock.move_to(t(2026, 11, 29, 10))
    notice = monthly.notice_publish(actor=cast.supervisor, notice=notice, how="各楼栋公告栏及业主群")
    assert notice.status == NoticeStatus.PUBLISHED and not notice.late


def test_a_notice_unpublished_after_the_30th_is_late(record, cast, head, clock, world):
    notice = monthly.notice_draft(
        actor=cast.supervisor, service_center=world.center_a, month=NOV, title="t", body="b", complaints=[record()]
    )
    clock.move_to(t(2026, 11, 30, 23))
    assert not notice.late
    clock.move_to(t(2026, 12, 1, 9))
    assert notice.late
    notice = monthly.notice_approve(actor=head, notice=notice)
    notice = monthly.notice_publish(actor=cast.supervisor, notice=notice, how="公告栏")
    assert notice.late
    assert monthly.notice_due(dt.date(2027, 2, 1)) == dt.date(2027, 2, 28)


@pytest.fixture
def business(world):
    return role_user(Role.BUSINESS_DEPT, world.company, username="business")


def test_a_corrective_action_goes_to_done(business, cast, world, clock):
    with pytest.raises(PermissionDenied):
        monthly.action_issue(
            actor=cast.manager,
            service_center=world.center_a,
            month=NOV,
            kind="corrective",
            title="x",
            due_on=dt.date(2026, 12, 10),
        )
    action = monthly.action_issue(
        actor=business,
        service_center=world.center_a,
        month=NOV,
        kind="corrective",
        title="垃圾清运投诉集中：增加清运频次",
        due_on=dt.date(2026, 12, 10),
    )
    told = Notification.objects.get(recipient=cast.manager, channel=Channel.INAPP)
    assert "垃圾清运" in str(told.subject)
    action = monthly.action_progress(actor=cast.supervisor, action=action, note="已与保洁公司签补充协议")
    assert [p["note"] for p in action.progress] == ["已与保洁公司签补充协议"]
    with pytest.raises(PermissionDenied):
        monthly.action_finish(actor=cast.supervisor, action=action, note="完成")
    clock.move_to(t(2026, 12, 5, 10))
    action = monthly.action_finish(actor=cast.manager, action=action, note="每日两次清运已落实")
    assert action.done_at == t(2026, 12, 5, 10) and not action.overdue
    with pytest.raises(ValidationError):
        monthly.action_progress(actor=cast.supervisor, action=action, note="x")


def test_an_overdue_action_is_flagged_and_told_once(business, cast, world, clock):
    action = monthly.action_issue(
        actor=business,
        service_center=world.center_a,
        month=NOV,
        kind="preventive",
        title="培训",
        due_on=dt.date(2026, 11, 20),
    )
    assert monthly.remind_overdue_actions() == 0
    clock.move_to(t(2026, 11, 21, 9))
    assert monthly.remind_overdue_actions() == 1 and monthly.remind_overdue_actions() == 0
    action.refresh_from_db()
    assert action.overdue
    subjects = [str(n.subject) for n in Notification.objects.filter(recipient=cast.manager, channel=Channel.INAPP)]
    assert any("已超期" in s for s in subjects)


def test_developer_legacy_statistics_of_a_young_community(record, cast, world, business, clock):
    world.community_a.handover_date = dt.date(2026, 3, 1)
    world.community_a.save(update_fields=["handover_date"])
    complaint = record(content="墙面开裂渗水")
    services.complaint_classify(
        actor=cast.reception,
        complaint=complaint,
        responsibility_class=ResponsibilityClass.DEVELOPER,
        developer_matter=DeveloperMatter.HOUSING,
        validity=Validity.VALID,
    )
    report = legacy.legacy_compile(actor=cast.supervisor, community=world.community_a, year=2026, quarter=4)
    assert (report.figures["total"], report.figures["housing"], report.figures["open"]) == (1, 1, 1)
    with pytest.raises(ValidationError, match="审核"):
        legacy.legacy_submit(actor=cast.manager, report=report)
    with pytest.raises(PermissionDenied):
        legacy.legacy_review(actor=cast.supervisor, report=report)
    report = legacy.legacy_review(actor=cast.manager, report=report, note="已核对")
    report = legacy.legacy_submit(actor=cast.manager, report=report)
    assert report.submitted_by == cast.manager
    assert Notification.objects.filter(recipient=business, channel=Channel.INAPP).count() == 1
    with pytest.raises(ValidationError, match="交付已满一年"):
        legacy.legacy_compile(actor=cast.supervisor, community=world.community_a, year=2027, quarter=2)
