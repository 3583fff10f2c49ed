"""The interview planner (R-EN-1, 001 §4.4.3): a community's plan for a year, its households spread over the
months and the interviewers, the progress against target, and the flags raised by the 25th of each month."""

import datetime as dt
from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.communities.models import Community
from propdesk.core.errors import field_error
from propdesk.core.permissions import can, require
from propdesk.core.texts import t
from propdesk.notify.services import Message, notify
from propdesk.tickets.choices import Kind
from propdesk.tickets.models import Ticket

from ..choices import EngagementEventKind
from ..models import Interview, InterviewPlan, PlanEvent, PlannedInterview
from ..targets import MANAGER_IN_DEPTH_MONTHLY, yearly_target
from .common import households_of, lock, managers_of

RECENT_COMPLAINT_DAYS = 90
RECENT_INTERVIEW_DAYS = 180
FLAG_DAY = 25
# Why a household comes first (stored on the slot, shown on the planner).
REASON_COMPLAINT, REASON_NO_CONTACT, REASON_NONE, REASON_RECENT = "complaint", "no_contact", "", "recent"
_RANK = {REASON_COMPLAINT: 0, REASON_NO_CONTACT: 1, REASON_NONE: 2, REASON_RECENT: 3}


def _ranked_households(community: Community, now: dt.datetime) -> list[tuple[object, str]]:
    """The community's households, those with a recent complaint first, then those never contacted, then the
    rest, those interviewed recently last."""
    households = list(households_of(community).order_by("unit__building__name", "unit__code", "pk"))
    tickets = Ticket.objects.filter(community=community, household__isnull=False)
    complained = set(
        tickets.filter(
            kind=Kind.COMPLAINT, received_at__gte=now - dt.timedelta(days=RECENT_COMPLAINT_DAYS)
        ).values_list("household_id", flat=True)
    )
    interviews = Interview.objects.filter(community=community)
    contacted = set(tickets.values_list("household_id", flat=True)) | set(
        interviews.values_list("household_id", flat=True)
    )
    recent = set(
        interviews.filter(at__gte=now - dt.timedelta(days=RECENT_INTERVIEW_DAYS)).values_list("household_id", flat=True)
    )

    def reason(h) -> str:
        if h.pk in complained:
            return REASON_COMPLAINT
        if h.pk in recent:
            return REASON_RECENT
        return REASON_NONE if h.pk in contacted else REASON_NO_CONTACT

    ranked = [(h, reason(h)) for h in households]
    ranked.sort(key=lambda pair: _RANK[pair[1]])
    return ranked


def _check_members(community: Community, members) -> list:
    members = list({m.pk: m for m in members if m is not None}.values())
    if not members:
        raise field_error("members", _("请至少选择一名访谈人员"), "required")
    probe = InterviewPlan(community=community)
    for member in members:
        if not member.is_active or not can(member, "interview_plan.be_on", probe):
            raise field_error(
                "members",
                _("%(name)s 不是该小区的客服、工程或安保主管人员") % {"name": member.get_username()},
                "not_eligible",
            )
    return sorted(members, key=lambda m: m.pk)


def _allocate(plan: InterviewPlan, members: list, ranked, start_month: int, kept: list[PlannedInterview]) -> list:
    """New slots from ``start_month`` to December: each household at most once (a small project with fewer
    households than its monthly minimum × months takes them round again, never twice in one month), each month's
    households spread over the members so that everyone's load in the month stays within one of the others'
    (ties go to whoever has fewer in the year)."""
    covered = {s.household_id for s in kept}
    target = yearly_target(plan.household_count, small_project=plan.small_project)
    load = Counter({m.pk: 0 for m in members})
    load.update(s.assignee_id for s in kept if s.assignee_id in load)
    queue = [pair for pair in ranked if pair[0].pk not in covered]
    remaining = max(target.households - len(covered), 0)
    slots = []
    for month in range(start_month, 13):
        quota = target.month_quota(13 - month, remaining)
        taken, month_load = set(), Counter()
        while len(taken) < quota:
            if not queue:
                if not target.monthly_minimum:
                    break
                queue = [pair for pair in ranked if pair[0].pk not in taken]
                if not queue:
                    break
            household, reason = queue.pop(0)
            if household.pk in taken:
                continue
            taken.add(household.pk)
            assignee = min(members, key=lambda m: (month_load[m.pk], load[m.pk], m.pk))
            load[assignee.pk] += 1
            month_load[assignee.pk] += 1
            slots.append(
                PlannedInterview(plan=plan, household=household, month=month, assignee=assignee, reason=reason)
            )
        remaining = max(remaining - len(taken), 0)
    return slots


