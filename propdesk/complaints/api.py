"""Complaint endpoints of the JSON API (``/api/v1/complaints``). Thin: parse, call a selector or a service, shape.

Reads go through ``complaints.selectors`` (scoped: a complaint the caller may not see is a 404); writes are the
services of ``complaints.services``. Every write takes ``expected_version`` (409 when stale) and answers the
complaint as it is now.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from propdesk.api.errors import COMMON_ERRORS, ErrorOut
from propdesk.api.schemas import Id, page_of

from . import selectors, services
from .api_schemas import (
    AgreeReplyIn,
    ClassifyIn,
    ComplaintEventOut,
    ComplaintFilters,
    ComplaintOut,
    ComplaintPage,
    ComplaintReasonIn,
    ComplaintReplyIn,
    ContentIn,
    EarlierOut,
    FactsIn,
    OriginalIn,
    OwnerIn,
    ProgressIn,
    RepeatIn,
)
from .models import Complaint

router = Router(tags=["投诉"])
WRITE = {200: ComplaintOut, 409: ErrorOut, **COMMON_ERRORS}


def _get(request: HttpRequest, complaint_id: int) -> Complaint:
    return selectors.complaint_get(user=request.auth, pk=complaint_id)


# The collective-complaint endpoints (R-CP-4) register on this router here, so that "/complaints/collectives"
# comes before "/complaints/{complaint_id}".
from . import api_collective, api_documents, api_monthly  # noqa: E402, F401


@router.get("/complaints", response={200: ComplaintPage, **COMMON_ERRORS}, summary="投诉登记 / Complaint register")
def list_complaints(request: HttpRequest, filters: Query[ComplaintFilters]):
    """我可以查看的投诉，新的在前，可按责任类别、有效性、状态、是否超时、是否重复投诉筛选，分页。

    The complaints the caller may see, newest first, filtered by class, validity, status, overdue and repeat."""
    qs = selectors.complaint_list(
        user=request.auth,
        responsibility_class=filters.responsibility_class,
        validity=filters.validity,
        status=filters.status,
        overdue=filters.overdue,
        repeat=filters.repeat,
        community_id=filters.community_id,
        owner_id=filters.owner_id,
        query=filters.q.strip(),
    )
    return page_of(qs, filters.offset, filters.limit)


@router.get(
    "/complaints/workbench", response={200: list[ComplaintOut], **COMMON_ERRORS}, summary="主管工作台 / Workbench"
)
def complaint_workbench(request: HttpRequest):
    """客服主管的未结投诉：重复投诉在前，其次集体投诉，再按最近到期时间（最多 100 条）。

    The CS supervisor's open complaints: repeats first, then collective ones, then by the next deadline."""
    return list(selectors.workbench(user=request.auth)[:100])


@router.get("/complaints/{complaint_id}", response={200: ComplaintOut, **COMMON_ERRORS}, summary="投诉详情 / Complaint")
def get_complaint(request: HttpRequest, complaint_id: Id):
    """一条投诉。无权查看的投诉与不存在的一样返回 404。 / One complaint; one the caller may not see is a 404."""
    return _get(request, complaint_id)


@router.get(
    "/complaints/{complaint_id}/events",
    response={200: list[ComplaintEventOut], **COMMON_ERRORS},
    summary="投诉记录 / History",
)
def list_complaint_events(request: HttpRequest, complaint_id: Id):
    """投诉的处理记录（分类及原因、负责人、时限相关步骤），按时间顺序。 / The complaint's history, oldest first."""
    return list(selectors.complaint_events(_get(request, complaint_id)))


@router.get(
    "/complaints/{complaint_id}/earlier-handling",
    response={200: EarlierOut | None, **COMMON_ERRORS},
    summary="前期处理情况 / Earlier handling of a repeat",
)
def get_earlier_handling(request: HttpRequest, complaint_id: Id):
    """重复投诉的前期处理情况（答复与记录）；不是重复投诉时为 null。 / A repeat's earlier handling, else null."""
    earlier = selectors.earlier_handling(_get(request, complaint_id))
    if earlier is None:
        return None
    return {
        "complaint_id": earlier.complaint.pk,
        "ticket_number": earlier.complaint.ticket.number,
        "replies": earlier.replies,
        "events": earlier.complaint_events,
    }


