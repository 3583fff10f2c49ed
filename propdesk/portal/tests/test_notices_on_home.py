"""The portal's home lists the notices posted for the resident's household, and only theirs."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from propdesk.notices import services as notices
from propdesk.notices.tests.conftest import PNG, notice_data
from propdesk.org.choices import Role
from propdesk.testing.roles import role_user

pytestmark = pytest.mark.usefixtures("clock")


def _post(world, community, title):
    info = role_user(Role.INFO_MANAGER, world.center_a, username=f"info-{community.pk}")
    manager = role_user(Role.CENTER_MANAGER, world.center_a, username=f"manager-{community.pk}")
    now = timezone.now()
    data = notice_data(
        world, title=title, community_id=community.pk, valid_from=now - dt.timedelta(hours=1),
        valid_until=now + dt.timedelta(days=30),
    )  # fmt: skip
    notice = notices.notice_create(actor=info, service_center=world.center_a, data=data)
    notice = notices.notice_submit(actor=info, notice=notice, expected_version=None)
    notice = notices.notice_approve(actor=manager, notice=notice, expected_version=None)
    notice = notices.notice_seal(actor=info, notice=notice, expected_version=None)
    return notices.notice_schedule(actor=info, notice=notice, publish_at=None, expected_version=None)


def test_the_home_lists_the_households_notices_with_a_link_to_each(world, client, resident, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    world.center_a.seal.save("seal.png", ContentFile(PNG), save=True)
    notice = _post(world, world.community_a, "关于小区实施车辆使用停车卡的通知")
    client.force_login(resident)

    page = client.get(reverse("portal:home")).content.decode()

    link = reverse("notices:board_notice", args=[world.community_a.code, notice.pk])
    assert f'<a href="{link}">关于小区实施车辆使用停车卡的通知</a>' in page
    assert client.get(link).status_code == 200


def test_a_household_elsewhere_does_not_see_them(world, client, resident_b, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    world.center_a.seal.save("seal.png", ContentFile(PNG), save=True)
    _post(world, world.community_a, "关于小区实施车辆使用停车卡的通知")
    client.force_login(resident_b)

    page = client.get(reverse("portal:home")).content.decode()

    assert "停车卡" not in page and "暂无通知" in page
