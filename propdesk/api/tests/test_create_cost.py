"""What one ``POST /api/v1/tickets`` costs in SQL statements, and what is kept between requests: the user's scope,
recomputed as soon as a membership changes, and the SLA configuration (policies, calendars, working days), read
again as soon as it changes — in this process or (through the shared generations) another."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from propdesk.api.models import ScopeGeneration
from propdesk.core import scoping
from propdesk.org.models import RoleMembership
from propdesk.sla import config as sla_config
from propdesk.sla.models import ConfigGeneration, SlaPolicy, SlaTarget
from propdesk.tickets.models import Ticket

from .conftest import bearer

TICKETS = "/api/v1/tickets"
# A consultation with an Idempotency-Key (no work order, no complaint record): token, key row, scope generation,
# household, counter, ticket, event, SLA configuration generation, deadline rows, stored response, and the
# savepoints of the test's transaction. It was 31 before the create path was cut, 15 while the SLA policies and
# calendar days were read on every create.
CONSULTATION_STATEMENTS = 14


@pytest.fixture(autouse=True)
def keep_scopes(settings):
    """Scopes and the SLA configuration kept between requests, as in production (the test settings compute them
    per request)."""
    settings.PROPDESK_KEEP_SCOPES = True
    settings.PROPDESK_KEEP_SLA_CONFIG = True
    scoping._shared.clear()
    sla_config.forget()
    yield
    scoping._shared.clear()
    sla_config.forget()


def _create(api, world, kind="consultation"):
    body = {"kind": kind, "content": "咨询停车月卡办理流程", "channel": "phone", "household_id": world.household_a.pk}
    return api.post(TICKETS, body, headers={"Idempotency-Key": str(uuid.uuid4())})


def _tables(ctx) -> str:
    return " ".join(q["sql"] for q in ctx.captured_queries)


def _sla_reads(ctx) -> list[str]:
    return [
        q["sql"].split(" FROM ")[1].split()[0].strip('"')
        for q in ctx.captured_queries
        if '"sla_' in q["sql"] and q["sql"].startswith("SELECT")
    ]


def test_a_create_takes_a_bounded_number_of_statements(receptionist_a, world):
    # given a warm process (the scope was computed by an earlier request)
    api = bearer(receptionist_a)
    assert _create(api, world).status_code == 201

    # when (the test runs in one transaction: a request's own would begin here)
    sla_config.forget_transaction()
    with CaptureQueriesContext(connection) as ctx:
        response = _create(api, world)

    # then
    assert response.status_code == 201, response.content
    assert len(ctx.captured_queries) <= CONSULTATION_STATEMENTS, _tables(ctx)
    sql = _tables(ctx)
    assert "org_rolemembership" not in sql  # the scope was kept
    assert "api_scopegeneration" in sql  # … after checking it is still current
    assert _sla_reads(ctx) == ["sla_configgeneration"]  # the SLA configuration too, with one read
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize("kind", ["consultation", "complaint", "repair"])
def test_a_create_reads_the_sla_configuration_generation_only(receptionist_a, world, kind):
    # given a warm process
    api = bearer(receptionist_a)
    assert _create(api, world, kind).status_code == 201
    sla_config.forget_transaction()

    # when
    with CaptureQueriesContext(connection) as ctx:
        response = _create(api, world, kind)

    # then no policy, calendar or calendar day is read, and the clocks are started as before
    assert response.status_code == 201, response.content
    assert _sla_reads(ctx) == ["sla_configgeneration"]
    assert SlaTarget.objects.filter(ticket__number=response.json()["number"]).exists()


def test_an_sla_policy_changed_by_another_process_applies_to_the_next_create(receptionist_a, world):
    # given the policies are kept by this process (the 5-minute dispatch clock of a repair runs 24×7)
    api = bearer(receptionist_a)
    assert _dispatch_minutes(_create(api, world, "repair")) == 5

    # when another process lengthens it and replaces the generation (simulated: the rows change without this
    # process knowing), and the next request's transaction begins
    SlaPolicy.objects.filter(code="dispatch").update(duration_minutes=50)
    ConfigGeneration.objects.filter(pk=sla_config.ROW_ID).update(token=12345)
    sla_config.forget_transaction()

    # then the next ticket's clock runs on the changed policy
    assert _dispatch_minutes(_create(api, world, "repair")) == 50


def _dispatch_minutes(response) -> float:
    assert response.status_code == 201, response.content
    target = SlaTarget.objects.get(ticket__number=response.json()["number"], policy__code="dispatch")
    return (target.due_at - target.started_at) / dt.timedelta(minutes=1)


def test_a_revoked_role_takes_effect_on_the_next_request(receptionist_a, world):
    # given the scope is kept by the process
    api = bearer(receptionist_a)
    assert _create(api, world).status_code == 201

    # when the role is revoked
    membership = RoleMembership.objects.get(user=receptionist_a, is_active=True)
    membership.is_active = False
    membership.save()

    # then the household is out of reach at once
    response = _create(api, world)
    assert response.status_code in (400, 403), response.content
    assert Ticket.objects.count() == 1


def test_a_change_announced_by_another_process_is_seen(receptionist_a, world):
    # given the scope is kept by this process
    api = bearer(receptionist_a)
    assert _create(api, world).status_code == 201

    # when another process replaces the generation (simulated: the row changes without this process knowing)
    ScopeGeneration.objects.filter(pk=1).update(token=12345)
    with CaptureQueriesContext(connection) as ctx:
        response = _create(api, world)

    # then the scope is computed again
    assert response.status_code == 201
    assert "org_rolemembership" in _tables(ctx)


@pytest.mark.parametrize("kind", ["consultation", "complaint", "repair"])
def test_numbers_continue_the_day_sequence(receptionist_a, world, kind):
    # when
    api = bearer(receptionist_a)
    first, second = _create(api, world, kind).json(), _create(api, world, kind).json()

    # then
    assert int(second["number"].rsplit("-", 1)[1]) == int(first["number"].rsplit("-", 1)[1]) + 1
