"""The monthly statistics page, its print view, its xlsx and the API show the same numbers, to the right
people only; the dashboard shows each chart with its table."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from propdesk.org.choices import Role
from propdesk.reports.outstanding import Outstanding, register_outstanding, unregister_outstanding
from propdesk.reports.selectors_monthly import monthly_statistics
from propdesk.testing.roles import role_user
from propdesk.tickets.tests.helpers import local

from .fixture_month import build_month

pytestmark = pytest.mark.usefixtures("clock")
NOVEMBER = dt.date(2026, 11, 1)


@pytest.fixture
def month(world, clock):
    built = build_month(world, clock)
    clock.move_to(local(2026, 11, 25, 9, 0))
    return built


def sheet_sections(content: bytes) -> dict:
    """{section title: {row label: (this, last, year)}} read back from the xlsx."""
    ws = load_workbook(io.BytesIO(content), read_only=True).active
    sections, current = {}, None
    for row in ws.iter_rows(min_row=3, values_only=True):
        if not any(v is not None for v in row):
            current = None
        elif current is None:
            current = sections.setdefault(row[0], {})
        elif row[0] != "项目":
            current[row[0]] = tuple([*row, None, None, None][1:4])
    return sections


def test_page_print_xlsx_and_api_show_the_same_numbers(client, world, month):
    client.force_login(month.manager_a)
    stats = monthly_statistics(user=month.manager_a, month=NOVEMBER)
    page = client.get("/reports/monthly/", {"month": "2026-11"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "客服部月度工作统计表 · 2026-11" in body
    assert 'data-section="complaint_class"' in body and "一类：本中心服务" in body
    printed = client.get("/reports/monthly/print/", {"month": "2026-11"})
    assert printed.status_code == 200 and "print.css" in printed.content.decode()

    download = client.get("/reports/monthly/xlsx/", {"month": "2026-11"})
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    sheet = sheet_sections(download.content)
    for section in stats.sections:
        for row in section.rows:
            assert sheet[section.title][row.label] == (row.this, row.last, row.year), (section.key, row.key)
    assert sheet["各类信息受理"]["报修"] == (4, 1, 2)

    api = client.get("/api/v1/reports/monthly", {"month": "2026-11"})
    assert api.status_code == 200
    sections = {s["key"]: {r["key"]: r["this"] for r in s["rows"]} for s in api.json()["sections"]}
    assert sections["kinds"]["received"] == 10
    assert sections["complaint_class"] == {"1": 1, "2": 1, "": 1}
    assert sections["return_visits"]["reachability"] == 66.7


def test_a_center_manager_cannot_open_another_centers_community(client, world, month):
    client.force_login(month.manager_a)
    assert client.get("/reports/monthly/", {"community": world.community_b.pk}).status_code == 404
    assert client.get("/api/v1/reports/monthly", {"community": world.community_b.pk}).status_code == 404
    own = client.get("/api/v1/reports/monthly", {"month": "2026-11", "community": world.community_a.pk})
    assert own.status_code == 200
    assert {s["key"]: s for s in own.json()["sections"]}["kinds"]["rows"][0]["this"] == 4


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.RECEPTIONIST])
def test_staff_without_the_report_role_are_refused(client, world, month, role):
    client.force_login(role_user(role, world.center_a))
    for url in ("/reports/monthly/", "/reports/monthly/xlsx/", "/reports/dashboard/", "/reports/dashboard/xlsx/"):
        assert client.get(url).status_code == 403, url
    assert client.get("/api/v1/reports/monthly").status_code == 403
    assert client.get("/api/v1/reports/dashboard").status_code == 403


def test_a_resident_is_refused(client, world, month):
    from propdesk.testing.factories import UserFactory

    resident = UserFactory(username="resident-zhang")
    world.resident_a.user = resident
    world.resident_a.save()
    client.force_login(resident)
    assert client.get("/reports/monthly/").status_code == 403
    assert client.get("/api/v1/reports/dashboard").status_code == 403


def test_bad_input_is_a_clear_message_not_an_error(client, world, month):
    client.force_login(month.manager_a)
    page = client.get("/reports/monthly/", {"month": "2026-13"})
    assert page.status_code == 200 and "月份格式不正确" in page.content.decode()
    assert client.get("/reports/monthly/", {"community": "abc"}).status_code == 200
    assert client.get("/api/v1/reports/monthly", {"month": "2026-13"}).status_code == 422
    assert client.get("/api/v1/reports/monthly", {"community": "abc"}).status_code == 422


def test_dashboard_charts_have_their_tables_and_the_outstanding_reports(client, world, month):
    def provider(*, user, today):
        return [
            Outstanding(title="2026年第4季度管理服务报告", due=dt.date(2026, 10, 15), late=True, community="翠湖花园")
        ]

    register_outstanding(provider)
    try:
        client.force_login(month.manager_a)
        page = client.get("/reports/dashboard/")
        body = page.content.decode()
        assert page.status_code == 200 and "服务中心看板" in body
        for key in (
            "open-age",
            "deadlines",
            "timeliness",
            "complaint-class",
            "repair-category",
            "heat",
            "satisfaction",
        ):
            assert f'data-chart="chart-{key}"' in body and f'data-table="{key}"' in body
        assert "2026年第4季度管理服务报告" in body
        api = client.get("/api/v1/reports/dashboard").json()
        tables = {t["key"]: t for t in api["tables"]}
        november = next(r for r in tables["deadlines"]["rows"] if r[0] == "2026-11")
        assert november == ["2026-11", 2, 2]
        assert tables["heat"]["header"][-1] == "2026-11"
        assert {r[0]: r[-1] for r in tables["heat"]["rows"]} == {"3栋": 2, "5栋": 2}
        assert [r[1] for r in tables["open-age"]["rows"]] == [0, 0, 0, 8, 4]
        assert api["outstanding"][0]["late"] is True
        sheets = load_workbook(io.BytesIO(client.get("/reports/dashboard/xlsx/").content), read_only=True)
        heat = next(ws for ws in sheets.worksheets if ws.title.startswith("报修楼栋热力图"))
        assert [list(r) for r in heat.iter_rows(min_row=3, values_only=True)] == [
            ["3栋", 0, 0, 0, 0, 1, 2],  # October's repair R5 and November's R1, R3
            ["5栋", 0, 0, 0, 0, 0, 2],
        ]
    finally:
        unregister_outstanding(provider)


def test_the_monthly_statistics_as_a_pdf_hold_the_same_figures(client, world, month):
    from propdesk.core.tests.test_pdf import _text
    from propdesk.reports.export import monthly_pdf

    stats = monthly_statistics(user=month.manager_a, month=NOVEMBER)
    text = _text(monthly_pdf(stats, "翠湖花园", compress=False))
    assert "客服部月度工作统计表" in text and "2026-11" in text and "翠湖花园" in text
    for section in stats.sections:
        assert section.title in text
    client.force_login(month.manager_a)
    page = client.get("/reports/monthly/pdf/", {"month": "2026-11"})
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    assert page.content.startswith(b"%PDF-") and ".pdf" in page["Content-Disposition"]
    api = client.get("/api/v1/reports/monthly/pdf", {"month": "2026-11"})
    assert api.status_code == 200 and api.content.startswith(b"%PDF-")
    assert client.get("/api/v1/reports/monthly/pdf", {"month": "2026-13"}).status_code in (400, 422)
