"""Leave (R-IC-2): requested, approved or refused by the department manager (the center manager on behalf),
effective only once approved, cancelled on return by the person and confirmed by HR; ended but not cancelled
is flagged; rest days on the rota are not leave."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.core.errors import StaleVersion
from propdesk.dispatch.services import rota_set
from propdesk.dispatch.tests.helpers import error_codes, inbox
from propdesk.internal import selectors, services
from propdesk.internal.models import LeaveEvent, LeaveRequest
from propdesk.testing.clock import shanghai_time

THU, FRI, SAT, SUN, MON = (dt.date(2026, 11, d) for d in (19, 20, 21, 22, 23))


def ask(user, start=THU, end=FRI, kind="annual", reason="回老家"):
    return services.leave_request(actor=user, kind=kind, starts_on=start, ends_on=end, reason=reason)


def test_a_request_waits_for_the_department_manager_and_is_not_effective(office):
    leave = ask(office.crew.electrician)
    assert (leave.status, leave.days) == ("pending", 2)
    assert inbox(office.dept_manager, "internal.leave") == ["electrician 申请年假 11-19 至 11-20，待您审批"]
    assert list(selectors.approvals_waiting(user=office.dept_manager)) == [leave]
    assert selectors.away_now([office.crew.electrician.pk], now=shanghai_time(2026, 11, 19, 10)) == {}


def test_approved_leave_takes_effect_on_its_days_only(office):
    leave = ask(office.crew.electrician)
    services.leave_decide(actor=office.dept_manager, leave=leave, approve=True, expected_version=0)
    who = [office.crew.electrician.pk]
    assert selectors.away_now(who, now=shanghai_time(2026, 11, 18, 23)) == {}
    away = selectors.away_now(who, now=shanghai_time(2026, 11, 19, 9))
    assert away[office.crew.electrician.pk]["reason"] == "请假中（年假，至 11-20），不可派单"
    assert selectors.away_now(who, now=shanghai_time(2026, 11, 21, 9)) == {}
    assert inbox(office.crew.electrician, "internal.leave") == ["您的年假 11-19 至 11-20 已批准"]


def test_refused_leave_is_never_effective_and_needs_a_reason(office):
    leave = ask(office.crew.electrician)
    with pytest.raises(ValidationError) as exc:
        services.leave_decide(actor=office.dept_manager, leave=leave, approve=False)
    assert "note" in exc.value.message_dict
    services.leave_decide(actor=office.dept_manager, leave=leave, approve=False, note="本周人手不足")
    assert selectors.away_now([office.crew.electrician.pk], now=shanghai_time(2026, 11, 19, 9)) == {}
    assert inbox(office.crew.electrician, "internal.leave") == ["您的年假 11-19 至 11-20 未获批准"]


def test_the_center_manager_decides_on_behalf_of_the_department_manager(office):
    leave = ask(office.crew.electrician)
    services.leave_decide(actor=office.crew.manager, leave=leave, approve=True)
    event = LeaveEvent.objects.get(leave=leave, kind="approved")
    assert (event.actor, event.on_behalf_of) == (office.crew.manager, office.dept_manager)


def test_nobody_else_decides_nor_their_own_leave(office):
    leave = ask(office.crew.electrician)
    for outsider in (office.crew.plumber, office.crew.supervisor, office.hr, office.crew.electrician):
        with pytest.raises(PermissionDenied):
            services.leave_decide(actor=outsider, leave=leave, approve=True)
    own = ask(office.dept_manager)
    with pytest.raises(PermissionDenied):
        services.leave_decide(actor=office.dept_manager, leave=own, approve=True)
    assert LeaveRequest.objects.filter(status="pending").count() == 2


def test_a_stale_decision_is_refused(office):
    leave = ask(office.crew.electrician)
    services.leave_decide(actor=office.dept_manager, leave=leave, approve=True, expected_version=0)
    with pytest.raises(StaleVersion):
        services.leave_decide(actor=office.crew.manager, leave=leave, approve=False, note="x", expected_version=0)


def test_return_ends_the_leave_at_once_and_hr_confirms(office, clock):
    leave = ask(office.crew.electrician)
    services.leave_decide(actor=office.dept_manager, leave=leave, approve=True)
    with pytest.raises(ValidationError) as exc:
        services.leave_return(actor=office.crew.electrician, leave=leave)
    assert "not_started" in error_codes(exc.value)
    clock.move_to(shanghai_time(2026, 11, 19, 14))
    with pytest.raises(PermissionDenied):
        services.leave_return(actor=office.dept_manager, leave=leave)
    leave = services.leave_return(actor=office.crew.electrician, leave=leave)
    assert leave.status == "returned"
    assert selectors.away_now([office.crew.electrician.pk], now=shanghai_time(2026, 11, 19, 15)) == {}
    assert inbox(office.hr, "internal.leave") == ["electrician 已销假（年假 11-19 至 11-20），请确认"]
    with pytest.raises(PermissionDenied):
        services.leave_confirm(actor=office.dept_manager, leave=leave)
    leave = services.leave_confirm(actor=office.hr, leave=leave)
    assert (leave.status, leave.confirmed_by) == ("confirmed", office.hr)


def test_leave_ended_but_not_cancelled_is_flagged_once(office, clock):
    leave = ask(office.crew.electrician)
    services.leave_decide(actor=office.dept_manager, leave=leave, approve=True)
    clock.move_to(shanghai_time(2026, 11, 20, 18))
    assert services.flag_unreturned_leave() == 0  # last day still running
    clock.move_to(shanghai_time(2026, 11, 21, 8))
    assert services.flag_unreturned_leave() == 1
    assert services.flag_unreturned_leave() == 0
    expected = ["electrician 的年假 11-19 至 11-20 已结束，尚未销假"]
    for person in (office.crew.electrician, office.dept_manager, office.hr):
        assert inbox(person, "internal.leave")[-1:] == expected
    assert list(selectors.not_returned(user=office.hr)) == [leave]
    assert selectors.away_now([office.crew.electrician.pk], now=shanghai_time(2026, 11, 21, 9)) == {}


def test_withdraw_before_the_start_only(office, clock):
    leave = ask(office.crew.electrician)
    services.leave_decide(actor=office.dept_manager, leave=leave, approve=True)
    clock.move_to(shanghai_time(2026, 11, 19, 9))
    with pytest.raises(ValidationError) as exc:
        services.leave_withdraw(actor=office.crew.electrician, leave=leave)
    assert "started" in error_codes(exc.value)
    other = ask(office.crew.electrician, start=MON, end=MON)
    assert services.leave_withdraw(actor=office.crew.electrician, leave=other).status == "withdrawn"


def test_bad_requests_are_clear_errors(office):
    cases = [
        ({"kind": "holiday"}, "kind"),
        ({"start": FRI, "end": THU}, "ends_on"),
        ({"start": None}, "starts_on"),
        ({"reason": ""}, "reason"),
        ({"start": dt.date(2026, 10, 1), "end": dt.date(2026, 10, 2)}, "starts_on"),
        ({"start": SAT, "end": SUN}, "starts_on"),  # a weekend: no working day
    ]
    for overrides, field in cases:
        with pytest.raises(ValidationError) as exc:
            ask(office.crew.housekeeper, **overrides)
        assert field in exc.value.message_dict, overrides
    ask(office.crew.housekeeper)
    with pytest.raises(ValidationError) as exc:
        ask(office.crew.housekeeper, start=FRI, end=MON)
    assert "overlap" in error_codes(exc.value)


def test_rest_days_on_the_rota_are_not_leave(office):
    crew = office.crew
    # The plumber works Thursday and Saturday this week, rests Friday.
    for day in (THU, SAT):
        rota_set(actor=crew.repair_manager, user=crew.plumber, day=day, shift=crew.day_shift)
    assert ask(crew.plumber, start=THU, end=SAT).days == 2
    with pytest.raises(ValidationError) as exc:
        services.leave_request(actor=crew.plumber, kind="personal", starts_on=FRI, ends_on=FRI, reason="x")
    assert "rest_days" in error_codes(exc.value)


def test_without_a_rota_the_statutory_calendar_counts_the_days(office):
    # 11-19 Thursday … 11-23 Monday: three working days.
    assert ask(office.crew.housekeeper, start=THU, end=MON).days == 3
