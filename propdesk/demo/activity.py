"""Demo activity of the first service center beyond dispatch: complaints (five households about one stopped lift,
which the detection turns into a collective complaint; one classified and assigned, one letter), visitors inside
the gate (one of them overstaying) and an invitation for this evening. Everything is written through the apps'
own services, as the desk and the gate would."""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from propdesk.communities.models import Household, Resident
from propdesk.complaints.choices import ResponsibilityClass, Validity
from propdesk.complaints.models import Complaint
from propdesk.complaints.services import complaint_assign, complaint_classify
from propdesk.org.models import ServiceCenter
from propdesk.tickets.services import ticket_create
from propdesk.visitors import services as visitors

LIFT_COMPLAINTS = (
    "电梯又停了，老人上不了楼，你们物业到底管不管",
    "楼里电梯从早上就不动了，我要投诉",
    "电梯坏了一上午都没人来修，太不负责任了",
    "电梯停运好几个小时了，抱着孩子爬二十层，投诉！",
    "我们这栋电梯故障停了，一直没人处理，很不满意",
)


def create_activity(center: ServiceCenter, rng: random.Random, id_number) -> None:
    """Complaints and visitors for ``center``; ``id_number(rng)`` makes a valid resident ID number."""
    User = get_user_model()
    reception = User.objects.get(username="reception")
    households = _households_of_one_building(center)
    _complaints(reception, households)
    guard = User.objects.get(username="guard")
    _visitors(guard, households, rng, id_number)


def _households_of_one_building(center: ServiceCenter) -> list[Household]:
    """Households of the center, those of its most populated building first (the lift complaints come from
    there; the others from wherever the rest live)."""
    households = list(
        Household.objects.filter(unit__building__community__service_center=center)
        .select_related("unit__building__community")
        .order_by("pk")
    )
    sizes: dict[int, int] = {}
    for household in households:
        sizes[household.unit.building_id] = sizes.get(household.unit.building_id, 0) + 1
    busiest = max(sizes, key=sizes.get)
    return sorted(households, key=lambda h: h.unit.building_id != busiest)


def _caller(household: Household) -> Resident | None:
    return Resident.objects.filter(household=household).order_by("pk").first()


def _complaints(reception, households: list[Household]) -> None:
    lift = [h for h in households[:5] if h.unit.building_id == households[0].unit.building_id]
    for household, text in zip(lift, LIFT_COMPLAINTS, strict=False):
        ticket_create(actor=reception, kind="complaint", content=text, channel="phone", resident=_caller(household))

    noise = ticket_create(
        actor=reception,
        kind="complaint",
        content="楼上装修每天早上七点就开始砸墙，休息日也不停，请物业管一管",
        channel="phone",
        resident=_caller(households[-1]),
    )
    complaint = Complaint.objects.get(ticket=noise)
    supervisor = get_user_model().objects.get(username="cssupervisor")
    complaint = complaint_classify(
        actor=supervisor,
        complaint=complaint,
        responsibility_class=ResponsibilityClass.OUR_SERVICE,
        validity=Validity.VALID,
    )
    complaint_assign(actor=supervisor, complaint=complaint)

    ticket_create(
        actor=reception,
        kind="complaint",
        content="来信反映：小区东门道闸经常抬杆不及时，高峰期车辆排队到市政道路上，请书面答复处理意见。",
        channel="letter",
        resident=_caller(households[-2]),
    )


def _visitors(guard, households: list[Household], rng: random.Random, id_number) -> None:
    community = households[0].unit.building.community
    now = timezone.now()
    visitors.check_in(
        actor=guard,
        community=community,
        visitor_name="王建军",
        document_type="id_card",
        id_number=id_number(rng),
        purpose="visit",
        room=households[0].unit.label,
        phone="13912345678",
        people=2,
        checked_in_at=now - dt.timedelta(hours=5),
    )
    visitors.check_in(
        actor=guard,
        community=community,
        visitor_name="李师傅",
        document_type="id_card",
        id_number=id_number(rng),
        purpose="contractor",
        room=households[2].unit.label,
        area="装修施工",
        checked_in_at=now - dt.timedelta(minutes=40),
    )
    start = max(now, timezone.localtime(now).replace(hour=18, minute=0, second=0, microsecond=0))
    visitors.invite(
        actor=guard,
        community=community,
        visitor_name="陈晓燕",
        household=households[1],
        valid_from=start,
        valid_until=start + dt.timedelta(hours=4),
        phone="13712345678",
    )
