"""Fixtures for the API tests: staff of both centers, a technician, a resident login, bearer clients."""

import json

import pytest
from django.test import Client

from propdesk.api.services import api_token_create
from propdesk.org.choices import DepartmentKind, Role
from propdesk.testing.factories import DepartmentFactory
from propdesk.testing.roles import role_user


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
def receptionist_a(reception_a):
    """A receptionist of center A (the root conftest's ``reception_a``)."""
    return reception_a


@pytest.fixture
def receptionist_b(reception_b):
    """A receptionist of center B (the root conftest's ``reception_b``)."""
    return reception_b


@pytest.fixture
def technician_a(world):
    """A technician of center A, in the center's customer-service department (unlike the root conftest's)."""
    return role_user(Role.TECHNICIAN, world.center_a, username="tech-a")


@pytest.fixture
def resident_user(resident_user_a):
    """Resident A's portal login (household 3栋2单元1202 in community A)."""
    return resident_user_a


@pytest.fixture
def api_a(receptionist_a) -> ApiClient:
    return bearer(receptionist_a)


@pytest.fixture
def api_b(receptionist_b) -> ApiClient:
    return bearer(receptionist_b)
