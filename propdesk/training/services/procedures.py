"""Registering a new procedure with who must be trained on it, and its approval or return (000 §3.2.4): nothing
is scheduled before the approval, which fixes the list of people to train."""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.core.errors import field_error
from propdesk.core.files import sniff_type
from propdesk.core.inputs import check_date, clean_text
from propdesk.core.permissions import require
from propdesk.core.texts import t
from propdesk.notify.services import Message, notify
from propdesk.org.models import Department

from ..choices import ProcedureEventKind, ProcedureStatus
from ..models import Procedure, ProcedureEvent, Trainee
from .common import clean_targets, hr_admins, lock, resolve

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
STALE = N_("这项新程序已被更新，请刷新后重试")


def _clean_document(document):
    if not document:
        return None
    if document.size > DOCUMENT_MAX_BYTES:
        raise field_error("document", _("文件不能超过 10 MB"), "too_large")
    head = document.read(16)
    document.seek(0)
    if sniff_type(head, document.name or "") is None:
        raise field_error("document", _("只能上传 PDF 或图片文件"), "invalid_type")
    return document


def _clean_fields(center, *, title, summary, effective_on, due_on, pass_mark) -> dict:
    fields = {
        "title": clean_text(title, "title", limit=100),
        "summary": clean_text(summary, "summary", required=False, limit=5000),
    }
    if effective_on is None:
        raise field_error("effective_on", _("请填写生效日期"), "required")
    if due_on is None:
        raise field_error("due_on", _("请填写培训完成期限"), "required")
    check_date(effective_on, "effective_on")
    check_date(due_on, "due_on")
    if due_on < timezone.localdate():
        raise field_error("due_on", _("培训完成期限不能早于今天"), "past")
    if pass_mark is not None and not 0 < pass_mark <= 100:
        raise field_error("pass_mark", _("合格分数应在 1 至 100 之间"), "out_of_range")
    return {**fields, "effective_on": effective_on, "due_on": due_on, "pass_mark": pass_mark}


def _department(center, department_id) -> Department:
    department = Department.objects.filter(pk=department_id).first() if department_id else None
    if department is None or not (
        department.service_center_id == center.pk
        or (department.service_center_id is None and department.company_id == center.branch.company_id)
    ):
        raise field_error("department_id", _("请选择本服务中心或公司职能部门"), "invalid_choice")
    return department


@transaction.atomic
def procedure_register(
    *,
    actor,
    center,
    department_id: int | None,
    title: str,
    effective_on: dt.date | None,
    due_on: dt.date | None,
    summary: str = "",
    pass_mark: int | None = None,
    roles=(),
    department_ids=(),
    user_ids=(),
    document=None,
) -> Procedure:
    """A department registers a procedure and the scope of its training; it waits for the manager's approval."""
    department = _department(center, department_id)
    probe = Procedure(
        service_center=center, department=department, issued_by_company=department.service_center_id is None
    )
    require(actor, "training_procedure.register", probe, _("您不能为这个部门登记新程序"))
    fields = _clean_fields(
        center, title=title, summary=summary, effective_on=effective_on, due_on=due_on, pass_mark=pass_mark
    )
    roles, department_ids, user_ids = clean_targets(center, roles, department_ids, user_ids)
    document = _clean_document(document)
    procedure = Procedure(
        service_center=center,
        department=department,
        issued_by_company=probe.issued_by_company,
        target_roles=roles,
        created_by=actor,
        **fields,
    )
    if document:
        procedure.document = document
    procedure.save()
    procedure.target_departments.set(department_ids)
    procedure.target_users.set(user_ids)
    ProcedureEvent.record(procedure, ProcedureEventKind.REGISTERED, actor, to_status=ProcedureStatus.PENDING)
    return procedure


@transaction.atomic
def procedure_resubmit(
    *,
    actor,
    procedure: Procedure,
    title: str,
    effective_on: dt.date | None,
    due_on: dt.date | None,
    summary: str = "",
    pass_mark: int | None = None,
    roles=(),
    department_ids=(),
    user_ids=(),
    expected_version: int | None = None,
) -> Procedure:
    """A returned procedure, corrected, goes back for approval."""
    require(actor, "training_procedure.register", procedure, _("您不能修改这项新程序"))
    procedure = lock(Procedure, procedure, expected_version, _(STALE))
    if procedure.status != ProcedureStatus.RETURNED:
        raise field_error("status", _("只有被退回的新程序可以修改后重新提交"), "not_returned")
    center = procedure.service_center
    fields = _clean_fields(
        center, title=title, summary=summary, effective_on=effective_on, due_on=due_on, pass_mark=pass_mark
    )
    roles, department_ids, user_ids = clean_targets(center, roles, department_ids, user_ids)
    for name, value in fields.items():
        setattr(procedure, name, value)
    procedure.target_roles = roles
    procedure.status = ProcedureStatus.PENDING
    procedure.version += 1
    procedure.save()
    procedure.target_departments.set(department_ids)
    procedure.target_users.set(user_ids)
    ProcedureEvent.record(
        procedure,
        ProcedureEventKind.RESUBMITTED,
        actor,
        from_status=ProcedureStatus.RETURNED,
        to_status=ProcedureStatus.PENDING,
    )
    return procedure


