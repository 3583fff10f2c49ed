"""Races on PostgreSQL: two sign-ins for the last place of a session, and two approvals of one procedure at
the same moment — one wins, the other gets a clear error, and nothing is counted twice."""

import pytest
from django.core.exceptions import ValidationError

from propdesk.testing.clock import shanghai_time
from propdesk.testing.concurrency import errors, postgresql_only, run_together
from propdesk.training import services
from propdesk.training.models import Attendance, Trainee

from .helpers import register, schedule

pytestmark = [postgresql_only(), pytest.mark.django_db(transaction=True)]


def test_two_walk_ins_for_the_last_place(team, world, clock):
    procedure = services.procedure_approve(actor=team.manager, procedure=register(team, world))
    session = schedule(team, procedure, capacity=1)
    clock.move_to(shanghai_time(2026, 11, 20, 14))
    people = [team.plumber.pk, team.electrician.pk]
    results = run_together(
        2, lambda i: services.attendance_record(actor=team.hr, session=session, user_id=people[i], mark="present")
    )
    assert len(errors(results)) == 1 and isinstance(errors(results)[0], ValidationError)
    assert errors(results)[0].message_dict["user_id"] == ["名额已满"]
    assert Attendance.objects.filter(session=session).count() == 1
    assert Trainee.objects.filter(trained_at__isnull=False).count() == 1


def test_two_approvals_at_once(team, world):
    procedure = register(team, world)
    second = type(team.manager).objects.get(pk=team.manager.pk)
    results = run_together(2, lambda i: services.procedure_approve(actor=second, procedure=procedure))
    assert len(errors(results)) == 1
    assert Trainee.objects.filter(procedure=procedure).count() == 2
