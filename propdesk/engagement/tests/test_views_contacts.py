"""The contacts page (boxes with their openings, special customers, meetings) and the survey pages (formula,
steps, staff entry, results)."""

import datetime as dt

import pytest
from django.test import Client

from propdesk.communities.models import SpecialCustomer
from propdesk.engagement import services
from propdesk.engagement.models import BoxOpening, Consultation, Meeting, SurveyResponse
from propdesk.org.choices import Role
from propdesk.tickets.models import Ticket

pytestmark = pytest.mark.usefixtures("clock")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_boxes_customers_and_meetings_on_the_page(world, cs_sup):
    box = services.box_save(
        actor=cs_sup, community=world.community_a, place="南门", owner=cs_sup, starts_on=dt.date(2026, 3, 7)
    )
    school = SpecialCustomer.objects.create(community=world.community_a, kind="school", name="翠湖小学")
    client = login(cs_sup)
    html = client.get("/engagement/contacts/").content.decode()
    assert "南门" in html and "逾期未开启" in html and "本季度未沟通" in html
    client.post(f"/engagement/boxes/{box.pk}/open/", {"item_kind_1": "repair", "item_text_1": "南门道闸故障"})
    assert Ticket.objects.get().source_detail == "南门" and BoxOpening.objects.count() == 1
    client.post(
        "/engagement/consultations/", {"customer": school.pk, "held_on": "2026-03-10", "opinions": "希望放学时段疏导"}
    )
    assert Consultation.objects.count() == 1
    refused = client.post(
        "/engagement/meetings/",
        {"community": world.community_a.pk, "kind": "forum", "held_on": "2026-03-10", "title": ""},
    )
    assert refused.status_code == 400 and not Meeting.objects.exists()
    client.post(
        "/engagement/meetings/",
        {
            "community": world.community_a.pk,
            "kind": "forum",
            "held_on": "2026-03-10",
            "title": "座谈会",
            "attendees": "业主 12 人",
            "attendance": "12",
        },
    )
    html = client.get("/engagement/contacts/").content.decode()
    assert "本季度已沟通" in html and "座谈会" in html and "逾期未开启" not in html


def test_a_survey_on_its_pages(world, cs_sup, staff):
    survey = services.survey_create(
        actor=cs_sup,
        service_center=world.center_a,
        title="秋季调查",
        communities=[world.community_a],
        sections=[{"title": "服务", "questions": [{"text": "满意度", "kind": "scale"}]}],
    )
    client = login(cs_sup)
    html = client.get(f"/engagement/surveys/{survey.pk}/").content.decode()
    assert "总分 = (1×「服务」) ÷ (1)" in html
    client.post(f"/engagement/surveys/{survey.pk}/step/", {"to_status": "submitted", "version": "0"})
    login(staff(Role.QUALITY_DEPT)).post(f"/engagement/surveys/{survey.pk}/step/", {"to_status": "approved"})
    client.post(f"/engagement/surveys/{survey.pk}/step/", {"to_status": "open"})
    question = survey.sections.get().questions.get()
    response = client.post(
        f"/engagement/surveys/{survey.pk}/enter/",
        {"household": world.household_a.pk, "channel": "phone", f"q_{question.pk}": "3"},
    )
    assert response.status_code == 302 and SurveyResponse.objects.get().score == 60
    html = client.get(f"/engagement/surveys/{survey.pk}/").content.decode()
    assert "60.00" in html
    assert "秋季调查" in client.get("/engagement/surveys/").content.decode()
