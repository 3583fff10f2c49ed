"""The permission matrix: every SPEC §1 role × every action × own / other scope, written out literally.

The tables below are the expectation, typed by hand from the SPEC and the service center's practice;
they are not read from the rule sets. A row reads: action, then one mark per role in ``COLUMNS``
order — ``Y`` allowed, ``.`` denied.

Scopes: center roles sit at service center A, the company roles (quality, business management) at the
company, the branch leader at the branch, the resident in household A. "own" is an object of
community A (household A for the resident); "other" one of community B, run by center B of the same
branch (household B for the resident) — company and branch roles oversee both.

Denied writes are then tried through the real services, and nothing may have changed.
"""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from openpyxl import Workbook

from propdesk.communities.importer import households_import_xlsx
from propdesk.communities.models import Household, Resident
from propdesk.communities.services import resident_reveal
from propdesk.core.events import record_event
from propdesk.core.models import Event, PersonalDataAccess
from propdesk.core.permissions import can
from propdesk.intake.models import Interaction
from propdesk.intake.services import interaction_record
from propdesk.org.choices import Role
from propdesk.testing.factories import UserFactory
from propdesk.testing.roles import role_user
from propdesk.tickets.choices import Channel, Kind, Status
from propdesk.tickets.models import Ticket, TicketEvent
from propdesk.tickets.services import ticket_add_note, ticket_assign, ticket_create, ticket_hand_off, ticket_transition

COLUMNS = [
    "co",
    "rc",
    "ca",
    "cs",
    "cm",
    "dm",
    "rm",
    "sm",
    "te",
    "hk",
    "sg",
    "im",
    "hr",
    "rk",
    "cl",
    "qd",
    "bd",
    "bl",
    "re",
]
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

# Objects of the user's own community (household, for the resident). "[assigned]": the ticket is
# assigned to the user; "[received]": the user received it; "anywhere": no object, may the user do it at all.
#                               co rc ca cs cm dm rm sm te hk sg im hr rk cl qd bd bl re
OWN = """
ticket.create                   Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y
ticket.receive                  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  .
ticket.work                     Y  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
ticket.work[assigned]           Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .
ticket.cancel                   Y  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
ticket.cancel[assigned]         Y  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
ticket.assign                   Y  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
ticket.be_assigned              Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .
ticket.hand_off                 Y  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .
ticket.hand_off[received]       Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  .
ticket.view_internal            Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  .
ticket.browse[anywhere]         Y  Y  Y  Y  Y  Y  Y  Y  .  .  .  Y  .  .  .  Y  Y  Y  .
api_token.manage[anywhere]      Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  .  .  .  Y  Y  Y  .
desk.use[anywhere]              Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .  .
desk.record                     Y  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .  .
register.view[anywhere]         Y  Y  Y  Y  Y  Y  Y  Y  .  .  .  .  .  .  .  Y  Y  Y  .
community.browse[anywhere]      Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  .
community.import                .  .  .  Y  Y  .  .  .  .  .  .  Y  .  .  .  .  .  .  .
resident.reveal                 Y  Y  Y  Y  Y  .  .  .  .  .  .  Y  .  .  .  .  .  .  .
audit.view                      .  .  .  .  Y  .  .  .  .  .  .  Y  .  .  .  Y  Y  Y  .
"""

