"""The tenant register page: the rate per community, the let households without a registration, the expired
leases, registering (refused forms shown again, 400, nothing written), renewal and moving out, masking, and who may
open it (a resident: their own household, read only)."""

import datetime as dt

import pytest
from django.test import Client

from propdesk.org.choices import Role
from propdesk.testing.roles import role_user
from propdesk.visitors import services
from propdesk.visitors.models import TenantRegistration

from .conftest import ID_A

pytestmark = pytest.mark.usefixtures("clock")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def desk(world):
    return role_user(Role.RECEPTIONIST, world.center_a, username="desk-a")


def form(world, **overrides) -> dict:
    data = {
        "community": world.community_a.pk,
        "room": "3-2-1202",
        "name": "周杰",
        "document_type": "id_card",
        "id_number": ID_A,
        "phone": "13912345678",
        "lease_start": "2026-09-01",
        "lease_end": "2026-12-10",
        "police_reference": "",
    }
    return {**data, **overrides}


def test_register_then_renew_and_end_on_the_page(world, desk, clock):
    client = login(desk)
    client.post("/visitors/tenants/let/", {"community": world.community_a.pk, "room": "3-2-1202"})
    html = client.get("/visitors/tenants/").content.decode()
    assert "0.0 %" in html and "未登记租户的出租户 1 户" in html
    response = client.post("/visitors/tenants/register/", form(world))
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "已登记 3栋2单元1202 租户 周杰" in html and "100.0 %" in html
    assert "4403**********1234" in html and "139****5678" in html
    assert ID_A not in html and "13912345678" not in html
    registration = TenantRegistration.objects.get()
    clock.move_to(dt.datetime(2026, 12, 12, 2, 0, tzinfo=dt.UTC))
    client.force_login(desk)  # the session of three weeks ago has expired
    assert "租期已到期 1 人" in client.get("/visitors/tenants/").content.decode()
    client.post(f"/visitors/tenants/{registration.pk}/renew/", {"lease_end": "2027-12-10", "version": "0"})
    registration.refresh_from_db()
    assert registration.lease_end == dt.date(2027, 12, 10)
    stale = client.post(f"/visitors/tenants/{registration.pk}/end/", {"version": "0"}, follow=True)
    assert "已被他人修改" in stale.content.decode()
    client.post(f"/visitors/tenants/{registration.pk}/end/", {"version": "1"})
    registration.refresh_from_db()
    assert registration.ended_at is not None


def test_a_refused_form_is_shown_again_and_nothing_written(world, desk):
    response = login(desk).post("/visitors/tenants/register/", form(world, id_number="440308199901011235"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "校验位不正确" in html and 'value="周杰"' in html
    bad_date = login(desk).post("/visitors/tenants/register/", form(world, lease_end="2026-13-40"))
    assert bad_date.status_code == 400 and "日期格式不正确" in bad_date.content.decode()
    assert TenantRegistration.objects.count() == 0


def test_who_may_open_the_page(world, desk, resident_user_a):
    services.register_tenant(
        actor=desk,
        community=world.community_a,
        room="3-2-1202",
        name="周杰",
        document_type="id_card",
        id_number=ID_A,
        lease_start=dt.date(2026, 9, 1),
        lease_end=dt.date(2027, 9, 1),
    )
    assert login(role_user(Role.TECHNICIAN, world.center_a)).get("/visitors/tenants/").status_code == 403
    own = login(resident_user_a).get("/visitors/tenants/")
    assert own.status_code == 200 and "周杰" in own.content.decode() and "登记租户" not in own.content.decode()
    assert login(resident_user_a).post("/visitors/tenants/register/", form(world)).status_code == 404
    other_desk = login(role_user(Role.RECEPTIONIST, world.center_b, username="desk-b"))
    assert "周杰" not in other_desk.get("/visitors/tenants/").content.decode()
    assert other_desk.post("/visitors/tenants/register/", form(world)).status_code == 404
    quality = login(role_user(Role.QUALITY_DEPT, world.company)).get("/visitors/tenants/")
    assert quality.status_code == 200 and "翠湖花园" in quality.content.decode()
