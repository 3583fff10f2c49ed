"""Calling the customer from a job (拨打电话): the assigned worker gets the number to dial, never to read.

The job page and the API hand the number over only as a ``tel:`` URI, to the worker assigned to the job
while it is being worked on (``work_order.call_customer``), and every hand-over is a personal-data access
row with the purpose "call", the work order and the worker's address. Anyone else is refused and nothing
is recorded.
"""

import re

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from propdesk.core.errors import field_error
from propdesk.core.models import PersonalDataAccess
from propdesk.core.permissions import require

from ..models import WorkOrder

_NOT_DIALLED = re.compile(r"[^\d+]")


def customer_phone(work_order: WorkOrder) -> str:
    """The number the customer asked to be called on, else the phone of the resident the ticket is about."""
    ticket = work_order.ticket
    if ticket.contact_phone:
        return ticket.contact_phone
    return ticket.resident.phone if ticket.resident_id else ""


def tel_uri(number: str) -> str:
    """``tel:`` and the digits to dial (an extension after a landline's number is dropped)."""
    main = re.sub(r"(\d{7,8})-\d{1,6}$", r"\1", number.strip())
    return "tel:" + _NOT_DIALLED.sub("", main)


@transaction.atomic
def work_order_call(*, actor, work_order: WorkOrder, ip_address: str | None = None) -> str:
    """The ``tel:`` URI of the customer's number for the worker assigned to the open job, with an audit row."""
    wo = WorkOrder.objects.select_for_update(of=("self",)).select_related("ticket__resident").get(pk=work_order.pk)
    require(actor, "work_order.call_customer", wo, message=_("只有该工作单的处理人员在处理期间可以拨打客户电话"))
    number = customer_phone(wo)
    if not number:
        raise field_error("phone", _("该工作单没有客户的联系电话"), "no_phone")
    PersonalDataAccess.objects.create(
        actor=actor,
        subject_type=ContentType.objects.get_for_model(WorkOrder),
        subject_id=str(wo.pk),
        subject_repr=f"{wo.number} {wo.ticket.contact_name}".strip()[:200],
        field=PersonalDataAccess.Field.PHONE,
        purpose=PersonalDataAccess.Purpose.CALL,
        reason=wo.number,
        ip_address=ip_address,
        service_center_id=wo.service_center_id,
    )
    return tel_uri(number)
