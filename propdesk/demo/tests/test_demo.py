"""The demo company (demo.loader) and ``manage.py load_demo``."""

from collections import Counter

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import Max, Min

from propdesk.communities.models import Building, Community, Household, Resident, Unit
from propdesk.communities.validators import validate_id_number, validate_phone
from propdesk.core.models import Event
from propdesk.demo.loader import demo_logins, load_demo
from propdesk.org.choices import MEMBERSHIP_ROLES, Role
from propdesk.org.models import RoleMembership, ServiceCenter

PASSWORD = "pw-demo-1"


def db_counts() -> dict[str, int]:
    return {
        "users": get_user_model().objects.count(),
        "memberships": RoleMembership.objects.count(),
        "centers": ServiceCenter.objects.count(),
        "communities": Community.objects.count(),
        "buildings": Building.objects.count(),
        "units": Unit.objects.count(),
        "households": Household.objects.count(),
        "residents": Resident.objects.count(),
        "events": Event.objects.count(),
    }


@pytest.fixture
def demo(db, monkeypatch):
    """The demo loaded by the command with 50 households on an empty database."""
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo", households=50, password=PASSWORD)


def invalid(validator, values) -> list[str]:
    bad = []
    for value in values:
        try:
            validator(value)
        except ValidationError:
            bad.append(value)
    return bad


def test_load_demo_creates_exactly_the_households_asked_for(demo):
    # given the demo loaded with households=50
    # then there are 50 active households, each in its own unit
    assert Household.objects.count() == 50
    assert Household.objects.filter(is_active=True).count() == 50
    assert Unit.objects.count() == 50
    assert Household.objects.values("unit").distinct().count() == 50


def test_every_household_has_one_owner_and_valid_phones_and_id_numbers(demo):
    # then each household has exactly one owner
    owners = Counter(Resident.objects.filter(relation="owner").values_list("household_id", flat=True))
    assert len(owners) == 50
    assert set(owners.values()) == {1}
    # and every resident has a mobile that passes the phone validator
    phones = list(Resident.objects.values_list("phone", flat=True))
    assert len(phones) >= 50
    assert invalid(validate_phone, phones) == []
    assert all(len(p) == 11 and p.startswith("1") for p in phones)
    # and every id number present passes the check-digit validator
    id_numbers = list(Resident.objects.exclude(id_number="").values_list("id_number", flat=True))
    assert id_numbers
    assert invalid(validate_id_number, id_numbers) == []


def test_unit_codes_are_unique_within_each_community(demo):
    # then no community has two units with the same code (codes repeat across communities by design)
    rows = list(Unit.objects.values_list("building__community_id", "code"))
    assert len(rows) == 50
    assert len(set(rows)) == 50


def test_demo_has_two_service_centers_and_every_staff_role(demo):
    # then there are two centers, four communities and a membership for every staff role
    assert ServiceCenter.objects.count() == 2
    assert sorted(Community.objects.values_list("code", flat=True)) == [
        "cuihu-court",
        "cuihu-garden",
        "yunshan",
        "yunshan-plaza",
    ]
    assert set(RoleMembership.objects.filter(is_active=True).values_list("role", flat=True)) == set(MEMBERSHIP_ROLES)


def test_demo_resident_login_is_linked_to_an_owner(demo):
    # then the "resident" login belongs to an owner in the first community
    resident = Resident.objects.select_related("household__unit__building__community").get(user__username="resident")
    assert resident.relation == "owner"
    assert resident.household.unit.building.community.code == "cuihu-garden"


def test_every_demo_login_works_with_the_given_password(demo):
    # given every demo login
    usernames = [username for username, _role, _where in demo_logins()]

    # when each signs in with the demo password
    failed = [u for u in usernames if authenticate(username=u, password=PASSWORD) is None]

    # then all of them succeed, and a wrong password does not
    assert failed == []
    assert authenticate(username="admin", password="wrong-password") is None


