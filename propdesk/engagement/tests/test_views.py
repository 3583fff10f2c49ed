"""The planner and interview pages: my households this month, the form with a finding turned into a ticket, a
refused form shown again (400, nothing written), the register, its print view and .xlsx, who may open them."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from propdesk.engagement import services
from propdesk.engagement.models import Interview
from propdesk.org.choices import Role
from propdesk.tickets.models import Ticket

pytestmark = pytest.mark.usefixtures("clock")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_my_households_this_month_and_the_plan(world, cs_sup, assistant):
    services.plan_make(actor=cs_sup, community=world.community_a, year=2026, members=[assistant])
    html = login(assistant).get("/engagement/").content.decode()
    assert "我本月的访谈住户" in html and "3栋2单元1202" in html
    assert f"/engagement/interviews/new/?household={world.household_a.pk}" in html
    planner = login(cs_sup).get(f"/engagement/?community={world.community_a.pk}").content.decode()
    assert "访谈进度" in planner and "重新制定计划" in planner


def test_plan_made_on_the_page(world, cs_sup, assistant):
    response = login(cs_sup).post(
        "/engagement/plan/", {"community": world.community_a.pk, "members": [assistant.pk, cs_sup.pk]}
    )
    assert response.status_code == 302
    refused = login(cs_sup).post("/engagement/plan/", {"community": world.community_a.pk})
    assert refused.status_code == 400 and "请至少选择一名访谈人员" in refused.content.decode()


def test_the_form_records_an_interview_whose_finding_becomes_a_repair_ticket(world, assistant):
    client = login(assistant)
    form = client.get(f"/engagement/interviews/new/?household={world.household_a.pk}")
    assert form.status_code == 200 and "3栋2单元1202" in form.content.decode()
    response = client.post(
        "/engagement/interviews/new/",
        {
            "household": world.household_a.pk,
            "kind": "home_visit",
            "satisfaction": "4",
            "opinions": "希望增加儿童游乐设施",
            "finding_kind_1": "repair",
            "finding_text_1": "厨房水龙头漏水",
        },
        follow=True,
    )
    ticket = Ticket.objects.get()
    assert (ticket.kind, ticket.channel, ticket.content) == ("repair", "interview", "厨房水龙头漏水")
    html = response.content.decode()
    assert ticket.number in html and "希望增加儿童游乐设施" in html


def test_a_refused_form_is_shown_again_and_nothing_written(world, assistant):
    response = login(assistant).post(
        "/engagement/interviews/new/",
        {"community": world.community_a.pk, "room": "99-9-999", "kind": "phone", "opinions": "停车难"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "停车难" in html and 'value="99-9-999"' in html
    assert not Interview.objects.exists()


def test_the_register_print_and_xlsx(world, assistant, cs_sup):
    services.interview_record(
        actor=assistant,
        household=world.household_a,
        kind="phone",
        satisfaction=2,
        opinions="=HYPERLINK(1)",
        findings=[{"kind": "complaint", "text": "保安态度差"}],
    )
    html = login(assistant).get("/engagement/interviews/?print=1").content.decode()
    assert "客户访谈记录表" in html and "TS-" in html and "data-print" in html
    assert login(assistant).get("/engagement/interviews/export.xlsx").status_code == 404
    response = login(cs_sup).get("/engagement/interviews/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "访谈时间" and rows[1][2] == "3栋2单元1202"
    assert rows[1][7] == "=HYPERLINK(1)" and sheet.cell(2, 8).data_type == "s"
    assert rows[1][12].startswith("投诉 TS-")


def test_who_may_open_the_pages(world, staff):
    technician = staff(Role.TECHNICIAN)
    assert login(technician).get("/engagement/").status_code == 403
    assert login(technician).get("/engagement/interviews/new/").status_code == 403
    other = staff(Role.CS_ASSISTANT, world.center_b)
    interview = services.interview_record(
        actor=staff(Role.CS_ASSISTANT), household=world.household_a, kind="phone", satisfaction=5
    )
    assert login(other).get(f"/engagement/interviews/{interview.pk}/").status_code == 404
