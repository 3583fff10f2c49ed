"""Publishing to customers as a notice (001 §4.7.2) through core.publishing: the approved survey results (a draft
notice with the summary, its id kept on the survey with an event, a link on the page), refused before the branch
leader's approval, twice, or when no app publishes notices; a forum's opinion summary; an activity's notice."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from propdesk.core import publishing
from propdesk.engagement import services
from propdesk.engagement.models import SurveyEvent

from .test_surveys import answers, open_survey, people  # noqa: F401  (people is a fixture)

pytestmark = pytest.mark.usefixtures("clock")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def drafts(monkeypatch):
    """A drafter standing in for the notices app: records each draft and gives it an id."""
    made = []

    def drafter(*, actor, draft):
        made.append((actor, draft))
        return 900 + len(made)

    monkeypatch.setattr(publishing, "_drafter", drafter)
    return made


def approved(world, people):  # noqa: F811
    survey = open_survey(world, people)
    services.survey_answer(
        actor=people["assistant"],
        survey=survey,
        household=world.household_a,
        answers=answers(survey, 5, 4, 1),
        channel="paper",
    )
    for who, status in (("sup", "closed"), ("sup", "analysed"), ("manager", "reviewed"), ("leader", "published")):
        survey = services.survey_transition(
            actor=people[who], survey=survey, to_status=status, analysis="维修满意度偏低"
        )
    return survey


def test_the_approved_results_become_a_draft_notice_with_the_summary(world, people, drafts):  # noqa: F811
    survey = approved(world, people)
    response = login(people["sup"]).post(f"/engagement/surveys/{survey.pk}/announce/", {"version": survey.version})
    assert response.status_code == 302
    ((actor, draft),) = drafts
    assert actor == people["sup"] and draft.source == f"engagement.survey:{survey.pk}"
    assert draft.service_center_id == world.center_a.pk and "结果公示" in draft.title
    # (1×100 + 2×80) ÷ 3 = 86.67, 维修 60 → (2×86.67 + 60) ÷ 3 = 77.78
    assert "77.78" in draft.body and "翠湖花园" in draft.body and "维修满意度偏低" in draft.body
    survey.refresh_from_db()
    assert survey.notice_id == 901
    assert SurveyEvent.objects.get(survey=survey, kind="announced").data == {"notice": 901}
    with pytest.raises(ValidationError) as again:
        services.survey_announce(actor=people["sup"], survey=survey)
    assert again.value.error_dict["notice"][0].code == "already_announced"
    assert len(drafts) == 1


def test_refused_before_approval_and_for_the_wrong_people(world, people, drafts):  # noqa: F811
    survey = open_survey(world, people)
    with pytest.raises(ValidationError) as early:
        services.survey_announce(actor=people["sup"], survey=survey)
    assert early.value.error_dict["status"][0].code == "not_approved"
    with pytest.raises(PermissionDenied):
        services.survey_announce(actor=people["assistant"], survey=survey)
    assert drafts == []


def test_refused_with_a_clear_message_when_no_app_publishes_notices(world, people, monkeypatch):  # noqa: F811
    survey = approved(world, people)
    monkeypatch.setattr(publishing, "_drafter", None)
    html = login(people["sup"]).get(f"/engagement/surveys/{survey.pk}/").content.decode()
    assert "公告功能未启用，暂不能发布为公告" in html
    response = login(people["sup"]).post(f"/engagement/surveys/{survey.pk}/announce/", {"version": survey.version})
    assert response.status_code == 400 and "公告功能未启用，暂不能发布为公告" in response.content.decode()
    survey.refresh_from_db()
    assert survey.notice_id is None and not SurveyEvent.objects.filter(kind="announced").exists()
    api = login(people["sup"]).post(
        f"/api/v1/engagement/surveys/{survey.pk}/notice", {}, content_type="application/json"
    )
    assert api.status_code == 400 and api.json()["errors"][0]["field"] == "notice"


def test_with_the_notices_app_a_real_draft_notice_appears(world, people):  # noqa: F811
    if not publishing.can_publish():
        pytest.skip("no app that publishes notices is installed")
    survey = approved(world, people)
    notice_id = services.survey_announce(actor=people["sup"], survey=survey)
    notice = apps.get_model("notices", "Notice").objects.get(pk=notice_id)
    assert "77.78" in notice.body and notice.service_center_id == world.center_a.pk


def test_a_forum_summary_is_published(world, people, drafts):  # noqa: F811
    forum = services.meeting_record(
        actor=people["sup"],
        community=world.community_a,
        kind="forum",
        held_on=dt.date(2026, 3, 9),
        title="2026 年业主座谈会",
        attendees="业主代表 12 人",
    )
    response = login(people["manager"]).post(
        f"/engagement/meetings/{forum.pk}/announce/", {"summary": "共收集意见 5 条：停车 3 条已安排专人跟进"}
    )
    assert response.status_code == 302
    ((_actor, draft),) = drafts
    assert draft.community_id == world.community_a.pk and draft.source == f"engagement.meeting:{forum.pk}"
    assert "停车 3 条" in draft.body
    forum.refresh_from_db()
    assert forum.notice_id == 901
    refused = login(people["manager"]).post(f"/engagement/meetings/{forum.pk}/announce/", {"summary": "再发一次"})
    assert refused.status_code == 400 and len(drafts) == 1
