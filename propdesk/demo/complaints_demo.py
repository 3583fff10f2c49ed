"""Demo data of the complaints app beyond the complaints of activity.py: the written complaint's reply letter
(drafted and sent), a training case, this month's public-interest notice awaiting approval and a corrective action
issued by the business-management department. Safe to call twice: a center with a letter is left as it is."""

import datetime as dt
import random

from django.utils import timezone

from propdesk.complaints.models import Complaint, ComplaintLetter
from propdesk.complaints.models_documents import LetterKind, SendMethod
from propdesk.complaints.services import complaint_letter_send, complaint_letter_write, complaint_set_facts, monthly
from propdesk.org.choices import Role
from propdesk.org.models import ServiceCenter
from propdesk.org.selectors import role_holders


def _holder(complaint: Complaint, role: str):
    found = role_holders(roles=[role], community_id=complaint.community_id, service_center=complaint.service_center)
    return found[0] if found else None


def _letter(complaint: Complaint, assistant) -> None:
    if not complaint.written:
        complaint = complaint_set_facts(actor=assistant, complaint=complaint, written=True, reason="业户来信")
    letter = complaint_letter_write(
        actor=assistant,
        complaint=complaint,
        kind=LetterKind.REPLY,
        body="经核查，您反映的问题已安排专人处理，并将在本周内完成整改。\n整改完成后我们将再次与您联系，听取您的意见。",
    )
    complaint_letter_send(actor=assistant, letter=letter, method=SendMethod.HAND, note="业主本人签收")


def create_complaints_demo(center: ServiceCenter, rng: random.Random) -> None:
    """A letter, a training case, the month's notice and a corrective action for ``center`` (once)."""
    complaints = list(
        Complaint.objects.filter(service_center=center).select_related("ticket", "service_center__branch")[:20]
    )
    if not complaints or ComplaintLetter.objects.filter(complaint__service_center=center).exists():
        return
    sample = complaints[0]
    assistant = _holder(sample, Role.CS_ASSISTANT) or _holder(sample, Role.CS_SUPERVISOR)
    supervisor = _holder(sample, Role.CS_SUPERVISOR)
    if assistant is None or supervisor is None:
        return
    letter_case = next((c for c in complaints if c.written), rng.choice(complaints))
    _letter(letter_case, assistant)
    monthly.training_case_write(
        actor=assistant,
        complaint=complaints[-1],
        title="电梯停运的沟通与安抚",
        lessons="第一时间上门说明原因与预计恢复时间",
    )
    month = timezone.localdate().replace(day=1)
    this_month = [c for c in complaints if timezone.localdate(c.created_at) >= month][:5]
    if this_month:
        monthly.notice_draft(
            actor=supervisor,
            service_center=center,
            month=month,
            title=f"{month:%Y年%-m月}公共部位投诉处理情况",
            body="本月业户反映的电梯停运、楼道照明等公共部位问题均已处理完毕，详见下表。",
            complaints=this_month,
        )
    business = _holder(sample, Role.BUSINESS_DEPT)
    if business is not None:
        monthly.action_issue(
            actor=business,
            service_center=center,
            month=month,
            kind="preventive",
            title="电梯故障投诉集中：每周与维保单位联检",
            detail="每周一次联合巡检并向业户公示结果",
            due_on=timezone.localdate() + dt.timedelta(days=14),
        )
