"""The registers (R-IN-3, R-IN-4): each shows only its kinds, scoped to the user, filtered by month,
community, status and text, printable, and exported to .xlsx with phones masked."""

import datetime as dt
import io
from urllib.parse import quote

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from propdesk.intake import registers
from propdesk.intake.choices import Outcome
from propdesk.intake.selectors import interaction_list
from propdesk.intake.services import interaction_record
from propdesk.org.choices import Role
from propdesk.testing.clock import SHANGHAI
from propdesk.testing.factories import CommunityFactory, UserFactory, staff_user
from propdesk.tickets.choices import Channel, Kind, Source, Status
from propdesk.tickets.selectors import ticket_list
from propdesk.tickets.services import ticket_assign, ticket_create, ticket_transition

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)

TICKET_HEADERS = [
    "编号",
    "接报时间",
    "补录时间",
    "小区",
    "房号",
    "联系人",
    "联系电话",
    "渠道",
    "内容",
    "首问责任人",
    "当前负责人",
    "状态",
]
CALL_HEADERS = [
    "时间",
    "补录时间",
    "渠道",
    "来源",
    "来电/来访人",
    "联系电话",
    "小区",
    "房号",
    "类别",
    "内容",
    "处理结果",
    "接待人",
    "关联工单",
]
REGISTER_KINDS = {
    "repair": {Kind.REPAIR},
    "complaints": {Kind.COMPLAINT, Kind.SUGGESTION},
    "feedback": {Kind.FEEDBACK},
    "special": {Kind.SPECIAL_SERVICE},
}


pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def now(world, clock):
    """Households exist since 1 October; from here on it is 20 November 2026, 10:00 in Shanghai."""
    clock.move_to(NOW)
    return NOW


@pytest.fixture
def new_ticket(clock, now):
    """ticket_create at a given moment (the clock returns to NOW afterwards, so nothing is back-filled)."""

    def make(*, actor, kind=Kind.REPAIR, content="厨房水管漏水", at=NOW, **kwargs):
        clock.move_to(at)
        try:
            return ticket_create(actor=actor, kind=kind, content=content, channel=Channel.PHONE, **kwargs)
        finally:
            clock.move_to(NOW)

    return make


def get_page(client, slug: str, **params):
    return client.get(reverse("intake:register", args=[slug]), params)


def get_export(client, slug: str, **params):
    return client.get(reverse("intake:register_export", args=[slug]), params)


def sheet_rows(response) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [tuple(row) for row in workbook.active.iter_rows(values_only=True)]


def data_rows(rows: list[tuple], headers: list[str]) -> list[tuple]:
    """The rows after the header row, padded to its width (a row's trailing empty cells are not stored)."""
    index = rows.index(tuple(headers))
    return [row + (None,) * (len(headers) - len(row)) for row in rows[index + 1 :]]


# --- what each register holds ---------------------------------------------------------------------


@pytest.mark.parametrize("slug", sorted(REGISTER_KINDS))
def test_each_ticket_register_shows_only_its_kinds(client, world, reception_a, new_ticket, slug):
    # given one ticket of every kind, and a consultation answered on the phone
    for kind in Kind.values:
        new_ticket(actor=reception_a, kind=kind, content=f"事项-{kind}", community=world.community_a)
    interaction_record(
        actor=reception_a,
        channel=Channel.PHONE,
        kind=Kind.CONSULTATION,
        content="咨询停车月卡",
        community=world.community_a,
        outcome_note="已告知办理流程",
    )
    client.force_login(reception_a)

    # when
    response = get_page(client, slug)

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert str(registers.REGISTERS[slug].title) in content
    shown = {kind for kind in Kind.values if f"事项-{kind}" in content}
    assert shown == REGISTER_KINDS[slug]
    assert "咨询停车月卡" not in content


