"""Circulars over the API and on the pages: register, acknowledge, carry out, the tracking table for the
information manager only, the meeting record, closing — and clear 4xx answers."""

from django.urls import reverse

from propdesk.api.tests.conftest import bearer
from propdesk.dispatch.tests.helpers import on18
from propdesk.internal.models import Circular
from propdesk.org.choices import Role
from propdesk.testing.roles import role_user

API = "/api/v1/internal/circulars"


def body(world, **overrides) -> dict:
    data = {
        "center_id": world.center_a.pk,
        "title": "节前安全检查",
        "source": "公司品质部",
        "level": "circulate",
        "roles": ["technician"],
        "requires_execution": True,
        "due_on": "2026-11-25",
    }
    return {**data, **overrides}


def test_circular_life_over_the_api(office, world):
    info = bearer(role_user(Role.INFO_MANAGER, world.center_a))
    created = info.post(API, body(world))
    assert created.status_code == 201, created.content
    circular = created.json()
    assert [r["user"]["name"] for r in circular["recipients"]] == ["plumber", "electrician"]
    plumber = bearer(office.crew.plumber)
    waiting = plumber.get(API, {"waiting": True}).json()
    assert [c["id"] for c in waiting] == [circular["id"]]
    mine = plumber.post(f"{API}/{circular['id']}/done", {"note": "已检查"})
    assert mine.status_code == 200 and mine.json()["recipients"] == []  # no tracking table for a recipient
    tracked = info.get(f"{API}/{circular['id']}").json()["recipients"]
    assert [bool(r["done_at"]) for r in tracked] == [True, False]
    assert plumber.post(f"{API}/{circular['id']}/read").status_code == 200
    assert bearer(office.crew.tech_b).get(f"{API}/{circular['id']}").status_code == 404
    assert info.post(f"{API}/{circular['id']}/close", {"expected_version": 9}).status_code == 409
    assert info.post(f"{API}/{circular['id']}/close", {"expected_version": 0}).status_code == 200


def test_bad_circulars_are_4xx(office, world):
    info = bearer(role_user(Role.INFO_MANAGER, world.center_a))
    assert info.post(API, body(world, level="fax")).status_code == 422
    assert info.post(API, body(world, roles=[])).status_code == 400
    assert info.post(API, body(world, center_id=999999)).status_code == 404
    assert bearer(office.crew.plumber).post(API, body(world)).status_code == 403
    assert Circular.objects.count() == 0


def test_meeting_level_over_the_api(office, world):
    info = bearer(role_user(Role.INFO_MANAGER, world.center_a))
    circular = info.post(API, body(world, level="meeting", requires_execution=False, due_on=None)).json()
    assert bearer(office.crew.plumber).post(f"{API}/{circular['id']}/read").status_code == 400
    meeting = {
        "held_at": on18(8, 25).strftime("%Y-%m-%dT%H:%M"),
        "minutes": "晨会传达",
        "attendee_ids": [office.crew.plumber.pk],
    }
    answer = info.post(f"{API}/{circular['id']}/meeting", meeting)
    assert answer.status_code == 200, answer.content
    assert [r["via_meeting"] for r in answer.json()["recipients"]] == [True, False]


def test_pages_register_acknowledge_and_track(client, office, world):
    info = role_user(Role.INFO_MANAGER, world.center_a)
    client.force_login(info)
    response = client.post(
        reverse("internal:circular_new"),
        {
            "center": world.center_a.pk,
            "title": "停水通知转发",
            "source": "公司工程部",
            "level": "post",
            "roles": ["technician"],
        },
    )
    circular = Circular.objects.get()
    assert response.status_code == 302
    client.force_login(office.crew.plumber)
    assert "停水通知转发" in client.get(reverse("internal:my_day")).content.decode()
    client.post(reverse("internal:circular_action", args=[circular.pk, "read"]))
    client.force_login(info)
    html = client.get(reverse("internal:circular", args=[circular.pk])).content.decode()
    assert "未阅" in html and "plumber" in html and "electrician" in html
    assert client.get(reverse("internal:circulars")).status_code == 200
    bad = client.post(reverse("internal:circular_new"), {"center": world.center_a.pk, "title": "", "level": "post"})
    assert bad.status_code == 400
