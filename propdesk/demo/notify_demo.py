"""Demo data of notifications and the desk telephone: the center's receptionists and CS supervisors get desk
extensions (8001, 8002 …, so a call ringing there pops up on their desk), a technician takes dispatch
messages by SMS with quiet hours at night, a CS supervisor takes chases and escalations by WeCom and SMS,
and the demo resident follows their requests by SMS, not at night. Safe to call twice: a center whose staff
already have extensions is left as it is."""

import datetime as dt
import random

from propdesk.communities.models import Resident
from propdesk.notify.services import preference_update
from propdesk.org.choices import Role
from propdesk.org.models import ServiceCenter, StaffProfile
from propdesk.org.selectors import role_holders

FIRST_EXTENSION = 8001
NIGHT = (dt.time(22, 0), dt.time(7, 0))


def _holders(center: ServiceCenter, role: str) -> list:
    community = center.communities.order_by("pk").first()
    if community is None:
        return []
    return [
        u
        for u in role_holders(roles=[role], community_id=community.pk, service_center=center)
        if getattr(u, "staff_profile", None) is not None
    ]


def _extensions(profiles: list[StaffProfile]) -> None:
    """Desk extensions for the front desk (receptionists first, then the CS supervisors), unused numbers."""
    taken = set(StaffProfile.objects.exclude(extension="").values_list("extension", flat=True))
    number = FIRST_EXTENSION
    for profile in dict.fromkeys(profiles):
        while str(number) in taken:
            number += 1
        profile.extension = str(number)
        profile.save(update_fields=["extension"])
        taken.add(profile.extension)


def create_notify_demo(center: ServiceCenter, rng: random.Random) -> None:
    """Extensions and a few people's notification preferences at ``center`` (once)."""
    desk = [u.staff_profile for role in (Role.RECEPTIONIST, Role.CS_SUPERVISOR) for u in _holders(center, role)]
    if any(profile.extension for profile in desk):
        return
    _extensions(desk)
    technicians = _holders(center, Role.TECHNICIAN)
    if technicians:
        preference_update(
            actor=rng.choice(technicians),
            channels={"dispatch": ["sms"], "ticket": ["sms"]},
            quiet_start=NIGHT[0],
            quiet_end=NIGHT[1],
        )
    supervisors = _holders(center, Role.CS_SUPERVISOR)
    if supervisors:
        preference_update(actor=supervisors[0], channels={"sla": ["wecom", "sms"], "complaints": ["wecom", "sms"]})
    resident = (
        Resident.objects.filter(
            user__isnull=False, is_active=True, household__unit__building__community__service_center=center
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if resident is not None:
        preference_update(
            actor=resident.user,
            channels={"request": ["sms"], "notices": ["sms"]},
            quiet_start=dt.time(22, 30),
            quiet_end=dt.time(8, 0),
        )
