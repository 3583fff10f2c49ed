"""The complaint permission matrix: every SPEC §1 role × every complaint action × own / other scope, written out
literally (typed by hand, not read from ``complaints/permissions.py``). A row reads: action, then one mark per
role in ``COLUMNS`` order — ``Y`` allowed, ``.`` denied.

Scopes: center roles sit at service center A, the company roles (quality, business management) at the
company, the branch leader at the branch, the resident in household A. "own" is a complaint of community A
(household A); "other" one of community B. ``[anywhere]`` asks without an object.

Then the same decisions through the services: a denied write changes nothing.
"""

import pytest
from django.core.exceptions import PermissionDenied

from propdesk.complaints import services
from propdesk.complaints.choices import ResponsibilityClass, Validity
from propdesk.complaints.models import CollectiveComplaint, Complaint, ComplaintEvent, ComplaintSettings
from propdesk.core.permissions import can, registered_actions
from propdesk.org.choices import Role
from propdesk.testing.factories import UserFactory
from propdesk.testing.roles import role_user
from propdesk.tickets.choices import Channel

ROLE_OF = {
    "co": Role.CONTROL_OPERATOR,
    "rc": Role.RECEPTIONIST,
    "ca": Role.CS_ASSISTANT,
    "cs": Role.CS_SUPERVISOR,
    "cm": Role.CENTER_MANAGER,
    "dm": Role.DEPARTMENT_MANAGER,
    "rm": Role.REPAIR_MANAGER,
    "sm": Role.SECURITY_MANAGER,
    "te": Role.TECHNICIAN,
    "hk": Role.HOUSEKEEPER,
    "sg": Role.SECURITY_GUARD,
    "im": Role.INFO_MANAGER,
    "hr": Role.HR_ADMIN,
    "rk": Role.RECORDS_CLERK,
    "cl": Role.CLUBHOUSE_ADMIN,
    "qd": Role.QUALITY_DEPT,
    "bd": Role.BUSINESS_DEPT,
    "bl": Role.BRANCH_LEADER,
    "re": Role.RESIDENT,
}
COLUMNS = list(ROLE_OF)

#                                  co rc ca cs cm dm rm sm te hk sg im hr rk cl qd bd bl re
OWN = """
complaint.classify                 Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.work                     Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.assign                   .  .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.override_owner           .  .  .  .  Y  .  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.be_owner                 .  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
complaint.file_original            .  .  .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .
complaint.reopen_repeat            Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.browse[anywhere]         Y  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  Y  Y  Y  .
complaint.workbench                .  .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.link_collective          Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.write_letter             Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.send_letter              Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  Y  .  .  .  .  .
complaint.review                   .  .  .  Y  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.sign_off                 .  .  .  .  Y  .  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.export                   .  .  .  Y  Y  Y  .  .  .  .  .  .  .  .  .  Y  Y  Y  .
collective.browse                  Y  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  Y  Y  Y  .
collective.decide                  .  .  .  .  Y  .  .  .  .  .  .  .  .  .  .  .  .  .  .
collective.agree_reply             .  .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .  .
collective.visit                   Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .
collective.close                   .  .  .  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint_settings.change          .  .  .  .  Y  .  .  .  .  .  .  .  .  .  .  .  .  .  .
"""

# The same complaint in community B (center B): nobody of center A acts on it (the company's and the branch's
# oversight see collective complaints everywhere in it).
#                                  co rc ca cs cm dm rm sm te hk sg im hr rk cl qd bd bl re
OTHER = """
complaint.classify                 .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.work                     .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.assign                   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.override_owner           .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.be_owner                 .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.file_original            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.reopen_repeat            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.workbench                .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.link_collective          .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.write_letter             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.send_letter              .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.review                   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.sign_off                 .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint.export                   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y  Y  Y  .
collective.browse                  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y  Y  Y  .
collective.decide                  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
collective.agree_reply             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
collective.visit                   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
collective.close                   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
complaint_settings.change          .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
"""


def _parse(table: str) -> list[tuple[str, str, bool]]:
    cases = []
    for line in table.strip().splitlines():
        action, *marks = line.split()
        assert len(marks) == len(COLUMNS), f"{action}: {len(marks)} marks for {len(COLUMNS)} roles"
        assert set(marks) <= {"Y", "."}, action
        cases.extend((action, column, mark == "Y") for column, mark in zip(COLUMNS, marks, strict=True))
    return cases


def _user(world, column: str):
    role = ROLE_OF[column]
    if role == Role.RESIDENT:
        user = UserFactory(username="matrix-resident")
        world.resident_a.user = user
        world.resident_a.save(update_fields=["user"])
        return user
    if role in (Role.QUALITY_DEPT, Role.BUSINESS_DEPT):
        return role_user(role, world.company)
    if role == Role.BRANCH_LEADER:
        return role_user(role, world.branch)
    return role_user(role, world.center_a)


