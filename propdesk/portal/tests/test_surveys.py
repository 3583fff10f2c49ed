"""Surveys in the portal: a resident sees the open surveys asking the household they chose (its community's,
never another's), answers one by section (a score, an option, a few words; anonymously where allowed), once
per household, and sees "已提交" afterwards; the same over the API."""

import pytest
from django.urls import reverse

from propdesk.engagement import services as engagement
from propdesk.engagement.models import SurveyAnswer, SurveyQuestion, SurveyResponse
from propdesk.org.choices import Role

pytestmark = pytest.mark.usefixtures("clock")

SECTIONS = [
    {"title": "服务态度", "weight": 2, "questions": [{"text": "前台服务是否热情", "kind": "scale"}]},
    {
        "title": "维修服务",
        "weight": 1,
        "questions": [
            {
                "text": "维修质量",
                "kind": "choice",
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


def open_survey(staff, community, center, title, *, allow_anonymous=True, suffix="a"):
    planner = staff(Role.CS_SUPERVISOR, center, username=f"sup-{suffix}")
    approver = staff(Role.BUSINESS_DEPT, username=f"bd-{suffix}")
    survey = engagement.survey_create(
        actor=planner,
        service_center=center,
        title=title,
        communities=[community],
        sections=SECTIONS,
        allow_anonymous=allow_anonymous,
    )
    survey = engagement.survey_transition(actor=planner, survey=survey, to_status="submitted")
    survey = engagement.survey_transition(actor=approver, survey=survey, to_status="approved")
    return engagement.survey_transition(actor=planner, survey=survey, to_status="open", seed=7)


@pytest.fixture
def survey_a(world, staff):
    return open_survey(staff, world.community_a, world.center_a, "翠湖花园 2026 年满意度调查")


@pytest.fixture
def survey_b(world, staff):
    return open_survey(staff, world.community_b, world.center_b, "另一小区的调查", suffix="b")


@pytest.fixture
def page(client, resident):
    client.force_login(resident)
    return client


def form_of(survey, scale="4", choice="1", text="电梯有点慢", **extra):
    q = {x.kind: x.pk for x in SurveyQuestion.objects.filter(section__survey=survey)}
    return {f"q{q['scale']}": scale, f"q{q['choice']}": choice, f"q{q['text']}": text, **extra}


def test_the_list_shows_only_the_chosen_household_communitys_open_surveys(world, resident, survey_a, survey_b, page):
    # The same person also lives in a household of the other center's community.
    world.resident_b.user = resident
    world.resident_b.save(update_fields=["user"])
    page.post(reverse("portal:household"), {"household": world.household_a.pk})
    listed = page.get(reverse("portal:surveys")).content.decode()
    assert survey_a.title in listed and survey_b.title not in listed
    home = page.get(reverse("portal:home")).content.decode()
    assert survey_a.title in home and "待填写" in home
    page.post(reverse("portal:household"), {"household": world.household_b.pk})
    listed = page.get(reverse("portal:surveys")).content.decode()
    assert survey_b.title in listed and survey_a.title not in listed


def test_a_resident_answers_by_section_and_sees_submitted(world, resident, survey_a, page):
    url = reverse("portal:survey", args=[survey_a.pk])
    sheet = page.get(url).content.decode()
    assert "服务态度" in sheet and "维修质量" in sheet and "一般" in sheet and 'name="anonymous"' in sheet
    answered = page.post(url, form_of(survey_a, anonymous="1"), follow=True)
    assert answered.status_code == 200
    text = answered.content.decode()
    assert "已提交" in text and 'id="survey-form"' not in text
    response = SurveyResponse.objects.get(survey=survey_a, household=world.household_a)
    assert response.channel == "portal" and response.anonymous and response.entered_by == resident
    values = {a.question.kind: (a.value, a.text) for a in SurveyAnswer.objects.filter(response=response)}
    assert values == {"scale": (4, ""), "choice": (1, ""), "text": (None, "电梯有点慢")}
    assert "已提交" in page.get(reverse("portal:surveys")).content.decode()


def test_a_second_answer_of_the_household_is_refused_in_chinese(world, resident, survey_a, page):
    url = reverse("portal:survey", args=[survey_a.pk])
    page.post(url, form_of(survey_a))
    again = page.post(url, form_of(survey_a, scale="1"))
    assert again.status_code == 409
    assert "该住户已提交过答卷，每户只能答一次" in again.content.decode()
    assert SurveyResponse.objects.filter(survey=survey_a).count() == 1
    assert SurveyAnswer.objects.get(response__survey=survey_a, question__kind="scale").value == 4


def test_bad_answers_come_back_with_the_reason_and_nothing_saved(world, survey_a, page):
    url = reverse("portal:survey", args=[survey_a.pk])
    empty = page.post(url, {})
    assert empty.status_code == 400 and "请至少回答一道评分或选择题" in empty.content.decode()
    wrong = page.post(url, form_of(survey_a, scale="9", text="保留我写的字"))
    body = wrong.content.decode()
    assert wrong.status_code == 400 and "的答案无效" in body and "保留我写的字" in body
    assert not SurveyResponse.objects.exists()


def test_anonymity_only_where_the_survey_allows_it(world, staff, page):
    named = open_survey(staff, world.community_a, world.center_a, "实名调查", allow_anonymous=False)
    url = reverse("portal:survey", args=[named.pk])
    assert 'name="anonymous"' not in page.get(url).content.decode()
    refused = page.post(url, form_of(named, anonymous="1"))
    assert refused.status_code == 400 and "本次调查不允许匿名" in refused.content.decode()
    assert not SurveyResponse.objects.exists()


def test_another_communitys_survey_is_404(world, survey_b, page):
    assert page.get(reverse("portal:survey", args=[survey_b.pk])).status_code == 404
    assert page.post(reverse("portal:survey", args=[survey_b.pk]), form_of(survey_b)).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_the_api_lists_shows_and_answers_once(world, survey_a, survey_b, page):
    api = "/api/v1/portal/surveys"
    hh = world.household_a.pk
    listed = page.get(api, {"household_id": hh}).json()
    assert listed == [{"id": survey_a.pk, "title": survey_a.title, "answered": False, "allow_anonymous": True}]
    sheet = page.get(f"{api}/{survey_a.pk}", {"household_id": hh}).json()
    assert [s["title"] for s in sheet["sections"]] == ["服务态度", "维修服务"]
    assert sheet["sections"][1]["questions"][0]["options"] == ["满意", "一般", "不满意"]
    assert page.get(f"{api}/{survey_b.pk}", {"household_id": hh}).status_code == 404
    assert page.get(api, {"household_id": world.household_b.pk}).status_code == 404
    q = {x.kind: str(x.pk) for x in SurveyQuestion.objects.filter(section__survey=survey_a)}
    body = {"household_id": hh, "answers": {q["scale"]: 5, q["choice"]: 0, q["text"]: "很好"}}
    first = page.post(f"{api}/{survey_a.pk}/answer", body, content_type="application/json")
    assert first.status_code == 201 and first.json()["anonymous"] is False
    again = page.post(f"{api}/{survey_a.pk}/answer", body, content_type="application/json")
    assert again.status_code == 400 and "每户只能答一次" in again.json()["detail"]
    assert page.get(api, {"household_id": hh}).json()[0]["answered"] is True
