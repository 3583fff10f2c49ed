"""The complaint's written documents and its record form (R-CP-1, R-CP-2, R-CP-6, 002 §12.3): a written
complaint's reply letter, the class-2 facilities report to the developer, the class-3 report to the departments
concerned, each sent and recorded; the customer's signature on a repeat's home visit; the CS supervisor's review
and the manager's sign-off."""

import base64
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.complaints import services
from propdesk.complaints.choices import DeveloperMatter, EventKind, ResponsibilityClass, Validity
from propdesk.complaints.models import Complaint
from propdesk.complaints.models_documents import LetterKind, SendMethod
from propdesk.core.errors import StaleVersion
from propdesk.core.texts import render
from propdesk.testing.clock import shanghai_time as t
from propdesk.testing.factories import DeveloperFactory
from propdesk.tickets.choices import ReplyMethod, Status
from propdesk.tickets.services import ticket_transition

pytestmark = pytest.mark.usefixtures("clock")


def png() -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (30, 12), "white").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def classify(complaint, cast, klass, matter=""):
    return services.complaint_classify(
        actor=cast.reception,
        complaint=complaint,
        responsibility_class=klass,
        developer_matter=matter,
        validity=Validity.VALID,
    )


def test_a_written_complaint_gets_a_reply_letter_and_its_sending_is_recorded(record, cast, clock):
    complaint = record(content="来信：小区东门道闸长期损坏，车辆随意进出", contact_name="王先生")
    complaint = services.complaint_set_facts(actor=cast.reception, complaint=complaint, written=True, reason="业主来信")
    clock.move_to(t(2026, 11, 18, 14))
    letter = services.complaint_letter_write(
        actor=cast.assistant, complaint=complaint, kind=LetterKind.REPLY, body="道闸已于11月18日更换，感谢监督。"
    )
    assert (letter.recipient, letter.written_by, letter.sent_at) == ("王先生", cast.assistant, None)
    clock.move_to(t(2026, 11, 18, 16))
    letter = services.complaint_letter_send(
        actor=cast.clerk, letter=letter, method=SendMethod.POST, note="挂号信 XA123", expected_version=1
    )
    assert (letter.sent_at, letter.sent_method, letter.sent_by, letter.version) == (
        t(2026, 11, 18, 16),
        SendMethod.POST,
        cast.clerk,
        2,
    )
    sent = complaint.events.get(kind=EventKind.LETTER_SENT)
    assert render(sent.reason) == "书面答复函已发出（邮寄），收件人：王先生"
    with pytest.raises(ValidationError, match="已于"):
        services.complaint_letter_send(actor=cast.clerk, letter=letter, method=SendMethod.HAND)


def test_a_written_complaint_is_not_resolved_before_its_reply_letter_is_sent(record, cast, clock):
    complaint = record(content="来信：地库照明长期不亮", contact_name="李女士")
    complaint = services.complaint_set_facts(actor=cast.reception, complaint=complaint, written=True, reason="业主来信")
    ticket = complaint.ticket
    ticket_transition(actor=cast.supervisor, ticket=ticket, to_status=Status.IN_PROGRESS, reason="处理中")
    with pytest.raises(ValidationError) as refused:
        ticket_transition(actor=cast.supervisor, ticket=ticket, to_status=Status.RESOLVED, reason="灯已修好")
    assert refused.value.message_dict == {"status": ["书面投诉须先发出书面答复函，才能办结或关闭"]}
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS

    letter = services.complaint_letter_write(
        actor=cast.assistant, complaint=complaint, kind=LetterKind.REPLY, body="地库照明已于今日修复。"
    )
    with pytest.raises(ValidationError):  # written but not yet sent
        ticket_transition(actor=cast.supervisor, ticket=ticket, to_status=Status.RESOLVED, reason="灯已修好")
    services.complaint_letter_send(actor=cast.clerk, letter=letter, method=SendMethod.HAND)
    ticket_transition(actor=cast.supervisor, ticket=ticket, to_status=Status.RESOLVED, reason="灯已修好")
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED


def test_a_spoken_complaint_gets_no_reply_letter(record, cast):
    complaint = record()
    with pytest.raises(ValidationError) as error:
        services.complaint_letter_write(actor=cast.assistant, complaint=complaint, kind=LetterKind.REPLY, body="答复")
    assert error.value.message_dict == {"kind": ["只有书面投诉需要书面答复函"]}
    assert not complaint.letters.exists()


def test_the_developer_report_is_for_class_two_facilities_and_names_the_developer(record, cast, world):
    world.community_a.developer = DeveloperFactory(company=world.company, name="翠湖置业")
    world.community_a.save(update_fields=["developer"])
    complaint = classify(
        record(content="小区会所游泳池一直没开放"), cast, ResponsibilityClass.DEVELOPER, DeveloperMatter.HOUSING
    )
    with pytest.raises(ValidationError, match="配套设施"):
        services.complaint_letter_write(
            actor=cast.supervisor, complaint=complaint, kind=LetterKind.DEVELOPER, body="请尽快开放"
        )
    complaint = services.complaint_classify(
        actor=cast.supervisor,
        complaint=complaint,
        responsibility_class=ResponsibilityClass.DEVELOPER,
        developer_matter=DeveloperMatter.FACILITIES,
        validity=Validity.VALID,
        reason="属配套设施",
    )
    letter = services.complaint_letter_write(
        actor=cast.supervisor,
        complaint=complaint,
        kind=LetterKind.DEVELOPER,
        body="业主反映会所游泳池未开放，请贵司尽快处理。",
    )
    assert letter.recipient == "翠湖置业 客户服务中心"


