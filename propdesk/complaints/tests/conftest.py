"""Fixtures of the complaint tests: the people of center A who handle complaints, and complaints recorded at
given moments of the pinned clock. 2026-11-18 is a Wednesday."""

import datetime as dt
from dataclasses import dataclass

import pytest

from propdesk.complaints.models import Complaint
from propdesk.org.choices import Role
from propdesk.testing.clock import shanghai_time
from propdesk.testing.factories import HouseholdFactory, UnitFactory
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


# Lift complaints of building 3 (R-CP-4): the same event told by different households.
LIFT = [
    "3栋电梯坏了，困了半天没人修",
    "我们3栋的电梯又停了，走楼梯上20楼",
    "3栋电梯故障停运，老人下不了楼",
    "三栋电梯坏了一上午了，物业什么时候修",
    "3号楼电梯不能用了，赶紧派人来修",
    "3栋电梯还是坏的，投诉",
    "3栋电梯坏了，物业快来人",
]


@pytest.fixture
def homes(world):
    """Seven households of building 3 in community A (household A first)."""
    building = world.household_a.unit.building
    return [world.household_a] + [
        HouseholdFactory(unit=UnitFactory(building=building, entrance="1单元", number=f"{n}01")) for n in range(2, 8)
    ]


@pytest.fixture
def wave(record, homes, clock):
    """``wave(n)`` records n lift complaints from n households, ten minutes apart."""

    def make(n, start=0):
        made = []
        for i in range(start, start + n):
            made.append(record(content=LIFT[i], household=homes[i]))
            clock.shift(dt.timedelta(minutes=10))
        return made

    return make
