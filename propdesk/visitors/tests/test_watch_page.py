"""The watch-list page: only the security manager opens it; adding (reason and expiry; refused input shown again,
nothing written) and removing (with a reason) are audited; numbers masked; nobody else sees it."""

import pytest
from django.test import Client

from propdesk.core.models import Event
from propdesk.org.choices import Role
from propdesk.visitors.models import WatchEntry

from .conftest import ID_A

pytestmark = pytest.mark.usefixtures("clock")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def person(world, **overrides) -> dict:
    data = {
        "service_center": world.center_a.pk,
        "kind": "person",
        "name": "可疑人员",
        "document_type": "id_card",
        "id_number": ID_A,
        "plate": "",
        "reason": "多次尾随业主进入单元",
        "expires_at": "2026-12-31T23:00",
    }
    return {**data, **overrides}


def test_add_and_remove_on_the_page(world, staff):
    client = login(staff(Role.SECURITY_MANAGER))
    assert client.post("/visitors/watch/add/", person(world)).status_code == 302
    entry = WatchEntry.objects.get()
    html = client.get("/visitors/watch/").content.decode()
    assert "多次尾随业主进入单元" in html and "4403**********1234" in html and ID_A not in html
    plate = client.post(
        "/visitors/watch/add/",
        person(world, kind="plate", plate="粤B 99999", name="", reason="车辆多次夜间停放消防通道"),
    )
    assert plate.status_code == 302 and WatchEntry.objects.filter(plate="粤B99999").exists()
    refused = client.post(f"/visitors/watch/{entry.pk}/remove/", {"reason": ""}, follow=True)
    assert WatchEntry.objects.get(pk=entry.pk).removed_at is None and refused.status_code == 200
    client.post(f"/visitors/watch/{entry.pk}/remove/", {"reason": "已查明为访客"})
    assert WatchEntry.objects.get(pk=entry.pk).removed_at is not None
    assert "多次尾随" not in client.get("/visitors/watch/").content.decode()
    assert "多次尾随" in client.get("/visitors/watch/?all=1").content.decode()
    verbs = list(Event.objects.filter(target_id=str(entry.pk)).values_list("verb", flat=True).order_by("pk"))
    assert verbs == ["watch.added", "watch.removed"]


def test_a_refused_entry_is_shown_again_and_nothing_written(world, staff):
    client = login(staff(Role.SECURITY_MANAGER))
    response = client.post(
        "/visitors/watch/add/", person(world, id_number="440308199901011235", expires_at="2025-01-01T00:00")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "校验位不正确" in html and "有效期" in html and 'value="多次尾随业主进入单元"' in html
    assert WatchEntry.objects.count() == 0


@pytest.mark.parametrize("role", [Role.SECURITY_GUARD, Role.CS_SUPERVISOR, Role.CENTER_MANAGER, Role.RECEPTIONIST])
def test_nobody_else_sees_the_watch_list(world, staff, role):
    client = login(staff(role))
    assert client.get("/visitors/watch/").status_code == 403
    assert client.post("/visitors/watch/add/", person(world)).status_code == 403
    assert WatchEntry.objects.count() == 0


def test_a_resident_and_another_centers_manager_cannot_reach_it(world, staff, resident_user_a):
    entry_client = login(staff(Role.SECURITY_MANAGER))
    entry_client.post("/visitors/watch/add/", person(world))
    entry = WatchEntry.objects.get()
    assert login(resident_user_a).get("/visitors/watch/").status_code == 403
    other = login(staff(Role.SECURITY_MANAGER, world.center_b, username="sm-b"))
    assert "多次尾随" not in other.get("/visitors/watch/").content.decode()
    assert other.post(f"/visitors/watch/{entry.pk}/remove/", {"reason": "x"}).status_code == 404
    assert other.post("/visitors/watch/add/", person(world)).status_code == 404
