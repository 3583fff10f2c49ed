"""Demo data of the resident portal: the demo resident's own requests sent from the portal — a leak waiting on
the board with a preferred visit time, a question the desk answered and the resident confirmed and rated, a
praise — and the center's portal policy (a satisfied rating does not replace the call, the default). Safe to
call twice: a center with portal requests is left as it is."""

import datetime as dt
import random

from django.utils import timezone

from propdesk.communities.models import Resident
from propdesk.org.choices import Role
from propdesk.org.models import ServiceCenter
from propdesk.org.selectors import role_holders
from propdesk.portal import services
from propdesk.portal.models import PortalSettings
from propdesk.tickets.choices import Channel, Status
from propdesk.tickets.models import Ticket
from propdesk.tickets.services import ticket_reply, ticket_transition

LEAKS = ("卫生间天花板漏水，楼上好像在装修", "厨房水槽下水管接口渗水", "阳台地漏返味，下雨时积水")


def _desk(community):
    for role in (Role.RECEPTIONIST, Role.CS_SUPERVISOR):
        found = role_holders(roles=[role], community_id=community.pk, service_center=community.service_center)
        if found:
            return found[0]
    return None


def _answered_question(resident: Resident, desk) -> None:
    user, household = resident.user, resident.household
    question = services.submit_request(
        actor=user, household=household, kind="consultation", content="物业费可以用微信缴纳吗？需要带什么？"
    )
    ticket_reply(
        actor=desk, ticket=question, method="phone", content="可以，在服务中心公众号“缴费”栏目输入房号即可缴纳。"
    )
    ticket_transition(actor=desk, ticket=Ticket.objects.get(pk=question.pk), to_status=Status.RESOLVED)
    services.confirm_and_rate(actor=user, ticket=Ticket.objects.get(pk=question.pk), score=5, comment="回复很快，谢谢")


def create_portal_demo(center: ServiceCenter, rng: random.Random) -> None:
    """A few portal requests of the center's demo resident (once)."""
    PortalSettings.objects.get_or_create(service_center=center)
    if Ticket.objects.filter(service_center=center, channel=Channel.PORTAL).exists():
        return
    resident = (
        Resident.objects.filter(
            user__isnull=False,
            is_active=True,
            household__is_active=True,
            household__unit__building__community__service_center=center,
        )
        .select_related("household__unit__building__community", "user")
        .order_by("pk")
        .first()
    )
    if resident is None:
        return
    user, household = resident.user, resident.household
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    zone = timezone.get_current_timezone()
    services.submit_request(
        actor=user,
        household=household,
        kind="repair",
        content=rng.choice(LEAKS),
        room_spot="卫生间",
        preferred_from=dt.datetime.combine(tomorrow, dt.time(14), tzinfo=zone),
        preferred_to=dt.datetime.combine(tomorrow, dt.time(18), tzinfo=zone),
    )
    desk = _desk(household.unit.building.community)
    if desk is not None:
        _answered_question(resident, desk)
    services.submit_request(
        actor=user, household=household, kind="praise", content="保安小刘雨天帮我把快递送到家门口，特此表扬。"
    )
