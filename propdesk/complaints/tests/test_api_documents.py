"""The document endpoints: letters drafted and sent, the record's signature, review and sign-off, the register's
export with its filters, the collective-complaint window; scope (404), stale versions (409), bad input (4xx)."""

import io

import pytest
from openpyxl import load_workbook

from propdesk.api.tests.conftest import bearer
from propdesk.complaints.models import Complaint, ComplaintExport, ComplaintLetter, ComplaintSettings
from propdesk.complaints.tests.test_documents import png
from propdesk.testing.clock import shanghai_time as local
from propdesk.tickets.choices import Status
from propdesk.tickets.services import ticket_transition

API = "/api/v1/complaints"

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture(autouse=True)
def at_ten(clock):
    clock.move_to(local(2026, 11, 18, 10))


def test_a_letter_is_drafted_and_its_sending_recorded(record, cast, clock):
    complaint = record(content="来信：东门道闸坏了", contact_name="王先生")
    api = bearer(cast.assistant)
    refused = api.post(f"{API}/{complaint.pk}/letters", {"kind": "reply", "body": "已更换"})
    assert refused.status_code == 422 or refused.status_code == 400
    api.post(f"{API}/{complaint.pk}/facts", {"written": True, "reason": "来信"})
    body = api.post(f"{API}/{complaint.pk}/letters", {"kind": "reply", "body": "已更换"}).json()
    assert (body["recipient"], body["sent_at"], body["print_url"]) == (
        "王先生",
        None,
        f"/complaints/{complaint.pk}/letters/{body['id']}/",
    )
    stale = api.post(f"{API}/{complaint.pk}/letters/{body['id']}/sent", {"method": "post", "expected_version": 9})
    assert stale.status_code == 409
    clock.move_to(local(2026, 11, 18, 11))
    sent = api.post(f"{API}/{complaint.pk}/letters/{body['id']}/sent", {"method": "post", "note": "挂号信"}).json()
    assert (sent["sent_method"], sent["sent_at"][:16], sent["version"]) == ("post", "2026-11-18T11:00", 2)
    assert [x["id"] for x in api.get(f"{API}/{complaint.pk}/letters").json()] == [body["id"]]
    assert bearer(cast.reception_b).get(f"{API}/{complaint.pk}/letters").status_code == 404
    bad = api.post(f"{API}/{complaint.pk}/letters", {"kind": "pigeon", "body": "x"})
    assert bad.status_code == 422 and ComplaintLetter.objects.count() == 1


def test_signature_review_and_sign_off(record, cast):
    complaint = record(content="垃圾桶三天没清运")
    api = bearer(cast.supervisor)
    api.post(f"{API}/{complaint.pk}/classify", {"responsibility_class": 1, "validity": "valid"})
    forged = api.post(f"{API}/{complaint.pk}/signature", {"customer_opinion": "好", "signature": "data:x"})
    assert forged.status_code == 400 or forged.status_code == 422
    body = api.post(
        f"{API}/{complaint.pk}/signature", {"customer_opinion": "满意", "satisfied": True, "signature": png()}
    ).json()
    assert body["signed_at"] is not None and body["customer_satisfied"] is True
    ticket_transition(actor=cast.supervisor, ticket=complaint.ticket, to_status=Status.RESOLVED, reason="已清运")
    assert bearer(cast.manager).post(f"{API}/{complaint.pk}/sign-off", {}).status_code in (400, 422)
    assert bearer(cast.assistant).post(f"{API}/{complaint.pk}/review", {"note": "好"}).status_code == 403
    reviewed = api.post(f"{API}/{complaint.pk}/review", {"note": "处理及时"}).json()
    assert reviewed["reviewed_by"]["id"] == cast.supervisor.pk
    done = bearer(cast.manager).post(f"{API}/{complaint.pk}/sign-off", {"note": "同意"}).json()
    assert (done["signed_off_by"]["id"], done["sign_off_note"]) == (cast.manager.pk, "同意")


def test_the_export_takes_the_register_filters(record, cast):
    one = record(content="垃圾桶三天没清运", contact_phone="13812345678")
    record(content="楼道灯坏了")
    bearer(cast.reception).post(f"{API}/{one.pk}/classify", {"responsibility_class": 1, "validity": "valid"})
    assert bearer(cast.reception).get(f"{API}/export.xlsx").status_code == 403
    response = bearer(cast.manager).get(f"{API}/export.xlsx", {"validity": "valid"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [r[0] for r in rows] == [one.ticket.number] and "138****5678" in rows[0]
    audit = ComplaintExport.objects.get()
    assert (audit.actor, audit.rows, audit.filters) == (cast.manager, 1, {"validity": "valid"})


def test_the_manager_sets_the_collective_window(cast, world):
    api = bearer(cast.manager)
    assert api.get(f"{API}/settings").json() == [
        {"service_center_id": world.center_a.pk, "collective_window_minutes": 1440}
    ]
    body = api.post(f"{API}/settings/{world.center_a.pk}", {"collective_window_minutes": 120}).json()
    assert body == {"service_center_id": world.center_a.pk, "collective_window_minutes": 120}
    assert api.post(f"{API}/settings/{world.center_a.pk}", {"collective_window_minutes": 5}).status_code == 422
    assert api.post(f"{API}/settings/{world.center_b.pk}", {"collective_window_minutes": 60}).status_code == 404
    assert (
        bearer(cast.supervisor)
        .post(f"{API}/settings/{world.center_a.pk}", {"collective_window_minutes": 60})
        .status_code
        == 404
    )
    assert ComplaintSettings.objects.get().collective_window_minutes == 120
    assert Complaint.objects.count() == 0
