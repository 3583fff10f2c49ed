"""HR's part (000 §3.2.4): sessions for an approved procedure, invitations (notify), and the sign-in sheet —
signed in with the time (and a quiz score where the procedure sets a pass mark) or absent. A trainee who
signed in (and passed, where a pass mark is set) is trained."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.core.errors import field_error
from propdesk.core.inputs import check_date, clean_text
from propdesk.core.permissions import require
from propdesk.core.texts import t
from propdesk.notify.services import Message, notify

from ..choices import Mark, ProcedureEventKind
from ..models import Attendance, Procedure, ProcedureEvent, Session, Trainee
from .common import center_people

CAPACITY_MAX = 500
# Sign-in opens an hour before a session starts (people arrive early) and stays open afterwards for corrections.
SIGN_IN_OPENS = dt.timedelta(hours=1)


@transaction.atomic
def session_schedule(
    *,
    actor,
    procedure: Procedure,
    starts_at: dt.datetime | None,
    place: str,
    trainer_id: int | None,
    capacity: int | None,
) -> Session:
    """HR schedules a session of an approved procedure: time, place, trainer and capacity."""
    require(actor, "training_procedure.schedule", procedure, _("只有人事管理员可以安排培训"))
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    if not procedure.is_approved:
        raise field_error("procedure", _("新程序经经理审批后才能安排培训"), "not_approved")
    if starts_at is None:
        raise field_error("starts_at", _("请填写培训时间"), "required")
    check_date(starts_at, "starts_at")
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    if starts_at <= timezone.now():
        raise field_error("starts_at", _("培训时间应晚于现在"), "past")
    place = clean_text(place, "place", limit=100)
    trainer = center_people(procedure.service_center_id).filter(pk=trainer_id).first() if trainer_id else None
    if trainer is None:
        raise field_error("trainer_id", _("请选择本服务中心的培训讲师"), "invalid_choice")
    if capacity is None or not 0 < capacity <= CAPACITY_MAX:
        raise field_error("capacity", _("名额应在 1 至 %(n)s 之间") % {"n": CAPACITY_MAX}, "out_of_range")
    session = Session.objects.create(
        procedure=procedure,
        service_center_id=procedure.service_center_id,
        starts_at=starts_at,
        place=place,
        trainer=trainer,
        capacity=capacity,
        created_by=actor,
    )
    ProcedureEvent.record(
        procedure, ProcedureEventKind.SCHEDULED, actor, session=session.pk, starts_at=starts_at.isoformat()
    )
    return session


def _locked_session(actor, session: Session, action: str, message: str) -> Session:
    require(actor, action, session, message)
    return Session.objects.select_for_update().select_related("procedure").get(pk=session.pk)


@transaction.atomic
def session_invite(*, actor, session: Session, user_ids=None) -> list[Attendance]:
    """Put trainees on the sheet and notify them; without ``user_ids``: the untrained not yet on an upcoming
    session, up to the free places."""
    require(actor, "training_procedure.schedule", session.procedure, _("只有人事管理员可以通知参训"))
    session = Session.objects.select_for_update().select_related("procedure").get(pk=session.pk)
    if session.starts_at <= timezone.now():
        raise field_error("session", _("这场培训已经开始，不能再通知"), "started")
    untrained = Trainee.objects.filter(procedure=session.procedure, trained_at__isnull=True, user__is_active=True)
    on_sheet = Attendance.objects.filter(session=session).values("trainee")
    if user_ids:
        chosen = list(untrained.filter(user_id__in=user_ids).exclude(pk__in=on_sheet))
        if len(chosen) != len(set(user_ids)):
            raise field_error("user_ids", _("只能通知这项培训中尚未完成培训、且未在本场名单上的人员"), "invalid_choice")
    else:
        upcoming = Attendance.objects.filter(
            session__procedure=session.procedure, session__starts_at__gt=timezone.now()
        ).values("trainee")
        chosen = list(untrained.exclude(pk__in=upcoming).order_by("pk"))
    free = session.capacity - Attendance.objects.filter(session=session).count()
    if not chosen:
        raise field_error("user_ids", _("没有需要通知的培训对象"), "nobody")
    if user_ids and len(chosen) > free:
        raise field_error("user_ids", _("名额不足：还剩 %(n)s 个") % {"n": free}, "full")
    chosen = chosen[: max(free, 0)]
    if not chosen:
        raise field_error("user_ids", _("名额已满"), "full")
    now = timezone.now()
    rows = Attendance.objects.bulk_create(
        [Attendance(session=session, trainee=tr, invited_at=now, recorded_by=actor) for tr in chosen]
    )
    ProcedureEvent.record(session.procedure, ProcedureEventKind.INVITED, actor, session=session.pk, people=len(rows))
    starts = timezone.localtime(session.starts_at)
    notify(
        recipients=get_user_model().objects.filter(pk__in=[tr.user_id for tr in chosen]),
        message=Message(
            kind="internal.training_invite",
            subject=t(
                N_("培训通知：%(title)s，%(when)s 在 %(place)s"),
                title=session.procedure.title,
                when=f"{starts:%m-%d %H:%M}",
                place=session.place,
            ),
            url=reverse("training:mine"),
        ),
        dedupe=f"training.invite:{session.pk}:{now.timestamp()}",
    )
    return rows


def _qualifies(procedure: Procedure, mark: str, score: int | None) -> bool:
    if mark != Mark.PRESENT:
        return False
    return procedure.pass_mark is None or (score is not None and score >= procedure.pass_mark)


def _clean_mark(session: Session, mark: str, score) -> int | None:
    if mark not in (Mark.PRESENT, Mark.ABSENT):
        raise field_error("mark", _("请选择签到或缺席"), "invalid_choice")
    if timezone.now() < session.starts_at - SIGN_IN_OPENS:
        raise field_error("mark", _("培训开始前一小时才能签到"), "too_early")
    if score is not None and (mark != Mark.PRESENT or not 0 <= score <= 100):
        raise field_error("score", _("测验分数应在 0 至 100 之间，且只为签到的人员填写"), "out_of_range")
    return score


@transaction.atomic
def attendance_record(*, actor, session: Session, user_id: int, mark: str, score: int | None = None) -> Attendance:
    """Sign a trainee in (now) or mark them absent, with an optional quiz score; walk-ins are added while there
    are places. A correction of this session's record may undo "trained" (absent, or a failing score)."""
    session = _locked_session(actor, session, "training_session.record", _("只有人事管理员或本场讲师可以记录签到"))
    score = _clean_mark(session, mark, score)
    procedure = session.procedure
    trainee = Trainee.objects.select_for_update().filter(procedure=procedure, user_id=user_id).first()
    if trainee is None:
        raise field_error("user_id", _("此人不是这项培训的对象"), "not_trainee")
    if trainee.trained_at is not None and trainee.trained_session_id != session.pk:
        raise field_error("user_id", _("此人已在其他场次完成培训"), "trained")
    row = Attendance.objects.filter(session=session, trainee=trainee).first()
    if row is None:
        if Attendance.objects.filter(session=session).count() >= session.capacity:
            raise field_error("user_id", _("名额已满"), "full")
        row = Attendance(session=session, trainee=trainee)
    now = timezone.now()
    row.mark = mark
    row.signed_at = now if mark == Mark.PRESENT else None
    row.score = score
    row.recorded_by = actor
    row.save()
    kind = ProcedureEventKind.SIGNED_IN if mark == Mark.PRESENT else ProcedureEventKind.ABSENT
    ProcedureEvent.record(procedure, kind, actor, session=session.pk, user=user_id, score=score)
    if _qualifies(procedure, mark, score):
        if trainee.trained_at is None:
            trainee.trained_at = now
            trainee.trained_session = session
            trainee.save(update_fields=["trained_at", "trained_session"])
            ProcedureEvent.record(procedure, ProcedureEventKind.TRAINED, actor, session=session.pk, user=user_id)
    elif trainee.trained_session_id == session.pk:
        trainee.trained_at = None
        trainee.trained_session = None
        trainee.save(update_fields=["trained_at", "trained_session"])
    return row
