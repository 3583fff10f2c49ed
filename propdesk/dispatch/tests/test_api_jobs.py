"""A job's progress through the JSON API: accept / on the way / arrive (stale → 409, another technician's job
→ 404), decline, materials and photos (idempotent), finish, report and sign-off."""

import pytest

from propdesk.dispatch.choices import Status
from propdesk.dispatch.models import Material, Photo

from .api_kit import as_user, person, photo, wo_url
from .helpers import (
    NOW,
    advance,
    build_crew,
    fresh,
    new_ticket,
    on18,
    png_bytes,
    row_counts,
    signature_data_url,
    wo_snapshot,
    work_order_of,
)

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def crew(world, clock):
    crew = build_crew(world)
    clock.move_to(NOW)
    return crew


@pytest.fixture
def wo(world, crew):
    return work_order_of(new_ticket(crew.receptionist, world))


@pytest.fixture
def assigned(crew, wo):
    return advance(wo, crew, Status.ASSIGNED, worker=crew.plumber)


# --- progress ------------------------------------------------------------------------------------------------


def test_accept_on_the_way_and_arrive(crew, assigned, clock):
    api = as_user(crew.plumber)

    # when
    accepted = api.post(wo_url(assigned, "accept"), {"expected_version": 2})
    clock.move_to(on18(10, 5))
    on_the_way = api.post(wo_url(assigned, "on-the-way"), {"expected_version": 3})
    clock.move_to(on18(10, 20))
    arrived = api.post(wo_url(assigned, "arrive"))

    # then
    assert [r.status_code for r in (accepted, on_the_way, arrived)] == [200, 200, 200]
    assert [(r.json()["status"], r.json()["version"]) for r in (accepted, on_the_way, arrived)] == [
        ("accepted", 3),
        ("on_the_way", 4),
        ("arrived", 5),
    ]
    assert (arrived.json()["accepted_at"], arrived.json()["on_the_way_at"], arrived.json()["arrived_at"]) == (
        "2026-11-18T10:00:00+08:00",
        "2026-11-18T10:05:00+08:00",
        "2026-11-18T10:20:00+08:00",
    )


def test_a_dispatcher_accepts_on_behalf_of_the_worker(crew, assigned):
    # when
    response = as_user(crew.operator).post(wo_url(assigned, "accept"))

    # then
    assert response.status_code == 200
    event = fresh(assigned).events.latest("at", "pk")
    assert (event.actor, event.on_behalf_of, event.to_status) == (crew.operator, crew.plumber, "accepted")


def test_a_stale_accept_is_409_and_changes_nothing(crew, assigned):
    # given: the plumber's phone shows version 1, before the dispatch
    before = wo_snapshot(assigned)

    # when
    response = as_user(crew.plumber).post(wo_url(assigned, "accept"), {"expected_version": 1})

    # then
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "expected_version"
    assert wo_snapshot(assigned) == before


def test_another_technicians_job_is_404(crew, assigned):
    # when
    response = as_user(crew.electrician).post(wo_url(assigned, "accept"))

    # then
    assert response.status_code == 404
    assert fresh(assigned).status == Status.ASSIGNED


def test_decline_needs_a_reason(crew, assigned):
    # given
    before = wo_snapshot(assigned)

    # when
    refused = as_user(crew.plumber).post(wo_url(assigned, "decline"), {"reason": " "})
    declined = as_user(crew.plumber).post(wo_url(assigned, "decline"), {"reason": "工具不全"})

    # then
    assert refused.status_code == 400
    assert refused.json() == {"detail": "请填写拒单原因", "errors": [{"field": "reason", "message": "请填写拒单原因"}]}
    assert declined.status_code == 200
    assert (declined.json()["status"], declined.json()["assignee"], declined.json()["version"]) == (
        "pending",
        None,
        before[1] + 1,
    )


# --- on site -------------------------------------------------------------------------------------------------


