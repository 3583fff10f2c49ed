"""Races at the gate on PostgreSQL: two guards checking in the same code at the same moment let one visitor in
once; two check-outs of one visit record one departure."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from propdesk.org.choices import Role
from propdesk.testing.concurrency import errors, postgresql_only, run_together
from propdesk.testing.factories import build_world
from propdesk.testing.roles import role_user
from propdesk.visitors import services
from propdesk.visitors.models import Visit, VisitEvent

from .conftest import visit_kwargs

pytestmark = [postgresql_only(), pytest.mark.django_db(transaction=True)]


def test_one_code_at_two_gates_at_once_lets_one_visitor_in():
    world = build_world()
    guards = [role_user(Role.SECURITY_GUARD, world.center_a) for _ in range(2)]
    now = timezone.now()
    invitation = services.invite(
        actor=guards[0],
        community=world.community_a,
        visitor_name="刘洋",
        room="3-2-1202",
        valid_from=now - dt.timedelta(minutes=5),
        valid_until=now + dt.timedelta(hours=1),
    )
    results = run_together(2, lambda i: services.check_in_by_code(actor=guards[i], code=invitation.code))
    refused = errors(results)
    assert len(refused) == 1 and isinstance(refused[0], ValidationError)
    assert "不能重复使用" in refused[0].messages[0]
    assert Visit.objects.filter(invitation=invitation).count() == 1


def test_two_check_outs_at_once_record_one_departure():
    world = build_world()
    guards = [role_user(Role.SECURITY_GUARD, world.center_a) for _ in range(2)]
    visit = services.check_in(actor=guards[0], **visit_kwargs(world))
    results = run_together(2, lambda i: services.check_out(actor=guards[i], visit=visit))
    assert len(errors(results)) == 1
    assert VisitEvent.objects.filter(visit=visit, kind="checked_out").count() == 1