def _object(world, action: str, which: str):
    """The complaint ``action`` is asked about, unsaved: only where it is and whose it is matter."""
    name, _, qualifier = action.partition("[")
    if qualifier.rstrip("]") == "anywhere":
        return name, None
    if name.startswith("complaint_settings."):
        return name, ComplaintSettings(service_center=world.center_a if which == "own" else world.center_b)
    if name.startswith("collective."):
        community = world.community_a if which == "own" else world.community_b
        return name, CollectiveComplaint(community=community, service_center=community.service_center)
    if which == "own":
        return name, Complaint(community=world.community_a, household=world.household_a)
    return name, Complaint(community=world.community_b, household=world.household_b)


@pytest.mark.parametrize(("action", "column", "allowed"), _parse(OWN), ids=str)
def test_own_scope(world, action, column, allowed):
    user = _user(world, column)
    name, obj = _object(world, action, "own")
    assert can(user, name, obj) is allowed


@pytest.mark.parametrize(("action", "column", "allowed"), _parse(OTHER), ids=str)
def test_other_scope(world, action, column, allowed):
    user = _user(world, column)
    name, obj = _object(world, action, "other")
    assert can(user, name, obj) is allowed


def test_every_complaint_action_is_in_the_tables():
    in_tables = {line.split()[0].partition("[")[0] for line in (OWN + OTHER).strip().splitlines() if line.strip()}
    assert {
        a for a in registered_actions() if a.startswith(("complaint.", "collective.", "complaint_settings."))
    } == in_tables


def test_the_system_administrator_may_do_everything(world):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    for action, _column, _allowed in _parse(OTHER):
        name, obj = _object(world, action, "other")
        assert can(admin, name, obj) is True, action


# --- denied writes change nothing ----------------------------------------------------------------------------


def _state(complaint) -> tuple:
    row = Complaint.objects.get(pk=complaint.pk)
    return (
        row.version,
        row.responsibility_class,
        row.validity,
        row.owner_id,
        row.original_filed_at,
        ComplaintEvent.objects.filter(complaint=row).count(),
    )


WRITES = {
    "classify": lambda user, c: services.complaint_classify(
        actor=user, complaint=c, responsibility_class=ResponsibilityClass.OUR_SERVICE, validity=Validity.VALID
    ),
    "assign": lambda user, c: services.complaint_assign(actor=user, complaint=c),
    "file_original": lambda user, c: services.complaint_file_original(actor=user, complaint=c, archive_no="A-1"),
    "progress": lambda user, c: services.complaint_progress(actor=user, complaint=c, content="进展"),
}
DENIED = {
    "classify": ["rm", "te", "im", "rk", "qd", "bl", "re"],
    "assign": ["co", "rc", "ca", "dm", "rk", "qd"],
    "file_original": ["rc", "cs", "cm", "im"],
    "progress": ["rm", "sm", "te", "rk", "qd", "re"],
}


@pytest.fixture
def letter(world):
    """A written complaint of community A, classified class 1 so that it has a suggested owner."""
    from propdesk.tickets.choices import Kind
    from propdesk.tickets.services import ticket_create

    desk = role_user(Role.RECEPTIONIST, world.center_a, username="desk-a")
    role_user(Role.CS_ASSISTANT, world.center_a, username="assistant-a")
    ticket = ticket_create(
        actor=desk,
        kind=Kind.COMPLAINT,
        content="来信投诉：保安态度恶劣",
        channel=Channel.LETTER,
        household=world.household_a,
    )
    complaint = Complaint.objects.get(ticket=ticket)
    return services.complaint_classify(
        actor=desk, complaint=complaint, responsibility_class=ResponsibilityClass.OUR_SERVICE
    )


@pytest.mark.parametrize(("write", "column"), [(w, c) for w, cols in DENIED.items() for c in cols], ids=str)
def test_denied_writes_change_nothing(world, letter, write, column):
    user = _user(world, column)
    before = _state(letter)
    with pytest.raises(PermissionDenied):
        WRITES[write](user, letter)
    assert _state(letter) == before


def test_nobody_of_center_b_writes_to_a_complaint_of_center_a(world, letter):
    for role in (Role.RECEPTIONIST, Role.CS_SUPERVISOR, Role.CENTER_MANAGER, Role.RECORDS_CLERK):
        user = role_user(role, world.center_b)
        before = _state(letter)
        for write in WRITES.values():
            with pytest.raises(PermissionDenied):
                write(user, letter)
        assert _state(letter) == before
