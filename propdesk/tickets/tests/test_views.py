"""Ticket pages: the list (scoped, filtered, constant queries), the detail page with its timeline, and the
actions posted from it (transition with version check, hand-off, attachments and their download)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from propdesk.tickets.choices import EventKind, Status
from propdesk.tickets.models import Attachment
from propdesk.tickets.services import ticket_assign, ticket_transition

from .helpers import control_center, local, new_ticket, png_bytes, row_counts, snapshot

NOW = local(2026, 11, 22, 10, 0)


pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def now(world, clock):
    clock.move_to(NOW)
    return NOW


@pytest.fixture
def ticket_a(world, now, reception_a):
    return new_ticket(reception_a, household=world.household_a, resident=world.resident_a, content="厨房水龙头漏水")


@pytest.fixture
def ticket_b(world, now, reception_b):
    return new_ticket(reception_b, household=world.household_b, content="阳台漏水")


@pytest.fixture
def as_a(client, now, reception_a):
    """Logged in once the clock reads NOW (a session started on BUILT_AT would have expired)."""
    client.force_login(reception_a)
    return client


def detail_url(ticket) -> str:
    return reverse("tickets:detail", args=[ticket.pk])


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- list ---------------------------------------------------------------------------------------------


def test_a_list_longer_than_the_count_bound_says_so_and_pages_on(as_a, world, now, reception_a, monkeypatch):
    # given three tickets, two a page, and a count that stops after two (10,000 in production)
    from propdesk.api import schemas
    from propdesk.tickets import views

    monkeypatch.setattr(schemas, "COUNT_LIMIT", 2)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    made = [new_ticket(reception_a, household=world.household_a, content=f"楼道灯不亮 {i}") for i in range(3)]

    # when the receptionist opens the list and its second page
    first = as_a.get(reverse("tickets:list"))
    second = as_a.get(reverse("tickets:list") + "?page=2")

    # then the pager tells her there are more than it counted, and every ticket is reachable
    assert "第 1 / 2+ 页（结果过多，请缩小查询条件）" in first.content.decode()
    shown = first.content.decode() + second.content.decode()
    assert all(ticket.number in shown for ticket in made)


def test_a_list_within_the_count_bound_gives_the_exact_number_of_pages(as_a, world, now, reception_a, monkeypatch):
    from propdesk.tickets import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for i in range(3):
        new_ticket(reception_a, household=world.household_a, content=f"楼道灯不亮 {i}")

    content = as_a.get(reverse("tickets:list")).content.decode()

    assert "第 1 / 2 页" in content
    assert "+ 页" not in content


def test_list_shows_own_center_tickets_only(as_a, ticket_a, ticket_b):
    response = as_a.get(reverse("tickets:list"))

    content = response.content.decode()
    assert response.status_code == 200
    assert ticket_a.number == ticket_b.number == "BX-20261122-0001"
    assert detail_url(ticket_a) in content
    assert detail_url(ticket_b) not in content
    assert "厨房水龙头漏水" in content
    assert "阳台漏水" not in content


def test_list_search_box(as_a, ticket_a, world, reception_a):
    other = new_ticket(reception_a, household=world.household_a, content="楼道灯不亮")

    content = as_a.get(reverse("tickets:list"), {"q": "漏水"}).content.decode()

    assert detail_url(ticket_a) in content
    assert detail_url(other) not in content


def test_list_htmx_request_gets_the_table_only(as_a, ticket_a):
    response = as_a.get(reverse("tickets:list"), {"status": "open"}, HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert detail_url(ticket_a) in content


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "abc"}, "开始日期格式不正确：abc（应为 2026-11-22）"),
        ({"to": "2026-13-01"}, "结束日期格式不正确：2026-13-01（应为 2026-11-22）"),
        ({"status": "lost"}, "未知的状态：lost"),
        ({"kind": "gossip"}, "未知的类别：gossip"),
        ({"community": "x1"}, "小区参数不正确"),
        ({"from": "1800-01-01"}, "开始日期超出范围：1800-01-01"),
    ],
)
def test_bad_filter_is_a_400_with_a_chinese_message(as_a, ticket_a, params, message):
    response = as_a.get(reverse("tickets:list"), params)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_list_query_count_does_not_grow_with_tickets(as_a, world, reception_a, technician_a):
    def make(count: int) -> None:
        for i in range(count):
            ticket = new_ticket(reception_a, household=world.household_a, content=f"报修 {i}")
            if i % 2:
                ticket_assign(actor=reception_a, ticket=ticket, assignee=technician_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = as_a.get(reverse("tickets:list"))
        assert response.status_code == 200
        return len(captured)

    make(5)
    as_a.get(reverse("tickets:list"))  # warm up (session, content types)
    with_five = queries()
    make(20)
    with_25 = queries()

    assert with_25 == with_five


def test_my_tickets_shows_only_the_technician_tickets(client, world, reception_a, technician_a, now):
    mine = new_ticket(reception_a, household=world.household_a, content="厨房水龙头漏水")
    not_mine = new_ticket(reception_a, household=world.household_a, content="楼道灯不亮")
    ticket_assign(actor=reception_a, ticket=mine, assignee=technician_a)
    client.force_login(technician_a)

    response = client.get(reverse("tickets:mine"))

    content = response.content.decode()
    assert response.status_code == 200
    assert detail_url(mine) in content
    assert detail_url(not_mine) not in content
    assert "楼道灯不亮" not in content


def test_my_tickets_leaves_out_finished_ones(client, world, reception_a, technician_a, now):
    done = new_ticket(reception_a, household=world.household_a, content="门铃坏了")
    ticket_assign(actor=reception_a, ticket=done, assignee=technician_a)
    ticket_transition(actor=technician_a, ticket=done, to_status=Status.RESOLVED)
    client.force_login(technician_a)

    content = client.get(reverse("tickets:mine")).content.decode()

    assert detail_url(done) not in content


# --- detail -------------------------------------------------------------------------------------------


def test_detail_shows_the_ticket_and_its_timeline(as_a, ticket_a):
    response = as_a.get(detail_url(ticket_a))

    content = response.content.decode()
    assert response.status_code == 200
    assert "BX-20261122-0001 · 厨房水龙头漏水" in content
    assert "处理记录" in content
    assert "<strong>创建</strong>" in content
    assert "138****5678" in content
    assert "13812345678" not in content


def test_detail_shows_the_visit_time_the_customer_asked_for(as_a, ticket_a):
    assert "客户期望上门" not in as_a.get(detail_url(ticket_a)).content.decode()
    ticket_a.preferred_from, ticket_a.preferred_to = local(2026, 11, 23, 14, 0), local(2026, 11, 23, 16, 0)
    ticket_a.save(update_fields=["preferred_from", "preferred_to"])

    assert "客户期望上门</dt><dd>11-23 14:00–16:00" in as_a.get(detail_url(ticket_a)).content.decode()


def test_detail_of_another_center_ticket_is_404(client, reception_b, ticket_a):
    client.force_login(reception_b)

    assert client.get(detail_url(ticket_a)).status_code == 404


def test_transition_from_the_page(as_a, ticket_a):
    response = as_a.post(
        reverse("tickets:transition", args=[ticket_a.pk]),
        {"to_status": Status.IN_PROGRESS, "reason": "", "version": 1},
        follow=True,
    )

    assert page_messages(response) == ["状态已更新"]
    ticket_a.refresh_from_db()
    assert (ticket_a.status, ticket_a.version) == (Status.IN_PROGRESS, 2)


def test_transition_with_a_stale_version_changes_nothing(as_a, ticket_a, reception_a):
    # given someone else moved the ticket on after the page was shown at version 1
    ticket_transition(actor=reception_a, ticket=ticket_a, to_status=Status.IN_PROGRESS)
    before = snapshot(ticket_a)

    # when
    response = as_a.post(
        reverse("tickets:transition", args=[ticket_a.pk]),
        {"to_status": Status.RESOLVED, "reason": "", "version": 1},
        follow=True,
    )

    # then
    assert response.status_code == 200
    assert page_messages(response) == ["该工单已被他人修改（当前版本 2），请刷新后重试"]
    assert "已被他人修改" in response.content.decode()
    assert snapshot(ticket_a) == before


def test_illegal_transition_from_the_page_changes_nothing(as_a, ticket_a):
    before = snapshot(ticket_a)

    response = as_a.post(
        reverse("tickets:transition", args=[ticket_a.pk]),
        {"to_status": Status.CLOSED, "reason": "", "version": 1},
        follow=True,
    )

    assert page_messages(response) == ["工单状态不能从“待处理”变为“已关闭”"]
    assert snapshot(ticket_a) == before


def test_transition_of_another_center_ticket_is_404(client, reception_b, ticket_a):
    client.force_login(reception_b)
    before = snapshot(ticket_a)

    response = client.post(
        reverse("tickets:transition", args=[ticket_a.pk]), {"to_status": Status.IN_PROGRESS, "version": 1}
    )

    assert response.status_code == 404
    assert snapshot(ticket_a) == before


def test_hand_off_from_the_ticket_page(as_a, world, ticket_a, reception_a):
    control = control_center(world.center_a)

    response = as_a.post(reverse("tickets:hand_off", args=[ticket_a.pk]), {"reason": "需派维修工"}, follow=True)

    assert response.redirect_chain == [(detail_url(ticket_a), 302)]
    assert page_messages(response) == ["已转交控制中心：BX-20261122-0001"]
    ticket_a.refresh_from_db()
    assert (ticket_a.assignee, ticket_a.team, ticket_a.first_responder) == (None, control, reception_a)
    assert ticket_a.handed_off_at == NOW
    assert ticket_a.events.last().kind == EventKind.HANDED_OFF


def test_hand_off_without_a_control_center_shows_why(as_a, ticket_a):
    before = snapshot(ticket_a)

    response = as_a.post(reverse("tickets:hand_off", args=[ticket_a.pk]), {}, follow=True)

    assert page_messages(response) == ["该服务中心尚未设置控制中心部门"]
    assert snapshot(ticket_a) == before


def test_detail_offers_the_hand_off_button(as_a, ticket_a):
    content = as_a.get(detail_url(ticket_a)).content.decode()

    assert reverse("tickets:hand_off", args=[ticket_a.pk]) in content
    assert "转交控制中心" in content


# --- attachments --------------------------------------------------------------------------------------


def test_attachment_upload_and_download(as_a, client, ticket_a, reception_b):
    # given a photo uploaded from the ticket page
    content = png_bytes((4, 3))
    response = as_a.post(
        reverse("tickets:attach", args=[ticket_a.pk]),
        {"file": SimpleUploadedFile("漏水点.png", content, content_type="image/png"), "note": "水槽下方"},
        follow=True,
    )
    assert page_messages(response) == ["附件已上传"]
    attachment = Attachment.objects.get()
    assert (attachment.ticket, attachment.size, attachment.content_type) == (ticket_a, len(content), "image/png")
    download_url = reverse("tickets:attachment", args=[attachment.pk])
    assert download_url in response.content.decode()

    # when a permitted user downloads it
    download = as_a.get(download_url)

    # then
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == content

    # and another center's user gets a 404
    client.force_login(reception_b)
    assert client.get(download_url).status_code == 404


def test_rejected_upload_shows_why_and_stores_nothing(as_a, ticket_a):
    before, rows = snapshot(ticket_a), row_counts()

    response = as_a.post(
        reverse("tickets:attach", args=[ticket_a.pk]),
        {"file": SimpleUploadedFile("photo.jpg", b"not a photo at all", content_type="image/jpeg")},
        follow=True,
    )

    assert page_messages(response) == ["只能上传照片（JPG、PNG、GIF、WebP、HEIC）或 PDF 扫描件"]
    assert (snapshot(ticket_a), row_counts()) == (before, rows)


def test_upload_to_another_center_ticket_is_404(client, reception_b, ticket_a):
    client.force_login(reception_b)
    rows = row_counts()

    response = client.post(
        reverse("tickets:attach", args=[ticket_a.pk]),
        {"file": SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")},
    )

    assert response.status_code == 404
    assert row_counts() == rows


# --- where an action returns to -------------------------------------------------------------------------


def test_action_returns_to_a_local_next_page(as_a, world, ticket_a):
    control_center(world.center_a)

    response = as_a.post(reverse("tickets:hand_off", args=[ticket_a.pk]), {"next": "/tickets/?status=open"})

    assert response.status_code == 302
    assert response["Location"] == "/tickets/?status=open"


@pytest.mark.parametrize("url_name", ["tickets:hand_off", "tickets:note"])
@pytest.mark.parametrize("target", ["https://evil.example/login", "//evil.example/login"])
def test_action_never_returns_to_another_site(as_a, world, ticket_a, url_name, target):
    control_center(world.center_a)

    response = as_a.post(reverse(url_name, args=[ticket_a.pk]), {"text": "已电话联系业主", "next": target})

    assert response.status_code == 302
    assert response["Location"] == detail_url(ticket_a)
