"""Classification (R-CP-1) and the owner by class (R-CP-2): the class suggests an owner with its reason, the CS
supervisor or the manager confirms it, only the manager names another one (and the owner of a class-3 one)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.core.errors import field_error
from propdesk.core.inputs import clean_text
from propdesk.core.people import person_name
from propdesk.core.permissions import can, require
from propdesk.core.texts import Text, t
from propdesk.org.choices import Role
from propdesk.tickets.choices import OPEN_STATUSES
from propdesk.tickets.services import ticket_assign

from .. import permissions  # noqa: F401  (declares the complaint rules)
from ..choices import DeveloperMatter, EventKind, ResponsibilityClass, Validity
from ..models import Complaint
from .base import ComplaintTrigger, _event, emit, holders, is_supervisor, lock, save


def developer_of(complaint: Complaint):
    """The developer responsible for the complaint's building (else the community's), from master data."""
    building = complaint.building
    if building is not None and building.developer_id:
        return building.developer
    return complaint.community.developer


def _developer_text(complaint: Complaint) -> Text:
    developer = developer_of(complaint)
    if developer is None:
        return t(N_("（主数据未登记开发商）"))
    return t(
        N_("%(name)s，客服中心 %(contact)s %(phone)s"),
        name=developer.name,
        contact=developer.cs_center_contact or "—",
        phone=developer.cs_center_phone or "—",
    )


def _least_busy(users: list):
    """Of several people, the one owning the fewest open complaints (ties: the earliest account)."""
    if not users:
        return None, 0
    counts = dict(
        Complaint.objects.filter(owner__in=users, ticket__status__in=sorted(OPEN_STATUSES))
        .values_list("owner")
        .annotate(n=Count("pk"))
    )
    best = min(users, key=lambda u: (counts.get(u.pk, 0), u.pk))
    return best, counts.get(best.pk, 0)


def suggest_owner(complaint: Complaint) -> tuple:
    """The owner the class suggests and why (R-CP-2): class 1 → a CS assistant; class 2 → the CS supervisor, who
    contacts the developer (housing quality) or reports to it in writing (facilities); class 3 → the manager
    names the owner. Returns ``(user or None, Text)``."""
    klass = complaint.responsibility_class
    if klass is None:
        return None, t(N_("尚未分类"))
    supervisor = (holders(complaint, Role.CS_SUPERVISOR) or [None])[0]
    if klass == ResponsibilityClass.OUR_SERVICE:
        assistant, open_count = _least_busy(holders(complaint, Role.CS_ASSISTANT))
        if assistant is not None:
            return assistant, t(
                N_("一类投诉（本中心服务）由客服助理处理：%(name)s（当前未结投诉 %(count)s 件）"),
                name=person_name(assistant),
                count=open_count,
            )
        if supervisor is not None:
            return supervisor, t(
                N_("一类投诉：本小区没有客服助理，由客服主管 %(name)s 处理"), name=person_name(supervisor)
            )
        return None, t(N_("一类投诉：本小区没有客服助理和客服主管，请经理指定负责人"))
    if klass == ResponsibilityClass.DEVELOPER:
        if complaint.developer_matter == DeveloperMatter.FACILITIES:
            msgid = N_("二类投诉（配套设施）：由客服主管 %(name)s 书面报告开发商并跟进。开发商：%(developer)s")
        else:
            msgid = N_("二类投诉（房屋质量）：由客服主管 %(name)s 联系开发商并跟进。开发商：%(developer)s")
        if supervisor is None:
            return None, t(
                N_("二类投诉：本小区没有客服主管，请经理指定负责人。开发商：%(developer)s"),
                developer=_developer_text(complaint),
            )
        return supervisor, t(msgid, name=person_name(supervisor), developer=_developer_text(complaint))
    return None, t(N_("三类投诉（外部环境/管辖范围外公共设施）：由服务中心经理指定负责人，并书面报告有关部门"))


def _check_class(responsibility_class, developer_matter: str, validity: str) -> None:
    errors = {}
    if responsibility_class not in ResponsibilityClass.values:
        errors["responsibility_class"] = _("请选择责任类别（一类、二类或三类）")
    elif responsibility_class == ResponsibilityClass.DEVELOPER and developer_matter not in DeveloperMatter.values:
        errors["developer_matter"] = _("二类投诉请选择：房屋质量或配套设施")
    elif responsibility_class != ResponsibilityClass.DEVELOPER and developer_matter:
        errors["developer_matter"] = _("只有二类投诉区分房屋质量和配套设施")
    if validity not in Validity.values:
        errors["validity"] = _("未知的有效性：%(v)s") % {"v": validity}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def complaint_classify(
    *,
    actor,
    complaint: Complaint,
    responsibility_class: int,
    developer_matter: str = "",
    validity: str | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """Record or change the complaint's class and validity (R-CP-1). A change needs a reason; each is an event.
    The class's suggested owner is recomputed; the validity starts its clock (invalid → explained within 2 h,
    assisted → progress at the center's interval, valid with the supervisor → answered the same day)."""
    complaint = lock(complaint, expected_version)
    require(actor, "complaint.classify", complaint, _("您无权为该投诉分类"))
    developer_matter = developer_matter or ""
    validity = validity or complaint.validity
    _check_class(responsibility_class, developer_matter, validity)
    before = (complaint.responsibility_class, complaint.developer_matter, complaint.validity)
    after = (responsibility_class, developer_matter, validity)
    if before == after:
        return complaint
    changing = complaint.is_classified or complaint.validity != Validity.PENDING
    reason = clean_text(reason, "reason", required=changing, limit=500)
    if complaint.ticket.status not in OPEN_STATUSES and changing:
        raise field_error("responsibility_class", _("已办结的投诉不能更改分类"), "closed")
    complaint.responsibility_class, complaint.developer_matter, complaint.validity = after
    complaint.classified_at = timezone.now()
    suggested, why = suggest_owner(complaint)
    complaint.suggested_owner = suggested
    complaint.suggestion_reason = why.dumps()
    save(
        complaint,
        [
            "responsibility_class",
            "developer_matter",
            "validity",
            "classified_at",
            "suggested_owner",
            "suggestion_reason",
        ],
    )
    _event(
        complaint,
        EventKind.RECLASSIFIED if changing else EventKind.CLASSIFIED,
        actor,
        reason=reason,
        from_class=before[0],
        to_class=after[0],
        from_matter=before[1],
        to_matter=after[1],
        from_validity=before[2],
        to_validity=after[2],
    )
    _event(complaint, EventKind.OWNER_SUGGESTED, actor, reason=why.dumps(), suggested=getattr(suggested, "pk", None))
    if validity != before[2]:
        if before[2] != Validity.PENDING:
            emit(complaint, ComplaintTrigger.RECLASSIFIED)
        _validity_clock(complaint)
    return complaint


