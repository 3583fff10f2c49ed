"""Reads of the engagement app for a user (each starts from what the user may see or do)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from propdesk.communities.models import Community

from . import permissions  # noqa: F401  (declares the engagement rules)
from .models import Interview, InterviewPlan, PlannedInterview
from .services.planner import FLAG_DAY, in_depth_count
from .targets import MANAGER_IN_DEPTH_MONTHLY


def communities_for(*, user, action: str):
    """The communities where ``user`` may take ``action`` (``interview.record``, ``interview_plan.make`` …)."""
    from propdesk.core.permissions import condition

    return Community.objects.filter(condition(user, action, paths={"community": "pk"})).order_by("name")


def plan_get(*, user, community: Community, year: int) -> InterviewPlan | None:
    return InterviewPlan.objects.restrict(user, "interview_plan.read").filter(community=community, year=year).first()


def my_households(*, user, year: int, month: int):
    """The households planned for ``user`` this month, not yet done first, with their rooms."""
    return (
        PlannedInterview.objects.filter(assignee=user, plan__year=year, month=month)
        .select_related("household__unit__building", "plan__community", "interview")
        .order_by("interview", "household__unit__building__name", "household__unit__code")
    )


@dataclass
class PersonProgress:
    user: object
    planned: int
    done: int
    behind: bool


@dataclass
class PlanProgress:
    plan: InterviewPlan
    covered: int  # distinct households interviewed in the year
    planned_to_date: int
    done_to_date: int
    months: list[tuple[int, int, int]]  # (month, planned, done)
    people: list[PersonProgress] = field(default_factory=list)
    behind: bool = False
    percent: int = 0


def plan_progress(plan: InterviewPlan, today: dt.date | None = None) -> PlanProgress:
    """Progress against target per month and per person (this month), behind when this month's households are
    not all done by the 25th, or the months gone by were not."""
    today = today or timezone.localdate()
    month = today.month if today.year == plan.year else (12 if today.year > plan.year else 0)
    rows = plan.slots.values("month").annotate(planned=Count("pk"), done=Count("pk", filter=Q(interview__isnull=False)))
    months = sorted((r["month"], r["planned"], r["done"]) for r in rows)
    to_date = [m for m in months if m[0] <= month]
    covered = (
        Interview.objects.filter(community=plan.community, at__year=plan.year).values("household").distinct().count()
    )
    people = []
    per_person = (
        plan.slots.filter(month=month)
        .values("assignee")
        .annotate(planned=Count("pk"), done=Count("pk", filter=Q(interview__isnull=False)))
    )
    members = {m.pk: m for m in plan.members.all()}
    for row in per_person:
        late = row["done"] < row["planned"] and today.day >= FLAG_DAY
        people.append(PersonProgress(members.get(row["assignee"]), row["planned"], row["done"], late))
    planned_before = sum(p for m, p, _ in to_date if m < month)
    done_before = sum(d for m, _, d in to_date if m < month)
    behind = done_before < planned_before or any(p.behind for p in people)
    percent = round(100 * covered / plan.target) if plan.target else 100
    return PlanProgress(
        plan, covered, sum(p for _, p, _ in to_date), sum(d for _, _, d in to_date), months, people, behind, percent
    )


def in_depth_status(*, manager, center_id: int, today: dt.date | None = None) -> dict:
    """The center manager's in-depth interviews this month against the two required, flagged from the 25th."""
    today = today or timezone.localdate()
    done = in_depth_count(manager, center_id, today.year, today.month)
    return {
        "done": done,
        "need": MANAGER_IN_DEPTH_MONTHLY,
        "flag": done < MANAGER_IN_DEPTH_MONTHLY and today.day >= FLAG_DAY,
    }


def interviews_for(*, user, community: Community | None = None, date_from=None, date_to=None, kind: str = ""):
    qs = Interview.objects.restrict(user, "interview.read").select_related("household__unit__building", "community")
    if community is not None:
        qs = qs.filter(community=community)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.prefetch_related("interviewers__staff_profile", "findings__ticket")