def test_calls_register_lists_interactions_with_their_linked_ticket(client, world, reception_a, now):
    # given a consultation answered on the spot and a repair call that became a ticket
    interaction_record(
        actor=reception_a,
        channel=Channel.PHONE,
        kind=Kind.CONSULTATION,
        content="咨询停车月卡",
        community=world.community_a,
        caller_name="王先生",
        caller_phone="13700001111",
        outcome_note="已告知办理流程",
    )
    repair_call = interaction_record(
        actor=reception_a,
        channel=Channel.VISIT,
        kind=Kind.REPAIR,
        content="卫生间漏水",
        resident=world.resident_a,
    )
    client.force_login(reception_a)

    # when
    response = get_page(client, "calls")

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "来电来访记录" in content
    assert "咨询停车月卡" in content
    assert "已告知办理流程" in content
    assert "卫生间漏水" in content
    assert repair_call.ticket.number in content
    assert reverse("tickets:detail", args=[repair_call.ticket.pk]) in content
    assert "137****1111" in content
    assert "138****5678" in content
    assert "13700001111" not in content
    assert "13812345678" not in content


def test_register_row_shows_the_r_in_4_columns_masked(client, world, reception_a, new_ticket):
    # given
    ticket = new_ticket(actor=reception_a, content="厨房水管漏水", resident=world.resident_a)
    client.force_login(reception_a)

    # when
    response = get_page(client, "repair")

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert ticket.number in content
    assert "2026-11-20 10:00" in content
    assert "翠湖花园 3栋2单元1202" in content
    assert "张伟" in content
    assert "138****5678" in content
    assert "13812345678" not in content
    assert "电话" in content
    assert "厨房水管漏水" in content
    assert "reception-a" in content  # first responder and current assignee
    assert "待处理" in content
    assert "补录" not in content
    assert "data-print" in content
    assert 'data-label="联系电话"' in content


def test_backfilled_ticket_is_marked_with_its_entry_time(client, world, reception_a, now):
    # given a paper record entered two days after it was received (R-IN-6)
    received = NOW - dt.timedelta(days=2)
    ticket = ticket_create(
        actor=reception_a,
        kind=Kind.REPAIR,
        content="停电期间纸质登记的报修",
        channel=Channel.PHONE,
        community=world.community_a,
        received_at=received,
    )
    client.force_login(reception_a)

    # when
    page = get_page(client, "repair")
    export = get_export(client, "repair")

    # then
    content = page.content.decode()
    assert "补录" in content
    assert "2026-11-18 10:00" in content
    assert "录入 2026-11-20 10:00" in content
    rows = data_rows(sheet_rows(export), TICKET_HEADERS)
    assert rows[0][0] == ticket.number
    assert rows[0][1] == dt.datetime(2026, 11, 18, 10, 0)
    assert rows[0][2] == dt.datetime(2026, 11, 20, 10, 0)


# --- scoping --------------------------------------------------------------------------------------


def test_staff_of_another_center_see_only_their_rows_in_page_and_export(
    client, world, reception_a, reception_b, new_ticket
):
    # given a repair in each center, and a call in center A
    new_ticket(actor=reception_a, content="翠湖的报修", resident=world.resident_a)
    new_ticket(actor=reception_b, content="云山的报修", resident=world.resident_b)
    interaction_record(
        actor=reception_a,
        channel=Channel.PHONE,
        kind=Kind.CONSULTATION,
        content="翠湖的咨询",
        community=world.community_a,
        outcome_note="已答复",
    )
    client.force_login(reception_b)

    # when
    page = get_page(client, "repair")
    export = get_export(client, "repair")
    calls = get_page(client, "calls")

    # then
    content = page.content.decode()
    assert "云山的报修" in content
    assert "翠湖的报修" not in content
    assert "翠湖花园" not in content  # not even in the community filter
    rows = data_rows(sheet_rows(export), TICKET_HEADERS)
    assert [row[8] for row in rows] == ["云山的报修"]
    assert "翠湖的咨询" not in calls.content.decode()


def test_filtering_by_a_community_the_user_cannot_see_is_refused(client, world, reception_b, now):
    # given
    client.force_login(reception_b)

    # when
    response = get_page(client, "repair", community=world.community_a.pk)

    # then
    assert response.status_code == 400
    assert "所选小区不存在或您无权查看" in response.content.decode()


