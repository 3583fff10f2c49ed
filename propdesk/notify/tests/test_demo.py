"""The notification demo: desk extensions for the front desk, and a few people's channels and quiet hours."""

import datetime as dt
import random

from propdesk.demo.notify_demo import create_notify_demo
from propdesk.notify.models import Preference
from propdesk.org.choices import Role


def test_extensions_and_preferences_once(world, staff, resident_user_a):
    desk = staff(Role.RECEPTIONIST, username="desk-1")
    supervisor = staff(Role.CS_SUPERVISOR, username="sup-1")
    technician = staff(Role.TECHNICIAN, username="tech-1")
    create_notify_demo(world.center_a, random.Random(7))
    desk.staff_profile.refresh_from_db()
    supervisor.staff_profile.refresh_from_db()
    assert (desk.staff_profile.extension, supervisor.staff_profile.extension) == ("8001", "8002")
    assert Preference.objects.get(user=technician).quiet_start == dt.time(22, 0)
    assert Preference.objects.get(user=supervisor).channels["sla"] == ["sms", "wecom"]
    mine = Preference.objects.get(user=resident_user_a)
    assert mine.channels == {"request": ["sms"], "notices": ["sms"]} and mine.quiet_end == dt.time(8, 0)

    create_notify_demo(world.center_a, random.Random(8))  # a second call changes nothing
    desk.staff_profile.refresh_from_db()
    assert desk.staff_profile.extension == "8001"
    assert Preference.objects.count() == 3
