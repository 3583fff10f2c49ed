"""Satisfaction surveys: the formula approved by the company before use, the sample, one answer per household
(anonymous allowed), the results with the formula applied (a hand-computed example exact to 2 decimals), the
comparison with the previous survey, and the approvals after analysis."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.engagement import selectors, services
from propdesk.engagement.formula import formula_text
from propdesk.engagement.models import SurveyQuestion, SurveyResponse
from propdesk.org.choices import Role
from propdesk.testing.factories import BuildingFactory

from .conftest import add_households

pytestmark = pytest.mark.usefixtures("clock")

SECTIONS = [
    {
        "title": "服务态度",
        "weight": 2,
        "questions": [
            {"text": "前台服务", "kind": "scale", "weight": 1},
            {"text": "客服回访", "kind": "scale", "weight": 2},
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
            {"text": "其他意见", "kind": "text", "weight": 0},
        ],
    },
]


@pytest.fixture
def people(staff, world):
    return {
        "sup": staff(Role.CS_SUPERVISOR, username="s-sup"),
        "cs_center": staff(Role.BUSINESS_DEPT, username="s-bd"),
        "manager": staff(Role.CENTER_MANAGER, username="s-mgr"),
        "leader": staff(Role.BRANCH_LEADER, username="s-bl"),
        "assistant": staff(Role.CS_ASSISTANT, username="s-ca"),
    }


def open_survey(world, people, **extra):
    survey = services.survey_create(
        actor=people["sup"],
        service_center=world.center_a,
        title="2026 年度满意度调查",
        communities=[world.community_a],
        sections=SECTIONS,
        **extra,
    )
    survey = services.survey_transition(actor=people["sup"], survey=survey, to_status="submitted")
    with pytest.raises(PermissionDenied):
        services.survey_transition(actor=people["sup"], survey=survey, to_status="approved")
    survey = services.survey_transition(actor=people["cs_center"], survey=survey, to_status="approved")
    return services.survey_transition(actor=people["sup"], survey=survey, to_status="open", seed=7)


def answers(survey, q1, q2, q3, text=""):
    q = {x.order: x.pk for x in SurveyQuestion.objects.filter(section__survey=survey)}
    return {q[1]: q1, q[2]: q2, q[3]: q3, q[4]: text}


def test_the_formula_on_a_hand_computed_example(world, people):
    households = [world.household_a, *add_households(world.community_a, 1)]
    survey = open_survey(world, people)
    lines = formula_text(list(survey.sections.prefetch_related("questions")))
    assert lines[0] == "总分 = (2×「服务态度」 + 1×「维修服务」) ÷ (2 + 1)"
    assert lines[1] == "「服务态度」 = (1×Q1 + 2×Q2) ÷ (1 + 2)"
    # Sheet 1: 服务态度 (1×100 + 2×80) ÷ 3 = 86.667; 维修 60; total (2×86.667 + 60) ÷ 3 = 77.78
    first = services.survey_answer(
        actor=people["assistant"],
        survey=survey,
        household=households[0],
        answers=answers(survey, 5, 4, 1),
        channel="paper",
    )
    # Sheet 2: 服务态度 60; 维修 100; total (2×60 + 100) ÷ 3 = 73.33
    services.survey_answer(
        actor=people["assistant"],
        survey=survey,
        household=households[1],
        answers=answers(survey, 3, 3, 0, "电梯慢"),
        channel="phone",
    )
    assert first.score == Decimal("77.78")
    results = selectors.survey_results(survey)
    # (77.7778 + 73.3333) ÷ 2 = 75.5556
    assert results["overall"] == Decimal("75.56")
    assert [r["score"] for r in results["sections"]] == [Decimal("73.33"), Decimal("80.00")]
    assert results["by_community"][0]["score"] == Decimal("75.56")
    assert (results["responses"], results["sample"], results["texts"]) == (2, 2, ["电梯慢"])


def test_one_answer_per_household_and_the_resident_answers_anonymously(world, people, resident_user_a):
    survey = open_survey(world, people)
    response = services.survey_answer(
        actor=resident_user_a,
        survey=survey,
        household=world.household_a,
        answers=answers(survey, 4, 4, 0),
        channel="portal",
        anonymous=True,
    )
    assert response.anonymous and response.entered_by == resident_user_a
    assert [s.pk for s, done in selectors.open_surveys_for_resident(user=resident_user_a) if done] == [survey.pk]
    with pytest.raises(ValidationError) as again:
        services.survey_answer(
            actor=people["assistant"],
            survey=survey,
            household=world.household_a,
            answers=answers(survey, 1, 1, 2),
            channel="paper",
        )
    assert again.value.error_dict["household"][0].code == "duplicate"
    assert SurveyResponse.objects.count() == 1
    assert "household" not in survey.events.get(kind="answered").data
    with pytest.raises(PermissionDenied):
        services.survey_answer(
            actor=resident_user_a,
            survey=survey,
            household=world.household_b,
            answers=answers(survey, 4, 4, 0),
            channel="portal",
        )


def test_stratified_sample_by_building_and_comparison_with_the_previous(world, people):
    add_households(world.community_a, 9, building=BuildingFactory(community=world.community_a, name="S1栋"))
    add_households(world.community_a, 4, building=BuildingFactory(community=world.community_a, name="S2栋"))
    first = open_survey(world, people)
    services.survey_answer(
        actor=people["assistant"],
        survey=first,
        household=world.household_a,
        answers=answers(first, 3, 3, 1),
        channel="paper",
    )
    second = open_survey(world, people, sampling="stratified", sample_rate=50, previous=first)
    buildings = [s.household.unit.building.name for s in second.samples.select_related("household__unit__building")]
    assert sorted(buildings) == ["3栋"] + ["S1栋"] * 4 + ["S2栋"] * 2
    sampled = second.samples.first().household
    services.survey_answer(
        actor=people["assistant"], survey=second, household=sampled, answers=answers(second, 5, 5, 0), channel="paper"
    )
    results = selectors.survey_results(second)
    # First: 服务态度 60, 维修 60 → 60.00; second: 100.00 → +40.00
    assert (results["previous"], results["overall"], results["change"]) == (
        Decimal("60.00"),
        Decimal("100.00"),
        Decimal("40.00"),
    )


def test_analysis_review_and_approval(world, people):
    survey = open_survey(world, people)
    steps = [("sup", "closed"), ("sup", "analysed"), ("manager", "reviewed"), ("leader", "published")]
    for who, status in steps:
        with pytest.raises(PermissionDenied):
            services.survey_transition(actor=people["assistant"], survey=survey, to_status=status, analysis="总体满意")
        survey = services.survey_transition(actor=people[who], survey=survey, to_status=status, analysis="总体满意")
    assert (survey.status, survey.reviewed_by, survey.published_by) == (
        "published",
        people["manager"],
        people["leader"],
    )
    with pytest.raises(ValidationError):
        services.survey_answer(
            actor=people["assistant"],
            survey=survey,
            household=world.household_a,
            answers=answers(survey, 1, 1, 1),
            channel="paper",
        )


def test_bad_questionnaires_are_refused(world, people):
    for sections in (
        [],
        [{"title": "x", "questions": []}],
        [{"title": "x", "questions": [{"text": "q", "kind": "choice", "options": [{"label": "a", "score": 1}]}]}],
        [{"title": "x", "weight": -1, "questions": [{"text": "q"}]}],
    ):
        with pytest.raises(ValidationError):
            services.survey_create(
                actor=people["sup"],
                service_center=world.center_a,
                title="t",
                communities=[world.community_a],
                sections=sections,
            )
