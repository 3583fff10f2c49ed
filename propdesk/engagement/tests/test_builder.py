"""The survey builder page: a questionnaire with sections, scale, choice (with options) and text questions and
weights, the formula in words shown as it is edited, saved as a draft or submitted to the company's CS center;
read-only once submitted; a refused form shown again with nothing written; the same edit over the API."""

import pytest
from django.test import Client

from propdesk.engagement import services
from propdesk.engagement.models import Survey, SurveyQuestion
from propdesk.org.choices import Role

from .test_surveys import SECTIONS

pytestmark = pytest.mark.usefixtures("clock")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(world, **extra) -> dict:
    data = {
        "title": "2026 春季满意度调查",
        "communities": [world.community_a.pk],
        "sampling": "all",
        "sample_rate": "100",
        "allow_anonymous": "1",
        "section_count": "2",
        "s1_count": "2",
        "s1_title": "服务态度",
        "s1_weight": "2",
        "s1_q1_text": "前台服务",
        "s1_q1_kind": "scale",
        "s1_q1_weight": "1",
        "s1_q2_text": "客服回访",
        "s1_q2_kind": "scale",
        "s1_q2_weight": "2",
        "s2_count": "2",
        "s2_title": "维修服务",
        "s2_weight": "1",
        "s2_q1_text": "维修质量",
        "s2_q1_kind": "choice",
        "s2_q1_weight": "1",
        "s2_q1_options": "满意=100\n一般=60\n不满意=0",
        "s2_q2_text": "其他意见",
        "s2_q2_kind": "text",
        "s2_q2_weight": "0",
    }
    data.update(extra)
    return data


def test_build_a_questionnaire_and_submit_it(world, cs_sup):
    client = login(cs_sup)
    page = client.get("/engagement/surveys/new/").content.decode()
    assert "data-builder" in page and "engagement/builder.js" in page and "<script>" not in page
    response = client.post("/engagement/surveys/new/", {**form(world), "submit": "1"})
    survey = Survey.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/engagement/surveys/{survey.pk}/"
    assert survey.status == "submitted" and [c.pk for c in survey.communities.all()] == [world.community_a.pk]
    choice = SurveyQuestion.objects.get(kind="choice")
    assert choice.options == [
        {"label": "满意", "score": 100},
        {"label": "一般", "score": 60},
        {"label": "不满意", "score": 0},
    ]
    html = client.get(f"/engagement/surveys/{survey.pk}/").content.decode()
    assert "总分 = (2×「服务态度」 + 1×「维修服务」) ÷ (2 + 1)" in html
    assert "/edit/" not in html and "不能修改" in html
    # Read-only once submitted: the edit page sends back, a post is refused and changes nothing.
    assert client.get(f"/engagement/surveys/{survey.pk}/edit/").status_code == 302
    refused = client.post(
        f"/engagement/surveys/{survey.pk}/edit/", {**form(world, title="改名"), "version": survey.version}
    )
    assert refused.status_code == 400 and "不能再修改" in refused.content.decode()
    assert Survey.objects.get().title == "2026 春季满意度调查"


def test_the_formula_is_shown_while_editing_and_rows_are_added(world, cs_sup):
    client = login(cs_sup)
    response = client.post("/engagement/surveys/new/", {**form(world), "add": "q1"})
    html = response.content.decode()
    assert response.status_code == 200 and not Survey.objects.exists()
    assert 'name="s1_q3_text"' in html and "「服务态度」 = (1×Q1 + 2×Q2) ÷ (1 + 2)" in html
    more = client.post("/engagement/surveys/new/", {**form(world), "add": "section"}).content.decode()
    assert 'name="s3_title"' in more


def test_a_draft_is_edited_and_a_bad_form_is_shown_again(world, cs_sup):
    client = login(cs_sup)
    client.post("/engagement/surveys/new/", {**form(world), "save": "1"})
    survey = Survey.objects.get()
    assert survey.status == "draft"
    page = client.get(f"/engagement/surveys/{survey.pk}/edit/").content.decode()
    assert 'value="前台服务"' in page and "满意=100" in page
    bad = client.post(
        f"/engagement/surveys/{survey.pk}/edit/",
        {**form(world, s2_q1_options="满意\n一般=60"), "version": survey.version},
    )
    assert bad.status_code == 400 and "名称=分数" in bad.content.decode() and 'value="维修质量"' in bad.content.decode()
    changed = client.post(
        f"/engagement/surveys/{survey.pk}/edit/",
        {**form(world, s1_weight="3", title="2026 春季调查"), "version": survey.version},
    )
    assert changed.status_code == 302
    survey.refresh_from_db()
    assert survey.title == "2026 春季调查" and survey.sections.first().weight == 3
    assert survey.events.filter(kind="changed").count() == 1
    stale = client.post(f"/engagement/surveys/{survey.pk}/edit/", {**form(world), "version": 0})
    assert stale.status_code == 409


def test_who_may_build(world, staff, cs_sup):
    assert login(staff(Role.CS_ASSISTANT)).get("/engagement/surveys/new/").status_code == 403
    survey = services.survey_create(
        actor=cs_sup, service_center=world.center_a, title="t", communities=[world.community_a], sections=SECTIONS
    )
    other = staff(Role.CS_SUPERVISOR, world.center_b)
    assert login(other).get(f"/engagement/surveys/{survey.pk}/edit/").status_code == 404


def test_the_api_edits_a_draft_and_refuses_once_submitted(world, cs_sup):
    survey = services.survey_create(
        actor=cs_sup, service_center=world.center_a, title="t", communities=[world.community_a], sections=SECTIONS
    )
    body = {
        "title": "新名称",
        "community_ids": [world.community_a.pk],
        "sections": SECTIONS[:1],
        "version": survey.version,
    }
    client = login(cs_sup)
    done = client.put(f"/api/v1/engagement/surveys/{survey.pk}", body, content_type="application/json")
    assert done.status_code == 200 and done.json()["title"] == "新名称" and len(done.json()["sections"]) == 1
    services.survey_transition(actor=cs_sup, survey=survey, to_status="submitted")
    body["version"] = done.json()["version"] + 1
    refused = client.put(f"/api/v1/engagement/surveys/{survey.pk}", body, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "status"
