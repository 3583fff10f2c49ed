"""Fixtures of the filing tests: 翠湖服务中心 (center A) with the people of every step of the chains, on
Wednesday 2026-11-18; center B's customer service as the other scope."""

from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile

from propdesk.org.choices import Role
from propdesk.testing.clock import shanghai_time
from propdesk.testing.roles import role_user

NOW = shanghai_time(2026, 11, 18, 9, 0)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def clock_start():
    return NOW


@dataclass
class Cast:
    cs: object
    assistant: object
    manager: object
    info: object
    leader: object
    quality: object
    business: object
    cs_b: object
    manager_b: object


@pytest.fixture
def cast(world) -> Cast:
    return Cast(
        cs=role_user(Role.CS_SUPERVISOR, world.center_a, username="cs-a"),
        assistant=role_user(Role.CS_ASSISTANT, world.center_a, username="assistant-a"),
        manager=role_user(Role.CENTER_MANAGER, world.center_a, username="manager-a"),
        info=role_user(Role.INFO_MANAGER, world.center_a, username="info-a"),
        leader=role_user(Role.BRANCH_LEADER, world.branch, username="leader"),
        quality=role_user(Role.QUALITY_DEPT, world.company, username="quality"),
        business=role_user(Role.BUSINESS_DEPT, world.company, username="business"),
        cs_b=role_user(Role.CS_SUPERVISOR, world.center_b, username="cs-b"),
        manager_b=role_user(Role.CENTER_MANAGER, world.center_b, username="manager-b"),
    )


@pytest.fixture
def sealed_center(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    world.center_a.seal.save("seal.png", ContentFile(PNG), save=True)
    return world.center_a
