"""Who may do what with a filing, written out literally: every staff role × every action, on a filing of the
role's own center (翠湖花园, center A) and of the other center (云山名邸, center B). Branch and company roles
sit over both centers. Denied writes change nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from propdesk.core.permissions import can
from propdesk.filings.choices import FilingKind
from propdesk.filings.models import Filing, SamplingCheck
from propdesk.filings.selectors import filings_for
from propdesk.filings.services import filing_open, filing_update, sampling_record, settings_change
from propdesk.org.choices import Role
from propdesk.testing.roles import role_user

ACTIONS = (
    "view", "draft", "submit", "manager_approve", "review", "approve", "quality_approve", "circulate", "post",
    "publish", "deliver", "sample",
)  # fmt: skip
CENTER_A = {
    Role.CS_SUPERVISOR: {"view", "draft", "submit", "circulate", "post", "publish", "deliver"},
    Role.CS_ASSISTANT: {"view", "draft", "submit", "circulate", "deliver"},
    Role.CENTER_MANAGER: {"view", "manager_approve", "review", "circulate"},
    Role.DEPARTMENT_MANAGER: {"view"},
    Role.REPAIR_MANAGER: {"view"},
    Role.SECURITY_MANAGER: {"view"},
    Role.INFO_MANAGER: {"view", "post", "publish"},
    Role.RECEPTIONIST: set(),
    Role.CONTROL_OPERATOR: set(),
    Role.TECHNICIAN: set(),
    Role.HOUSEKEEPER: set(),
    Role.SECURITY_GUARD: set(),
    Role.HR_ADMIN: set(),
    Role.RECORDS_CLERK: set(),
    Role.CLUBHOUSE_ADMIN: set(),
}
OVER_BOTH = {
    Role.BRANCH_LEADER: {"view", "approve"},
    Role.QUALITY_DEPT: {"view", "quality_approve"},
    Role.BUSINESS_DEPT: {"view", "sample"},
}


def _filings(world):
    own = Filing(service_center=world.center_a, community=world.community_a, kind=FilingKind.QUARTERLY)
    other = Filing(service_center=world.center_b, community=world.community_b, kind=FilingKind.QUARTERLY)
    return own, other


@pytest.mark.parametrize("role", sorted(CENTER_A))
def test_center_roles_act_in_their_own_center_only(world, role):
    user = role_user(role, world.center_a)
    own, other = _filings(world)
    assert {a for a in ACTIONS if can(user, f"filing.{a}", own)} == CENTER_A[role]
    assert {a for a in ACTIONS if can(user, f"filing.{a}", other)} == set()


@pytest.mark.parametrize("role", sorted(OVER_BOTH))
def test_branch_and_company_roles_act_over_their_centers(world, role):
    user = role_user(role, world.branch if role == Role.BRANCH_LEADER else world.company)
    own, other = _filings(world)
    assert {a for a in ACTIONS if can(user, f"filing.{a}", own)} == OVER_BOTH[role]
    assert {a for a in ACTIONS if can(user, f"filing.{a}", other)} == OVER_BOTH[role]


def test_a_community_level_role_acts_on_its_community_not_on_the_centers_half_month(world):
    user = role_user(Role.CS_SUPERVISOR, world.community_a)
    project = Filing(service_center=world.center_a, community=world.community_a, kind=FilingKind.QUARTERLY)
    center = Filing(service_center=world.center_a, kind=FilingKind.HALF_MONTH)
    assert can(user, "filing.draft", project) and not can(user, "filing.draft", center)


def test_a_resident_may_do_nothing(world, resident_user_a):
    own, _other = _filings(world)
    assert [a for a in ACTIONS if can(resident_user_a, f"filing.{a}", own)] == []


@pytest.mark.usefixtures("clock")
def test_lists_show_only_the_users_centers_and_denied_writes_change_nothing(cast, world):
    day = dt.date(2026, 8, 1)
    mine = filing_open(
        actor=cast.cs, kind=FilingKind.QUARTERLY, service_center=world.center_a, community=world.community_a, day=day
    )
    theirs = filing_open(
        actor=cast.cs_b, kind=FilingKind.QUARTERLY, service_center=world.center_b, community=world.community_b, day=day
    )
    assert list(filings_for(user=cast.cs)) == [mine]
    assert set(filings_for(user=cast.leader)) == {mine, theirs}
    with pytest.raises(PermissionDenied):
        filing_update(actor=cast.manager, filing=mine, sections={"security": "x"}, expected_version=None)
    with pytest.raises(PermissionDenied):
        filing_update(actor=cast.cs, filing=theirs, sections={"security": "x"}, expected_version=None)
    with pytest.raises(PermissionDenied):
        sampling_record(actor=cast.quality, filing=mine, result="pass")
    with pytest.raises(PermissionDenied):
        settings_change(actor=cast.manager, company=world.company, holiday_rule="next", half_month_days=3,
                        expected_version=None)  # fmt: skip
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.sections, theirs.sections, mine.version) == ({}, {}, 1)
    assert SamplingCheck.objects.count() == 0
