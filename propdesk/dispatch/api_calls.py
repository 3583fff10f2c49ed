"""Calling the customer from a job in the JSON API (拨打电话): the same rule and record as the job page's
button (``services.work_order_call``). Mounted by ``propdesk.dispatch.api``."""

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from propdesk.api.errors import COMMON_ERRORS
from propdesk.api.schemas import Id
from propdesk.core.http import client_ip

from . import services
from .api_common import TAGS, work_order

router = Router(tags=TAGS)


class CallOut(Schema):
    uri: str = Field(description="tel: URI，交给手机拨号（号码不要显示或保存）/ hand it to the phone's dialler")


@router.post(
    "/work-orders/{work_order_id}/call",
    response={200: CallOut, **COMMON_ERRORS},
    summary="拨打客户电话 / Call the customer",
)
def call_customer(request: HttpRequest, work_order_id: Id):
    """工作单的处理人员在处理期间（已派单、已接单、在途、已到场）拨打客户电话：返回 ``tel:`` URI，
    每次调用都记入个人信息查看记录（用途“拨打电话”、工作单、IP 地址）。其他人员或已完工、已关闭的工作单返回 403，
    不作记录；看不到的工作单返回 404。

    The worker assigned to the job, while it is being worked on (assigned, accepted, on the way, on site), gets
    the customer's number as a ``tel:`` URI to dial; every call is recorded as a personal-data access (purpose
    "call", the work order, the address). Anyone else, or a finished or closed job, is 403 and nothing is
    recorded; a work order the caller cannot see is 404.
    """
    wo = work_order(request, work_order_id)
    return {"uri": services.work_order_call(actor=request.auth, work_order=wo, ip_address=client_ip(request))}
