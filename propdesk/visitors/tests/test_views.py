"""The gate page and the register: check-in by form and by code, check-out, refused forms shown again with
their errors (400, nothing written), masking on the pages, who may open them, the home tiles."""

import datetime as dt

import pytest
from django.test import Client

from propdesk.org.choices import Role
from propdesk.visitors import services
from propdesk.visitors.models import Invitation, Visit

from .conftest import ID_A, NOW, visit_kwargs

pytestmark = pytest.mark.usefixtures("clock")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(world, **overrides) -> dict:
    data = {
        "community": world.community_a.pk,
        "visitor_name": "王强",
        "document_type": "id_card",
        "id_number": ID_A,
        "purpose": "visit",
        "room": "3-2-1202",
        "phone": "13912345678",
        "plate": "",
        "area": "3栋",
        "people": "1",
        "checked_in_at": "",
    }
    return {**data, **overrides}


def test_the_gate_page_shows_the_forms_and_the_lists(world, guard_a):
    response = login(guard_a).get("/visitors/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("门岗访客登记", "凭邀请码进入", "在内访客", "今日预约", "登记访客进入", "代住户预约访客"):
        assert text in html


def test_check_in_by_form_then_out(world, guard_a):
    client = login(guard_a)
    response = client.post("/visitors/check-in/", form(world))
    assert response.status_code == 302
    visit = Visit.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "已登记 王强 进入" in page
    assert "4403**********1234" in page and ID_A not in page
    response = client.post(f"/visitors/visits/{visit.pk}/check-out/", {"version": "0"})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.checked_out_at == NOW
    again = client.post(f"/visitors/visits/{visit.pk}/check-out/", {"version": "1"}, follow=True)
    assert "已于" in again.content.decode()


def test_a_refused_form_is_shown_again_with_its_errors_and_nothing_written(world, guard_a):
    response = login(guard_a).post("/visitors/check-in/", form(world, id_number="440308199901011238", room="x"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "身份证号码校验位不正确" in html and "无法识别" in html
    assert 'value="王强"' in html
    assert Visit.objects.count() == 0


def test_check_in_by_code_and_the_refusals(world, guard_a, clock):
    invitation = services.invite(
        actor=guard_a,
        community=world.community_a,
        visitor_name="刘洋",
        room="3-2-1202",
        valid_from=NOW + dt.timedelta(hours=1),
        valid_until=NOW + dt.timedelta(hours=3),
    )
    client = login(guard_a)
    assert "刘洋" in client.get("/visitors/").content.decode()
    early = client.post("/visitors/check-in/code/", {"community": world.community_a.pk, "code": invitation.code})
    assert early.status_code == 400 and "未到预约时间" in early.content.decode()
    clock.shift(dt.timedelta(hours=1))
    done = client.post("/visitors/check-in/code/", {"community": world.community_a.pk, "code": invitation.code})
    assert done.status_code == 302
    assert "刘洋 凭邀请码进入，受访 3栋2单元1202" in client.get(done["Location"]).content.decode()
    reused = client.post("/visitors/check-in/code/", {"community": world.community_a.pk, "code": invitation.code})
    assert reused.status_code == 400 and "不能重复使用" in reused.content.decode()


def test_invite_and_cancel_from_the_gate(world, guard_a):
    client = login(guard_a)
    response = client.post(
        "/visitors/invitations/",
        {
            "community": world.community_a.pk,
            "visitor_name": "赵敏",
            "room": "3-2-1202",
            "valid_from": "2026-11-18T10:00",
            "valid_until": "2026-11-18T12:00",
            "people": "1",
            "purpose": "visit",
        },
        follow=True,
    )
    invitation = Invitation.objects.get()
    assert f"邀请码 {invitation.code}" in response.content.decode()
    client.post(f"/visitors/invitations/{invitation.pk}/cancel/")
    invitation.refresh_from_db()
    assert invitation.status == "cancelled"
    bad = client.post(
        "/visitors/invitations/", {"community": world.community_a.pk, "visitor_name": "", "valid_from": "x"}
    )
    assert bad.status_code == 400


def test_overstaying_visitors_are_marked(world, guard_a, clock):
    services.check_in(actor=guard_a, **visit_kwargs(world))
    clock.shift(dt.timedelta(hours=5))
    html = login(guard_a).get("/visitors/").content.decode()
    assert "逗留超时 1 人" in html and "overstaying" in html


def test_who_may_open_the_pages(world, guard_a, technician_a, resident_user_a, staff):
    assert login(technician_a).get("/visitors/").status_code == 403
    assert login(technician_a).get("/visitors/register/").status_code == 403
    assert login(resident_user_a).get("/visitors/").status_code == 403
    assert login(staff(Role.CENTER_MANAGER)).get("/visitors/register/").status_code == 200
    assert login(technician_a).post("/visitors/check-in/", form(world)).status_code == 403
    assert Visit.objects.count() == 0


def test_the_register_filters_and_a_resident_sees_only_their_household(world, guard_a, resident_user_a):
    services.check_in(actor=guard_a, **visit_kwargs(world))
    services.check_in(actor=guard_a, **visit_kwargs(world, visitor_name="快递员", purpose="delivery", room=""))
    client = login(guard_a)
    html = client.get("/visitors/register/", {"purpose": "delivery"}).content.decode()
    assert "快递员" in html and "王强" not in html
    assert "4403**********1234" in client.get("/visitors/register/").content.decode()
    assert client.get("/visitors/register/", {"from": "2026-13-01"}).status_code == 400
    mine = login(resident_user_a).get("/visitors/register/").content.decode()
    assert "王强" in mine and "快递员" not in mine


def test_the_home_page_has_the_gate_tile_for_guards_only(world, guard_a, technician_a):
    assert "门岗访客" in login(guard_a).get("/").content.decode()
    assert "门岗访客" not in login(technician_a).get("/").content.decode()


def test_a_watched_visitor_is_flagged_to_the_guard_on_the_gate_page(world, guard_a, staff):
    services.watch_add(
        actor=staff(Role.SECURITY_MANAGER),
        service_center=world.center_a,
        kind="person",
        document_type="id_card",
        id_number=ID_A,
        reason="尾随",
        expires_at=NOW + dt.timedelta(days=1),
    )
    page = login(guard_a).post("/visitors/check-in/", form(world), follow=True).content.decode()
    assert "布控预警：王强 与布控名单相符" in page
    assert 'class="badge urgent"' in page


def test_a_form_for_a_community_without_the_users_gate_is_refused(world, guard_a):
    response = login(guard_a).post("/visitors/check-in/", form(world, community=world.community_b.pk, room="1-1-101"))
    assert response.status_code == 404
    assert Visit.objects.count() == 0