def _validity_clock(complaint: Complaint) -> None:
    if complaint.validity == Validity.INVALID:
        emit(complaint, ComplaintTrigger.INVALID)
    elif complaint.validity == Validity.ASSISTED:
        emit(complaint, ComplaintTrigger.ASSISTED)
    elif complaint.validity == Validity.VALID and is_supervisor(complaint.owner, complaint):
        emit(complaint, ComplaintTrigger.VALID_SUPERVISOR)


@transaction.atomic
def complaint_assign(
    *, actor, complaint: Complaint, owner=None, reason: str = "", expected_version: int | None = None
) -> Complaint:
    """Make ``owner`` (default: the suggested owner) responsible for the complaint; the complaint's ticket goes
    to them too. Another owner than the suggested one — and any owner of a class-3 complaint — is the center
    manager's decision (R-CP-2), with a reason when it departs from the suggestion."""
    complaint = lock(complaint, expected_version)
    require(actor, "complaint.assign", complaint, _("您无权确定该投诉的负责人"))
    if not complaint.is_classified:
        raise field_error("responsibility_class", _("请先为投诉分类，再确定负责人"), "unclassified")
    owner = owner or complaint.suggested_owner
    if owner is None:
        raise field_error("owner", _("没有建议负责人，请指定负责人"), "required")
    overriding = owner.pk != complaint.suggested_owner_id
    if overriding or complaint.responsibility_class == ResponsibilityClass.EXTERNAL:
        require(actor, "complaint.override_owner", complaint, _("只有服务中心经理可以改派负责人或为三类投诉指定负责人"))
    reason = clean_text(reason, "reason", required=overriding and complaint.suggested_owner_id is not None, limit=500)
    if not owner.is_active or not can(owner, "complaint.be_owner", complaint):
        raise field_error("owner", _("该员工不能负责本小区的投诉"), "invalid_owner")
    if owner.pk == complaint.owner_id:
        return complaint
    previous = complaint.owner_id
    complaint.owner = owner
    complaint.owner_overridden = overriding
    save(complaint, ["owner", "owner_overridden"])
    _event(
        complaint,
        EventKind.OWNER_OVERRIDDEN if overriding else EventKind.OWNER_SET,
        actor,
        reason=reason,
        from_owner=previous,
        to_owner=owner.pk,
    )
    if complaint.ticket.assignee_id != owner.pk:
        complaint.ticket = ticket_assign(actor=actor, ticket=complaint.ticket, assignee=owner, reason=reason)
    if complaint.validity == Validity.VALID and is_supervisor(owner, complaint):
        emit(complaint, ComplaintTrigger.VALID_SUPERVISOR)
    return complaint
