"""The filings API: the same chain, rules and refusals as the pages."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from propdesk.api.tests.conftest import bearer
from propdesk.filings.models import Filing

pytestmark = pytest.mark.usefixtures("clock")


def _open(client, world, **overrides):
    body = {
        "kind": "quarterly",
        "service_center_id": world.center_a.pk,
        "community_id": world.community_a.pk,
        "day": "2026-08-01",
        **overrides,
    }
    return client.post("/api/v1/filings", body)


def test_the_quarterly_chain_over_the_api(cast, world):
    cs, manager, leader = bearer(cast.cs), bearer(cast.manager), bearer(cast.leader)
    created = _open(cs, world)
    assert created.status_code == 201, created.content
    filing = created.json()
    assert (filing["period_start"], filing["next_step"], filing["status"]) == ("2026-07-01", "submit", "draft")
    assert [d["due_on"] for d in filing["deadlines"]][:5] == ["2026-10-15"] * 3 + ["2026-10-16", "2026-10-20"]
    assert all(d["late"] for d in filing["deadlines"])
    url = f"/api/v1/filings/{filing['id']}"
    body = {"sections": {"security": "巡逻", "cleaning": "保洁"}, "finance": [["物业费收入", "120000.5"]]}
    updated = cs.client.put(url, {**body, "expected_version": 1}, content_type="application/json")
    assert updated.status_code == 200, updated.content
    assert updated.json()["finance"] == [["物业费收入", "120000.50"]]
    stale = cs.client.put(url, {**body, "expected_version": 1}, content_type="application/json")
    assert stale.status_code == 409
    skipped = leader.post(f"{url}/step", {"step": "approve"})
    assert skipped.status_code == 400 and "不能跳过" in skipped.json()["detail"]
    assert cs.post(f"{url}/step", {"step": "submit"}).status_code == 200
    assert manager.post(f"{url}/step", {"step": "approve"}).status_code == 403
    assert manager.post(f"{url}/step", {"step": "review"}).json()["status"] == "reviewed"
    returned = leader.post(f"{url}/return", {"reason": "请补充绿化"})
    assert returned.json()["status"] == "returned"
    assert Filing.objects.get(pk=filing["id"]).status == "returned"


def test_other_centers_filings_are_not_found_and_not_opened(cast, world):
    created = _open(bearer(cast.cs), world).json()
    other = bearer(cast.cs_b)
    assert other.get(f"/api/v1/filings/{created['id']}").status_code == 404
    assert other.get("/api/v1/filings").json()["count"] == 0
    assert _open(other, world).status_code == 403
    bad = _open(bearer(cast.cs), world, kind="brief")
    assert bad.status_code == 400 and "工作简报" in bad.json()["detail"]
    assert Filing.objects.count() == 1


def test_an_open_is_idempotent(cast, world):
    cs = bearer(cast.cs)
    first = cs.post("/api/v1/filings", _body(world), headers={"Idempotency-Key": "k1"})
    again = cs.post("/api/v1/filings", _body(world), headers={"Idempotency-Key": "k1"})
    assert (first.status_code, again.status_code, again.headers.get("Idempotent-Replayed")) == (201, 201, "true")
    assert Filing.objects.count() == 1


def _body(world):
    return {
        "kind": "half_month",
        "service_center_id": world.center_a.pk,
        "day": "2026-11-02",
    }


def test_finance_import_from_xlsx_and_figures_as_xlsx(cast, world):
    cs = bearer(cast.cs)
    filing = _open(cs, world).json()
    book = Workbook()
    sheet = book.active
    sheet.append(["项目", "金额"])
    sheet.append(["物业费收入", 1000])
    sheet.append(["人工成本", "800.5"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.name = "财务.xlsx"
    buffer.seek(0)
    imported = cs.upload(f"/api/v1/filings/{filing['id']}/finance", {"file": buffer})
    assert imported.status_code == 200, imported.content
    assert imported.json()["finance"] == [["物业费收入", "1000.00"], ["人工成本", "800.50"]]
    wrong = io.BytesIO(b"not a workbook")
    wrong.name = "x.xlsx"
    assert cs.upload(f"/api/v1/filings/{filing['id']}/finance", {"file": wrong}).status_code == 400
    export = cs.get(f"/api/v1/filings/{filing['id']}/xlsx")
    assert export.status_code == 200
    sheets = load_workbook(io.BytesIO(export.content)).worksheets
    assert [c.value for c in sheets[1][2]] == ["物业费收入", 1000]
    pdf = cs.get(f"/api/v1/filings/{filing['id']}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_settings_sampling_and_publications(cast, world):
    business = bearer(cast.business)
    changed = business.client.put(
        "/api/v1/filings/settings",
        {"company_id": world.company.pk, "holiday_rule": "keep", "half_month_days": 5},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["holiday_rule"] == "keep"
    denied = bearer(cast.manager).client.put(
        "/api/v1/filings/settings",
        {"company_id": world.company.pk, "holiday_rule": "next", "half_month_days": 5},
        content_type="application/json",
    )
    assert denied.status_code == 403
    assert business.get("/api/v1/filings/sampling/2026").json() == []
    assert business.get("/api/v1/filings/publications").json() == []
