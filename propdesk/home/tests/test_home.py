"""The home page offers each role what it may use, decided by the apps' rule sets."""

import pytest
from django.test import Client
from django.urls import reverse

from propdesk.org.choices import Role
from propdesk.testing.roles import role_user


def _tiles(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", [Role.HR_ADMIN, Role.RECORDS_CLERK, Role.CLUBHOUSE_ADMIN])
def test_back_office_gets_no_front_desk_tiles_and_no_token_page(world, role):
    content = _tiles(role_user(role, world.center_a))

    for url_name in ("intake:desk", "intake:registers", "dispatch:board", "tickets:list", "account_tokens"):
        assert f'href="{reverse(url_name)}"' not in content, url_name
    assert f'href="{reverse("communities:list")}"' in content
    assert f'href="{reverse("notify:inbox")}"' in content


def test_a_receptionist_gets_the_desk_the_board_the_registers_and_tokens(world):
    content = _tiles(role_user(Role.RECEPTIONIST, world.center_a))

    for url_name in ("intake:desk", "intake:registers", "dispatch:board", "tickets:list", "account_tokens"):
        assert f'href="{reverse(url_name)}"' in content, url_name


def test_a_technician_gets_their_jobs_not_the_desk(world):
    content = _tiles(role_user(Role.TECHNICIAN, world.center_a))

    assert f'href="{reverse("dispatch:my_jobs")}"' in content
    assert f'href="{reverse("tickets:mine")}"' in content
    assert f'href="{reverse("intake:desk")}"' not in content
    assert f'href="{reverse("dispatch:board")}"' not in content


def test_the_quality_department_gets_registers_and_timeliness_not_the_desk(world):
    content = _tiles(role_user(Role.QUALITY_DEPT, world.company))

    assert f'href="{reverse("intake:registers")}"' in content
    assert f'href="{reverse("sla:timeliness")}"' in content
    assert f'href="{reverse("intake:desk")}"' not in content
    assert f'href="{reverse("dispatch:board")}"' not in content
