"""Demo data of the engagement app for one service center: this year's interview plan of each community (its CS
staff, the repair and security managers), a few interviews already recorded (one home visit whose leak became a
repair ticket), a suggestion box per community opened two days ago with one item, a consultation of each special
customer this quarter, an owners' committee meeting, a community activity held last week (attendance, feedback)
and one planned for next week (its notice drafted when notices is installed), and an approved, open satisfaction
survey with one answer.
Safe to call twice: a center that already has an interview plan is left as it is."""

import datetime as dt
import random

from django.utils import timezone

from propdesk.communities.models import Community, Household, SpecialCustomer
from propdesk.engagement import services
from propdesk.engagement.models import InterviewPlan
from propdesk.engagement.permissions import INTERVIEWERS
from propdesk.org.choices import Role
from propdesk.org.selectors import role_holders

SURVEY_SECTIONS = [
    {
        "title": "客户服务",
        "weight": 2,
        "questions": [
            {"text": "前台接待态度", "kind": "scale", "weight": 1},
            {"text": "投诉处理及时性", "kind": "scale", "weight": 2},
        ],
    },
    {
        "title": "维修服务",
        "weight": 1,
        "questions": [
            {
                "text": "维修质量",
                "kind": "choice",
                "weight": 1,
                "options": [
                    {"label": "满意", "score": 100},
                    {"label": "一般", "score": 60},
                    {"label": "不满意", "score": 0},
                ],
            },
            {"text": "其他意见和建议", "kind": "text", "weight": 0},
        ],
    },
]


def _holders(community, roles) -> list:
    return role_holders(roles=roles, community_id=community.pk, service_center=community.service_center)


def _interviews(community, members, rng: random.Random) -> None:
    today = timezone.localdate()
    households = list(
        Household.objects.filter(unit__building__community=community, is_active=True).select_related("unit")[:6]
    )
    for i, household in enumerate(households[:3]):
        findings = [{"kind": "repair", "text": "卫生间天花板渗水，需上门查看"}] if i == 0 else []
        services.interview_record(
            actor=members[i % len(members)],
            household=household,
            kind="home_visit" if i == 0 else rng.choice(("phone", "random")),
            satisfaction=rng.choice((3, 4, 5)),
            opinions=rng.choice(("希望加强楼道保洁", "小区绿化修剪及时，满意", "快递柜不够用")),
            findings=findings,
            at=timezone.now() - dt.timedelta(days=min(i, today.day - 1)),
        )


def _contacts(community, keeper, rng: random.Random) -> None:
    today = timezone.localdate()
    box = services.box_save(
        actor=keeper, community=community, place="小区大门", owner=keeper, starts_on=today - dt.timedelta(days=2)
    )
    services.box_open(
        actor=keeper,
        box=box,
        opened_on=today - dt.timedelta(days=2),
        items=[{"kind": "suggestion", "text": "建议增设电动车充电桩"}],
    )
    for customer in SpecialCustomer.objects.filter(community=community, is_active=True)[:3]:
        services.consultation_record(
            actor=keeper, customer=customer, held_on=today, opinions="对近期服务总体满意，希望加强周边秩序维护"
        )
    services.meeting_record(
        actor=keeper,
        community=community,
        kind="committee",
        held_on=today,
        title="业委会季度沟通会",
        attendees="业委会主任、委员 3 人，服务中心经理、客服主管",
        attendance=rng.randint(5, 8),
        minutes="通报本季度服务情况，讨论停车管理方案",
    )


def _survey(center, communities, builder) -> None:
    company = role_holders(
        roles=[Role.BUSINESS_DEPT, Role.QUALITY_DEPT], community_id=communities[0].pk, service_center=center
    )
    if not company:
        return
    survey = services.survey_create(
        actor=builder,
        service_center=center,
        title=f"{timezone.localdate().year} 年度客户满意度调查",
        communities=communities,
        sections=SURVEY_SECTIONS,
        sampling="stratified",
        sample_rate=50,
    )
    survey = services.survey_transition(actor=builder, survey=survey, to_status="submitted")
    survey = services.survey_transition(actor=company[0], survey=survey, to_status="approved")
    survey = services.survey_transition(actor=builder, survey=survey, to_status="open", seed=1)
    sample = survey.samples.select_related("household").first()
    if sample is not None:
        questions = {q.order: q.pk for q in survey.sections.first().questions.all()}
        services.survey_answer(
            actor=builder,
            survey=survey,
            household=sample.household,
            channel="paper",
            answers={questions[1]: 5, questions[2]: 4},
        )


def create_engagement_demo(center, rng: random.Random) -> None:
    communities = list(Community.objects.filter(service_center=center).select_related("service_center__branch"))
    if not communities or InterviewPlan.objects.filter(community__in=communities).exists():
        return
    year = timezone.localdate().year
    builder = None
    for community in communities:
        planners = _holders(community, (Role.CS_SUPERVISOR, Role.CENTER_MANAGER))
        members = [u for u in _holders(community, INTERVIEWERS) if u not in planners] or planners
        if not planners or not members:
            continue
        builder = builder or planners[0]
        services.plan_make(actor=planners[0], community=community, year=year, members=members[:4])
        _interviews(community, members[:4], rng)
        _contacts(community, planners[0], rng)
        _activities(community, planners[0], planners[0])
    if builder is not None:
        _survey(center, communities, builder)


def _activities(community, organiser, keeper) -> None:
    """Last week's activity, recorded with its attendance and feedback, and one planned for next week with its
    notice drafted when the notices app is installed."""
    from propdesk.core.publishing import can_publish

    today = timezone.localdate()
    held = services.activity_plan(
        actor=organiser,
        community=community,
        title="邻里亲子手工课",
        held_on=today - dt.timedelta(days=7),
        place="会所多功能厅",
        organiser="客服部",
        description="亲子手工制作，材料由服务中心提供",
    )
    services.activity_record(
        actor=organiser, activity=held, attendance=36, feedback="家长希望每月举办一次，可增加老人参与的项目"
    )
    planned = services.activity_plan(
        actor=organiser,
        community=community,
        title="社区义诊活动",
        held_on=today + dt.timedelta(days=7),
        place="小区中心广场",
        organiser="客服部、社区卫生服务站",
        description="测血压、血糖，健康咨询",
    )
    if can_publish():
        services.activity_announce(actor=keeper, activity=planned)
