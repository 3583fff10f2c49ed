"""The portal's API, as a mini-program uses it: every action, scoped to the resident's household (another's
request is a 404), with nothing internal in the JSON."""

import json

import pytest

from propdesk.dispatch.choices import Status as JobStatus
from propdesk.dispatch.tests.helpers import advance, fresh, work_order_of
from propdesk.portal import services
from propdesk.portal.models import Rating
from propdesk.tickets.choices import Status
from propdesk.tickets.models import Ticket
from propdesk.tickets.services import record_escalation, ticket_add_note

from .conftest import photo

API = "/api/v1/portal"


@pytest.fixture
def api(client, resident):
    client.force_login(resident)
    return client


def post(client, path, body):
    return client.post(API + path, body, content_type="application/json")


def leak(world, resident):
    return services.submit_request(actor=resident, household=world.household_a, kind="repair", content="卫生间漏水")


def test_households_name_what_a_visitor_invitation_needs(world, crew, api):
    body = api.get(API + "/households").json()
    assert body == [
        {
            "id": world.household_a.pk,
            "community_id": world.community_a.pk,
            "community": "翠湖花园",
            "room": world.household_a.unit.code,
        }
    ]
    invited = api.post(
        "/api/v1/visitors/invitations",
        {
            "community_id": body[0]["community_id"],
            "room": body[0]["room"],
            "visitor_name": "王强",
            "valid_from": "2026-11-18T15:00:00+08:00",
            "valid_until": "2026-11-18T18:00:00+08:00",
        },
        content_type="application/json",
    )
    assert invited.status_code == 201, invited.content


def test_submit_with_photos_and_follow(world, crew, api):
    response = api.post(
        API + "/requests",
        {
            "household_id": world.household_a.pk,
            "kind": "repair",
            "content": "卫生间天花板漏水",
            "room_spot": "卫生间",
            "preferred_from": "2026-11-18T14:00:00+08:00",
            "preferred_to": "2026-11-18T18:00:00+08:00",
            "photos": [photo("a.jpg"), photo("b.jpg")],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "new" and body["place"].endswith("卫生间") and len(body["photos"]) == 2
    assert body["preferred_from"] == "2026-11-18T14:00:00+08:00"
    assert body["can_cancel"] is True
    listed = api.get(API + "/requests", {"household_id": world.household_a.pk}).json()
    assert [r["id"] for r in listed] == [body["id"]]
    assert api.get(body["photos"][0]["url"]).status_code == 200


def test_a_bad_photo_or_kind_is_a_400_not_a_500(world, crew, api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.jpg", b"plain text", content_type="image/jpeg")
    response = api.post(
        API + "/requests", {"household_id": world.household_a.pk, "kind": "repair", "content": "漏水", "photos": [bad]}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "photos"
    response = api.post(API + "/requests", {"household_id": world.household_a.pk, "kind": "nope", "content": "漏水"})
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_another_household_is_404_everywhere(world, crew, client, resident, resident_b):
    ticket = leak(world, resident)
    client.force_login(resident_b)
    own, other = world.household_b.pk, world.household_a.pk
    assert client.get(API + "/requests", {"household_id": other}).status_code == 404
    for household in (own, other):
        assert client.get(f"{API}/requests/{ticket.pk}", {"household_id": household}).status_code == 404
        for path, body in (("messages", {"text": "x"}), ("cancel", {}), ("rating", {"score": 5})):
            response = post(client, f"/requests/{ticket.pk}/{path}", {"household_id": household, **body})
            assert response.status_code == 404, (path, household)
    submitted = client.post(API + "/requests", {"household_id": other, "kind": "repair", "content": "漏水"})
    assert submitted.status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW and Ticket.objects.count() == 1


def test_nothing_internal_in_the_json(world, crew, api, resident):
    ticket = leak(world, resident)
    ticket_add_note(actor=crew.operator, ticket=ticket, text="内部：该户上月欠费")
    record_escalation(ticket=ticket, actor=crew.supervisor, reason="超时升级至经理", data={"level": 1})
    profile = crew.plumber.staff_profile
    profile.phone = "13900001111"
    profile.save()
    advance(work_order_of(ticket), crew, JobStatus.ACCEPTED)
    raw = api.get(f"{API}/requests/{ticket.pk}", {"household_id": world.household_a.pk}).content.decode()
    body = json.loads(raw)
    assert body["jobs"][0]["worker"] == "王建国"
    text = json.dumps(body, ensure_ascii=False)
    for secret in ("内部：该户上月欠费", "超时升级至经理", "13900001111", "13812345678", "plumber", "operator"):
        assert secret not in text, secret


def test_message_cancel_and_rate(world, crew, api, resident):
    ticket = leak(world, resident)
    household = world.household_a.pk
    said = post(api, f"/requests/{ticket.pk}/messages", {"household_id": household, "text": "周末在家"})
    assert said.status_code == 201 and said.json()["messages"][-1]["text"] == "周末在家"
    stale = post(api, f"/requests/{ticket.pk}/cancel", {"household_id": household, "expected_version": 1})
    assert stale.status_code == 409
    early = post(api, f"/requests/{ticket.pk}/rating", {"household_id": household, "score": 5})
    assert early.status_code == 400
    advance(work_order_of(ticket), crew, JobStatus.SIGNED_OFF)
    late = post(api, f"/requests/{ticket.pk}/cancel", {"household_id": household})
    assert late.status_code == 400
    out_of_range = post(api, f"/requests/{ticket.pk}/rating", {"household_id": household, "score": 6})
    assert out_of_range.status_code == 422
    rated = post(api, f"/requests/{ticket.pk}/rating", {"household_id": household, "score": 4, "comment": "不错"})
    assert rated.status_code == 201
    assert rated.json()["rating"]["score"] == 4 and rated.json()["can_confirm"] is False
    assert Rating.objects.get().comment == "不错"
    assert fresh(work_order_of(ticket)).customer_rating == 4


def test_cancel_through_the_api(world, crew, api, resident):
    ticket = leak(world, resident)
    version = Ticket.objects.get(pk=ticket.pk).version
    done = post(
        api, f"/requests/{ticket.pk}/cancel", {"household_id": world.household_a.pk, "expected_version": version}
    )
    assert done.status_code == 200 and done.json()["status"] == "cancelled"


def test_staff_have_no_households(world, crew, client):
    client.force_login(crew.receptionist)
    assert client.get(API + "/households").json() == []
    assert client.get(API + "/requests", {"household_id": world.household_a.pk}).status_code == 404