@router.post("/complaints/{complaint_id}/classify", response=WRITE, summary="分类 / Classify")
def classify_complaint(request: HttpRequest, complaint_id: Id, payload: ClassifyIn):
    """记录或更改责任类别与有效性；更改须填写原因。 / Record or change the class and validity (a change needs a reason)."""
    complaint = services.complaint_classify(
        actor=request.auth,
        complaint=_get(request, complaint_id),
        responsibility_class=payload.responsibility_class,
        developer_matter=payload.developer_matter,
        validity=payload.validity,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return _get(request, complaint.pk)


@router.post("/complaints/{complaint_id}/owner", response=WRITE, summary="确定负责人 / Set the owner")
def set_owner(request: HttpRequest, complaint_id: Id, payload: OwnerIn):
    """采用建议负责人（不给 owner_id），或由服务中心经理指定他人（须填写原因）。

    Take the suggested owner (no ``owner_id``), or — the center manager only — name another, with a reason."""
    owner = None
    if payload.owner_id is not None:
        owner = get_user_model().objects.filter(pk=payload.owner_id, is_active=True).first()
        if owner is None:
            raise ValidationError({"owner_id": _("该员工不存在或已停用")}, code="not_found")
    complaint = services.complaint_assign(
        actor=request.auth,
        complaint=_get(request, complaint_id),
        owner=owner,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return _get(request, complaint.pk)


@router.post("/complaints/{complaint_id}/agreed-reply", response=WRITE, summary="约定答复时间 / Agree a reply time")
def agree_reply(request: HttpRequest, complaint_id: Id, payload: AgreeReplyIn):
    """已联系客户并约定答复时间（2 小时内联系客户）。 / The customer contacted and a reply time agreed."""
    complaint = services.complaint_agree_reply(
        actor=request.auth,
        complaint=_get(request, complaint_id),
        reply_at=payload.reply_at,
        note=payload.note,
        expected_version=payload.expected_version,
    )
    return _get(request, complaint.pk)


@router.post("/complaints/{complaint_id}/on-the-spot", response=WRITE, summary="当场处理 / Handled on the spot")
def answer_on_spot(request: HttpRequest, complaint_id: Id, payload: ContentIn):
    """当场处理完毕：工单办结，2 小时内回复客户并记录客户意见。 / Handled on the spot; reply with the opinion in 2 h."""
    complaint = services.complaint_answer_on_spot(
        actor=request.auth,
        complaint=_get(request, complaint_id),
        content=payload.content,
        expected_version=payload.expected_version,
    )
    return _get(request, complaint.pk)


@router.post("/complaints/{complaint_id}/replies", response=WRITE, summary="答复客户 / Reply to the customer")
def reply_complaint(request: HttpRequest, complaint_id: Id, payload: ComplaintReplyIn):
    """答复客户并记录客户意见；已办结的投诉客户不满意时转为重复投诉，交客服主管。

    Reply with the customer's opinion; an unhappy customer of a resolved complaint makes it a repeat."""
    complaint = services.complaint_reply(
        actor=request.auth, complaint=_get(request, complaint_id), **payload.model_dump()
    )
    return _get(request, complaint.pk)


@router.post("/complaints/{complaint_id}/progress", response=WRITE, summary="告知进展 / Tell progress")
def tell_progress(request: HttpRequest, complaint_id: Id, payload: ProgressIn):
    """向客户告知处理进展（协助处理、处理较慢、重大事项）。 / Progress told to the customer."""
    complaint = services.complaint_progress(
        actor=request.auth, complaint=_get(request, complaint_id), **payload.model_dump()
    )
    return _get(request, complaint.pk)


@router.post("/complaints/{complaint_id}/major", response=WRITE, summary="标记重大事项 / Mark a major matter")
def mark_major(request: HttpRequest, complaint_id: Id, payload: ComplaintReasonIn):
    """重大事项：48 小时内告知进展，并即时报告直接上级。 / Progress within 48 h; the superior told at once."""
    complaint = services.complaint_mark_major(
        actor=request.auth, complaint=_get(request, complaint_id), **payload.model_dump()
    )
    return _get(request, complaint.pk)


@router.post("/complaints/{complaint_id}/facts", response=WRITE, summary="更正书面/来源 / Correct letter and source")
def set_facts(request: HttpRequest, complaint_id: Id, payload: FactsIn):
    """更正是否书面投诉、投诉来源（须填写原因）。 / Correct whether it is a letter and its source (with a reason)."""
    complaint = services.complaint_set_facts(
        actor=request.auth, complaint=_get(request, complaint_id), **payload.model_dump()
    )
    return _get(request, complaint.pk)


@router.post("/complaints/{complaint_id}/original", response=WRITE, summary="原件归档 / File the original")
def file_original(request: HttpRequest, complaint_id: Id, payload: OriginalIn):
    """资料管理员归档书面投诉原件。 / The records clerk files a written complaint's original."""
    complaint = services.complaint_file_original(
        actor=request.auth, complaint=_get(request, complaint_id), **payload.model_dump()
    )
    return _get(request, complaint.pk)


@router.post("/complaints/{complaint_id}/repeat", response=WRITE, summary="重复投诉 / Repeat complaint")
def repeat_complaint(request: HttpRequest, complaint_id: Id, payload: RepeatIn):
    """客户对处理结果不满意：重新打开已办结的投诉；或给出 repeat_of_id，标记为重复于更早的投诉。交客服主管处理。

    Reopen a resolved complaint as a repeat, or mark it a repeat of an earlier one (``repeat_of_id``)."""
    complaint = _get(request, complaint_id)
    if payload.repeat_of_id is None:
        complaint = services.complaint_reopen_repeat(
            actor=request.auth, complaint=complaint, reason=payload.reason, expected_version=payload.expected_version
        )
    else:
        earlier = Complaint.objects.visible_to(request.auth).filter(pk=payload.repeat_of_id).first()
        if earlier is None:
            raise ValidationError({"repeat_of_id": _("投诉不存在或您无权访问")}, code="not_found")
        complaint = services.complaint_mark_repeat_of(
            actor=request.auth,
            complaint=complaint,
            earlier=earlier,
            reason=payload.reason,
            expected_version=payload.expected_version,
        )
    return _get(request, complaint.pk)
