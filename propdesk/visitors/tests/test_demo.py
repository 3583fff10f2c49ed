"""The visitors demo (propdesk/demo/visitors_demo.py) on the small test world: tenants registered, one lease
expired, the coming week's roster, one watch entry; a second call changes nothing."""

import random

import pytest

from propdesk.communities.choices import Relation
from propdesk.demo.visitors_demo import create_visitors_demo
from propdesk.org.choices import Role
from propdesk.testing.factories import HouseholdFactory, ResidentFactory, UnitFactory
from propdesk.testing.roles import role_user
from propdesk.visitors import tenant_selectors
from propdesk.visitors.models import GateDuty, TenantRegistration, WatchEntry

pytestmark = pytest.mark.usefixtures("clock")


def test_the_demo_fills_the_tenant_register_roster_and_watch_list(world):
    desk = role_user(Role.RECEPTIONIST, world.center_a, username="desk-a")
    for role in (Role.SECURITY_MANAGER, Role.CS_SUPERVISOR, Role.SECURITY_GUARD):
        role_user(role, world.center_a)
    building = world.household_a.unit.building
    for number in ("1301", "1302", "1303", "1304", "1305"):
        home = HouseholdFactory(unit=UnitFactory(building=building, entrance="2单元", number=number))
        ResidentFactory(household=home, name=f"租客{number}", phone="13700001111", relation=Relation.TENANT)
    create_visitors_demo(world.center_a, random.Random(7))
    assert TenantRegistration.objects.count() == 4
    assert tenant_selectors.registration_rate(community=world.community_a).registered == 3  # one expired
    assert tenant_selectors.expired(user=desk).count() == 1
    assert GateDuty.objects.filter(community=world.community_a).count() == 7 * 3
    assert WatchEntry.objects.count() == 1
    create_visitors_demo(world.center_a, random.Random(7))
    assert (TenantRegistration.objects.count(), GateDuty.objects.count(), WatchEntry.objects.count()) == (4, 21, 1)
