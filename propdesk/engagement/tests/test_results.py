"""The results page and its .xlsx on a small hand-computed fixture: each community's score with the previous
survey's and the change, each section's, each question's distribution — the page's tables, the xlsx and the API
give the same numbers, computed by hand here."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from propdesk.engagement import services
from propdesk.testing.factories import BuildingFactory, CommunityFactory, HouseholdFactory, UnitFactory

from .conftest import add_households
from .test_surveys import SECTIONS, answers, open_survey, people  # noqa: F401  (people is a fixture)

pytestmark = pytest.mark.usefixtures("clock")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def surveyed(world, people):  # noqa: F811
    """Last year's survey: one sheet in 翠湖花园 (3, 3, 一般) = 60.00. This year's: 翠湖花园 two sheets (5, 4, 一般)
    = 77.78 and (3, 3, 满意) = 73.33; 湖畔 one sheet (4, 4, 不满意) = (2×80 + 0) ÷ 3 = 53.33."""
    lake = CommunityFactory(service_center=world.center_a, name="湖畔")
    lake_home = HouseholdFactory(unit=UnitFactory(building=BuildingFactory(community=lake, name="1栋")))
    second = add_households(world.community_a, 1)[0]
    first = open_survey(world, people)
    services.survey_answer(
        actor=people["assistant"],
        survey=first,
        household=world.household_a,
        answers=answers(first, 3, 3, 1),
        channel="paper",
    )
    survey = services.survey_create(
        actor=people["sup"],
        service_center=world.center_a,
        title="2026 下半年满意度调查",
        communities=[world.community_a, lake],
        sections=SECTIONS,
        previous=first,
    )
    for who, status in (("sup", "submitted"), ("cs_center", "approved"), ("sup", "open")):
        survey = services.survey_transition(actor=people[who], survey=survey, to_status=status, seed=3)
    for household, values in ((world.household_a, (5, 4, 1)), (second, (3, 3, 0)), (lake_home, (4, 4, 2))):
        services.survey_answer(
            actor=people["assistant"],
            survey=survey,
            household=household,
            answers=answers(survey, *values),
            channel="paper",
        )
    return survey


def test_the_tables_on_the_page_hold_the_hand_computed_numbers(surveyed, people):  # noqa: F811
    html = login(people["sup"]).get(f"/engagement/surveys/{surveyed.pk}/results/").content.decode()
    # Center: (77.7778 + 73.3333 + 53.3333) ÷ 3 = 68.15; 翠湖花园 75.56 against 60.00 last time (+15.56).
    assert "68.15" in html and "75.56" in html and "15.56" in html and "53.33" in html
    assert 'data-chart="chart-communities"' in html and "vendor/echarts/echarts.min.js" in html
    assert "<script>" not in html


def test_the_xlsx_holds_the_same_numbers(surveyed, people):  # noqa: F811
    response = login(people["manager"]).get(f"/engagement/surveys/{surveyed.pk}/results.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    communities = list(book.worksheets[0].iter_rows(values_only=True))
    assert communities[0] == ("小区", "得分", "答卷", "上次得分", "变化")
    assert communities[1] == ("服务中心", 68.15, 3, 60, 8.15)
    assert communities[2] == ("翠湖花园", 75.56, 2, 60, 15.56)
    assert communities[3] == ("湖畔", 53.33, 1, None, None)
    sections = list(book.worksheets[1].iter_rows(values_only=True))
    # 服务态度: (86.667 + 60 + 80) ÷ 3 = 75.56 (60 last time); 维修服务: (60 + 100 + 0) ÷ 3 = 53.33 (60 last time).
    assert sections[1:] == [("服务态度", 75.56, 60, 15.56), ("维修服务", 53.33, 60, -6.67)]
    questions = list(book.worksheets[2].iter_rows(values_only=True))
    # Q1 answered 5, 3, 4 → one each of 5, 4, 3; mean (100 + 60 + 80) ÷ 3 = 80.00.
    assert questions[1:6] == [
        ("Q1 前台服务", "5 分", 1, 33.33, 80),
        ("Q1 前台服务", "4 分", 1, 33.33, 80),
        ("Q1 前台服务", "3 分", 1, 33.33, 80),
        ("Q1 前台服务", "2 分", 0, 0, 80),
        ("Q1 前台服务", "1 分", 0, 0, 80),
    ]
    # Q3 (choice): 一般, 满意, 不满意 once each; mean (60 + 100 + 0) ÷ 3 = 53.33.
    assert questions[11:14] == [
        ("Q3 维修质量", "满意", 1, 33.33, 53.33),
        ("Q3 维修质量", "一般", 1, 33.33, 53.33),
        ("Q3 维修质量", "不满意", 1, 33.33, 53.33),
    ]


def test_the_api_gives_the_same_tables(surveyed, people):  # noqa: F811
    body = login(people["sup"]).get(f"/api/v1/engagement/surveys/{surveyed.pk}/result-tables").json()
    assert Decimal(body["overall"]) == Decimal("68.15")
    lake = body["communities"][1]
    assert (lake["community"], Decimal(lake["score"]), lake["previous"]) == ("湖畔", Decimal("53.33"), None)
    assert [lv["count"] for lv in body["questions"][2]["levels"]] == [1, 1, 1]


def test_no_results_before_the_survey_opens_and_none_for_another_center(world, people, staff):  # noqa: F811
    from propdesk.org.choices import Role

    from .test_surveys import SECTIONS

    draft = services.survey_create(
        actor=people["sup"],
        service_center=world.center_a,
        title="草稿",
        communities=[world.community_a],
        sections=SECTIONS,
    )
    assert login(people["sup"]).get(f"/engagement/surveys/{draft.pk}/results/").status_code == 404
    other = staff(Role.CS_SUPERVISOR, world.center_b)
    assert login(other).get(f"/engagement/surveys/{draft.pk}/results.xlsx").status_code == 404
