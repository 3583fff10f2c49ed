"""Fixtures for the API tests: staff of both centers, a technician, a resident login, bearer clients."""

import json

import pytest
from django.test import Client

from propdesk.api.services import api_token_create
from propdesk.org.choices import DepartmentKind, Role
from propdesk.testing.factories import DepartmentFactory, UserFactory, staff_user


class ApiClient:
    """A test client that sends a bearer token and JSON bodies."""

    def __init__(self, secret: str | None = None, **defaults):
        headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        self.client = Client(headers=headers, **defaults)

    def get(self, path, data=None, **extra):
        return self.client.get(path, data, **extra)

    def post(self, path, data=None, *, headers=None, **extra):
        body = data if isinstance(data, (str, bytes)) else json.dumps(data if data is not None else {})
        return self.client.post(path, body, content_type="application/json", headers=headers, **extra)

    def upload(self, path, data, **extra):
        return self.client.post(path, data, **extra)


def bearer(user) -> ApiClient:
    _token, secret = api_token_create(actor=user, name="测试")
    return ApiClient(secret)


@pytest.fixture
def control_center_a(world):
    """Hand-offs need a control-center department in the ticket's service center."""
    return DepartmentFactory(service_center=world.center_a, kind=DepartmentKind.CONTROL_CENTER, name="翠湖控制中心")


@pytest.fixture
def receptionist_a(world):
    return staff_user("reception-a", Role.RECEPTIONIST, center=world.center_a)


@pytest.fixture
def receptionist_b(world):
    return staff_user("reception-b", Role.RECEPTIONIST, center=world.center_b)


@pytest.fixture
def technician_a(world):
    return staff_user("tech-a", Role.TECHNICIAN, center=world.center_a)


@pytest.fixture
def resident_user(world):
    """Resident A's portal login (household 3栋2单元1202 in community A)."""
    user = UserFactory(username="zhangwei")
    world.resident_a.user = user
    world.resident_a.save(update_fields=["user"])
    return user


@pytest.fixture
def api_a(receptionist_a) -> ApiClient:
    return bearer(receptionist_a)


@pytest.fixture
def api_b(receptionist_b) -> ApiClient:
    return bearer(receptionist_b)
