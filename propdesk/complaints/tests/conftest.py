"""Fixtures of the complaint tests: the people of center A who handle complaints, and complaints recorded at
given moments of the pinned clock. 2026-11-18 is a Wednesday."""

from dataclasses import dataclass

import pytest

from propdesk.complaints.models import Complaint
from propdesk.org.choices import Role
from propdesk.testing.clock import shanghai_time
from propdesk.testing.roles import role_user
from propdesk.tickets.choices import Channel, Kind
from propdesk.tickets.services import ticket_create


@pytest.fixture
def clock_start():
    return shanghai_time(2026, 11, 18, 9)


@dataclass
class Cast:
    reception: object
    assistant: object
    supervisor: object
    manager: object
    quality: object
    clerk: object
    reception_b: object


@pytest.fixture
def cast(world) -> Cast:
    return Cast(
        reception=role_user(Role.RECEPTIONIST, world.center_a, username="reception-a"),
        assistant=role_user(Role.CS_ASSISTANT, world.center_a, username="assistant-a"),
        supervisor=role_user(Role.CS_SUPERVISOR, world.center_a, username="supervisor-a"),
        manager=role_user(Role.CENTER_MANAGER, world.center_a, username="manager-a"),
        quality=role_user(Role.QUALITY_DEPT, world.company, username="quality"),
        clerk=role_user(Role.RECORDS_CLERK, world.center_a, username="clerk-a"),
        reception_b=role_user(Role.RECEPTIONIST, world.center_b, username="reception-b"),
    )


@pytest.fixture
def record(world, cast):
    """``record(content=…, **ticket kwargs)`` records a complaint ticket at the desk and returns its complaint."""

    def make(content="楼道灯坏了一周没人修，物业不管", **kwargs) -> Complaint:
        kwargs.setdefault("household", world.household_a)
        kwargs.setdefault("channel", Channel.PHONE)
        ticket = ticket_create(
            actor=kwargs.pop("actor", cast.reception), kind=Kind.COMPLAINT, content=content, **kwargs
        )
        return Complaint.objects.get(ticket=ticket)

    return make
