"""Circulated documents (R-IC-4): registered by the information manager to roles, departments and people;
acknowledged and carried out by each recipient; tracked; chased automatically once a day; at meeting level the
meeting record replaces individual acknowledgement; at email level sent by SMTP (Django mail)."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.dispatch.tests.helpers import error_codes, inbox, on18
from propdesk.internal import selectors, services
from propdesk.internal.models import Circular, CircularRecipient
from propdesk.org.choices import Role
from propdesk.testing.clock import shanghai_time
from propdesk.testing.roles import role_user


@pytest.fixture
def info(world):
    return role_user(Role.INFO_MANAGER, world.center_a, username="info")


def register(info, world, **overrides):
    data = {
        "center": world.center_a,
        "title": "冬季消防安全检查通知",
        "source": "公司品质部",
        "level": "circulate",
        "body": "各部门于 11 月 25 日前完成消防器材自查。",
        "roles": [Role.TECHNICIAN],
        "requires_execution": True,
        "due_on": dt.date(2026, 11, 25),
    }
    return services.circular_register(actor=info, **{**data, **overrides})


def recipients(circular):
    return sorted(r.user.username for r in circular.recipients.all())


def test_targets_by_role_department_and_person(office, world, info):
    circular = register(
        info,
        world,
        roles=[Role.TECHNICIAN],
        department_ids=[office.hr_department.pk],
        user_ids=[office.crew.manager.pk],
    )
    assert recipients(circular) == ["electrician", "hr", "manager", "plumber"]
    assert inbox(office.crew.plumber, "internal.circular") == ["信息传达：冬季消防安全检查通知（公司品质部）"]
    assert mail.outbox == []


def test_people_of_another_center_are_never_reached(office, world, info):
    circular = register(info, world, roles=[Role.TECHNICIAN], user_ids=[office.crew.tech_b.pk])
    assert "plumber-b" not in recipients(circular)
    with pytest.raises(ValidationError) as exc:
        register(info, world, roles=[], department_ids=[office.crew.tech_b.staff_profile.department_id])
    assert "department_ids" in exc.value.message_dict


def test_only_the_information_manager_or_the_center_manager_registers(office, world):
    with pytest.raises(PermissionDenied):
        register(office.crew.supervisor, world)
    assert register(office.crew.manager, world).pk


def test_bad_input_is_refused(office, world, info):
    for overrides, field in [
        ({"level": "fax"}, "level"),
        ({"title": ""}, "title"),
        ({"due_on": None}, "due_on"),
        ({"due_on": dt.date(2026, 11, 1)}, "due_on"),
        ({"roles": ["boss"]}, "roles"),
        ({"roles": []}, "roles"),
    ]:
        with pytest.raises(ValidationError) as exc:
            register(info, world, **overrides)
        assert field in exc.value.message_dict, overrides
    assert Circular.objects.count() == 0


def test_acknowledge_carry_out_and_the_tracking_board(office, world, info):
    circular = register(info, world)
    plumber, electrician = office.crew.plumber, office.crew.electrician
    services.circular_acknowledge(actor=plumber, circular=circular)
    row = services.circular_done(actor=electrician, circular=circular, note="已更换 2 个灭火器")
    assert row.read_at and row.done_at
    tracked = selectors.circulars_tracked(user=info).get()
    assert (tracked.total, tracked.unread, tracked.not_done) == (2, 0, 1)
    assert [r.user for r in selectors.circulars_waiting(user=plumber)] == [plumber]
    assert list(selectors.circulars_waiting(user=electrician)) == []
    with pytest.raises(ValidationError) as exc:
        services.circular_acknowledge(actor=office.crew.manager, circular=circular)
    assert "not_recipient" in error_codes(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.circular_done(actor=electrician, circular=circular)
    assert "done" in error_codes(exc.value)


def test_chasers_go_out_once_a_day_for_unread_and_for_overdue(office, world, info, clock):
    circular = register(info, world)
    services.circular_acknowledge(actor=office.crew.plumber, circular=circular)
    assert services.chase_circulars() == 0  # registered just now
    clock.move_to(on18(10) + dt.timedelta(hours=24, minutes=1))
    assert services.chase_circulars() == 1  # the electrician has not read it
    assert services.chase_circulars() == 0  # once a day
    assert inbox(office.crew.electrician, "internal.circular_chase") == [
        "请阅读并确认：冬季消防安全检查通知（公司品质部）"
    ]
    assert inbox(office.crew.plumber, "internal.circular_chase") == []
    clock.move_to(shanghai_time(2026, 11, 26, 9))  # past the due date
    assert services.chase_circulars() == 2
    assert inbox(office.crew.plumber, "internal.circular_chase") == [
        "已过落实期限 11-25：冬季消防安全检查通知，请落实并确认"
    ]
    services.circular_done(actor=office.crew.plumber, circular=circular)
    clock.move_to(shanghai_time(2026, 11, 27, 10))
    assert services.chase_circulars() == 1  # only the electrician still
    services.circular_close(actor=info, circular=circular)
    clock.move_to(shanghai_time(2026, 11, 28, 10))
    assert services.chase_circulars() == 0
    assert CircularRecipient.objects.get(circular=circular, user=office.crew.electrician).chases == 3


def test_meeting_level_the_meeting_record_replaces_acknowledgement(office, world, info, clock):
    circular = register(info, world, level="meeting", requires_execution=False, due_on=None)
    with pytest.raises(ValidationError) as exc:
        services.circular_acknowledge(actor=office.crew.plumber, circular=circular)
    assert "meeting_level" in error_codes(exc.value)
    clock.move_to(on18(10) + dt.timedelta(days=2))
    assert services.chase_circulars() == 0  # no individual chasing at meeting level
    services.circular_meeting(
        actor=info,
        circular=circular,
        held_at=on18(8, 25),
        minutes="晨会传达消防检查要求",
        attendee_ids=[office.crew.plumber.pk],
    )
    rows = {r.user.username: r for r in circular.recipients.all()}
    assert rows["plumber"].via_meeting and rows["plumber"].read_at == on18(8, 25)
    assert rows["electrician"].read_at is None
    assert selectors.circulars_tracked(user=info).get().unread == 1
    with pytest.raises(ValidationError):
        services.circular_meeting(
            actor=info, circular=register(info, world), held_at=on18(9), minutes="x", attendee_ids=[]
        )


def test_email_level_sends_by_smtp_after_the_commit(office, world, info, django_capture_on_commit_callbacks):
    for user in (office.crew.plumber, office.crew.electrician):
        user.email = f"{user.username}@example.com"
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        register(info, world, level="email")
    assert sorted(m.to[0] for m in mail.outbox) == ["electrician@example.com", "plumber@example.com"]
    assert mail.outbox[0].subject == "[公司品质部] 冬季消防安全检查通知"
