"""A resident on a phone (390×844) answers the household's satisfaction survey: the home page links it, the
questionnaire shows by section (a 1–5 score as five taps, an option, a few words), they submit anonymously
and see "已提交"; the page fits the phone and a 1280 px desktop, under the Content-Security-Policy.
Screenshots go to /tmp/portal_survey_*.png (``PORTAL_SCREENSHOTS`` names another folder)."""

import os
import tempfile
from pathlib import Path

import pytest

from propdesk.engagement import services as engagement
from propdesk.engagement.models import SurveyResponse
from propdesk.org.choices import Role
from propdesk.testing.browser import chromium as launch_chromium
from propdesk.testing.browser import has_chromium
from propdesk.testing.factories import UserFactory, build_world
from propdesk.testing.roles import default_scope, role_user

from .test_surveys import SECTIONS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not has_chromium(), reason="no Chromium"),
]
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) { window.__csp.push(e.violatedDirective); });
"""


@pytest.fixture(scope="module")
def chromium():
    with launch_chromium() as instance:
        yield instance


@pytest.fixture
def scene(transactional_db):
    world = build_world()
    resident = UserFactory(username="zhangwei")
    world.resident_a.user = resident
    world.resident_a.save(update_fields=["user"])
    planner = role_user(Role.CS_SUPERVISOR, default_scope(Role.CS_SUPERVISOR, world), username="sup")
    approver = role_user(Role.BUSINESS_DEPT, default_scope(Role.BUSINESS_DEPT, world), username="bd")
    survey = engagement.survey_create(
        actor=planner,
        service_center=world.center_a,
        title="翠湖花园 2026 年度满意度调查",
        communities=[world.community_a],
        sections=SECTIONS,
    )
    survey = engagement.survey_transition(actor=planner, survey=survey, to_status="submitted")
    survey = engagement.survey_transition(actor=approver, survey=survey, to_status="approved")
    survey = engagement.survey_transition(actor=planner, survey=survey, to_status="open", seed=7)
    return world, survey


def shot(page, name: str) -> None:
    folder = Path(os.environ.get("PORTAL_SCREENSHOTS") or tempfile.gettempdir())
    page.screenshot(path=folder / f"portal_survey_{name}.png", full_page=True)


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_a_resident_answers_the_survey_on_a_phone(scene, chromium, live_server):
    world, survey = scene
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    page.set_default_timeout(90_000)
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "zhangwei")
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/portal/")
    page.click(f"#surveys a:has-text('{survey.title}')")
    page.wait_for_selector("#survey-form")
    assert [h.inner_text() for h in page.locator(".p-section h2").all()] == ["服务态度", "维修服务"]
    fits(page)
    shot(page, "sheet_390")

    page.click("#question-1 .p-pick:has-text('4')")
    page.check("#question-2 label:has-text('一般') input")
    page.fill("#question-3 textarea", "电梯高峰期等得久")
    page.check("input[name=anonymous]")
    page.click("button.p-submit")
    page.wait_for_selector("#answered")
    assert "已提交" in page.locator("#survey").inner_text()
    assert page.locator("#survey-form").count() == 0
    fits(page)
    shot(page, "done_390")

    response = SurveyResponse.objects.get(survey=survey, household=world.household_a)
    assert response.anonymous and response.channel == "portal"
    given = {a.question.kind: (a.value, a.text) for a in response.answers.select_related("question")}
    assert given == {"scale": (4, ""), "choice": (1, ""), "text": (None, "电梯高峰期等得久")}

    page.goto(f"{live_server.url}/portal/surveys/")
    assert "已提交" in page.locator("#surveys").inner_text()
    shot(page, "list_390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/portal/surveys/{survey.pk}/")
    fits(page)
    shot(page, "done_1280")
    assert page.evaluate("window.__csp") == []
    page.close()


def test_the_questionnaire_at_desktop_width(scene, chromium, live_server):
    _world, survey = scene
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(90_000)
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "zhangwei")
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/portal/surveys/{survey.pk}/")
    page.wait_for_selector("#survey-form")
    fits(page)
    shot(page, "sheet_1280")
    page.goto(f"{live_server.url}/portal/")
    shot(page, "home_1280")
    assert page.evaluate("window.__csp") == []
    page.close()