def interview_get(*, user, pk: int) -> Interview:
    return interviews_for(user=user).get(pk=pk)


# --- surveys -------------------------------------------------------------------------------------------------


def surveys_for(*, user):
    from .models import Survey

    return Survey.objects.restrict(user, "survey.read").select_related("service_center").prefetch_related("communities")


def survey_communities(*, user, action: str = "survey.build"):
    """The communities of the centers where ``user`` may take a survey ``action`` (a questionnaire covers them)."""
    from propdesk.core.permissions import condition

    where = condition(user, action, paths={"center": "service_center_id", "community": "pk"})
    return Community.objects.filter(where).select_related("service_center").order_by("service_center", "name")


def survey_results(survey) -> dict:
    """The survey's results with its formula applied: the center's score, each community's, each section's, the
    change from the previous survey, and the residents' written opinions (never with an anonymous household)."""
    from .formula import mean, rounded, sheet_scores

    sections = list(survey.sections.prefetch_related("questions"))
    responses = list(survey.responses.select_related("household__unit__building").prefetch_related("answers"))
    totals, per_community, per_section, texts = [], {}, {s.pk: [] for s in sections}, []
    for response in responses:
        values = {a.question_id: a.value for a in response.answers.all() if a.value is not None}
        total, by_section = sheet_scores(sections, values)
        totals.append(total)
        per_community.setdefault(response.household.unit.building.community_id, []).append(total)
        for pk, score in by_section.items():
            per_section[pk].append(score)
        texts.extend(a.text for a in response.answers.all() if a.text)
    communities = {c.pk: c for c in survey.communities.all()}
    overall = rounded(mean(totals))
    previous = survey_results(survey.previous)["overall"] if survey.previous_id else None
    return {
        "overall": overall,
        "responses": len(responses),
        "sample": survey.samples.count(),
        "by_community": [
            {"community": communities[pk], "score": rounded(mean(scores)), "responses": len(scores)}
            for pk, scores in sorted(per_community.items())
            if pk in communities
        ],
        "sections": [{"section": s, "score": rounded(mean(per_section[s.pk]))} for s in sections],
        "previous": previous,
        "change": overall - previous if overall is not None and previous is not None else None,
        "texts": texts,
    }


def open_surveys_for_resident(*, user):
    """The open surveys sampling the resident's household, with whether it has answered (the portal's list)."""
    from propdesk.core.scoping import get_scope

    from .choices import SurveyStatus
    from .models import Survey, SurveyResponse

    households = sorted(get_scope(user).household)
    surveys = Survey.objects.filter(status=SurveyStatus.OPEN, samples__household__in=households).distinct()
    answered = set(
        SurveyResponse.objects.filter(survey__in=surveys, household__in=households).values_list("survey_id", flat=True)
    )
    return [(s, s.pk in answered) for s in surveys.order_by("-created_at")]


# --- community cultural activities ----------------------------------------------------------------------------


def activities_for(*, user, community: Community | None = None, year: int | None = None):
    from .models import CommunityActivity

    qs = CommunityActivity.objects.restrict(user, "activity.read").select_related("community")
    if community is not None:
        qs = qs.filter(community=community)
    if year is not None:
        qs = qs.filter(held_on__year=year)
    return qs


def activity_year(community: Community, year: int) -> dict:
    """The community's activities of ``year``: planned, held, cancelled and the residents who took part. The
    manual asks for activities "as the project needs" (001 §4.6.3) with no frequency, so nothing is flagged."""
    from django.db.models import Sum

    from .choices import ActivityStatus
    from .models import CommunityActivity

    rows = CommunityActivity.objects.filter(community=community, held_on__year=year)
    counts = dict(rows.values_list("status").annotate(n=Count("pk")))
    attendance = rows.filter(status=ActivityStatus.HELD).aggregate(n=Sum("attendance"))["n"] or 0
    return {
        "planned": counts.get(ActivityStatus.PLANNED, 0),
        "held": counts.get(ActivityStatus.HELD, 0),
        "cancelled": counts.get(ActivityStatus.CANCELLED, 0),
        "attendance": attendance,
    }
