"""Telephone calls reported by the phone system (R-CV-1): ring, answer and hang-up on an extension.

The phone system posts each event to the call hook; the receptionist whose staff profile holds that
extension sees the caller's household, open requests and the desk notes (active outages…) pop up on the
front desk; the interaction recorded during or after the call keeps the call's start, end and recording.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.events import record_event
from propdesk.org.models import StaffProfile

from .models import Call, CallState, Interaction

# What phone systems call the three moments (Asterisk's AMI events and channel states, FreeSWITCH's
# CHANNEL_* events, cloud call centers' webhooks) → ours.
EVENTS = {
    "ring": "ring",
    "ringing": "ring",
    "newchannel": "ring",
    "dialbegin": "ring",
    "channel_create": "ring",
    "answer": "answer",
    "answered": "answer",
    "up": "answer",
    "bridgeenter": "answer",
    "channel_answer": "answer",
    "hangup": "hangup",
    "end": "hangup",
    "ended": "hangup",
    "channel_hangup": "hangup",
    "channel_hangup_complete": "hangup",
}
# A call stays on the desk this long after it rang unless recorded (a missed call is still a contact).
POP_WINDOW = dt.timedelta(minutes=15)


def _clean(value, field: str, limit: int) -> str:
    value = str(value or "").strip()
    if len(value) > limit or any(ord(ch) < 32 for ch in value):
        raise ValidationError({field: _("%(field)s 格式不正确") % {"field": field}})
    return value


@transaction.atomic
def call_event(
    *,
    event: str,
    call_id: str,
    extension: str = "",
    caller: str = "",
    recording: str = "",
    at: dt.datetime | None = None,
) -> Call:
    """Apply one event of the phone system to its call (created by the first event seen, whatever it is:
    events may arrive late or out of order). Repeating an event changes nothing."""
    kind = EVENTS.get(str(event or "").strip().lower())
    if kind is None:
        raise ValidationError({"event": _("未知的呼叫事件：%(v)s（应为 ring、answer 或 hangup）") % {"v": event}})
    call_id = _clean(call_id, "call_id", 100)
    if not call_id:
        raise ValidationError({"call_id": _("缺少呼叫编号 call_id")})
    extension, caller = _clean(extension, "extension", 20), _clean(caller, "caller", 30)
    recording = _clean(recording, "recording", 300)
    at = at or timezone.now()
    call, created = _locked(call_id, extension, caller, at)
    before = (call.state, call.answered_at, call.ended_at, call.recording_ref)
    if kind == "ring" and call.rang_at is None:
        call.rang_at = at
    elif kind == "answer" and call.answered_at is None:
        call.answered_at = at
        if call.state == CallState.RINGING:
            call.state = CallState.ANSWERED
    elif kind == "hangup":
        call.ended_at = call.ended_at or at
        call.state = CallState.ENDED
    if recording:
        call.recording_ref = recording
    if caller and not call.caller_phone:
        call.caller_phone = caller
    if created or (call.state, call.answered_at, call.ended_at, call.recording_ref) != before:
        call.save()
        record_event(actor=None, verb=f"call.{kind}", target=call, data={"extension": call.extension})
    return call


def _locked(call_id: str, extension: str, caller: str, at: dt.datetime) -> tuple[Call, bool]:
    """The call, locked; created (True) on its first event, at the extension's receptionist and center."""
    call = Call.objects.select_for_update().filter(call_id=call_id).first()
    if call is not None:
        return call, False
    if not extension:
        raise ValidationError({"extension": _("缺少分机号 extension")})
    profile = (
        StaffProfile.objects.filter(extension=extension, is_active=True).select_related("department", "user").first()
    )
    call = Call(
        call_id=call_id,
        extension=extension,
        caller_phone=caller,
        agent=profile.user if profile else None,
        service_center_id=profile.department.service_center_id if profile else None,
        rang_at=None,
        created_at=at,
    )
    try:
        with transaction.atomic():
            call.save()
    except IntegrityError:  # the same call's other event, at the same moment
        return Call.objects.select_for_update().get(call_id=call_id), False
    return call, True


def current_call(*, user) -> Call | None:
    """The call to show on ``user``'s desk: the latest on their extension, rung in the last minutes and not
    yet recorded."""
    profile = getattr(user, "staff_profile", None)
    if profile is None or not profile.extension:
        return None
    since = timezone.now() - POP_WINDOW
    return (
        Call.objects.filter(extension=profile.extension, interaction__isnull=True, created_at__gte=since)
        .order_by("-created_at", "-id")
        .first()
    )


def call_attach(*, actor, call_pk: int | None, interaction: Interaction) -> Call | None:
    """Tie the call on the actor's desk to the interaction recorded for it (inside interaction_record)."""
    if not call_pk:
        return None
    call = Call.objects.select_for_update().filter(pk=call_pk).first()
    profile = getattr(actor, "staff_profile", None)
    mine = call is not None and profile is not None and profile.extension and call.extension == profile.extension
    if not mine:
        raise ValidationError({"call": _("这通电话不是打到您的分机的")})
    if call.interaction_id is not None:
        raise ValidationError({"call": _("这通电话已登记过")})
    call.interaction = interaction
    call.save(update_fields=["interaction"])
    record_event(actor=actor, verb="call.recorded", target=call, data={"interaction": interaction.pk})
    return call
