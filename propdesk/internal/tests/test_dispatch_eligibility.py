"""Leave and whereabouts feed dispatch (R-IC-1, R-IC-2, R-WO-7): someone on approved leave or out of the
community is neither offered nor assigned a job, and the control-center board shows them unavailable."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from propdesk.dispatch import selectors as dispatch_selectors
from propdesk.dispatch import services as dispatch
from propdesk.dispatch.tests.helpers import error_codes, fresh, new_ticket, on18, work_order_of
from propdesk.internal import services
from propdesk.testing.clock import shanghai_time


def plumbing_job(office, world):
    return work_order_of(new_ticket(office.crew.receptionist, world, content="卫生间水管爆裂"))


def eligible(wo):
    return {r["user"].pk: r for r in dispatch.eligible_staff(work_order=wo)}


def go_out(user):
    return services.outing_post(
        actor=user, reason="采购配件", place="五金市场", phone="13900001111", expected_back=on18(12)
    )


def test_someone_out_is_not_offered_nor_assigned_until_back(office, world, clock):
    plumber = office.crew.plumber
    wo = plumbing_job(office, world)
    assert eligible(wo)[plumber.pk]["eligible"]
    outing = go_out(plumber)
    row = eligible(wo)[plumber.pk]
    assert not row["eligible"]
    assert row["unavailable"] == "外出（五金市场，预计 12:00 返回），不可派单"
    assert (dispatch.suggest(work_order=wo) or {}).get("user") != plumber
    with pytest.raises(ValidationError) as exc:
        dispatch.work_order_assign(actor=office.crew.operator, work_order=wo, assignee=plumber)
    assert "away" in error_codes(exc.value)
    assert fresh(wo).assignee_id is None
    clock.move_to(on18(11))
    services.outing_return(actor=plumber, outing=outing)
    assert eligible(wo)[plumber.pk]["eligible"]
    assert dispatch.work_order_assign(actor=office.crew.operator, work_order=wo, assignee=plumber).assignee == plumber


def test_someone_out_cannot_grab_an_offered_job(office, world):
    wo = plumbing_job(office, world)
    dispatch.work_order_offer(actor=office.crew.operator, work_order=wo)
    go_out(office.crew.plumber)
    with pytest.raises(ValidationError) as exc:
        dispatch.work_order_grab(actor=office.crew.plumber, work_order=wo)
    assert "away" in error_codes(exc.value)


def test_approved_leave_blocks_dispatch_pending_leave_does_not(office, world, clock):
    electrician = office.crew.electrician
    leave = services.leave_request(
        actor=electrician, kind="sick", starts_on=dt.date(2026, 11, 18), ends_on=dt.date(2026, 11, 18), reason="发烧"
    )
    wo = plumbing_job(office, world)
    assert eligible(wo)[electrician.pk]["unavailable"] == ""
    services.leave_decide(actor=office.dept_manager, leave=leave, approve=True)
    row = eligible(wo)[electrician.pk]
    assert (row["eligible"], row["unavailable"]) == (False, "请假中（病假，至 11-18），不可派单")
    with pytest.raises(ValidationError):
        dispatch.work_order_assign(actor=office.crew.operator, work_order=wo, assignee=electrician)
    clock.move_to(shanghai_time(2026, 11, 19, 8, 30))
    assert eligible(wo)[electrician.pk]["unavailable"] == ""


def test_the_board_shows_who_is_away_and_why(office, world, client):
    go_out(office.crew.plumber)
    rows = {r["user"].pk: r for r in dispatch_selectors.staff_status(center_id=world.center_a.pk)}
    assert rows[office.crew.plumber.pk]["reachable"] is False
    assert rows[office.crew.plumber.pk]["unavailable"].startswith("外出（五金市场")
    assert rows[office.crew.electrician.pk]["unavailable"] == ""
    client.force_login(office.crew.operator)
    # the board's staff panel (it loads itself right after the page, and every 10 s)
    html = client.get(f"{reverse('dispatch:staff_panel')}?center={world.center_a.pk}").content.decode()
    assert "外出（五金市场，预计 12:00 返回），不可派单" in html


def test_going_out_changes_the_board_fingerprint(office, world):
    before = dispatch_selectors.board_version(user=office.crew.operator, center_id=world.center_a.pk)
    go_out(office.crew.plumber)
    assert dispatch_selectors.board_version(user=office.crew.operator, center_id=world.center_a.pk) != before


def test_the_org_registry_answers_for_the_apps_below(office):
    from propdesk.org.selectors import away

    assert away([]) == {}
    assert away([office.crew.plumber.pk]) == {}
    go_out(office.crew.plumber)
    found = away([office.crew.plumber.pk, office.crew.electrician.pk])
    assert list(found) == [office.crew.plumber.pk]
    assert found[office.crew.plumber.pk]["until"] == on18(12)