def test_resident_is_refused(client, world, now):
    # given resident A's portal login
    user = UserFactory(username="zhangwei")
    world.resident_a.user = user
    world.resident_a.save(update_fields=["user"])
    client.force_login(user)

    # when / then
    assert get_page(client, "repair").status_code == 403
    assert get_export(client, "repair").status_code == 403
    assert get_page(client, "calls").status_code == 403


def test_field_staff_are_refused(client, world, now):
    # given a technician: they see their own jobs elsewhere, not the registers
    technician = staff_user("tech-a", Role.TECHNICIAN, center=world.center_a)
    client.force_login(technician)

    # when / then
    assert get_page(client, "repair").status_code == 403
    assert get_export(client, "repair").status_code == 403


def test_anonymous_is_sent_to_login(client, world, now):
    response = get_page(client, "repair")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_unknown_register_is_404(client, reception_a, now):
    client.force_login(reception_a)

    assert get_page(client, "nonsense").status_code == 404
    assert get_export(client, "nonsense").status_code == 404


# --- filters --------------------------------------------------------------------------------------


def test_default_period_is_the_current_month_and_dates_filter(client, world, reception_a, new_ticket):
    # given a repair in late October and one in November
    new_ticket(
        actor=reception_a,
        content="十月的报修",
        community=world.community_a,
        at=dt.datetime(2026, 10, 31, 23, 30, tzinfo=SHANGHAI),
    )
    new_ticket(
        actor=reception_a,
        content="十一月的报修",
        community=world.community_a,
        at=dt.datetime(2026, 11, 1, 0, 10, tzinfo=SHANGHAI),
    )
    client.force_login(reception_a)

    # when
    default = get_page(client, "repair").content.decode()
    october = get_page(client, "repair", **{"from": "2026-10-01", "to": "2026-10-31"}).content.decode()
    unbounded = get_page(client, "repair", **{"from": "", "to": ""}).content.decode()

    # then
    assert "十一月的报修" in default
    assert "十月的报修" not in default
    assert "接报日期：2026-11-01 至 2026-11-30" in default
    assert "十月的报修" in october
    assert "十一月的报修" not in october
    assert "十月的报修" in unbounded
    assert "十一月的报修" in unbounded


def test_search_by_text_phone_and_room(client, world, reception_a, new_ticket):
    # given
    new_ticket(actor=reception_a, content="厨房水管漏水", resident=world.resident_a)
    new_ticket(actor=reception_a, content="楼道灯不亮", community=world.community_a, contact_name="陈女士")
    client.force_login(reception_a)

    # when
    by_text = get_page(client, "repair", q="漏水").content.decode()
    by_phone = get_page(client, "repair", q="13812345678").content.decode()
    by_room = get_page(client, "repair", q="3-2-1202").content.decode()
    nothing = get_page(client, "repair", q="电梯").content.decode()

    # then
    for content in (by_text, by_phone, by_room):
        assert "厨房水管漏水" in content
        assert "楼道灯不亮" not in content
    assert "关键词：漏水" in by_text
    assert "关键词：138****5678" in by_phone  # the summary is printed: a searched phone is masked too
    assert "没有符合条件的记录。" in nothing


def test_export_of_a_phone_search_has_no_clear_phone(client, world, reception_a, new_ticket):
    # given
    new_ticket(actor=reception_a, content="厨房水管漏水", resident=world.resident_a)
    client.force_login(reception_a)

    # when
    rows = sheet_rows(get_export(client, "repair", q="13812345678"))

    # then
    assert rows[1][0] == "筛选条件：小区：全部；状态：全部；接报日期：2026-11-01 至 2026-11-30；关键词：138****5678"
    assert [row[8] for row in data_rows(rows, TICKET_HEADERS)] == ["厨房水管漏水"]
    assert not any("13812345678" in str(value) for row in rows for value in row)


def test_search_in_the_calls_register(client, world, reception_a, now):
    # given
    for content, phone in (("咨询停车月卡", "13700001111"), ("咨询装修押金", "13900002222")):
        interaction_record(
            actor=reception_a,
            channel=Channel.PHONE,
            kind=Kind.CONSULTATION,
            content=content,
            community=world.community_a,
            caller_phone=phone,
            outcome_note="已答复",
        )
    client.force_login(reception_a)

    # when
    by_text = get_page(client, "calls", q="停车").content.decode()
    by_phone = get_page(client, "calls", q="1390000").content.decode()

    # then
    assert "咨询停车月卡" in by_text
    assert "咨询装修押金" not in by_text
    assert "咨询装修押金" in by_phone
    assert "咨询停车月卡" not in by_phone