def test_demo_logins_lists_one_login_per_role_plus_admin_and_resident(demo):
    # when the logins are read back
    logins = demo_logins()

    # then admin comes first, the resident last, and each staff role once in between
    assert logins[0] == ("admin", "系统管理员", "全部")
    assert logins[-1][:2] == ("resident", "业主/住户")
    roles = [role for _username, role, _where in logins[1:-1]]
    assert sorted(roles) == sorted(str(Role(r).label) for r in MEMBERSHIP_ROLES)
    assert len(logins) == len(MEMBERSHIP_ROLES) + 2
    assert len({username for username, _role, _where in logins}) == len(logins)


def test_second_load_with_if_empty_changes_nothing(demo):
    # given the demo already loaded
    before = db_counts()

    # when the command runs again with --if-empty and no password
    call_command("load_demo", households=50, if_empty=True)

    # then nothing changed
    assert db_counts() == before
    assert authenticate(username="admin", password=PASSWORD) is not None


def test_second_load_with_if_empty_and_a_password_only_resets_passwords(demo):
    # given the demo already loaded
    before = db_counts()

    # when the command runs again with --if-empty and a new password
    call_command("load_demo", households=50, if_empty=True, password="pw-demo-2")

    # then no data changed except one audit event, and every demo login uses the new password
    assert db_counts() == {**before, "events": before["events"] + 1}
    assert Event.objects.filter(verb="demo.password_reset").count() == 1
    usernames = [username for username, _role, _where in demo_logins()]
    assert [u for u in usernames if authenticate(username=u, password="pw-demo-2") is None] == []
    assert [u for u in usernames if authenticate(username=u, password=PASSWORD) is not None] == []


def test_second_load_without_if_empty_is_an_error(demo):
    # given the demo already loaded
    before = db_counts()

    # when the command runs again without --if-empty
    with pytest.raises(CommandError) as caught:
        call_command("load_demo", households=50, password=PASSWORD)

    # then it refuses and nothing changed
    assert str(caught.value) == "Demo data already loaded (use a fresh database, or --if-empty)."
    assert db_counts() == before


def test_load_demo_refuses_zero_households(db):
    # when the command is asked for no households
    with pytest.raises(CommandError) as caught:
        call_command("load_demo", households=0)

    # then it refuses and writes nothing
    assert str(caught.value) == "--households must be at least 1"
    assert ServiceCenter.objects.count() == 0


def test_load_demo_at_scale_keeps_buildings_realistic(db):
    # when the demo is loaded with 2000 households
    result = load_demo(households=2000, password=PASSWORD)

    # then 2000 households exist, in units on floors 1 to 33 only
    assert result.households == 2000
    assert Household.objects.filter(is_active=True).count() == 2000
    floors = Unit.objects.aggregate(low=Min("floor"), high=Max("floor"))
    assert floors["low"] >= 1
    assert floors["high"] <= 33
    assert Unit.objects.filter(floor__isnull=True).count() == 0
    # and each room number starts with its floor: 1203 is on floor 12
    mismatched = [(n, f) for n, f in Unit.objects.values_list("number", "floor") if n[:-2] != str(f)]
    assert mismatched == []
    # and room numbers are unique within each community
    rows = list(Unit.objects.values_list("building__community_id", "code"))
    assert len(set(rows)) == 2000


def test_the_demo_shows_a_collective_complaint_a_classified_one_a_letter_and_visitors(db, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo", households=200, password=PASSWORD)
    from propdesk.complaints.models import CollectiveComplaint, Complaint
    from propdesk.visitors.models import Invitation, Visit

    collective = CollectiveComplaint.objects.get()
    assert collective.complaints.values("household").distinct().count() == 5
    assert Complaint.objects.filter(owner__username="csassistant").count() == 1
    assert Complaint.objects.filter(written=True).count() == 1
    inside = Visit.objects.filter(checked_out_at__isnull=True)
    assert inside.count() == 2
    assert all("*" in v.id_masked for v in inside)
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize(
    "app_label", ["complaints", "notices", "visitors", "internal", "engagement", "training", "portal", "filings"]
)
def test_every_feature_app_has_something_to_show_in_the_demo(demo, app_label):
    from django.apps import apps

    filled = [m.__name__ for m in apps.get_app_config(app_label).get_models() if m.objects.exists()]
    assert filled, f"the demo leaves every table of {app_label} empty"