@transaction.atomic
def plan_make(
    *, actor, community: Community, year: int, members, small_project: bool = False, expected_version: int | None = None
) -> InterviewPlan:
    """Make (or re-make) the community's interview plan for ``year``. Re-making keeps the months gone by and every
    household already interviewed, and spreads the rest again from this month on."""
    require(actor, "interview_plan.make", InterviewPlan(community=community), _("您无权制定该小区的访谈计划"))
    today = timezone.localdate()
    if not isinstance(year, int) or year not in (today.year, today.year + 1):
        raise field_error("year", _("只能制定今年或明年的访谈计划"), "invalid")
    members = _check_members(community, members)
    plan = InterviewPlan.objects.filter(community=community, year=year).first()
    if plan is None:
        plan = InterviewPlan.objects.create(community=community, year=year, created_by=actor)
    else:
        plan = lock(InterviewPlan, plan, expected_version, _("访谈计划已被他人修改，请刷新后重试"))
    start_month = today.month if year == today.year else 1
    plan.slots.filter(month__gte=start_month, interview__isnull=True).delete()
    kept = list(plan.slots.all())
    plan.small_project = bool(small_project)
    plan.household_count = community.household_count or households_of(community).count()
    target = yearly_target(plan.household_count, small_project=plan.small_project)
    plan.target, plan.monthly_minimum = target.households, target.monthly_minimum
    plan.version += 1
    plan.save()
    plan.members.set(members)
    slots = _allocate(plan, members, _ranked_households(community, timezone.now()), start_month, kept)
    PlannedInterview.objects.bulk_create(slots)
    PlanEvent.record(
        plan, EngagementEventKind.PLANNED, actor, target=plan.target, slots=len(slots), members=[m.pk for m in members]
    )
    return plan


def mark_done(interview: Interview) -> PlannedInterview | None:
    """The household's first open slot of the interview's year (this month's first) is done by this interview."""
    local = timezone.localtime(interview.at)
    slots = PlannedInterview.objects.select_for_update().filter(
        plan__community_id=interview.community_id,
        plan__year=local.year,
        household_id=interview.household_id,
        interview__isnull=True,
    )
    slot = slots.filter(month=local.month).first() or slots.order_by("month").first()
    if slot is not None:
        slot.interview = interview
        slot.save(update_fields=["interview"])
    return slot


def _month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(year, month, 1, tzinfo=timezone.get_current_timezone())
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=timezone.get_current_timezone())
    return start, end


def in_depth_count(manager, center_id: int, year: int, month: int) -> int:
    start, end = _month_bounds(year, month)
    return Interview.objects.filter(
        in_depth=True, interviewers=manager, community__service_center_id=center_id, at__gte=start, at__lt=end
    ).count()


def flag_behind(now: dt.datetime | None = None) -> int:
    """From the 25th of each month: tell the center managers of each community whose interviewers have not done
    this month's households, and each center manager with fewer than two in-depth interviews this month. Once per
    plan (or manager) and month."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.day < FLAG_DAY:
        return 0
    flags = 0
    managers_seen = set()
    for plan in InterviewPlan.objects.filter(year=local.year).select_related("community__service_center__branch"):
        open_slots = plan.slots.filter(month__lte=local.month, interview__isnull=True)
        behind = open_slots.count()
        managers = managers_of(plan.community)
        if behind:
            flags += 1
            notify(
                recipients=managers,
                message=Message(
                    kind="engagement.behind_plan",
                    subject=t(N_("%(community)s 访谈进度落后"), community=plan.community.name),
                    body=t(N_("截至本月 %(day)s 日仍有 %(n)s 户计划访谈未完成。"), day=local.day, n=behind),
                    url=f"/engagement/planner/?community={plan.community_id}",
                ),
                dedupe=f"engagement.behind:{plan.pk}:{local:%Y-%m}",
            )
        for manager in managers:
            key = (manager.pk, plan.community.service_center_id)
            if key in managers_seen:
                continue
            managers_seen.add(key)
            done = in_depth_count(manager, key[1], local.year, local.month)
            if done < MANAGER_IN_DEPTH_MONTHLY:
                flags += 1
                notify(
                    recipients=[manager],
                    message=Message(
                        kind="engagement.in_depth",
                        subject=t(N_("本月深入访谈不足 %(need)s 户"), need=MANAGER_IN_DEPTH_MONTHLY),
                        body=t(
                            N_("本月已深入访谈 %(n)s 户，服务中心经理每月至少 %(need)s 户。"),
                            n=done,
                            need=MANAGER_IN_DEPTH_MONTHLY,
                        ),
                        url="/engagement/planner/",
                    ),
                    dedupe=f"engagement.in_depth:{manager.pk}:{key[1]}:{local:%Y-%m}",
                )
    return flags
