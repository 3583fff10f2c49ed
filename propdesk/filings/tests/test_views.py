"""The filing pages: the list with deadlines and late marks, the editor and the chain's buttons, the A4 print
with the seal on the quarterly report only, the downloads, the sampling list and the company's setting."""

import datetime as dt

import pytest

from propdesk.filings.choices import FilingKind
from propdesk.filings.models import Filing, FilingSettings
from propdesk.filings.services import filing_open, filing_update

pytestmark = pytest.mark.usefixtures("clock")


def _quarterly(cast, world):
    filing = filing_open(
        actor=cast.cs,
        kind=FilingKind.QUARTERLY,
        service_center=world.center_a,
        community=world.community_a,
        day=dt.date(2026, 8, 1),
    )
    return filing_update(actor=cast.cs, filing=filing, sections={"security": "巡逻正常"}, expected_version=None)


def test_the_list_shows_outstanding_filings_with_deadlines(client, cast, world, django_assert_max_num_queries):
    _quarterly(cast, world)
    filing_open(actor=cast.cs_b, kind=FilingKind.HALF_MONTH, service_center=world.center_b, day=dt.date(2026, 11, 2))
    client.force_login(cast.cs)
    with django_assert_max_num_queries(40):
        page = client.get("/filings/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "翠湖花园" in html and "2026-10-15" in html and "逾期" in html
    assert "云山服务中心" not in html.split('id="filings"')[1].split("</table>")[0]


def test_the_editor_saves_and_submits(client, cast, world):
    filing = _quarterly(cast, world)
    client.force_login(cast.cs)
    page = client.get(f"/filings/{filing.pk}/")
    assert 'name="security"' in page.content.decode() and "编制提交" in page.content.decode()
    response = client.post(
        f"/filings/{filing.pk}/edit/",
        {"version": filing.version, "security": "夜间巡逻 90 次", "finance": "物业费收入,1000\n维修支出,200.5"},
    )
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.sections["security"] == "夜间巡逻 90 次"
    assert filing.finance == [["物业费收入", "1000.00"], ["维修支出", "200.50"]]
    client.post(f"/filings/{filing.pk}/step/", {"version": filing.version, "step": "submit"})
    filing.refresh_from_db()
    assert filing.status == "submitted"


def test_a_refused_step_is_a_message_and_changes_nothing(client, cast, world):
    filing = _quarterly(cast, world)
    client.force_login(cast.leader)
    page = client.post(f"/filings/{filing.pk}/step/", {"version": filing.version, "step": "approve"}, follow=True)
    assert "您无权" in page.content.decode() or "不能跳过" in page.content.decode()
    filing.refresh_from_db()
    assert filing.status == "draft"


def test_the_print_page_carries_the_seal_only_where_it_goes_to_customers(client, cast, world, sealed_center):
    quarterly = _quarterly(cast, world)
    half = filing_open(
        actor=cast.cs, kind=FilingKind.HALF_MONTH, service_center=world.center_a, day=dt.date(2026, 11, 2)
    )
    client.force_login(cast.manager)
    sheet = client.get(f"/filings/{quarterly.pk}/print/").content.decode()
    assert 'id="filing-seal" src="data:image/png;base64,' in sheet and "巡逻正常" in sheet
    assert 'id="filing-seal"' not in client.get(f"/filings/{half.pk}/print/").content.decode()
    download = client.get(f"/filings/{quarterly.pk}/xlsx/")
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(f"/filings/{quarterly.pk}/pdf/").content.startswith(b"%PDF")
    client.force_login(cast.manager_b)
    assert client.get(f"/filings/{quarterly.pk}/print/").status_code == 404


def test_the_open_form_and_the_settings_page(client, cast, world):
    client.force_login(cast.cs)
    response = client.post(
        "/filings/open/", {"kind": "half_month", "place": f"c{world.center_a.pk}", "day": "2026-11-02"}
    )
    filing = Filing.objects.get()
    assert response.url == f"/filings/{filing.pk}/"
    again = client.post(
        "/filings/open/", {"kind": "half_month", "place": f"c{world.center_a.pk}", "day": "2026-11-05"}, follow=True
    )
    assert "已经建立" in again.content.decode()
    assert client.get("/filings/settings/").status_code == 403
    client.force_login(cast.business)
    assert client.get("/filings/sampling/?year=2026").status_code == 200
    client.post("/filings/settings/", {"company": world.company.pk, "holiday_rule": "next", "half_month_days": "4"})
    setting = FilingSettings.objects.get(company=world.company)
    assert (setting.holiday_rule, setting.half_month_days) == ("next", 4)
