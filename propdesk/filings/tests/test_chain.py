"""The approval chains (R-RP-2/3/4): every step in order and none skipped, returned to the drafter, the first
two reports of a new project through the quality center, the quarterly report published as a notice that goes
through the notices' own chain, receipts recorded."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from propdesk.core.errors import StaleVersion
from propdesk.filings.choices import FilingKind, FilingStatus
from propdesk.filings.models import Filing, FilingEvent
from propdesk.filings.services import document_attach, filing_open, filing_return, filing_step, filing_update
from propdesk.notices.choices import NoticeKind, NoticeStatus
from propdesk.notices.services import notice_approve
from propdesk.notify.models import Notification
from propdesk.testing.factories import CommunityFactory

pytestmark = pytest.mark.usefixtures("clock")
Q3 = dt.date(2026, 8, 1)


def _quarterly(cast, world, community=None, day=Q3):
    filing = filing_open(
        actor=cast.cs,
        kind=FilingKind.QUARTERLY,
        service_center=world.center_a,
        community=community or world.community_a,
        day=day,
    )
    return filing_update(
        actor=cast.cs, filing=filing, sections={"security": "巡逻 90 次", "greening": "补种草坪"}, expected_version=None
    )


def _step(actor, filing, step, **data):
    return filing_step(actor=actor, filing=filing, step=step, expected_version=filing.version, data=data)


def test_the_quarterly_report_goes_through_every_step_and_its_notice_into_the_notices_chain(cast, world):
    filing = _quarterly(cast, world)
    assert (filing.period_start, filing.period_end, filing.needs_quality) == (
        dt.date(2026, 7, 1),
        dt.date(2026, 9, 30),
        False,
    )
    filing = _step(cast.cs, filing, "submit")
    filing = _step(cast.manager, filing, "review")
    filing = _step(cast.leader, filing, "approve")
    filing = _step(cast.info, filing, "post")
    assert filing.status == FilingStatus.POSTED and filing.notice is None
    filing = _step(cast.cs, filing, "publish")
    notice = filing.notice
    assert (notice.kind, notice.status, notice.community_id) == (
        NoticeKind.REPORT,
        NoticeStatus.SUBMITTED,
        world.community_a.pk,
    )
    assert "补种草坪" in notice.body
    notice = notice_approve(actor=cast.manager, notice=notice, expected_version=notice.version)
    assert notice.status == NoticeStatus.APPROVED
    filing = _step(cast.cs, filing, "deliver", receipt_by="业委会 王主任", receipt_note="原件存档")
    assert (filing.status, filing.receipt_by, filing.receipt_note) == (
        FilingStatus.DELIVERED,
        "业委会 王主任",
        "原件存档",
    )
    assert [d.done_by for d in filing.deadlines.order_by("position")] == [
        cast.cs,
        cast.manager,
        cast.leader,
        cast.info,
        cast.cs,
        cast.cs,
    ]
    kinds = list(FilingEvent.objects.filter(filing=filing).values_list("kind", flat=True))
    assert kinds == ["created", "edited", "submit", "review", "approve", "post", "publish", "deliver"]


def test_a_step_cannot_be_skipped_and_nothing_changes(cast, world):
    filing = _step(cast.cs, _quarterly(cast, world), "submit")
    with pytest.raises(ValidationError) as info:
        _step(cast.leader, filing, "approve")
    assert "不能跳过" in str(info.value)
    with pytest.raises(ValidationError):
        _step(cast.info, filing, "post")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED
    assert not filing.deadlines.filter(step="approve", done_at__isnull=False).exists()


def test_a_step_is_only_taken_by_its_role_in_its_scope(cast, world):
    filing = _step(cast.cs, _quarterly(cast, world), "submit")
    for actor in (cast.cs, cast.leader, cast.manager_b, cast.quality):
        with pytest.raises(PermissionDenied):
            _step(actor, filing, "review")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED


def test_a_stale_version_is_refused(cast, world):
    filing = _quarterly(cast, world)
    with pytest.raises(StaleVersion):
        filing_step(actor=cast.cs, filing=filing, step="submit", expected_version=filing.version - 1)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.DRAFT


def test_an_empty_report_cannot_be_submitted(cast, world):
    filing = filing_open(
        actor=cast.cs, kind=FilingKind.QUARTERLY, service_center=world.center_a, community=world.community_a, day=Q3
    )
    with pytest.raises(ValidationError) as info:
        _step(cast.cs, filing, "submit")
    assert "文字部分" in str(info.value)


def test_returned_to_the_drafter_then_the_chain_starts_again(cast, world):
    filing = _step(cast.manager, _step(cast.cs, _quarterly(cast, world), "submit"), "review")
    with pytest.raises(PermissionDenied):
        filing_return(actor=cast.manager, filing=filing, reason="数字不对", expected_version=filing.version)
    filing = filing_return(actor=cast.leader, filing=filing, reason="保安部分太简单", expected_version=filing.version)
    assert filing.status == FilingStatus.RETURNED
    assert not filing.deadlines.filter(done_at__isnull=False).exists()
    assert Notification.objects.filter(recipient=cast.cs, kind="filings.returned").exists()
    with pytest.raises(ValidationError):
        _step(cast.manager, filing, "review")
    filing = filing_update(actor=cast.cs, filing=filing, sections={"security": "详细"}, expected_version=filing.version)
    assert _step(cast.cs, filing, "submit").status == FilingStatus.SUBMITTED


def test_the_first_two_reports_of_a_new_project_need_the_quality_center(cast, world):
    young = CommunityFactory(service_center=world.center_a, handover_date=dt.date(2026, 3, 1), household_count=300)
    first = _quarterly(cast, world, young, dt.date(2026, 4, 1))
    second = _quarterly(cast, world, young, dt.date(2026, 7, 1))
    third = _quarterly(cast, world, young, dt.date(2026, 10, 1))
    old = _quarterly(cast, world)
    assert [f.needs_quality for f in (first, second, third, old)] == [True, True, False, False]
    filing = _step(cast.leader, _step(cast.manager, _step(cast.cs, first, "submit"), "review"), "approve")
    assert filing.status == FilingStatus.APPROVED
    with pytest.raises(ValidationError):
        _step(cast.info, filing, "post")
    with pytest.raises(PermissionDenied):
        _step(cast.leader, filing, "quality_approve")
    filing = _step(cast.quality, filing, "quality_approve")
    assert _step(cast.info, filing, "post").status == FilingStatus.POSTED
    assert list(first.deadlines.values_list("step", flat=True)) == [
        "submit",
        "review",
        "approve",
        "quality_approve",
        "post",
        "publish",
        "deliver",
    ]


def test_the_brief_is_copied_to_quality_and_delivered_to_the_client(cast, world):
    small = CommunityFactory(service_center=world.center_a, single_owner=True, household_count=1)
    filing = filing_open(actor=cast.cs, kind=FilingKind.BRIEF, service_center=world.center_a, community=small, day=Q3)
    filing = filing_update(actor=cast.cs, filing=filing, sections={"work": "本月完成维修 12 项"}, expected_version=None)
    filing = _step(cast.leader, _step(cast.manager, _step(cast.cs, filing, "submit"), "review"), "approve")
    assert Notification.objects.filter(recipient=cast.quality, kind="filings.copied").count() == 1
    filing = _step(cast.assistant, filing, "deliver", receipt_by="委托方 李经理")
    assert (filing.status, filing.receipt_by) == (FilingStatus.DELIVERED, "委托方 李经理")


def test_the_kind_must_fit_the_project(cast, world):
    small = CommunityFactory(service_center=world.center_a, household_count=8)
    with pytest.raises(ValidationError):
        filing_open(actor=cast.cs, kind=FilingKind.QUARTERLY, service_center=world.center_a, community=small, day=Q3)
    with pytest.raises(ValidationError):
        filing_open(
            actor=cast.cs, kind=FilingKind.BRIEF, service_center=world.center_a, community=world.community_a, day=Q3
        )
    with pytest.raises(PermissionDenied):
        filing_open(
            actor=cast.cs, kind=FilingKind.QUARTERLY, service_center=world.center_b, community=world.community_b, day=Q3
        )

    assert Filing.objects.count() == 0


def test_a_period_is_opened_once(cast, world):
    _quarterly(cast, world)
    with pytest.raises(ValidationError) as info:
        _quarterly(cast, world, day=dt.date(2026, 9, 30))
    assert "已经建立" in str(info.value)
    assert Filing.objects.count() == 1


def test_half_month_statistics_are_approved_by_the_manager_and_circulated(cast, world):
    filing = filing_open(
        actor=cast.cs, kind=FilingKind.HALF_MONTH, service_center=world.center_a, day=dt.date(2026, 11, 3)
    )
    assert (filing.period_start, filing.period_end) == (dt.date(2026, 11, 1), dt.date(2026, 11, 15))
    filing = filing_update(actor=cast.cs, filing=filing, sections={"news": "消防演练"}, expected_version=None)
    filing = _step(cast.cs, filing, "submit")
    with pytest.raises(PermissionDenied):
        _step(cast.leader, filing, "manager_approve")
    filing = _step(cast.manager, filing, "manager_approve")
    assert _step(cast.cs, filing, "circulate").status == FilingStatus.CIRCULATED
    circulated = Notification.objects.filter(kind="filings.circulated", channel="inapp")
    assert set(circulated.values_list("recipient", flat=True)) == {cast.manager.pk, cast.leader.pk}


def test_the_yearly_budget_needs_its_document(cast, world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    filing = filing_open(
        actor=cast.cs,
        kind=FilingKind.BUDGET,
        service_center=world.center_a,
        community=world.community_a,
        day=dt.date(2026, 6, 1),
    )
    assert filing.deadlines.get(step="publish").due_on == dt.date(2027, 1, 15)
    with pytest.raises(ValidationError):
        _step(cast.cs, filing, "submit")
    bad = SimpleUploadedFile("budget.pdf", b"MZ not a pdf")
    with pytest.raises(ValidationError):
        document_attach(actor=cast.cs, filing=filing, upload=bad, expected_version=None)
    pdf = SimpleUploadedFile("预决算.pdf", b"%PDF-1.4 budget")
    filing = document_attach(actor=cast.cs, filing=filing, upload=pdf, expected_version=None)
    filing = _step(cast.cs, filing, "submit")
    assert _step(cast.info, filing, "publish").status == FilingStatus.PUBLISHED
