"""Registering a procedure, its approval or return, and the list of people to train resolved at approval (and
kept up to date as people join a targeted role or department)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from propdesk.notify.models import Notification
from propdesk.org.choices import Role
from propdesk.org.models import RoleMembership
from propdesk.testing.factories import staff_user
from propdesk.training import services
from propdesk.training.models import Procedure, ProcedureEvent, Session, Trainee

from .helpers import DUE, approved, register, schedule


def _trainees(procedure) -> set[str]:
    return set(Trainee.objects.filter(procedure=procedure).values_list("user__username", flat=True))


def test_nothing_is_scheduled_before_approval(team, world):
    procedure = register(team, world)
    assert procedure.status == "pending" and not Trainee.objects.exists()
    with pytest.raises(ValidationError) as exc:
        schedule(team, procedure)
    assert exc.value.message_dict["procedure"] == ["新程序经经理审批后才能安排培训"]
    assert not Session.objects.exists()
    services.procedure_approve(actor=team.manager, procedure=procedure)
    session = schedule(team, procedure)
    assert session.procedure_id == procedure.pk
    assert list(ProcedureEvent.objects.filter(procedure=procedure).values_list("kind", flat=True)) == [
        "registered",
        "approved",
        "scheduled",
    ]


def test_approval_resolves_roles_departments_and_named_people_once_each(team, world):
    procedure = register(
        team, world, roles=["technician"], department_ids=[team.service.pk], user_ids=[team.plumber.pk, team.hr.pk]
    )
    assert not Trainee.objects.exists()  # resolved at approval, not before
    services.procedure_approve(actor=team.manager, procedure=procedure)
    # The technicians of center A (not B's), the customer-service department, and HR named.
    assert _trainees(procedure) == {"plumber", "electrician", "reception", "cs-supervisor", "hr"}
    assert set(Trainee.objects.values_list("due_on", flat=True)) == {DUE}
    hr_message = Notification.objects.get(recipient=team.hr, kind="internal.training_approved")
    assert "二次供水水箱清洗规程" in hr_message.subject_text()


def test_people_no_longer_active_are_not_trained(team, world):
    team.electrician.is_active = False
    team.electrician.save()
    procedure = approved(team, world)
    assert _trainees(procedure) == {"plumber"}


def test_targets_must_be_of_the_center(team, world):
    with pytest.raises(ValidationError) as exc:
        register(team, world, user_ids=[team.tech_b.pk])
    assert "user_ids" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        register(team, world, roles=[])
    assert exc.value.message_dict["roles"] == ["请指定培训范围（岗位、部门或人员）"]
    with pytest.raises(ValidationError):
        register(team, world, roles=["resident"])
    assert not Procedure.objects.exists()


def test_a_return_needs_a_reason_and_the_corrected_procedure_goes_back_for_approval(team, world):
    procedure = register(team, world)
    with pytest.raises(ValidationError):
        services.procedure_return(actor=team.manager, procedure=procedure, reason="  ")
    returned = services.procedure_return(actor=team.manager, procedure=procedure, reason="培训范围应包括客服")
    assert (returned.status, returned.decision_note) == ("returned", "培训范围应包括客服")
    assert Notification.objects.filter(recipient=team.eng_manager, kind="internal.training_returned").exists()
    with pytest.raises(ValidationError):
        services.procedure_approve(actor=team.manager, procedure=returned)
    again = services.procedure_resubmit(
        actor=team.eng_manager,
        procedure=returned,
        title=returned.title,
        effective_on=returned.effective_on,
        due_on=returned.due_on,
        roles=["technician"],
        department_ids=[team.service.pk],
        expected_version=returned.version,
    )
    assert again.status == "pending"
    services.procedure_approve(actor=team.manager, procedure=again)
    assert "reception" in _trainees(again)


def test_a_stale_decision_is_refused(team, world):
    procedure = register(team, world)
    with pytest.raises(ValidationError) as exc:
        services.procedure_approve(actor=team.manager, procedure=procedure, expected_version=7)
    assert exc.value.code == "stale_version"
    assert Procedure.objects.get().status == "pending"


def test_who_may_register_and_approve(team, world):
    with pytest.raises(PermissionDenied):
        register(team, world, actor=team.plumber)
    with pytest.raises(PermissionDenied):  # a department manager registers for their own department only
        services.procedure_register(
            actor=team.eng_manager,
            center=world.center_a,
            department_id=team.service.pk,
            title="前台接待规范",
            effective_on=dt.date(2026, 12, 1),
            due_on=DUE,
            roles=["receptionist"],
        )
    procedure = register(team, world)
    for refused in (team.eng_manager, team.hr):
        with pytest.raises(PermissionDenied):
            services.procedure_approve(actor=refused, procedure=procedure)
    own = register(team, world, actor=team.manager)
    with pytest.raises(ValidationError):  # nobody approves what they registered
        services.procedure_approve(actor=team.manager, procedure=own)


def test_dates_pass_mark_and_document_are_checked(team, world):
    bad = {"due_on": dt.date(2026, 11, 1)}
    with pytest.raises(ValidationError) as exc:
        services.procedure_register(
            actor=team.eng_manager,
            center=world.center_a,
            department_id=team.engineering.pk,
            title="x",
            effective_on=dt.date(2026, 12, 1),
            roles=["technician"],
            **bad,
        )
    assert exc.value.message_dict["due_on"] == ["培训完成期限不能早于今天"]
    with pytest.raises(ValidationError):
        register(team, world, pass_mark=120)
    fake = SimpleUploadedFile("规程.pdf", b"MZ not a pdf")
    procedure = register(team, world)
    with pytest.raises(ValidationError) as exc:
        services.procedure_attach(actor=team.eng_manager, procedure=procedure, document=fake)
    assert exc.value.message_dict["document"] == ["只能上传 PDF 或图片文件"]
    pdf = SimpleUploadedFile("规程.pdf", b"%PDF-1.4\n%%EOF\n")
    assert services.procedure_attach(actor=team.eng_manager, procedure=procedure, document=pdf).document


def test_people_who_join_a_targeted_role_or_department_later_are_added(team, world, clock):
    procedure = approved(team, world, roles=["technician"], department_ids=[team.service.pk])
    assert services.sync_trainees() == 0
    clock.shift(dt.timedelta(days=20))  # 8 December
    newcomer = staff_user("new-tech", Role.TECHNICIAN, center=world.center_a, department=team.engineering)
    joiner = staff_user("new-cs", Role.RECEPTIONIST, center=world.center_a, department=team.service)
    RoleMembership.objects.create(user=team.hr, role=Role.TECHNICIAN, service_center=world.center_a)
    assert services.sync_trainees() == 3
    late = Trainee.objects.filter(procedure=procedure, user__in=[newcomer, joiner, team.hr])
    # A month from joining (the procedure's own date, 15 December, is earlier).
    assert set(late.values_list("due_on", flat=True)) == {dt.date(2027, 1, 7)}
    assert services.sync_trainees() == 0
    assert ProcedureEvent.objects.filter(procedure=procedure, kind="trainees_added").count() == 1
