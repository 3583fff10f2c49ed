"""The whereabouts board (R-IC-1): going out and back in one action each, the superior told, the board of who
is out, the overdue return flagged once to the person and their superior."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.core.errors import StaleVersion
from propdesk.dispatch.tests.helpers import error_codes, inbox, on18
from propdesk.internal import selectors, services
from propdesk.internal.models import Outing, OutingEvent


def go_out(user, **overrides):
    data = {"reason": "去供电局办事", "place": "南山供电局", "phone": "13900001111", "expected_back": on18(11, 30)}
    return services.outing_post(actor=user, **{**data, **overrides})


def test_going_out_is_one_action_and_tells_the_department_manager(office):
    plumber = office.crew.plumber
    outing = go_out(plumber)
    assert outing.service_center_id == plumber.staff_profile.department.service_center_id
    assert [e.kind for e in outing.events.all()] == ["posted"]
    assert inbox(office.dept_manager, "internal.outing") == [
        "plumber 外出：南山供电局（去供电局办事），预计 11:30 返回"
    ]
    assert inbox(office.crew.manager, "internal.outing") == []


def test_without_a_department_manager_the_center_manager_is_told(office):
    outing = go_out(office.crew.housekeeper)
    assert outing.pk
    assert len(inbox(office.crew.manager, "internal.outing")) == 1


def test_the_board_lists_who_is_out_now_until_they_are_back(office, clock):
    outing = go_out(office.crew.plumber)
    assert [o.user for o in selectors.board(user=office.crew.operator)] == [office.crew.plumber]
    clock.move_to(on18(11))
    back = services.outing_return(actor=office.crew.plumber, outing=outing, expected_version=0)
    assert back.back_at == on18(11)
    assert list(selectors.board(user=office.crew.operator)) == []
    assert OutingEvent.objects.filter(outing=outing, kind="returned", data__late=False).exists()


def test_bad_input_is_refused_with_field_errors(office):
    for overrides, field, code in [
        ({"expected_back": on18(9)}, "expected_back", "past"),
        ({"expected_back": on18(23)}, "expected_back", "too_long"),
        ({"expected_back": None}, "expected_back", "required"),
        ({"phone": ""}, "phone", "required"),
        ({"place": "  "}, "place", None),
    ]:
        with pytest.raises(ValidationError) as exc:
            go_out(office.crew.plumber, **overrides)
        assert field in exc.value.message_dict, overrides
        if code:
            assert code in error_codes(exc.value)
    assert Outing.objects.count() == 0


def test_one_open_outing_at_a_time_and_back_only_once(office):
    outing = go_out(office.crew.plumber)
    with pytest.raises(ValidationError) as exc:
        go_out(office.crew.plumber)
    assert "already_out" in error_codes(exc.value)
    services.outing_return(actor=office.crew.plumber, outing=outing)
    with pytest.raises(ValidationError) as exc:
        services.outing_return(actor=office.crew.plumber, outing=outing)
    assert "done" in error_codes(exc.value)


def test_only_the_person_posts_their_return_and_a_stale_version_is_refused(office):
    outing = go_out(office.crew.plumber)
    with pytest.raises(PermissionDenied):
        services.outing_return(actor=office.dept_manager, outing=outing)
    with pytest.raises(StaleVersion):
        services.outing_return(actor=office.crew.plumber, outing=outing, expected_version=5)
    assert Outing.objects.get(pk=outing.pk).back_at is None


def test_a_resident_or_someone_outside_a_center_cannot_post(office, world):
    with pytest.raises(PermissionDenied):
        go_out(office.crew.quality)


def test_out_past_the_expected_return_is_flagged_once_to_them_and_their_superior(office, clock):
    outing = go_out(office.crew.plumber)
    clock.move_to(on18(11, 30))
    assert services.flag_overdue_outings() == 0  # not yet past
    clock.move_to(on18(11, 31))
    assert services.flag_overdue_outings() == 1
    assert services.flag_overdue_outings() == 0
    expected = ["plumber 外出（南山供电局）已超过预计返回时间 11:30 仍未登记返回"]
    assert inbox(office.crew.plumber, "internal.outing_overdue") == expected
    assert inbox(office.dept_manager, "internal.outing_overdue") == expected
    outing.refresh_from_db()
    assert outing.is_overdue()
    clock.move_to(on18(12))
    services.outing_return(actor=office.crew.plumber, outing=outing)
    assert OutingEvent.objects.filter(outing=outing, kind="returned", data__late=True).exists()


def test_back_in_time_is_never_flagged(office, clock):
    outing = go_out(office.crew.plumber)
    clock.move_to(on18(11))
    services.outing_return(actor=office.crew.plumber, outing=outing)
    clock.move_to(on18(15))
    assert services.flag_overdue_outings() == 0
    assert inbox(office.dept_manager, "internal.outing_overdue") == []
