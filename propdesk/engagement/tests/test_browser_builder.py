"""The survey builder and the results charts in Chromium at 390 and 1280 px: the formula in words follows the
weights as they are typed, a choice question shows its options, a question row is added, the questionnaire is
saved and submitted; the results page draws its charts beside their tables, nothing wider than the screen.
``PROPDESK_SCREENSHOTS=<folder>`` saves the pages there (engagement_builder_*.png, engagement_results_*.png)."""

import os
import re
from pathlib import Path

import pytest

from propdesk.engagement import services
from propdesk.engagement.models import Survey, SurveyQuestion
from propdesk.org.choices import Role
from propdesk.testing.browser import has_chromium
from propdesk.testing.factories import build_world, staff_user

from .test_surveys import SECTIONS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not has_chromium(), reason="no Chromium"),
]


@pytest.fixture
def world(transactional_db):
    world = build_world()
    world.sup = staff_user("sup1", Role.CS_SUPERVISOR, center=world.center_a)
    world.bd = staff_user("bd1", Role.BUSINESS_DEPT, company=world.company)
    return world


def signed_in(browser, live_server, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.set_default_timeout(60_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "sup1")
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def shot(page, name: str) -> None:
    folder = os.environ.get("PROPDESK_SCREENSHOTS")
    if folder:
        page.screenshot(path=Path(folder) / name, full_page=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_build_and_submit_a_questionnaire(world, browser, live_server, width):
    page = signed_in(browser, live_server, width)
    page.goto(f"{live_server.url}/engagement/surveys/new/")
    page.fill("#b_title", "2026 春季满意度调查")
    page.check(f"input[name=communities][value='{world.community_a.pk}']")
    page.fill("#s1_title", "服务态度")
    page.fill("#s1_weight", "2")
    page.fill("#s1_q1_text", "前台服务")
    formula = page.locator("[data-formula-live] li").first
    assert formula.inner_text() == "总分 = (2×「服务态度」) ÷ (2)"
    page.click("button[name=add][value=q1]")  # reloads with one more question row
    page.fill("#s1_q2_text", "维修质量")
    assert page.locator("#s1_q2_options").is_hidden()
    page.select_option("#s1_q2_kind", "choice")
    assert page.locator("#s1_q2_options").is_visible()
    page.fill("#s1_q2_options", "满意=100\n一般=60\n不满意=0")
    page.fill("#s1_q2_weight", "3")
    lines = page.locator("[data-formula-live] li").all_inner_texts()
    assert lines[1] == "「服务态度」 = (1×Q1 + 3×Q2) ÷ (1 + 3)"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"engagement_builder_{width}.png")
    invalid = page.evaluate(
        "Array.from(document.querySelectorAll('#builder :invalid')).map(e => e.name + ':' + e.validationMessage)"
    )
    assert invalid == []
    page.locator("button[name=submit]").click()
    page.wait_for_url(re.compile(r".*/engagement/surveys/\d+/$"), timeout=120_000)
    assert page.locator(".error-box").count() == 0, page.locator(".error-box").inner_text()
    assert re.search(r"/engagement/surveys/\d+/$", page.url)
    survey = Survey.objects.get()
    assert survey.status == "submitted"
    assert SurveyQuestion.objects.get(kind="choice").options[1] == {"label": "一般", "score": 60}


@pytest.mark.parametrize("width", [390, 1280])
def test_the_results_charts_beside_their_tables(world, browser, live_server, width):
    survey = services.survey_create(
        actor=world.sup,
        service_center=world.center_a,
        title="年度调查",
        communities=[world.community_a],
        sections=SECTIONS,
    )
    for who, status in ((world.sup, "submitted"), (world.bd, "approved"), (world.sup, "open")):
        survey = services.survey_transition(actor=who, survey=survey, to_status=status, seed=1)
    q = {x.order: x.pk for x in SurveyQuestion.objects.filter(section__survey=survey)}
    services.survey_answer(
        actor=world.sup,
        survey=survey,
        household=world.household_a,
        answers={q[1]: 5, q[2]: 4, q[3]: 1},
        channel="paper",
    )
    page = signed_in(browser, live_server, width)
    page.goto(f"{live_server.url}/engagement/surveys/{survey.pk}/results/")
    page.wait_for_selector("[data-chart='chart-communities'][data-chart-ready]")
    assert page.locator("[data-chart-ready] canvas").count() >= 4
    assert "77.78" in page.inner_text("#communities table")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"engagement_results_{width}.png")
