"""The watch list (R-CV-3): kept by the security manager with a reason and an expiry, audited; a visitor whose
document or plate matches an active entry of the center is marked, the guard alerted and the security managers
notified; expired, removed and other centers' entries do not match; residents see nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.api.tests.conftest import bearer
from propdesk.core.models import Event
from propdesk.notify.models import Notification
from propdesk.org.choices import Role
from propdesk.visitors import services
from propdesk.visitors.models import WatchEntry

from .conftest import ID_A, NOW, visit_kwargs

pytestmark = pytest.mark.usefixtures("clock")
WEEK = NOW + dt.timedelta(days=7)


@pytest.fixture
def manager_a(staff):
    return staff(Role.SECURITY_MANAGER)


def watch_person(actor, world, **overrides):
    kwargs = {
        "service_center": world.center_a,
        "kind": "person",
        "name": "王某",
        "document_type": "id_card",
        "id_number": ID_A,
        "reason": "多次尾随进入单元",
        "expires_at": WEEK,
    }
    return services.watch_add(actor=actor, **{**kwargs, **overrides})


def test_the_security_manager_adds_an_entry_with_an_audit_row_and_no_clear_number(world, manager_a):
    entry = watch_person(manager_a, world)
    assert entry.id_masked == "4403**********1234" and ID_A not in str(
        WatchEntry.objects.filter(pk=entry.pk).values().get()
    )
    event = Event.objects.get(verb="watch.added")
    assert (event.actor, event.reason, event.service_center_id) == (manager_a, "多次尾随进入单元", world.center_a.pk)


@pytest.mark.parametrize("role", [Role.SECURITY_GUARD, Role.CS_SUPERVISOR, Role.CENTER_MANAGER])
def test_nobody_else_keeps_the_watch_list(world, staff, role):
    with pytest.raises(PermissionDenied):
        watch_person(staff(role), world)
    assert WatchEntry.objects.count() == 0


def test_a_manager_of_another_center_cannot_watch_here(world, staff):
    with pytest.raises(PermissionDenied):
        watch_person(staff(Role.SECURITY_MANAGER, world.center_b), world)


def test_a_reason_an_expiry_and_a_number_or_plate_are_required(world, manager_a):
    with pytest.raises(ValidationError) as caught:
        watch_person(manager_a, world, reason=" ", expires_at=NOW - dt.timedelta(hours=1), id_number="123")
    assert set(caught.value.message_dict) == {"reason", "expires_at", "id_number"}
    with pytest.raises(ValidationError) as caught:
        services.watch_add(actor=manager_a, service_center=world.center_a, kind="plate", reason="逃费", expires_at=WEEK)
    assert set(caught.value.message_dict) == {"plate"}


def test_a_matching_document_alerts_the_guard_and_the_security_managers(world, guard_a, manager_a):
    watch_person(manager_a, world)
    visit = services.check_in(actor=guard_a, **visit_kwargs(world))
    assert [e.reason for e in visit.watch_hits] == ["多次尾随进入单元"]
    visit.refresh_from_db()
    assert visit.watch_alert
    assert visit.events.filter(kind="watch_alert").count() == 1
    told = Notification.objects.filter(kind="visitors.watch", channel="inapp")
    assert {n.recipient for n in told} == {manager_a, guard_a}


def test_a_matching_plate_alerts_through_an_invitation_too(world, guard_a, manager_a, clock):
    services.watch_add(
        actor=manager_a, service_center=world.center_a, kind="plate", plate="粤b 54321", reason="逃费", expires_at=WEEK
    )
    invitation = services.invite(
        actor=guard_a,
        community=world.community_a,
        visitor_name="刘洋",
        room="3-2-1202",
        plate="粤B54321",
        valid_from=NOW,
        valid_until=NOW + dt.timedelta(hours=2),
    )
    visit = services.check_in_by_code(actor=guard_a, code=invitation.code)
    assert visit.watch_alert and len(visit.watch_hits) == 1


def test_expired_removed_and_other_centers_entries_do_not_match(world, guard_a, manager_a, staff, clock):
    entry = watch_person(manager_a, world, expires_at=NOW + dt.timedelta(hours=1))
    watch_person(staff(Role.SECURITY_MANAGER, world.center_b), world, service_center=world.center_b)
    clock.shift(dt.timedelta(hours=2))
    assert services.check_in(actor=guard_a, **visit_kwargs(world)).watch_hits == []
    fresh = watch_person(manager_a, world)
    services.watch_remove(actor=manager_a, entry=fresh, reason="已查明")
    assert services.check_in(actor=guard_a, **visit_kwargs(world)).watch_hits == []
    assert Event.objects.filter(verb="watch.removed").get().reason == "已查明"
    assert entry.pk != fresh.pk


def test_residents_never_see_the_alert_or_the_list(world, guard_a, manager_a, resident_user_a):
    from propdesk.api.tests.conftest import ApiClient

    watch_person(manager_a, world)
    services.check_in(actor=guard_a, **visit_kwargs(world))
    resident = ApiClient()
    resident.client.force_login(resident_user_a)
    visits = resident.get("/api/v1/visitors/visits").json()["items"]
    assert [v["watch_alert"] for v in visits] == [False]
    assert resident.get("/api/v1/visitors/watch").status_code == 403
    assert [v["watch_alert"] for v in bearer(guard_a).get("/api/v1/visitors/visits").json()["items"]] == [True]


def test_the_watch_api_for_the_security_manager(world, manager_a, guard_a):
    api = bearer(manager_a)
    created = api.post(
        "/api/v1/visitors/watch",
        {
            "service_center_id": world.center_a.pk,
            "kind": "plate",
            "plate": "粤B99999",
            "reason": "多次违停",
            "expires_at": WEEK.isoformat(),
        },
    )
    assert created.status_code == 201, created.content
    assert [e["plate"] for e in api.get("/api/v1/visitors/watch").json()] == ["粤B99999"]
    assert bearer(guard_a).get("/api/v1/visitors/watch").status_code == 403
    removed = api.post(f"/api/v1/visitors/watch/{created.json()['id']}/remove", {"reason": "已处理"})
    assert removed.status_code == 200 and removed.json()["active"] is False
    assert api.get("/api/v1/visitors/watch").json() == []
    other = api.post(
        "/api/v1/visitors/watch",
        {
            "service_center_id": world.center_b.pk,
            "kind": "plate",
            "plate": "粤B1",
            "reason": "x",
            "expires_at": WEEK.isoformat(),
        },
    )
    assert other.status_code == 404
