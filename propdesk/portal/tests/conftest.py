"""Fixtures of the portal tests: the dispatch crew of center A is set up on 2 November 2026 and the resident
张伟 (翠湖花园 3栋2单元1202) uses the portal on Wednesday 18 November from 10:00."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from propdesk.dispatch.tests.helpers import BUILT_AT, NOW, build_crew
from propdesk.testing.factories import UserFactory


@pytest.fixture
def clock_start():
    return BUILT_AT


@pytest.fixture
def crew(world, clock):
    built = build_crew(world)
    profile = built.plumber.staff_profile
    profile.name = "王建国"  # a name, not the login "plumber"
    profile.save(update_fields=["name"])
    clock.move_to(NOW)
    return built


@pytest.fixture
def resident(world, resident_user_a):
    return resident_user_a


@pytest.fixture
def resident_b(world):
    user = UserFactory(username="lina")
    world.resident_b.user = user
    world.resident_b.save(update_fields=["user"])
    return user


def photo(name: str = "leak.jpg", size=(64, 48), kind: str = "JPEG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