def test_the_department_report_is_for_class_three_and_needs_a_recipient(record, cast):
    complaint = classify(record(content="小区外马路施工噪音扰民"), cast, ResponsibilityClass.EXTERNAL)
    with pytest.raises(ValidationError) as error:
        services.complaint_letter_write(actor=cast.manager, complaint=complaint, kind=LetterKind.DEPARTMENT, body="x")
    assert "recipient" in error.value.message_dict
    letter = services.complaint_letter_write(
        actor=cast.manager, complaint=complaint, kind=LetterKind.DEPARTMENT, recipient="区城管局", body="夜间施工扰民"
    )
    services.complaint_letter_send(actor=cast.manager, letter=letter, method=SendMethod.EMAIL)
    assert [e.kind for e in complaint.events.order_by("pk")][-2:] == [EventKind.LETTER_WRITTEN, EventKind.LETTER_SENT]


def test_a_stale_or_foreign_sending_changes_nothing(record, cast):
    complaint = classify(record(content="小区外马路施工噪音扰民"), cast, ResponsibilityClass.EXTERNAL)
    letter = services.complaint_letter_write(
        actor=cast.manager, complaint=complaint, kind=LetterKind.DEPARTMENT, recipient="区城管局", body="夜间施工扰民"
    )
    with pytest.raises(StaleVersion):
        services.complaint_letter_send(actor=cast.manager, letter=letter, method=SendMethod.POST, expected_version=7)
    with pytest.raises(PermissionDenied):
        services.complaint_letter_send(actor=cast.reception_b, letter=letter, method=SendMethod.POST)
    with pytest.raises(ValidationError):
        services.complaint_letter_send(actor=cast.manager, letter=letter, method="pigeon")
    letter.refresh_from_db()
    assert (letter.sent_at, letter.version) == (None, 1)


@pytest.fixture
def repeat(record, cast, clock):
    clock.move_to(t(2026, 11, 18, 10))
    complaint = classify(record(content="垃圾桶三天没清运"), cast, ResponsibilityClass.OUR_SERVICE)
    complaint = services.complaint_assign(actor=cast.supervisor, complaint=complaint)
    ticket_transition(actor=cast.assistant, ticket=complaint.ticket, to_status=Status.RESOLVED, reason="已清运")
    clock.move_to(t(2026, 11, 19, 10))
    return services.complaint_reopen_repeat(
        actor=cast.reception, complaint=Complaint.objects.get(pk=complaint.pk), reason="又堆满了"
    )


def test_the_customer_signs_on_the_home_visit_of_a_repeat(repeat, cast, clock, record):
    clock.move_to(t(2026, 11, 19, 15))
    complaint = services.complaint_home_visit_sign(
        actor=cast.supervisor, complaint=repeat, customer_opinion="已清运，满意", signature=png(), satisfied=True
    )
    assert complaint.customer_signature.name.endswith(".png")
    assert (complaint.signed_at, complaint.customer_opinion, complaint.customer_satisfied) == (
        t(2026, 11, 19, 15),
        "已清运，满意",
        True,
    )
    with pytest.raises(ValidationError, match="已于"):
        services.complaint_home_visit_sign(
            actor=cast.supervisor, complaint=complaint, customer_opinion="x", signature=png()
        )
    other = record(content="楼道灯坏了")
    with pytest.raises(ValidationError, match="有效投诉或重复投诉"):
        services.complaint_home_visit_sign(
            actor=cast.supervisor, complaint=other, customer_opinion="x", signature=png()
        )


def test_a_forged_signature_is_refused(repeat, cast):
    for bad in ("", "data:image/png;base64,AAAA", "data:image/png;base64," + base64.b64encode(b"GIF89a....").decode()):
        with pytest.raises(ValidationError) as error:
            services.complaint_home_visit_sign(
                actor=cast.supervisor, complaint=repeat, customer_opinion="好", signature=bad
            )
        assert "signature" in error.value.message_dict
    repeat.refresh_from_db()
    assert repeat.signed_at is None and not repeat.customer_signature


def test_the_supervisor_reviews_and_the_manager_signs_off_the_record(repeat, cast, clock):
    services.complaint_reply(
        actor=cast.supervisor,
        complaint=repeat,
        method=ReplyMethod.HOME_VISIT,
        content="上门致歉",
        customer_opinion="满意",
    )
    with pytest.raises(ValidationError, match="处理完毕"):
        services.complaint_review(actor=cast.supervisor, complaint=repeat, note="处理得当")
    ticket_transition(actor=cast.supervisor, ticket=repeat.ticket, to_status=Status.RESOLVED, reason="已增加清运频次")
    with pytest.raises(ValidationError, match="请先由客服主管审核"):
        services.complaint_sign_off(actor=cast.manager, complaint=repeat)
    with pytest.raises(PermissionDenied):
        services.complaint_review(actor=cast.assistant, complaint=repeat, note="好")
    clock.move_to(t(2026, 11, 20, 9))
    complaint = services.complaint_review(actor=cast.supervisor, complaint=repeat, note="处理得当，已回访")
    with pytest.raises(PermissionDenied):
        services.complaint_sign_off(actor=cast.supervisor, complaint=complaint)
    clock.move_to(t(2026, 11, 20, 10))
    complaint = services.complaint_sign_off(actor=cast.manager, complaint=complaint, note="同意")
    assert (complaint.reviewed_by, complaint.reviewed_at, complaint.signed_off_by, complaint.signed_off_at) == (
        cast.supervisor,
        t(2026, 11, 20, 9),
        cast.manager,
        t(2026, 11, 20, 10),
    )
    assert list(
        complaint.events.filter(kind__in=[EventKind.REVIEWED, EventKind.SIGNED_OFF]).values_list("kind", flat=True)
    ) == [
        EventKind.REVIEWED,
        EventKind.SIGNED_OFF,
    ]
