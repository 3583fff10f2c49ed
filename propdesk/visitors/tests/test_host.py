"""The host confirms a walk-in visitor: the guard's call goes to the dialler as ``tel:`` (never shown), each call
an audit row with the purpose "call"; the confirmation is recorded once, with its version."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from propdesk.api.tests.conftest import bearer
from propdesk.core.errors import StaleVersion
from propdesk.core.models import PersonalDataAccess
from propdesk.visitors import services

from .conftest import visit_kwargs

pytestmark = pytest.mark.usefixtures("clock")


def test_the_guard_calls_the_host_with_an_audit_row(world, guard_a):
    visit = services.check_in(actor=guard_a, **visit_kwargs(world))
    assert services.call_host(actor=guard_a, visit=visit, ip_address="10.0.0.9") == "tel:13812345678"
    access = PersonalDataAccess.objects.get()
    assert (access.purpose, access.field, access.subject_id, access.ip_address) == (
        "call",
        "phone",
        str(visit.pk),
        "10.0.0.9",
    )
    assert visit.events.filter(kind="host_called").count() == 1


def test_no_host_no_call_and_other_centers_may_not_call(world, guard_a, guard_b):
    courier = services.check_in(actor=guard_a, **visit_kwargs(world, purpose="delivery", room=""))
    with pytest.raises(ValidationError):
        services.call_host(actor=guard_a, visit=courier)
    visit = services.check_in(actor=guard_a, **visit_kwargs(world))
    with pytest.raises(PermissionDenied):
        services.call_host(actor=guard_b, visit=visit)
    assert PersonalDataAccess.objects.count() == 0


def test_confirm_once_with_the_version(world, guard_a):
    visit = services.check_in(actor=guard_a, **visit_kwargs(world))
    with pytest.raises(StaleVersion):
        services.confirm_host(actor=guard_a, visit=visit, expected_version=9)
    confirmed = services.confirm_host(actor=guard_a, visit=visit, expected_version=0)
    assert confirmed.host_confirmed and confirmed.version == 1
    with pytest.raises(ValidationError):
        services.confirm_host(actor=guard_a, visit=confirmed)


def test_the_page_redirects_to_the_dialler_and_the_api_answers_the_uri(world, guard_a):
    visit = services.check_in(actor=guard_a, **visit_kwargs(world))
    client = Client()
    client.force_login(guard_a)
    assert "致电住户" in client.get("/visitors/").content.decode()
    response = client.post(f"/visitors/visits/{visit.pk}/call-host/")
    assert (response.status_code, response["Location"]) == (302, "tel:13812345678")
    api = bearer(guard_a)
    assert api.post(f"/api/v1/visitors/visits/{visit.pk}/call-host").json() == {"uri": "tel:13812345678"}
    done = api.post(f"/api/v1/visitors/visits/{visit.pk}/confirm-host", {"expected_version": 0})
    assert done.status_code == 200 and done.json()["host_confirmed"] is True
    assert "致电住户" not in client.get("/visitors/").content.decode()
