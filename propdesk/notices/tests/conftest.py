"""Fixtures of the notice tests: a Monday morning at 翠湖服务中心 (center A), with its staff and its seal."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile

from propdesk.org.choices import Role
from propdesk.testing.clock import shanghai_time
from propdesk.testing.roles import role_user

NOW = shanghai_time(2026, 11, 16, 9, 0)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def clock_start():
    return NOW


@pytest.fixture
def sealed_center(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    world.center_a.seal.save("seal.png", ContentFile(PNG), save=True)
    return world.center_a


@pytest.fixture
def info_a(world):
    return role_user(Role.INFO_MANAGER, world.center_a, username="info-a")


@pytest.fixture
def manager_a(world):
    return role_user(Role.CENTER_MANAGER, world.center_a, username="manager-a")


@pytest.fixture
def manager_b(world):
    return role_user(Role.CENTER_MANAGER, world.center_b, username="manager-b")


@pytest.fixture
def operator_a(world):
    return role_user(Role.CONTROL_OPERATOR, world.center_a, username="operator-a")


def notice_data(world, **overrides) -> dict:
    base = {
        "kind": "notice",
        "title": "关于小区实施车辆使用停车卡的通知",
        "body": "<p>各位业主：自 12 月 1 日起……</p>",
        "audience": "community",
        "community_id": world.community_a.pk,
        "valid_from": NOW,
        "valid_until": NOW + dt.timedelta(days=30),
    }
    return {**base, **overrides}


def outage_data(world, starts_at, **overrides) -> dict:
    building = world.household_a.unit.building
    base = notice_data(
        world,
        kind="outage_planned",
        title="3栋计划停水通知",
        body="<p>因二次供水水箱清洗，3栋停水。</p>",
        audience="buildings",
        building_ids=[building.pk],
        utility="water",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=4),
        valid_until=starts_at + dt.timedelta(days=1),
        answer_text="3栋今天 14:00–18:00 水箱清洗停水，已提前三天张贴通知，请提前储水。",
    )
    return {**base, **overrides}