def test_add_a_material_and_replay_it(crew, assigned):
    api = as_user(crew.plumber)
    body = {"name": "水龙头阀芯", "quantity": "1.5", "unit": "个"}

    # when
    first = api.post(wo_url(assigned, "materials"), body, headers={"Idempotency-Key": "mat-1"})
    second = api.post(wo_url(assigned, "materials"), body, headers={"Idempotency-Key": "mat-1"})

    # then
    assert first.status_code == 201, first.content
    material = Material.objects.get()
    assert first.json() == {
        "id": material.pk,
        "name": "水龙头阀芯",
        "quantity": "1.50",
        "unit": "个",
        "recorded_by": person(crew.plumber),
        "recorded_at": "2026-11-18T10:00:00+08:00",
    }
    assert (second.status_code, second.json(), second["Idempotent-Replayed"]) == (201, first.json(), "true")
    detail = api.get(wo_url(assigned)).json()
    assert detail["materials"] == [first.json()]
    assert detail["version"] == 3


def test_upload_a_photo_and_replay_it(crew, assigned):
    api = as_user(crew.plumber)

    # when
    first = api.upload(
        wo_url(assigned, "photos"), {"stage": "before", "file": photo()}, headers={"Idempotency-Key": "ph-1"}
    )
    again = api.upload(
        wo_url(assigned, "photos"), {"stage": "before", "file": photo()}, headers={"Idempotency-Key": "ph-1"}
    )
    other = api.upload(
        wo_url(assigned, "photos"), {"stage": "after", "file": photo()}, headers={"Idempotency-Key": "ph-1"}
    )

    # then
    assert first.status_code == 201, first.content
    stored = Photo.objects.get()
    assert first.json() == {
        "id": stored.pk,
        "stage": "before",
        "name": "before.png",
        "content_type": "image/png",
        "size": len(png_bytes()),
        "uploaded_by": person(crew.plumber),
        "uploaded_at": "2026-11-18T10:00:00+08:00",
    }
    assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (201, first.json(), "true")
    assert other.status_code == 422
    assert api.get(wo_url(assigned)).json()["photos"] == [first.json()]


def test_a_photo_that_is_not_an_image_is_refused(crew, assigned):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # when
    response = as_user(crew.plumber).upload(
        wo_url(assigned, "photos"), {"stage": "after", "file": SimpleUploadedFile("a.txt", b"hello")}
    )

    # then
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "file", "message": "只能上传照片（JPG、PNG、GIF、WebP、HEIC）"}]
    assert Photo.objects.count() == 0


def test_finish_with_the_customers_signature(crew, assigned):
    # given
    wo = advance(assigned, crew, Status.ARRIVED)

    # when
    response = as_user(crew.plumber).post(
        wo_url(wo, "finish"),
        {"result": "已更换阀芯", "signature": signature_data_url(), "rating": 5, "expected_version": wo.version},
    )

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["result"], body["customer_confirmed"], body["customer_signed"]) == (
        "finished",
        "已更换阀芯",
        True,
        True,
    )
    assert (body["customer_rating"], body["finished_at"]) == (5, "2026-11-18T10:00:00+08:00")


def test_finish_without_the_customer(crew, assigned):
    # given
    wo = advance(assigned, crew, Status.ACCEPTED)

    # when
    response = as_user(crew.plumber).post(
        wo_url(wo, "finish"), {"result": "已疏通", "customer_absent_reason": "业主上班，家人开门"}
    )

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["customer_confirmed"], body["customer_signed"], body["customer_absent_reason"]) == (
        False,
        False,
        "业主上班，家人开门",
    )


def test_finish_without_signature_or_reason_is_400_and_changes_nothing(crew, assigned):
    # given
    before, counts = wo_snapshot(assigned), row_counts()

    # when
    response = as_user(crew.plumber).post(wo_url(assigned, "finish"), {"result": "已疏通"})

    # then
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "signature", "message": "请客户在屏幕上签名确认，或填写客户不在场的原因"}
    ]
    assert (wo_snapshot(assigned), row_counts()) == (before, counts)


def test_report_and_sign_off(crew, assigned, clock):
    # given
    wo = advance(assigned, crew, Status.FINISHED)
    clock.move_to(on18(10, 5))

    # when
    reported = as_user(crew.plumber).post(wo_url(wo, "report"))
    clock.move_to(on18(17))
    signed = as_user(crew.operator).post(wo_url(wo, "sign-off"))

    # then
    assert reported.status_code == 200
    assert (reported.json()["status"], reported.json()["reported_at"]) == ("reported", "2026-11-18T10:05:00+08:00")
    assert signed.status_code == 200, signed.content
    assert (signed.json()["status"], signed.json()["signed_off_at"], signed.json()["return_visit_required"]) == (
        "signed_off",
        "2026-11-18T17:00:00+08:00",
        True,
    )