# The same objects in community B of center B (household B for the resident).
#                               co rc ca cs cm dm rm sm te hk sg im hr rk cl qd bd bl re
OTHER = """
ticket.create                   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y  Y  Y  .
ticket.receive                  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y  Y  Y  .
ticket.work                     .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
ticket.work[assigned]           .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
ticket.cancel                   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
ticket.cancel[assigned]         .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
ticket.assign                   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
ticket.be_assigned              .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
ticket.hand_off                 .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
ticket.hand_off[received]       .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y  Y  Y  .
ticket.view_internal            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y  Y  Y  .
desk.record                     .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
community.import                .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
resident.reveal                 .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
audit.view                      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y  Y  Y  .
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


def _ticket(world, which: str, **fields) -> Ticket:
    community = world.community_a if which == "own" else world.community_b
    household = world.household_a if which == "own" else world.household_b
    if "received_by" not in fields:
        desk = Ticket.objects.filter(community=community).values_list("received_by", flat=True).first()
        fields["received_by_id"] = desk or role_user(Role.RECEPTIONIST, community.service_center).pk
    fields.setdefault("first_responder_id", fields.get("received_by_id") or fields["received_by"].pk)
    return Ticket.objects.create(
        number=f"BX-{which}-{Ticket.objects.count() + 1}",
        kind=Kind.REPAIR,
        service_center=community.service_center,
        community=community,
        household=household,
        title="水龙头漏水",
        content="厨房水龙头漏水",
        channel=Channel.PHONE,
        received_at=timezone.now(),
        entered_at=timezone.now(),
        **fields,
    )


def _object(world, action: str, which: str, user):
    name, _, qualifier = action.partition("[")
    qualifier = qualifier.rstrip("]")
    kind = name.split(".")[0]
    if qualifier == "anywhere":
        return name, None
    if kind == "ticket":
        extra = {"assignee": user} if qualifier == "assigned" else {}
        if qualifier == "received":
            extra = {"received_by": user}
        return name, _ticket(world, which, **extra)
    community = world.community_a if which == "own" else world.community_b
    if kind == "desk":
        return name, Interaction(service_center_id=community.service_center_id, community_id=community.pk)
    if kind == "community":
        return name, community
    if kind == "resident":
        return name, world.resident_a if which == "own" else world.resident_b
    if kind == "audit":
        target = world.household_a if which == "own" else world.household_b
        return name, record_event(actor=None, verb="household.changed", target=target)
    raise AssertionError(f"no object for {action}")


@pytest.mark.parametrize(("action", "column", "allowed"), _parse(OWN), ids=lambda v: str(v))
def test_own_scope(world, action, column, allowed):
    user = _user(world, column)
    name, obj = _object(world, action, "own", user)
    assert can(user, name, obj) is allowed


@pytest.mark.parametrize(("action", "column", "allowed"), _parse(OTHER), ids=lambda v: str(v))
def test_other_scope(world, action, column, allowed):
    user = _user(world, column)
    name, obj = _object(world, action, "other", user)
    assert can(user, name, obj) is allowed


def test_every_declared_action_is_in_the_tables():
    """A new rule without a row in the matrix fails here (dispatch has its own matrix)."""
    from propdesk.core.permissions import registered_actions

    in_tables = {line.split()[0].partition("[")[0] for line in (OWN + OTHER).strip().splitlines() if line.strip()}
    declared = {
        a
        for a in registered_actions()
        if a.split(".")[0] in {"ticket", "desk", "register", "community", "resident", "audit", "api_token"}
    }
    assert declared == in_tables


def test_the_system_administrator_may_do_everything(world):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    ticket = _ticket(world, "other")
    assert all(can(admin, action, ticket) for action in ("ticket.work", "ticket.cancel", "ticket.assign"))


# --- denied writes change nothing --------------------------------------------------------------------------


def _denied(table: str, action: str) -> list[str]:
    return [column for a, column, allowed in _parse(table) if a == action and not allowed]


def _ticket_state(ticket: Ticket) -> tuple:
    ticket.refresh_from_db()
    return (ticket.status, ticket.version, ticket.assignee_id, ticket.team_id, TicketEvent.objects.count())


def _attempt(ticket_action, world, user, ticket):
    if ticket_action == "ticket.cancel":
        ticket_transition(actor=user, ticket=ticket, to_status=Status.CANCELLED, reason="业主撤回")
    elif ticket_action == "ticket.work":
        ticket_add_note(actor=user, ticket=ticket, text="内部备注")
    elif ticket_action == "ticket.assign":
        ticket_assign(actor=user, ticket=ticket, assignee=role_user(Role.RECEPTIONIST, world.center_a))
    elif ticket_action == "ticket.hand_off":
        ticket_hand_off(actor=user, ticket=ticket)
    else:
        raise AssertionError(ticket_action)


TICKET_WRITES = ("ticket.cancel", "ticket.work", "ticket.assign", "ticket.hand_off")


@pytest.mark.parametrize(
    ("action", "column"), [(action, column) for action in TICKET_WRITES for column in _denied(OWN, action)]
)
def test_denied_ticket_writes_change_nothing(world, action, column):
    user = _user(world, column)
    ticket = _ticket(world, "own")
    before = _ticket_state(ticket)
    with pytest.raises(PermissionDenied):
        _attempt(action, world, user, ticket)
    assert _ticket_state(ticket) == before


@pytest.mark.parametrize("column", [c for c in COLUMNS if c not in ("qd", "bd", "bl")])
def test_nobody_records_a_ticket_for_another_center(world, column):
    user = _user(world, column)
    before = Ticket.objects.count()
    with pytest.raises(PermissionDenied):
        ticket_create(actor=user, kind=Kind.REPAIR, content="漏水", channel=Channel.PHONE, household=world.household_b)
    assert Ticket.objects.count() == before


@pytest.mark.parametrize("column", _denied(OWN, "desk.record"))
def test_denied_desk_record_changes_nothing(world, column):
    user = _user(world, column)
    before = (Interaction.objects.count(), Ticket.objects.count())
    with pytest.raises(PermissionDenied):
        interaction_record(
            actor=user, channel=Channel.PHONE, kind=Kind.CONSULTATION, content="咨询停车", household=world.household_a
        )
    assert (Interaction.objects.count(), Ticket.objects.count()) == before


def _sheet() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["楼栋", "单元", "房号", "住户姓名", "电话"])
    sheet.append(["9", "1", "101", "新住户", "13800009999"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("column", _denied(OWN, "community.import"))
def test_denied_import_changes_nothing(world, column):
    user = _user(world, column)
    before = (Household.objects.count(), Resident.objects.count())
    with pytest.raises(PermissionDenied):
        households_import_xlsx(actor=user, community=world.community_a, data=_sheet())
    assert (Household.objects.count(), Resident.objects.count()) == before


@pytest.mark.parametrize("column", _denied(OWN, "resident.reveal"))
def test_denied_reveal_leaves_no_audit_row_and_no_value(world, column):
    user = _user(world, column)
    with pytest.raises(PermissionDenied):
        resident_reveal(actor=user, resident=world.resident_a, field="phone", reason="回访")
    assert PersonalDataAccess.objects.count() == 0
    assert not Event.objects.filter(verb="resident.revealed").exists()