def test_status_and_community_filters(client, world, reception_a, new_ticket):
    # given a second community of center A, and a ticket in progress
    center_manager = staff_user("manager-a", Role.CENTER_MANAGER, center=world.center_a)
    phase_two = CommunityFactory(service_center=world.center_a, name="翠湖二期", code="cuihu2")
    started = new_ticket(actor=reception_a, content="处理中的报修", community=world.community_a)
    ticket_transition(actor=reception_a, ticket=started, to_status=Status.IN_PROGRESS)
    new_ticket(actor=reception_a, content="待处理的报修", community=world.community_a)
    new_ticket(actor=reception_a, content="二期的报修", community=phase_two)
    client.force_login(center_manager)

    # when
    in_progress = get_page(client, "repair", status=Status.IN_PROGRESS).content.decode()
    in_a = get_page(client, "repair", community=world.community_a.pk).content.decode()

    # then
    assert "处理中的报修" in in_progress
    assert "待处理的报修" not in in_progress
    assert "状态：处理中" in in_progress
    assert "二期的报修" not in in_progress
    assert "处理中的报修" in in_a
    assert "待处理的报修" in in_a
    assert "二期的报修" not in in_a
    assert "小区：翠湖花园" in in_a


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "abc", "to": "2026-11-30"}, "日期格式不正确"),
        ({"from": "2026-11-30", "to": "2026-11-01"}, "结束日期不能早于开始日期"),
        ({"from": "0001-01-01", "to": "9999-12-31"}, "日期超出范围"),
        ({"status": "lost"}, "未知的状态：lost"),
        ({"community": "x"}, "所选小区不存在或您无权查看"),
        ({"q": "长" * 101}, "关键词不能超过 100 个字"),
    ],
)
def test_bad_filters_are_a_chinese_400_on_page_and_export(client, reception_a, now, params, message):
    # given
    client.force_login(reception_a)

    # when
    page = get_page(client, "repair", **params)
    export = get_export(client, "repair", **params)

    # then
    assert page.status_code == 400
    assert message in page.content.decode()
    assert "筛选条件有误" in page.content.decode()
    assert export.status_code == 400
    assert message in export.content.decode()


def test_page_shows_50_rows_and_pages_on(client, world, reception_a, new_ticket, monkeypatch):
    # given a page size of 2 (the real size is 50) and three repairs
    assert registers.PAGE_SIZE == 50
    monkeypatch.setattr(registers, "PAGE_SIZE", 2)
    for n in range(3):
        new_ticket(
            actor=reception_a, content=f"第{n}件报修", community=world.community_a, at=NOW - dt.timedelta(hours=3 - n)
        )
    client.force_login(reception_a)

    # when
    first = get_page(client, "repair").content.decode()
    second = get_page(client, "repair", page=2).content.decode()
    export = data_rows(sheet_rows(get_export(client, "repair", page=2)), TICKET_HEADERS)

    # then newest first, two per page; the export holds all of them
    assert "第2件报修" in first
    assert "第1件报修" in first
    assert "第0件报修" not in first
    assert "第 1 / 2 页" in first
    assert "page=2" in first
    assert "第0件报修" in second
    assert "第2件报修" not in second
    assert [row[8] for row in export] == ["第2件报修", "第1件报修", "第0件报修"]


def test_htmx_request_gets_only_the_table(client, world, reception_a, new_ticket):
    # given
    new_ticket(actor=reception_a, content="厨房水管漏水", community=world.community_a)
    client.force_login(reception_a)

    # when
    response = client.get(reverse("intake:register", args=["repair"]), HTTP_HX_REQUEST="true")

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "厨房水管漏水" in content
    assert "<html" not in content


# --- export ---------------------------------------------------------------------------------------


