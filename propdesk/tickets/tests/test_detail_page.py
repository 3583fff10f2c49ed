"""The ticket page shows system steps (escalations by the sweeper) and work orders without an assignee."""

import datetime as dt

from propdesk.sla.services import sweep
from propdesk.testing.clock import pinned
from propdesk.tickets.services import ticket_create

RECEIVED = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_escalations_by_the_system_are_shown_on_the_ticket(client, world, reception_a):
    with pinned(dt.datetime(2026, 10, 1, tzinfo=dt.UTC)) as clock:
        world.household_a.refresh_from_db()
        clock.move_to(RECEIVED)
        # given a repair nobody dispatched: its 5-minute dispatch clock breaches
        ticket = ticket_create(
            actor=reception_a, kind="repair", content="下水道堵塞", channel="phone", household=world.household_a
        )
        clock.move_to(RECEIVED + dt.timedelta(minutes=10))
        sweep()
        # when the receptionist opens the ticket
        client.force_login(reception_a)
        response = client.get(f"/tickets/{ticket.pk}/")
    # then the page shows the breach recorded by the system and the waiting work order
    page = response.content.decode()
    assert response.status_code == 200
    assert "系统" in page
    assert "已超时（第 2 级）" in page
    assert f"{ticket.number}-1" in page
    assert "待派单" in page


def test_the_assignee_choices_name_each_persons_role_and_department(client, world, reception_a, technician_a):
    from propdesk.org.choices import Role
    from propdesk.testing.factories import staff_user

    # given a CS supervisor who is also the center's information manager
    supervisor = staff_user("supervisor-a", Role.CS_SUPERVISOR, center=world.center_a)
    supervisor.role_memberships.create(role=Role.INFO_MANAGER, service_center=world.center_a)
    # and people the rule set would refuse as assignees: the HR administrator, the company quality department
    staff_user("hr-a", Role.HR_ADMIN, center=world.center_a)
    staff_user("quality", Role.QUALITY_DEPT, company=world.company)
    with pinned(RECEIVED):
        ticket = ticket_create(
            actor=reception_a, kind="complaint", content="楼上噪音", channel="phone", household=world.household_a
        )
        client.force_login(reception_a)
        response = client.get(f"/tickets/{ticket.pk}/")

    # then each choice reads "name · role / department"
    choices = {str(label) for _value, label in response.context["assign_form"].fields["assignee"].choices if _value}
    department = reception_a.staff_profile.department.name
    assert f"reception-a · 客户接待员 / {department}" in choices
    assert "tech-a · 维修人员 / 工程维修部" in choices
    assert f"supervisor-a · 客服主管、信息管理员 / {supervisor.staff_profile.department.name}" in choices
    page = response.content.decode()
    assert "tech-a · 维修人员 / 工程维修部</option>" in page
    # nobody is offered who could not be made responsible
    assert not any(label.startswith(("hr-a", "quality")) for label in choices)
