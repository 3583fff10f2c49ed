"""The document pages: a reply letter drafted on the complaint page, printed with the center's seal and its
sending recorded; the record form with the customer's on-screen signature, the review and the sign-off; the
register's .xlsx export (phones masked, audited) and print view keeping the page's filters."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl import load_workbook

from propdesk.complaints import services
from propdesk.complaints.choices import ResponsibilityClass, Validity
from propdesk.complaints.models import Complaint, ComplaintExport, ComplaintLetter
from propdesk.complaints.tests.test_documents import png
from propdesk.demo.seal import seal_png
from propdesk.testing.clock import shanghai_time as t
from propdesk.tickets.choices import Status
from propdesk.tickets.services import ticket_transition

pytestmark = pytest.mark.usefixtures("clock")


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


@pytest.fixture
def letter_case(record, cast, world):
    world.center_a.seal.save("seal.png", ContentFile(seal_png(120)), save=True)
    complaint = record(content="来信反映东门道闸损坏", contact_name="王先生")
    return services.complaint_set_facts(actor=cast.reception, complaint=complaint, written=True, reason="来信")


def test_a_reply_letter_is_drafted_printed_with_the_seal_and_sent(letter_case, cast, client, clock):
    client.force_login(cast.assistant)
    detail = client.get(reverse("complaints:detail", args=[letter_case.pk])).content.decode()
    assert "拟写文书" in detail and "书面答复函" in detail
    response = client.post(
        reverse("complaints:letter_write", args=[letter_case.pk]),
        {"kind": "reply", "recipient": "", "body": "道闸已更换。\n感谢监督。", "version": letter_case.version},
        follow=True,
    )
    letter = ComplaintLetter.objects.get()
    page = response.content.decode()
    assert "尊敬的王先生" in page and "道闸已更换。" in page and "data:image/png;base64," in page
    assert "记录发出" in page
    clock.move_to(t(2026, 11, 18, 15))
    response = client.post(
        reverse("complaints:letter_send", args=[letter_case.pk, letter.pk]),
        {"method": "hand", "sent_at": "", "note": "业主本人签收", "version": letter.version},
        follow=True,
    )
    letter.refresh_from_db()
    assert (letter.sent_at, letter.sent_method, letter.sent_by) == (t(2026, 11, 18, 15), "hand", cast.assistant)
    assert "已记录发出" in _messages(response)
    assert "当面递交" in response.content.decode()


def test_a_letter_of_the_wrong_kind_is_a_message_and_nothing(record, cast, client):
    complaint = record()
    client.force_login(cast.assistant)
    response = client.post(
        reverse("complaints:letter_write", args=[complaint.pk]),
        {"kind": "reply", "body": "答复", "version": complaint.version},
        follow=True,
    )
    assert "只有书面投诉需要书面答复函" in _messages(response)
    assert not ComplaintLetter.objects.exists()


def test_another_centers_letter_is_not_found(letter_case, cast, client):
    letter = services.complaint_letter_write(actor=cast.assistant, complaint=letter_case, kind="reply", body="答复")
    client.force_login(cast.reception_b)
    assert client.get(reverse("complaints:letter", args=[letter_case.pk, letter.pk])).status_code == 404
    response = client.post(reverse("complaints:letter_send", args=[letter_case.pk, letter.pk]), {"method": "post"})
    assert response.status_code == 404
    letter.refresh_from_db()
    assert letter.sent_at is None


@pytest.fixture
def visited(record, cast, clock):
    complaint = record(content="垃圾桶三天没清运", contact_phone="13812345678")
    complaint = services.complaint_classify(
        actor=cast.reception,
        complaint=complaint,
        responsibility_class=ResponsibilityClass.OUR_SERVICE,
        validity=Validity.VALID,
    )
    return complaint


def test_the_record_form_takes_the_signature_review_and_sign_off(visited, cast, client):
    client.force_login(cast.supervisor)
    page = client.get(reverse("complaints:record_sign", args=[visited.pk])).content.decode()
    assert 'id="signature-pad"' in page and 'id="finish-form"' in page
    client.post(
        reverse("complaints:record_sign", args=[visited.pk]),
        {"customer_opinion": "满意", "satisfied": "yes", "signature": png(), "version": visited.version},
    )
    complaint = Complaint.objects.get(pk=visited.pk)
    assert complaint.signed_at is not None and complaint.customer_satisfied is True
    ticket_transition(actor=cast.supervisor, ticket=complaint.ticket, to_status=Status.RESOLVED, reason="已清运")
    client.post(
        reverse("complaints:act", args=[visited.pk, "review"]), {"note": "处理及时", "version": complaint.version}
    )
    client.force_login(cast.manager)
    complaint.refresh_from_db()
    client.post(reverse("complaints:act", args=[visited.pk, "signoff"]), {"note": "同意", "version": complaint.version})
    complaint.refresh_from_db()
    assert (complaint.reviewed_by, complaint.signed_off_by) == (cast.supervisor, cast.manager)
    sheet = client.get(reverse("complaints:record", args=[visited.pk])).content.decode()
    assert "客户投诉记录表" in sheet and 'class="sig-img"' in sheet and "处理及时" in sheet
    assert "13812345678" not in sheet and "138****5678" in sheet


def test_a_sign_without_a_signature_is_refused(visited, cast, client):
    client.force_login(cast.supervisor)
    response = client.post(
        reverse("complaints:record_sign", args=[visited.pk]),
        {"customer_opinion": "满意", "signature": "", "version": visited.version},
        follow=True,
    )
    assert "请客户在屏幕上签名" in _messages(response)
    assert Complaint.objects.get(pk=visited.pk).signed_at is None


def test_the_export_keeps_the_filters_masks_phones_and_is_audited(record, cast, client, world):
    valid = record(content="垃圾桶三天没清运", contact_phone="13812345678")
    services.complaint_classify(actor=cast.reception, complaint=valid, responsibility_class=1, validity=Validity.VALID)
    record(content='=HYPERLINK("x") 楼道灯坏了')
    client.force_login(cast.reception)
    assert client.get(reverse("complaints:export")).status_code == 403
    client.force_login(cast.supervisor)
    register = client.get(reverse("complaints:list") + "?validity=valid").content.decode()
    assert "export.xlsx?validity=valid" in register
    response = client.get(reverse("complaints:export") + "?validity=valid")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert len(values) == 4  # title, who/when, headers, the one valid complaint
    assert "138****5678" in values[3] and "13812345678" not in str(values)
    audit = ComplaintExport.objects.get()
    assert (audit.actor, audit.rows, audit.filters) == (cast.supervisor, 1, {"validity": "valid"})


def test_the_print_view_keeps_the_filters(record, cast, client):
    valid = record(content="垃圾桶三天没清运")
    services.complaint_classify(actor=cast.reception, complaint=valid, responsibility_class=1, validity=Validity.VALID)
    other = record(content="楼道灯坏了")
    client.force_login(cast.reception)
    page = client.get(reverse("complaints:print") + "?validity=valid").content.decode()
    assert valid.ticket.number in page and other.ticket.number not in page
    assert "有效投诉" in page and "共 1 条" in page