def test_repair_export_has_title_filters_headers_and_masked_rows(client, world, reception_a, new_ticket):
    # given
    ticket = new_ticket(
        actor=reception_a,
        content="厨房水管漏水",
        resident=world.resident_a,
        at=dt.datetime(2026, 11, 3, 8, 15, tzinfo=SHANGHAI),
    )
    new_ticket(actor=reception_a, kind=Kind.COMPLAINT, content="投诉噪音", community=world.community_a)
    client.force_login(reception_a)

    # when
    response = get_export(client, "repair")

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == (
        'attachment; filename="repair_20261101-20261130.xlsx"; '
        f"filename*=UTF-8''{quote('报修登记_20261101-20261130.xlsx')}"
    )
    rows = sheet_rows(response)
    assert rows[0][0] == "业主报修记录表"
    assert rows[1][0] == "筛选条件：小区：全部；状态：全部；接报日期：2026-11-01 至 2026-11-30"
    assert rows[2][0] == "导出时间：2026-11-20 10:00　导出人：reception-a　共 1 条"
    assert rows[3] == tuple(TICKET_HEADERS)
    assert data_rows(rows, TICKET_HEADERS) == [
        (
            ticket.number,
            dt.datetime(2026, 11, 3, 8, 15),
            None,
            "翠湖花园",
            "3栋2单元1202",
            "张伟",
            "138****5678",
            "电话",
            "厨房水管漏水",
            "reception-a",
            "reception-a",
            "待处理",
        )
    ]
    cells = [str(value) for row in rows for value in row if value is not None]
    assert not any("13812345678" in cell for cell in cells)


def test_export_shows_the_current_assignee(client, world, reception_a, new_ticket):
    # given a repair handed to a technician of center A
    technician = staff_user("tech-a", Role.TECHNICIAN, center=world.center_a)
    ticket = new_ticket(actor=reception_a, content="门禁损坏", community=world.community_a)
    ticket_assign(actor=reception_a, ticket=ticket, assignee=technician)
    client.force_login(reception_a)

    # when
    rows = data_rows(sheet_rows(get_export(client, "repair")), TICKET_HEADERS)
    page = get_page(client, "repair").content.decode()

    # then
    assert (rows[0][9], rows[0][10]) == ("reception-a", "tech-a")
    assert "tech-a" in page


def test_complaints_export_has_a_kind_column(client, world, reception_a, new_ticket):
    # given
    new_ticket(actor=reception_a, kind=Kind.SUGGESTION, content="建议增设充电桩", community=world.community_a)
    client.force_login(reception_a)

    # when
    response = get_export(client, "complaints")

    # then
    headers = [*TICKET_HEADERS[:5], "类别", *TICKET_HEADERS[5:]]
    rows = sheet_rows(response)
    assert rows[0][0] == "业主投诉及建议记录表"
    assert data_rows(rows, headers)[0][5:10] == ("建议", None, None, "电话", "建议增设充电桩")
    assert "filename*=UTF-8''" + quote("投诉建议登记_20261101-20261130.xlsx") in response["Content-Disposition"]


def test_calls_export(client, world, reception_a, now):
    # given
    repair_call = interaction_record(
        actor=reception_a,
        channel=Channel.PHONE,
        kind=Kind.REPAIR,
        content="卫生间漏水",
        resident=world.resident_a,
    )
    interaction_record(
        actor=reception_a,
        channel=Channel.EMAIL,
        kind=Kind.CONSULTATION,
        content="集团转来：询问物业费标准",
        service_center=world.center_a,
        source=Source.SUPERIOR,
        source_detail="集团客服中心",
        outcome=Outcome.RECORDED,
    )
    client.force_login(reception_a)

    # when
    response = get_export(client, "calls", q="")

    # then
    rows = sheet_rows(response)
    assert rows[0][0] == "来电来访记录"
    assert rows[1][0] == "筛选条件：小区：全部；接报日期：2026-11-01 至 2026-11-30"
    assert set(data_rows(rows, CALL_HEADERS)) == {
        (
            dt.datetime(2026, 11, 20, 10, 0),
            None,
            "电话",
            "客户直接反映",
            "张伟",
            "138****5678",
            "翠湖花园",
            "3栋2单元1202",
            "报修",
            "卫生间漏水",
            "已生成工单",
            "reception-a",
            repair_call.ticket.number,
        ),
        (
            dt.datetime(2026, 11, 20, 10, 0),
            None,
            "邮件",
            "上级部门转来：集团客服中心",
            None,
            None,
            None,
            None,
            "咨询",
            "集团转来：询问物业费标准",
            "仅登记",
            "reception-a",
            None,
        ),
    }
    assert "filename*=UTF-8''" + quote("来电来访登记_20261101-20261130.xlsx") in response["Content-Disposition"]


