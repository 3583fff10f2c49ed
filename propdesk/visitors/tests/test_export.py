"""The register's .xlsx export: identity numbers and phones masked, names kept as text (no formulas), only the
exporter's communities, an audit row per export; refused to guards and residents; the print button."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from propdesk.org.choices import Role
from propdesk.visitors import services
from propdesk.visitors.models import VisitorExport

from .conftest import ID_A, visit_kwargs

pytestmark = pytest.mark.usefixtures("clock")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sheet_rows(response) -> list[list]:
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in wb.active.iter_rows(values_only=True)]


def test_the_export_is_masked_scoped_and_audited(world, guard_a, guard_b, staff):
    services.check_in(actor=guard_a, **visit_kwargs(world, visitor_name="=HYPERLINK(1)"))
    services.check_in(actor=guard_b, **visit_kwargs(world, community=world.community_b, room="1-1-101"))
    manager = staff(Role.SECURITY_MANAGER)
    response = login(manager).get("/visitors/register/export.xlsx", {"purpose": "visit"})
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    rows = sheet_rows(response)
    body = rows[3:]
    assert len(body) == 1
    row = body[0]
    assert "=HYPERLINK(1)" in row and "4403**********1234" in row and "139****5678" in row
    assert not any(ID_A in str(cell) for r in rows for cell in r)
    audit = VisitorExport.objects.get()
    assert (audit.actor, audit.rows, audit.filters) == (manager, 1, {"purpose": "visit"})


def test_erased_numbers_export_as_erased(world, guard_a, staff):
    visit = services.check_in(actor=guard_a, **visit_kwargs(world))
    visit.id_masked, visit.id_encrypted, visit.id_digest = "", "", ""
    from django.utils import timezone

    visit.id_erased_at = timezone.now()
    visit.save()
    rows = sheet_rows(login(staff(Role.CENTER_MANAGER)).get("/visitors/register/export.xlsx"))
    assert "已删除" in rows[3]


def test_guards_and_residents_may_not_export(world, guard_a, resident_user_a):
    services.check_in(actor=guard_a, **visit_kwargs(world))
    assert login(guard_a).get("/visitors/register/export.xlsx").status_code == 403
    assert login(resident_user_a).get("/visitors/register/export.xlsx").status_code == 403
    assert VisitorExport.objects.count() == 0
    page = login(guard_a).get("/visitors/register/").content.decode()
    assert "导出 Excel" not in page and "data-print" in page


def test_a_bad_date_is_a_message_not_an_export(world, staff):
    response = login(staff(Role.CS_SUPERVISOR)).get(
        "/visitors/register/export.xlsx", {"from": "2026-02-30"}, follow=True
    )
    assert "日期格式不正确" in response.content.decode()
    assert VisitorExport.objects.count() == 0
