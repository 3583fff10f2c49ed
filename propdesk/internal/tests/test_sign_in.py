"""Optional sign-in and sign-out times (R-RP-6): off by default (no button, the API refuses); turned on by the
center manager, one tap signs in and out; a sign-in after 08:20 is late and listed for the managers."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from propdesk.api.tests.conftest import bearer
from propdesk.dispatch.tests.helpers import on18
from propdesk.internal import selectors, services
from propdesk.internal.models import SignIn

API = "/api/v1/internal"


def turn_on(office, world):
    return services.settings_update(actor=office.crew.manager, center=world.center_a, sign_in_enabled=True)


def test_off_by_default_no_button_and_the_api_refuses(client, office):
    client.force_login(office.crew.plumber)
    assert "sign-in-button" not in client.get(reverse("internal:my_day")).content.decode()
    assert bearer(office.crew.plumber).post(f"{API}/sign-in", {}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.sign_in(actor=office.crew.plumber)
    assert SignIn.objects.count() == 0


def test_on_one_tap_signs_in_and_out(client, office, world, clock):
    turn_on(office, world)
    clock.move_to(on18(8, 15))
    client.force_login(office.crew.plumber)
    assert "sign-in-button" in client.get(reverse("internal:my_day")).content.decode()
    assert client.post(reverse("internal:sign", args=["in"])).status_code == 302
    row = SignIn.objects.get(user=office.crew.plumber)
    assert (row.day, row.signed_in_at, row.late) == (dt.date(2026, 11, 18), on18(8, 15), False)
    assert "sign-out-button" in client.get(reverse("internal:my_day")).content.decode()
    clock.move_to(on18(17, 5))
    client.post(reverse("internal:sign", args=["out"]))
    assert SignIn.objects.get(pk=row.pk).signed_out_at == on18(17, 5)
    with pytest.raises(Exception, match="今天已签到"):
        services.sign_in(actor=office.crew.plumber)


def test_a_late_sign_in_is_flagged_for_the_managers(client, office, world, clock):
    turn_on(office, world)
    clock.move_to(on18(8, 31))
    response = bearer(office.crew.plumber).post(f"{API}/sign-in", {})
    assert response.status_code == 201 and response.json()["late"] is True
    clock.move_to(on18(8, 19))  # the same day, earlier: a colleague in time
    services.sign_in(actor=office.crew.electrician)
    late = selectors.late_sign_ins(user=office.dept_manager, center_id=world.center_a.pk)
    assert [s.user for s in late] == [office.crew.plumber]
    assert list(selectors.late_sign_ins(user=office.crew.electrician, center_id=world.center_a.pk)) == []
    rows = bearer(office.crew.manager).get(f"{API}/sign-ins/late", {"center_id": world.center_a.pk}).json()
    assert [r["user"]["name"] for r in rows] == ["plumber"]
    client.force_login(office.crew.manager)
    assert "今日迟到" in client.get(reverse("internal:dashboard")).content.decode()


def test_only_the_center_manager_turns_it_on(office, world):
    with pytest.raises(PermissionDenied):
        services.settings_update(actor=office.dept_manager, center=world.center_a, sign_in_enabled=True)
    assert services.center_settings(world.center_a.pk).sign_in_enabled is False
    body = {"center_id": world.center_a.pk, "sign_in_enabled": True, "sign_in_by": "08:30"}
    assert bearer(office.crew.plumber).post(f"{API}/settings", body).status_code == 403
    done = bearer(office.crew.manager).post(f"{API}/settings", body)
    assert done.json() == {"center_id": world.center_a.pk, "sign_in_enabled": True, "sign_in_by": "08:30"}
