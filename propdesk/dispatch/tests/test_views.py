"""Dispatch pages: the control center's board (its live poll, constant query count, stale dispatch answered
409), the technician's phone pages (own jobs, duty buttons, job actions), the printable work order, the weekly
approval page and the registers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from propdesk.communities.models import Household
from propdesk.dispatch import services
from propdesk.dispatch.choices import Routing, Status, Trade
from propdesk.dispatch.models import DutyStatus, WeeklyApproval
from propdesk.testing.factories import BuildingFactory, DeveloperFactory, HouseholdFactory, UnitFactory, VendorFactory
from propdesk.tickets.choices import Kind

from .helpers import (
    NOW,
    advance,
    build_crew,
    fresh,
    new_ticket,
    on18,
    signature_data_url,
    t,
    wo_snapshot,
    work_order_of,
)

COLUMN_TITLES = ["待派单", "已派未接", "处理中", "待报完工", "待签认", "待回访"]


pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def crew(world, clock):
    crew = build_crew(world)
    clock.move_to(NOW)
    return crew


@pytest.fixture
def wo(world, crew):
    return work_order_of(new_ticket(crew.receptionist, world))


def login(client, user):
    """Logged in once the clock reads NOW (a session started on BUILT_AT would have expired)."""
    client.force_login(user)
    return client


def board_url(world) -> str:
    return f"{reverse('dispatch:board')}?center={world.center_a.pk}"


def live_url(world, version: str) -> str:
    return f"{reverse('dispatch:board_live')}?center={world.center_a.pk}&v={version}"


def column_of(response, number: str) -> str | None:
    """The key of the board column whose cards include ``number``."""
    for column in response.context["columns"]:
        if any(card.number == number for card in column["cards"]):
            return column["key"]
    return None


# ----------------------------------------------------------------------------- the board


def test_the_board_shows_the_six_columns_to_the_control_operator(client, world, crew, wo):
    response = login(client, crew.operator).get(reverse("dispatch:board"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "派单台" in html
    for title in COLUMN_TITLES:
        assert f"<h2>{title} <span" in html
    assert [str(c["title"]) for c in response.context["columns"]] == COLUMN_TITLES
    assert column_of(response, wo.number) == "to_dispatch"
    panel = client.get(f"{reverse('dispatch:staff_panel')}?center={world.center_a.pk}")  # loaded by the page
    assert [s["name"] for s in panel.context["staff"]] == ["electrician", "plumber", "housekeeper"]


@pytest.mark.parametrize("who", ["plumber", "housekeeper"])
def test_the_board_is_forbidden_to_field_staff(client, crew, who):
    response = login(client, getattr(crew, who)).get(reverse("dispatch:board"))
    assert response.status_code == 403


def test_the_staff_panel_has_its_own_poll_and_a_board_refresh_carries_the_columns_only(client, world, crew, wo):
    login(client, crew.operator)
    response = client.get(board_url(world))
    page = response.content.decode()
    # the page opens with the columns; the panel's element loads it at once and then every 10 s
    assert 'id="staff-panel"' in page and "人员状态" in page and 'hx-trigger="load, every 10s"' in page
    assert "staff" not in response.context and "electrician" not in page

    panel = client.get(f"{reverse('dispatch:staff_panel')}?center={world.center_a.pk}")
    assert panel.status_code == 200
    assert [s["name"] for s in panel.context["staff"]] == ["electrician", "plumber", "housekeeper"]
    assert "人员状态" in panel.content.decode()

    refresh = client.get(live_url(world, "stale"))
    assert refresh.status_code == 200
    assert "人员状态" not in refresh.content.decode()
    assert f'data-wo="{wo.pk}"' in refresh.content.decode()


@pytest.mark.parametrize("who", ["plumber", "housekeeper"])
def test_the_staff_panel_is_forbidden_to_field_staff(client, crew, who):
    response = login(client, getattr(crew, who)).get(reverse("dispatch:staff_panel"))
    assert response.status_code == 403


def test_the_live_poll_answers_204_while_nothing_changes_and_the_new_card_after_a_change(
    client, world, crew, wo, clock
):
    login(client, crew.operator)
    version = client.get(board_url(world)).context["version"]

    # nothing changed: no content
    assert client.get(live_url(world, version)).status_code == 204

    # a new call arrives a few seconds later
    clock.move_to(on18(10, 0, 5))
    other = work_order_of(new_ticket(crew.receptionist, world, content="客厅灯不亮"))
    response = client.get(live_url(world, version))

    assert response.status_code == 200
    assert response.context["version"] != version
    assert column_of(response, other.number) == "to_dispatch"
    assert f'data-wo="{other.pk}"' in response.content.decode()
    # and once that version is shown, quiet again
    assert client.get(live_url(world, response.context["version"])).status_code == 204


def test_the_live_poll_shows_a_dispatched_card_in_its_new_column(client, world, crew, wo, clock):
    login(client, crew.operator)
    version = client.get(board_url(world)).context["version"]
    clock.move_to(on18(10, 0, 5))
    services.work_order_assign(actor=crew.supervisor, work_order=wo, assignee=crew.plumber)

    response = client.get(live_url(world, version))

    assert response.status_code == 200
    assert column_of(response, wo.number) == "not_accepted"


def test_a_change_landing_while_the_board_renders_shows_on_the_next_poll(client, world, crew, wo, clock, monkeypatch):
    """The technician reports while the dispatcher's poll is being rendered: the page must not carry the new
    fingerprint over the old columns (it would then answer 204 and stay stale until something else changed)."""
    from propdesk.dispatch import selectors

    login(client, crew.operator)
    real_columns = selectors.board_columns
    raced = []

    def columns_racing_a_change(**kwargs):
        columns = real_columns(**kwargs)  # read before the change lands
        if not raced:
            raced.append(True)
            clock.move_to(on18(10, 0, 5))
            services.work_order_assign(actor=crew.supervisor, work_order=fresh(wo), assignee=crew.plumber)
        return columns

    monkeypatch.setattr(selectors, "board_columns", columns_racing_a_change)
    first = client.get(board_url(world))
    monkeypatch.setattr(selectors, "board_columns", real_columns)
    assert column_of(first, wo.number) == "to_dispatch"

    response = client.get(live_url(world, first.context["version"]))
    assert response.status_code == 200
    assert column_of(response, wo.number) == "not_accepted"


def add_orders(world, crew, count: int, start: int) -> None:
    """Open orders in every column: pending, offered, assigned, accepted, finished, reported, signed off."""
    statuses = [Status.PENDING, Status.ASSIGNED, Status.ACCEPTED, Status.FINISHED, Status.REPORTED, Status.SIGNED_OFF]
    for n in range(start, start + count):
        wo = work_order_of(new_ticket(crew.receptionist, world, content=f"报修 {n}"))
        status = statuses[n % len(statuses)]
        if status != Status.PENDING:
            advance(wo, crew, status, worker=crew.plumber if n % 2 else crew.electrician)
        elif n % 4 == 0:
            services.work_order_offer(actor=crew.operator, work_order=wo)


def test_the_board_query_count_does_not_grow_with_the_orders(client, world, crew, django_assert_num_queries):
    # given 5 open orders in various columns
    add_orders(world, crew, 5, 0)
    login(client, crew.operator)
    with CaptureQueriesContext(connection) as five:
        response = client.get(board_url(world))
    assert sum(len(c["cards"]) for c in response.context["columns"]) == 5

    # when there are 30
    add_orders(world, crew, 25, 5)

    # then the board costs the same number of queries
    with django_assert_num_queries(len(five.captured_queries)):
        response = client.get(board_url(world))
    assert sum(len(c["cards"]) for c in response.context["columns"]) == 30


def test_dispatching_from_a_stale_board_answers_409_with_a_chinese_message(client, world, crew, wo):
    # given the supervisor dispatched first (version 1 → 2)
    services.work_order_assign(actor=crew.supervisor, work_order=wo, assignee=crew.electrician, expected_version=1)
    before = wo_snapshot(wo)

    # when the operator, whose board still shows version 1, dispatches to the plumber
    response = login(client, crew.operator).post(
        reverse("dispatch:dispatch", args=[wo.pk]),
        {"action": "assign", "assignee": crew.plumber.pk, "version": "1"},
        HTTP_HX_REQUEST="true",
    )

    # then
    assert response.status_code == 409
    assert f"工作单 {wo.number} 已被他人处理（已派单待接单），请刷新后再操作" in response.content.decode()
    assert wo_snapshot(wo) == before
    assert fresh(wo).assignee == crew.electrician


def test_dispatching_from_the_board_assigns_and_refreshes_it(client, world, crew, wo):
    response = login(client, crew.operator).post(
        reverse("dispatch:dispatch", args=[wo.pk]),
        {"action": "assign", "assignee": crew.plumber.pk, "version": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert column_of(response, wo.number) == "not_accepted"
    assert (fresh(wo).status, fresh(wo).assignee) == (Status.ASSIGNED, crew.plumber)


def test_the_assign_panel_lists_the_eligible_staff(client, crew, wo):
    response = login(client, crew.operator).get(reverse("dispatch:assign_panel", args=[wo.pk]))
    assert response.status_code == 200
    assert [r["name"] for r in response.context["rows"]] == ["electrician", "plumber"]
    assert response.context["suggestion"]["name"] == "electrician"


# ----------------------------------------------------------------------------- technician pages


def test_my_jobs_lists_only_my_own_jobs_and_the_duty_buttons(client, world, crew, wo):
    mine = advance(wo, crew, Status.ASSIGNED, worker=crew.plumber)
    theirs = advance(
        work_order_of(new_ticket(crew.receptionist, world, content="插座跳闸")),
        crew,
        Status.ASSIGNED,
        worker=crew.electrician,
    )

    response = login(client, crew.plumber).get(reverse("dispatch:my_jobs"))

    assert response.status_code == 200
    assert [job.number for job in response.context["jobs"]] == [mine.number]
    html = response.content.decode()
    assert mine.number in html and theirs.number not in html
    for button in ("下岗", "报告对讲机故障", "告知控制中心"):
        assert button in html
    assert 'value="check_out"' in html and 'value="check_in"' not in html


def test_a_signed_off_job_leaves_my_jobs_while_a_reported_one_stays(client, world, crew, wo):
    reported = advance(wo, crew, Status.REPORTED, worker=crew.plumber)
    signed = advance(
        work_order_of(new_ticket(crew.receptionist, world, content="水管漏水")),
        crew,
        Status.SIGNED_OFF,
        worker=crew.plumber,
    )

    response = login(client, crew.plumber).get(reverse("dispatch:my_jobs"))

    assert [job.number for job in response.context["jobs"]] == [reported.number]
    assert signed.number not in response.content.decode()


def test_the_duty_buttons_update_the_workers_status(client, crew):
    login(client, crew.plumber)

    response = client.post(reverse("dispatch:duty"), {"kind": "check_out"})

    assert response.status_code == 302
    assert response["Location"] == reverse("dispatch:my_jobs")
    assert DutyStatus.objects.get(user=crew.plumber).on_duty is False
    assert 'value="check_in"' in client.get(reverse("dispatch:my_jobs")).content.decode()


def test_the_job_page_accepts_and_finishes_by_post(client, crew, wo, clock):
    wo = advance(wo, crew, Status.ASSIGNED)
    login(client, crew.plumber)
    job_url = reverse("dispatch:job", args=[wo.pk])
    page = client.get(job_url)
    assert page.status_code == 200
    assert "接单" in page.content.decode()

    response = client.post(
        reverse("dispatch:action", args=[wo.pk, "accept"]), {"version": str(wo.version), "next": job_url}
    )
    assert (response.status_code, response["Location"]) == (302, job_url)
    assert fresh(wo).status == Status.ACCEPTED

    clock.move_to(on18(11))
    response = client.post(
        reverse("dispatch:action", args=[wo.pk, "finish"]),
        {
            "version": str(fresh(wo).version),
            "next": job_url,
            "result": "更换阀芯",
            "signature": signature_data_url(),
            "absent_reason": "",
            "rating": "5",
        },
    )
    assert response.status_code == 302
    wo = fresh(wo)
    assert (wo.status, wo.result, wo.customer_confirmed, wo.customer_rating, wo.finished_at) == (
        Status.FINISHED,
        "更换阀芯",
        True,
        5,
        on18(11),
    )
    assert "向控制中心报完工" in client.get(job_url).content.decode()


def test_a_refused_finish_on_the_job_page_shows_the_reason_and_changes_nothing(client, crew, wo):
    wo = advance(wo, crew, Status.ACCEPTED)
    before = wo_snapshot(wo)
    login(client, crew.plumber)

    response = client.post(
        reverse("dispatch:action", args=[wo.pk, "finish"]),
        {"result": "更换阀芯", "signature": "", "absent_reason": ""},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == ["请客户在屏幕上签名确认，或填写客户不在场的原因"]
    assert wo_snapshot(wo) == before


def test_another_technicians_job_is_not_found(client, crew, wo):
    wo = advance(wo, crew, Status.ASSIGNED, worker=crew.plumber)
    before = wo_snapshot(wo)
    login(client, crew.electrician)

    assert client.get(reverse("dispatch:job", args=[wo.pk])).status_code == 404
    assert client.get(reverse("dispatch:work_order", args=[wo.pk])).status_code == 404
    assert client.post(reverse("dispatch:action", args=[wo.pk, "accept"]), {"version": "2"}).status_code == 404
    assert wo_snapshot(wo) == before


def test_an_offered_job_shows_on_my_jobs_with_a_grab_button(client, world, crew, wo):
    services.work_order_offer(actor=crew.operator, work_order=wo)
    response = login(client, crew.plumber).get(reverse("dispatch:my_jobs"))
    assert [o.number for o in response.context["offers"]] == [wo.number]
    assert reverse("dispatch:action", args=[wo.pk, "grab"]) in response.content.decode()


# ----------------------------------------------------------------------------- printable work order


def test_the_printable_work_order_shows_the_number_and_the_masked_phone(client, crew, wo):
    wo = advance(wo, crew, Status.FINISHED)
    response = login(client, crew.operator).get(reverse("dispatch:print", args=[wo.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "BX-20261118-0001-1" in html
    assert "张伟 138****5678" in html
    assert "13812345678" not in html
    assert "已更换水龙头阀芯" in html


def test_the_signature_on_the_printout_is_served_to_those_who_may_see_the_order_only(client, world, crew, wo):
    from propdesk.testing.roles import role_user

    wo = advance(wo, crew, Status.FINISHED)
    html = login(client, crew.operator).get(reverse("dispatch:print", args=[wo.pk])).content.decode()
    url = reverse("dispatch:signature", args=[wo.pk])
    assert f'src="{url}"' in html
    assert "/media/" not in html

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "no-store"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")

    # someone of another service center gets a 404, as for the work order itself
    outsider = role_user("control_operator", world.center_b)
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(reverse("dispatch:print", args=[wo.pk])).status_code == 404


def test_the_work_order_page_of_a_dispatcher(client, crew, wo):
    wo = advance(wo, crew, Status.ACCEPTED)
    response = login(client, crew.operator).get(reverse("dispatch:work_order", args=[wo.pk]))
    assert response.status_code == 200
    assert response.context["dispatcher"] is True
    assert wo.number in response.content.decode()


# ----------------------------------------------------------------------------- weekly approval and registers


def test_the_weekly_page_of_the_repair_manager(client, world, crew, wo):
    special = work_order_of(new_ticket(crew.receptionist, world, kind=Kind.SPECIAL_SERVICE, content="家政"))
    login(client, crew.repair_manager)

    response = client.get(reverse("dispatch:weekly"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "维修任务单周审批" in html
    assert [o.number for o in response.context["orders"]] == [wo.number]
    assert special.number not in html
    assert response.context["can_decide"] is True

    response = client.post(
        f"{reverse('dispatch:weekly')}?center={world.center_a.pk}", {"decision": "approved", "note": ""}
    )
    assert response.status_code == 302
    approval = WeeklyApproval.objects.get()
    assert (approval.decision, approval.decided_by, approval.order_count) == ("approved", crew.repair_manager, 1)
    assert fresh(wo).week_approved is True


def test_returning_the_week_without_a_note_on_the_page_is_refused(client, world, crew, wo):
    login(client, crew.repair_manager)
    response = client.post(
        f"{reverse('dispatch:weekly')}?center={world.center_a.pk}", {"decision": "returned", "note": ""}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["退回须填写意见"]
    assert WeeklyApproval.objects.count() == 0


def test_the_weekly_page_is_forbidden_to_technicians(client, crew):
    assert login(client, crew.plumber).get(reverse("dispatch:weekly")).status_code == 403


def rectification_household(world) -> Household:
    building = BuildingFactory(
        community=world.community_a,
        name="5栋",
        developer=DeveloperFactory(company=world.company, name="华建地产"),
        warranty_end=t(2027, 6, 30).date(),
    )
    return HouseholdFactory(unit=UnitFactory(building=building, entrance="1单元", number="601"))


@pytest.fixture
def registered(world, crew, wo, clock):
    """One order in each register: an overdue engineering job, a rectification, a vendor job, a communication."""
    rectification = work_order_of(new_ticket(crew.receptionist, world, household=rectification_household(world)))
    vendor = VendorFactory(company=world.company, name="宽带公司", promised_response_hours=4)
    ticket = new_ticket(crew.receptionist, world, content="宽带不通")
    # the control center hands the broadband fault to the vendor instead of its own engineers
    services.work_order_cancel(actor=crew.operator, work_order=work_order_of(ticket), reason="外联单位负责")
    vendor_wo = services.work_order_create(actor=crew.operator, ticket=ticket, routing=Routing.VENDOR, vendor=vendor)
    communication = services.work_order_create(
        actor=crew.operator,
        ticket=ticket,
        routing=Routing.COMMUNICATION,
        trade=Trade.GENERAL,
        description="协调楼上漏水",
    )
    clock.move_to(t(2026, 11, 20, 10, 1))
    assert services.mark_overdue_engineering() == 1  # the first repair, still pending after 48 hours
    return {
        "engineering-followup": wo,
        "rectification": rectification,
        "vendor": vendor_wo,
        "communication": communication,
    }


@pytest.mark.parametrize("slug", ["engineering-followup", "rectification", "vendor", "communication"])
def test_each_register_lists_its_orders(client, crew, registered, slug):
    response = login(client, crew.operator).get(reverse("dispatch:register", args=[slug]))
    assert response.status_code == 200
    assert [o.number for o in response.context["orders"]] == [registered[slug].number]


def test_an_unknown_register_is_not_found(client, crew):
    assert login(client, crew.operator).get(reverse("dispatch:register", args=["nope"])).status_code == 404


# ----------------------------------------------------------------------------- a walk-through as dispatcher


def test_an_overdue_card_says_how_late_not_a_negative_time_left(client, world, crew, clock):
    # given a repair received at 10:00 (dispatch due 10:05) and another at 10:08
    late = work_order_of(new_ticket(crew.receptionist, world))
    clock.move_to(on18(10, 8))
    fresh_card = work_order_of(new_ticket(crew.receptionist, world, content="阳台灯不亮"))

    # when the dispatcher opens the board at 10:10:19
    clock.move_to(on18(10, 10, 19))
    html = login(client, crew.operator).get(board_url(world)).content.decode()

    # then the late card says "已超时 5:19" and the other how long is left; no minus sign anywhere
    def countdown(wo) -> str:
        card = html.split(f'data-wo="{wo.pk}"', 1)[1].split("</article>", 1)[0]
        return card.split('class="countdown', 1)[1].split("</div>", 1)[0]

    assert '<span class="countdown-label">已超时</span> <span class="countdown-time">5:19</span>' in countdown(late)
    assert 'data-late-label="已超时"' in countdown(late)
    assert '<span class="countdown-label">派单剩余</span> <span class="countdown-time">2:41</span>' in countdown(
        fresh_card
    )
    assert "-5:19" not in html and "--:--" not in html


def test_the_board_names_all_six_columns_for_a_phone(client, world, crew, wo):
    html = login(client, crew.operator).get(board_url(world)).content.decode()

    # a nav of the six columns with their counts (shown on narrow screens), each jumping to its column
    nav = html.split('<nav class="board-nav"', 1)[1].split("</nav>", 1)[0]
    assert "共 6 栏，左右滑动或点栏目名查看" in nav
    for key, title in zip(
        ["to_dispatch", "not_accepted", "in_progress", "to_report", "to_sign_off", "to_visit"],
        COLUMN_TITLES,
        strict=True,
    ):
        assert f'href="#col-{key}" data-board-jump="{key}"' in nav
        assert f'<section class="board-col" id="col-{key}" data-column="{key}">' in html
        assert title in nav
    assert '<span class="count">1</span>' in nav


def test_materials_read_as_people_write_them(client, crew, wo):
    wo = advance(wo, crew, Status.ARRIVED)
    services.material_add(actor=crew.plumber, work_order=wo, name="水龙头阀芯", quantity="2", unit="个")
    services.material_add(actor=crew.plumber, work_order=wo, name="生料带", quantity="1.5", unit="米")

    html = login(client, crew.operator).get(reverse("dispatch:work_order", args=[wo.pk])).content.decode()

    assert "<li>水龙头阀芯 × 2 个</li>" in html
    assert "<li>生料带 × 1.5 米</li>" in html
    assert "2.00" not in html and "1.50" not in html