@transaction.atomic
def procedure_attach(*, actor, procedure: Procedure, document) -> Procedure:
    """Upload (or replace) the procedure's document before it is approved."""
    require(actor, "training_procedure.register", procedure, _("您不能修改这项新程序"))
    procedure = lock(Procedure, procedure, None, _(STALE))
    if procedure.is_approved:
        raise field_error("document", _("已批准的新程序不能更换文件"), "approved")
    document = _clean_document(document)
    if document is None:
        raise field_error("document", _("请选择文件"), "required")
    procedure.document = document
    procedure.version += 1
    procedure.save(update_fields=["document", "version"])
    ProcedureEvent.record(procedure, ProcedureEventKind.DOCUMENT, actor, name=procedure.document.name)
    return procedure


def _decidable(actor, procedure: Procedure, expected_version) -> Procedure:
    require(actor, "training_procedure.approve", procedure, _("只有服务中心经理（公司职能部门的程序由该部门）可以审批"))
    procedure = lock(Procedure, procedure, expected_version, _(STALE))
    if procedure.status != ProcedureStatus.PENDING:
        raise field_error("status", _("这项新程序不在待审批状态"), "not_pending")
    if procedure.created_by_id == actor.pk and not actor.is_superuser:
        raise field_error("status", _("不能审批自己登记的新程序"), "own")
    return procedure


@transaction.atomic
def procedure_approve(*, actor, procedure: Procedure, note: str = "", expected_version: int | None = None) -> Procedure:
    """Approve: the targets become the list of people to train (each due by the procedure's date); HR is told."""
    procedure = _decidable(actor, procedure, expected_version)
    now = timezone.now()
    procedure.status = ProcedureStatus.APPROVED
    procedure.decided_by = actor
    procedure.decided_at = now
    procedure.decision_note = clean_text(note, "note", required=False, limit=200)
    procedure.version += 1
    procedure.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "version"])
    people = resolve(procedure)
    Trainee.objects.bulk_create(
        [
            Trainee(procedure=procedure, service_center_id=procedure.service_center_id, user=u, due_on=procedure.due_on)
            for u in people
        ]
    )
    ProcedureEvent.record(
        procedure,
        ProcedureEventKind.APPROVED,
        actor,
        reason=procedure.decision_note,
        from_status=ProcedureStatus.PENDING,
        to_status=ProcedureStatus.APPROVED,
        trainees=len(people),
    )
    notify(
        recipients=hr_admins(procedure.service_center_id),
        message=Message(
            kind="internal.training_approved",
            subject=t(N_("新程序已批准，请安排培训：%(title)s（%(n)s 人）"), title=procedure.title, n=len(people)),
            url=reverse("training:procedure", args=[procedure.pk]),
        ),
        dedupe=f"training.approved:{procedure.pk}",
    )
    return procedure


@transaction.atomic
def procedure_return(*, actor, procedure: Procedure, reason: str, expected_version: int | None = None) -> Procedure:
    """Return it to the department with the reason; it may be corrected and resubmitted."""
    procedure = _decidable(actor, procedure, expected_version)
    reason = clean_text(reason, "reason", limit=200)
    procedure.status = ProcedureStatus.RETURNED
    procedure.decided_by = actor
    procedure.decided_at = timezone.now()
    procedure.decision_note = reason
    procedure.version += 1
    procedure.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "version"])
    ProcedureEvent.record(
        procedure,
        ProcedureEventKind.RETURNED,
        actor,
        reason=reason,
        from_status=ProcedureStatus.PENDING,
        to_status=ProcedureStatus.RETURNED,
    )
    notify(
        recipients=[procedure.created_by],
        message=Message(
            kind="internal.training_returned",
            subject=t(N_("新程序被退回：%(title)s"), title=procedure.title),
            body=reason,
            url=reverse("training:procedure", args=[procedure.pk]),
        ),
        dedupe=f"training.returned:{procedure.pk}:{procedure.version}",
    )
    return procedure
