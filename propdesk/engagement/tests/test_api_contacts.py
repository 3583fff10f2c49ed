"""Surveys, the resident's portal side, suggestion boxes, consultations, meetings and coverage over the API."""

import datetime as dt

import pytest

from propdesk.api.tests.conftest import ApiClient, bearer
from propdesk.communities.models import SpecialCustomer
from propdesk.org.choices import Role

pytestmark = pytest.mark.usefixtures("clock")
API = "/api/v1/engagement"

SURVEY = {
    "title": "春季满意度调查",
    "sections": [
        {"title": "服务", "weight": 1, "questions": [{"text": "总体满意度", "kind": "scale", "weight": 1}]},
    ],
}


def test_a_survey_from_questionnaire_to_a_resident_answer_and_results(world, staff, resident_user_a):
    sup, company = bearer(staff(Role.CS_SUPERVISOR)), bearer(staff(Role.BUSINESS_DEPT))
    created = sup.post(
        f"{API}/surveys", {**SURVEY, "service_center_id": world.center_a.pk, "community_ids": [world.community_a.pk]}
    )
    assert created.status_code == 201, created.content
    survey = created.json()
    assert survey["formula"][0] == "总分 = (1×「服务」) ÷ (1)"
    sid = survey["id"]
    assert sup.post(f"{API}/surveys/{sid}/status", {"to_status": "approved"}).status_code == 400
    assert sup.post(f"{API}/surveys/{sid}/status", {"to_status": "submitted", "version": 0}).status_code == 200
    assert sup.post(f"{API}/surveys/{sid}/status", {"to_status": "approved", "version": 0}).status_code == 409
    assert company.post(f"{API}/surveys/{sid}/status", {"to_status": "approved"}).status_code == 200
    assert sup.post(f"{API}/surveys/{sid}/status", {"to_status": "open"}).status_code == 200
    resident = ApiClient()  # the portal signs residents in with a session
    resident.client.force_login(resident_user_a)
    assert resident.get(f"{API}/portal/surveys").json() == [
        {"id": sid, "title": "春季满意度调查", "answered": False, "allow_anonymous": True}
    ]
    question = str(survey["sections"][0]["questions"][0]["id"])
    answer = resident.post(f"{API}/portal/surveys/{sid}/answer", {"answers": {question: 4}, "anonymous": True})
    assert answer.status_code == 201, answer.content
    again = resident.post(f"{API}/portal/surveys/{sid}/answer", {"answers": {question: 5}})
    assert again.status_code == 400 and again.json()["errors"][0]["field"] == "household"
    results = sup.get(f"{API}/surveys/{sid}/results").json()
    assert (results["overall"], results["responses"]) == ("80.00", 1)


def test_boxes_consultations_meetings_and_coverage(world, staff):
    sup = staff(Role.CS_SUPERVISOR)
    client = bearer(sup)
    box = client.post(
        f"{API}/boxes",
        {"community_id": world.community_a.pk, "place": "3栋大堂", "owner_id": sup.pk, "starts_on": "2026-03-08"},
    )
    assert box.status_code == 201 and box.json()["missed"] is True
    opened = client.post(
        f"{API}/boxes/{box.json()['id']}/openings", {"items": [{"kind": "repair", "text": "大堂灯不亮"}]}
    )
    assert opened.status_code == 201 and opened.json()["tickets"][0].startswith("BX-")
    assert client.get(f"{API}/boxes").json()[0]["due"] == (dt.date(2026, 3, 12)).isoformat()
    school = SpecialCustomer.objects.create(community=world.community_a, kind="kindergarten", name="翠湖幼儿园")
    consulted = client.post(
        f"{API}/consultations",
        {"special_customer_id": school.pk, "held_on": "2026-03-09", "opinions": "希望加强接送时段巡逻"},
    )
    assert consulted.status_code == 201
    meeting = client.post(
        f"{API}/meetings",
        {
            "community_id": world.community_a.pk,
            "kind": "forum",
            "held_on": "2026-03-01",
            "title": "业主座谈会",
            "attendees": "业主 20 人",
            "opinions": [{"kind": "suggestion", "text": "增加充电桩"}],
        },
    )
    assert meeting.status_code == 201 and meeting.json()["tickets"][0].startswith("JY-")
    status = client.get(f"{API}/coverage/{world.community_a.pk}").json()
    assert status["special_customers"][0]["consulted_this_quarter"] is True
    assert (status["forum_held"], status["boxes_missed"]) == (True, 0)
    technician = bearer(staff(Role.TECHNICIAN))
    body = {
        "community_id": world.community_a.pk,
        "kind": "forum",
        "held_on": "2026-03-01",
        "title": "x",
        "attendees": "y",
    }
    assert technician.post(f"{API}/meetings", body).status_code == 404
