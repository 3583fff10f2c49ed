"""Sessions, invitations and the sign-in sheet: attendance (and a passing score where a pass mark is set)
makes a trainee trained; the untrained are listed per procedure and department until trained; a person past
their due date is flagged to their department manager once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.notify.models import Notification
from propdesk.testing.clock import shanghai_time
from propdesk.training import selectors, services
from propdesk.training.models import Attendance, ProcedureEvent, Trainee

from .helpers import approved, schedule


def _untrained_names(user, **filters) -> list[str]:
    return [t.user.username for t in selectors.untrained(user=user, **filters)]


def test_inviting_notifies_the_untrained_within_the_capacity(team, world):
    procedure = approved(team, world)
    session = schedule(team, procedure, capacity=1)
    with pytest.raises(ValidationError) as exc:
        services.session_invite(actor=team.hr, session=session, user_ids=[team.plumber.pk, team.electrician.pk])
    assert exc.value.message_dict["user_ids"] == ["名额不足：还剩 1 个"]
    rows = services.session_invite(actor=team.hr, session=session)
    assert [r.trainee.user for r in rows] == [team.plumber]
    invite = Notification.objects.get(recipient=team.plumber, kind="internal.training_invite")
    assert "11-20 14:00" in invite.subject_text() and "三楼会议室" in invite.subject_text()
    assert not Notification.objects.filter(recipient=team.electrician, kind="internal.training_invite").exists()
    with pytest.raises(PermissionDenied):
        services.session_invite(actor=team.eng_manager, session=session)


def test_attendance_makes_a_trainee_trained_and_the_untrained_list_shrinks(team, world, clock):
    procedure = approved(team, world)
    session = schedule(team, procedure)
    services.session_invite(actor=team.hr, session=session)
    assert set(_untrained_names(team.hr, procedure_id=procedure.pk)) == {"electrician", "plumber"}
    with pytest.raises(ValidationError) as exc:  # two days before the session
        services.attendance_record(actor=team.hr, session=session, user_id=team.plumber.pk, mark="present")
    assert exc.value.message_dict["mark"] == ["培训开始前一小时才能签到"]
    clock.move_to(shanghai_time(2026, 11, 20, 13, 55))
    row = services.attendance_record(actor=team.hr, session=session, user_id=team.plumber.pk, mark="present")
    services.attendance_record(actor=team.hr, session=session, user_id=team.electrician.pk, mark="absent")
    assert row.signed_at == shanghai_time(2026, 11, 20, 13, 55)
    assert Trainee.objects.get(user=team.plumber).trained_at == row.signed_at
    assert Trainee.objects.get(user=team.electrician).trained_at is None
    assert _untrained_names(team.hr, procedure_id=procedure.pk) == ["electrician"]
    assert selectors.untrained_by_department(user=team.hr) == [
        {"department_id": team.engineering.pk, "department": "工程维修部", "untrained": 1, "overdue": 0}
    ]
    # The electrician is trained at a later session; then nobody is left.
    clock.move_to(shanghai_time(2026, 11, 21, 9))
    later = schedule(team, procedure, day=25)
    clock.move_to(shanghai_time(2026, 11, 25, 14, 5))
    services.attendance_record(actor=team.eng_manager, session=later, user_id=team.electrician.pk, mark="present")
    assert _untrained_names(team.hr, procedure_id=procedure.pk) == []
    kinds = list(ProcedureEvent.objects.filter(procedure=procedure, kind="trained").values_list("data", flat=True))
    assert [k["user"] for k in kinds] == [team.plumber.pk, team.electrician.pk]


def test_with_a_pass_mark_only_a_passing_score_trains(team, world, clock):
    procedure = approved(team, world, pass_mark=80)
    session = schedule(team, procedure)
    clock.move_to(shanghai_time(2026, 11, 20, 14))
    services.attendance_record(actor=team.hr, session=session, user_id=team.plumber.pk, mark="present", score=60)
    assert Trainee.objects.get(user=team.plumber).trained_at is None
    services.attendance_record(actor=team.hr, session=session, user_id=team.plumber.pk, mark="present", score=85)
    assert Trainee.objects.get(user=team.plumber).trained_at is not None
    # A correction (absent after all) undoes it.
    services.attendance_record(actor=team.hr, session=session, user_id=team.plumber.pk, mark="absent")
    assert Trainee.objects.get(user=team.plumber).trained_at is None
    with pytest.raises(ValidationError):
        services.attendance_record(actor=team.hr, session=session, user_id=team.plumber.pk, mark="present", score=101)


def test_only_trainees_on_the_sheet_or_walk_ins_within_capacity(team, world, clock):
    procedure = approved(team, world)
    session = schedule(team, procedure, capacity=1)
    clock.move_to(shanghai_time(2026, 11, 20, 14))
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(actor=team.hr, session=session, user_id=team.receptionist.pk, mark="present")
    assert exc.value.message_dict["user_id"] == ["此人不是这项培训的对象"]
    services.attendance_record(actor=team.hr, session=session, user_id=team.plumber.pk, mark="present")
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(actor=team.hr, session=session, user_id=team.electrician.pk, mark="present")
    assert exc.value.message_dict["user_id"] == ["名额已满"]
    with pytest.raises(PermissionDenied):  # neither HR nor this session's trainer
        services.attendance_record(actor=team.manager, session=session, user_id=team.plumber.pk, mark="absent")
    assert Attendance.objects.count() == 1


def test_the_overdue_are_flagged_to_their_department_manager_once(team, world, clock):
    procedure = approved(team, world, roles=["technician", "receptionist"])
    session = schedule(team, procedure)
    clock.move_to(shanghai_time(2026, 11, 20, 14))
    services.attendance_record(actor=team.hr, session=session, user_id=team.plumber.pk, mark="present")
    clock.move_to(shanghai_time(2026, 12, 15, 23))  # the due date itself: not late yet
    assert services.flag_overdue_trainees() == 0
    clock.move_to(shanghai_time(2026, 12, 16, 9))
    assert services.flag_overdue_trainees() == 2
    to_eng = Notification.objects.filter(recipient=team.eng_manager, kind="internal.training_overdue")
    assert [n.subject_text() for n in to_eng] == ["李师傅 逾期未完成培训：二次供水水箱清洗规程（期限 2026-12-15）"]
    # Customer service has no department manager: the center manager is told.
    assert Notification.objects.filter(recipient=team.manager, kind="internal.training_overdue").count() == 1
    assert not Notification.objects.filter(recipient=team.plumber, kind="internal.training_overdue").exists()
    clock.shift(dt.timedelta(days=1))
    assert services.flag_overdue_trainees() == 0
    assert Notification.objects.filter(kind="internal.training_overdue").count() == 2
    # Still listed (and overdue) until trained.
    assert selectors.untrained_by_department(user=team.manager, today=dt.date(2026, 12, 17)) == [
        {"department_id": team.service.pk, "department": "客户服务部", "untrained": 1, "overdue": 1},
        {"department_id": team.engineering.pk, "department": "工程维修部", "untrained": 1, "overdue": 1},
    ]


def test_my_trainings_and_the_department_managers_view(team, world):
    approved(team, world, roles=["technician", "receptionist"])
    mine = list(selectors.my_trainings(user=team.plumber))
    assert [t.procedure.title for t in mine] == ["二次供水水箱清洗规程"]
    assert list(selectors.my_trainings(user=team.tech_b)) == []
    # The engineering manager sees the untrained of engineering only; HR sees the whole center.
    assert set(_untrained_names(team.eng_manager)) == {"plumber", "electrician"}
    assert set(_untrained_names(team.hr)) == {"plumber", "electrician", "reception"}
    assert _untrained_names(team.tech_b) == []