def test_export_keeps_formulas_as_text_and_drops_control_characters(client, world, reception_a, new_ticket):
    # given a message that looks like a formula and carries a pasted control character
    new_ticket(
        actor=reception_a, content='=HYPERLINK("http://evil.example","点我")\x0b漏水', community=world.community_a
    )
    client.force_login(reception_a)

    # when
    response = get_export(client, "repair", q="漏水")

    # then
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cell = workbook.active.cell(row=5, column=9)
    assert cell.value == '=HYPERLINK("http://evil.example","点我")漏水'
    assert cell.data_type == "s"


def test_export_file_name_without_dates(client, reception_a, now):
    client.force_login(reception_a)

    response = get_export(client, "feedback", **{"from": "", "to": ""})

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"feedback_all.xlsx\"; filename*=UTF-8''{quote('信息反馈登记_全部.xlsx')}"
    )


def test_export_is_capped_with_a_message_row(client, world, reception_a, new_ticket, monkeypatch):
    # given a cap of 2 rows (the real cap is 100,000) and three repairs
    assert registers.EXPORT_ROW_CAP == 100_000
    monkeypatch.setattr(registers, "EXPORT_ROW_CAP", 2)
    for n in range(3):
        new_ticket(
            actor=reception_a, content=f"第{n}件报修", community=world.community_a, at=NOW - dt.timedelta(hours=3 - n)
        )
    client.force_login(reception_a)

    # when
    rows = sheet_rows(get_export(client, "repair"))

    # then
    message = "共 3 条，超过导出上限 2 条，只导出了前 2 条；请缩小日期范围或增加筛选条件。"
    assert rows[3][0] == message
    assert rows[4] == tuple(TICKET_HEADERS)
    assert [row[8] for row in rows[5:7]] == ["第2件报修", "第1件报修"]
    assert rows[7][0] == message
    assert len(rows) == 8


# --- selectors at the edges of the calendar ------------------------------------------------------


@pytest.mark.parametrize("selector", [ticket_list, interaction_list])
def test_selectors_accept_the_last_date(reception_a, selector):
    assert list(selector(user=reception_a, received_to=dt.date.max)) == []


# --- no N+1 ---------------------------------------------------------------------------------------


def _add_rows(slug: str, count: int, *, world, actors) -> None:
    for n in range(count):
        actor = actors[n % len(actors)]
        place = {"resident": world.resident_a} if n % 2 else {"community": world.community_a}
        if slug == "calls":
            kind = Kind.REPAIR if n % 3 == 0 else Kind.CONSULTATION
            interaction_record(
                actor=actor,
                channel=Channel.PHONE,
                kind=kind,
                content=f"来电{n}",
                outcome_note="已答复",
                **place,
            )
        else:
            ticket_create(actor=actor, kind=Kind.REPAIR, content=f"报修{n}", channel=Channel.PHONE, **place)


@pytest.mark.parametrize("slug", ["repair", "calls"])
def test_query_count_does_not_grow_with_rows(client, world, reception_a, now, django_assert_num_queries, slug):
    # given two staff members recording, 5 rows
    actors = [reception_a, staff_user("assistant-a", Role.CS_ASSISTANT, center=world.center_a)]
    _add_rows(slug, 5, world=world, actors=actors)
    client.force_login(reception_a)
    with CaptureQueriesContext(connection) as five:
        assert get_page(client, slug).content.decode().count("<tr>") == 6  # header + 5 rows

    # when there are 30 rows
    _add_rows(slug, 25, world=world, actors=actors)

    # then the page costs the same number of queries
    with django_assert_num_queries(len(five.captured_queries)):
        response = get_page(client, slug)
    assert response.content.decode().count("<tr>") == 31
