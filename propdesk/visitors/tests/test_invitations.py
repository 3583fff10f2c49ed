"""Invitations: pre-registered for a window with a one-time code; checked in by the code in one action; early,
expired, cancelled and reused codes refused with a clear message."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.org.choices import Role
from propdesk.visitors import selectors, services
from propdesk.visitors.models import Invitation, Visit

from .conftest import ID_A, NOW

pytestmark = pytest.mark.usefixtures("clock")
H = dt.timedelta(hours=1)


def invite(actor, world, **overrides):
    kwargs = {
        "community": world.community_a,
        "visitor_name": "刘洋",
        "room": "3栋2单元1202",
        "phone": "13700001111",
        "valid_from": NOW + H,
        "valid_until": NOW + 4 * H,
        "people": 2,
        "plate": "粤B54321",
    }
    return services.invite(actor=actor, **{**kwargs, **overrides})


def code_error(exc) -> tuple[str, str]:
    error = exc.error_dict["code"][0]
    return error.code, error.message


def test_staff_invite_on_a_residents_behalf_with_a_six_digit_code(world, guard_a):
    invitation = invite(guard_a, world)
    assert invitation.household == world.household_a
    assert len(invitation.code) == 6 and invitation.code.isdigit()
    assert invitation.status == "pending"
    assert invitation.events.get().kind == "created"
    assert list(selectors.expected_today(user=guard_a)) == [invitation]


def test_a_resident_invites_for_their_own_household_only(world, resident_user_a):
    own = invite(resident_user_a, world, room="", household=world.household_a)
    assert own.created_by == resident_user_a
    with pytest.raises(PermissionDenied):
        invite(resident_user_a, world, community=world.community_b, room="", household=world.household_b)


def test_a_window_in_the_past_or_backwards_is_refused(world, guard_a):
    with pytest.raises(ValidationError) as caught:
        invite(guard_a, world, valid_from=NOW - 3 * H, valid_until=NOW - H)
    assert "已过" in caught.value.message_dict["valid_until"][0]
    with pytest.raises(ValidationError) as caught:
        invite(guard_a, world, valid_from=NOW + 2 * H, valid_until=NOW + H)
    assert "晚于" in caught.value.message_dict["valid_until"][0]
    assert Invitation.objects.count() == 0


def test_the_code_checks_the_visitor_in_in_one_action(world, guard_a, clock):
    invitation = invite(guard_a, world)
    clock.shift(H)
    visit = services.check_in_by_code(actor=guard_a, code=invitation.code)
    assert (visit.visitor_name, visit.household, visit.people, visit.plate) == (
        "刘洋",
        world.household_a,
        2,
        "粤B54321",
    )
    assert visit.host_confirmed and visit.invitation == invitation
    assert visit.id_masked == "" and visit.document_type == ""
    invitation.refresh_from_db()
    assert (invitation.status, invitation.used_at) == ("used", NOW + H)
    assert list(selectors.expected_today(user=guard_a)) == []
    assert list(selectors.inside_now(user=guard_a)) == [visit]


def test_a_document_shown_with_the_code_is_checked_and_kept_encrypted(world, guard_a, clock):
    invitation = invite(guard_a, world)
    clock.shift(H)
    with pytest.raises(ValidationError):
        services.check_in_by_code(actor=guard_a, code=invitation.code, document_type="id_card", id_number="123")
    visit = services.check_in_by_code(actor=guard_a, code=invitation.code, document_type="id_card", id_number=ID_A)
    assert visit.id_masked == "4403**********1234"


def test_a_reused_code_is_refused_with_the_time_of_its_use(world, guard_a, clock):
    invitation = invite(guard_a, world)
    clock.shift(H)
    services.check_in_by_code(actor=guard_a, code=invitation.code)
    with pytest.raises(ValidationError) as caught:
        services.check_in_by_code(actor=guard_a, code=invitation.code)
    assert code_error(caught.value) == ("used", "该邀请码已于 11-18 10:00 使用，不能重复使用")
    assert Visit.objects.count() == 1


def test_an_early_code_is_refused_but_fifteen_minutes_early_is_fine(world, guard_a, clock):
    invitation = invite(guard_a, world)
    with pytest.raises(ValidationError) as caught:
        services.check_in_by_code(actor=guard_a, code=invitation.code)
    assert code_error(caught.value) == ("early", "未到预约时间：预约时段为 11-18 10:00 至 11-18 13:00")
    clock.shift(dt.timedelta(minutes=45))
    assert services.check_in_by_code(actor=guard_a, code=invitation.code).invitation == invitation


def test_an_expired_code_is_refused(world, guard_a, clock):
    invitation = invite(guard_a, world)
    clock.shift(4 * H + dt.timedelta(minutes=1))
    with pytest.raises(ValidationError) as caught:
        services.check_in_by_code(actor=guard_a, code=invitation.code)
    assert code_error(caught.value) == ("expired", "邀请码已于 11-18 13:00 过期")
    assert Visit.objects.count() == 0


def test_a_cancelled_code_is_refused(world, guard_a, resident_user_a, clock):
    invitation = invite(guard_a, world)
    services.cancel_invitation(actor=resident_user_a, invitation=invitation, expected_version=0)
    clock.shift(H)
    with pytest.raises(ValidationError) as caught:
        services.check_in_by_code(actor=guard_a, code=invitation.code)
    assert code_error(caught.value)[0] == "cancelled"
    with pytest.raises(ValidationError):
        services.cancel_invitation(actor=guard_a, invitation=invitation)


@pytest.mark.parametrize("code", ["", "12345", "1234567", "12a456", "１２３４５６"])
def test_a_malformed_code_is_refused(world, guard_a, code):
    with pytest.raises(ValidationError) as caught:
        services.check_in_by_code(actor=guard_a, code=code)
    assert code_error(caught.value) == ("invalid", "邀请码应为 6 位数字")


def test_an_unknown_code_and_another_centers_code_are_not_found(world, guard_a, guard_b, staff, clock):
    other = invite(staff(Role.RECEPTIONIST, world.center_b), world, community=world.community_b, room="1-1-101")
    clock.shift(H)
    for code in ("000000" if other.code != "000000" else "000001", other.code):
        with pytest.raises(ValidationError) as caught:
            services.check_in_by_code(actor=guard_a, code=code)
        assert code_error(caught.value)[0] == "not_found"
    assert services.check_in_by_code(actor=guard_b, code=other.code).community == world.community_b


def test_a_resident_cannot_check_in_a_code(world, guard_a, resident_user_a, clock):
    invitation = invite(guard_a, world)
    clock.shift(H)
    with pytest.raises(ValidationError):
        services.check_in_by_code(actor=resident_user_a, code=invitation.code)
    assert Visit.objects.count() == 0
