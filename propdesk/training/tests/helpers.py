"""Shared steps of the training tests: a procedure registered, approved and scheduled through the services."""

import datetime as dt

from propdesk.testing.clock import shanghai_time
from propdesk.training import services

DUE = dt.date(2026, 12, 15)


def register(team, world, *, actor=None, pass_mark=None, **targets):
    targets = targets or {"roles": ["technician"]}
    return services.procedure_register(
        actor=actor or team.eng_manager,
        center=world.center_a,
        department_id=team.engineering.pk,
        title="二次供水水箱清洗规程",
        summary="水箱清洗前须停水公告，清洗后取样送检。",
        effective_on=dt.date(2026, 12, 1),
        due_on=DUE,
        pass_mark=pass_mark,
        **targets,
    )


def approved(team, world, **kwargs):
    procedure = register(team, world, **kwargs)
    return services.procedure_approve(actor=team.manager, procedure=procedure)


def schedule(team, procedure, *, day=20, capacity=10):
    return services.session_schedule(
        actor=team.hr,
        procedure=procedure,
        starts_at=shanghai_time(2026, 11, day, 14),
        place="三楼会议室",
        trainer_id=team.eng_manager.pk,
        capacity=capacity,
    )
