"""The complaint record of a complaint ticket (R-CP-1), classification with reasons, the owner by class (R-CP-2)
with the manager's override, written originals (R-IN-7) and the version check."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.communities.models import Developer
from propdesk.complaints import services
from propdesk.complaints.choices import DeveloperMatter, EventKind, ResponsibilityClass, Source, Validity
from propdesk.complaints.models import Complaint, ComplaintEvent
from propdesk.core.errors import StaleVersion
from propdesk.core.texts import render
from propdesk.tickets.choices import Channel, Kind, Priority
from propdesk.tickets.choices import Source as TicketSource
from propdesk.tickets.services import ticket_create

pytestmark = pytest.mark.usefixtures("clock")

ONE, TWO, THREE = ResponsibilityClass.OUR_SERVICE, ResponsibilityClass.DEVELOPER, ResponsibilityClass.EXTERNAL


def kinds(complaint) -> list[str]:
    return list(ComplaintEvent.objects.filter(complaint=complaint).values_list("kind", flat=True))


def snapshot(complaint) -> tuple:
    row = Complaint.objects.get(pk=complaint.pk)
    return (
        row.version,
        row.responsibility_class,
        row.validity,
        row.owner_id,
        row.ticket.assignee_id,
        ComplaintEvent.objects.filter(complaint=row).count(),
    )


# --- the complaint record -------------------------------------------------------------------------------------


def test_a_complaint_ticket_gets_its_complaint_record(record, world, cast):
    complaint = record()
    assert complaint.community == world.community_a
    assert complaint.household == world.household_a
    assert complaint.building == world.household_a.unit.building
    assert complaint.validity == Validity.PENDING and complaint.responsibility_class is None
    assert complaint.source == Source.CUSTOMER and not complaint.written and not complaint.major
    assert kinds(complaint) == [EventKind.CREATED]


def test_other_tickets_get_none(world, cast):
    ticket_create(
        actor=cast.reception,
        kind=Kind.REPAIR,
        content="水管漏水",
        channel=Channel.PHONE,
        household=world.household_a,
        create_work_order=False,
    )
    assert not Complaint.objects.exists()


def test_letters_developer_forwarded_and_urgent_complaints(record):
    letter = record(channel=Channel.LETTER)
    assert letter.written and kinds(letter) == [EventKind.CREATED, EventKind.WRITTEN]
    forwarded = record(source=TicketSource.SUPERIOR, source_detail="开发商客服中心转来")
    assert forwarded.source == Source.DEVELOPER_CS
    assert record(source=TicketSource.SUPERIOR, source_detail="公司品质部").source == Source.SUPERIOR
    assert record(priority=Priority.URGENT).major


def test_complaint_for_opens_a_missing_record_once(world, cast):
    ticket = ticket_create(
        actor=cast.reception,
        kind=Kind.COMPLAINT,
        content="噪音扰民",
        channel=Channel.PHONE,
        household=world.household_a,
        create_work_order=False,
    )
    assert not Complaint.objects.filter(ticket=ticket).exists()
    first = services.complaint_for(ticket)
    assert services.complaint_for(ticket) == first and Complaint.objects.filter(ticket=ticket).count() == 1


# --- classification -----------------------------------------------------------------------------------------


def test_classify_then_change_with_a_reason(record, cast):
    complaint = record()
    complaint = services.complaint_classify(
        actor=cast.reception, complaint=complaint, responsibility_class=ONE, validity=Validity.VALID
    )
    assert (complaint.responsibility_class, complaint.validity) == (ONE, Validity.VALID)
    with pytest.raises(ValidationError) as error:
        services.complaint_classify(actor=cast.reception, complaint=complaint, responsibility_class=THREE)
    assert "reason" in error.value.message_dict
    complaint = services.complaint_classify(
        actor=cast.reception, complaint=complaint, responsibility_class=THREE, reason="经核实为市政供水问题"
    )
    change = ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.RECLASSIFIED).get()
    assert change.reason == "经核实为市政供水问题"
    assert (change.data["from_class"], change.data["to_class"]) == (ONE, THREE)
    assert kinds(complaint).count(EventKind.CLASSIFIED) == 1


@pytest.mark.parametrize(
    ("klass", "matter", "validity", "field"),
    [
        (4, "", "valid", "responsibility_class"),
        (None, "", "valid", "responsibility_class"),
        (TWO, "", "valid", "developer_matter"),
        (ONE, DeveloperMatter.HOUSING, "valid", "developer_matter"),
        (ONE, "", "maybe", "validity"),
    ],
)
def test_bad_classification_is_refused_and_changes_nothing(record, cast, klass, matter, validity, field):
    complaint = record()
    before = snapshot(complaint)
    with pytest.raises(ValidationError) as error:
        services.complaint_classify(
            actor=cast.reception,
            complaint=complaint,
            responsibility_class=klass,
            developer_matter=matter,
            validity=validity,
        )
    assert field in error.value.message_dict
    assert snapshot(complaint) == before


def test_a_stale_version_is_refused(record, cast):
    complaint = record()
    services.complaint_classify(actor=cast.reception, complaint=complaint, responsibility_class=ONE)
    with pytest.raises(StaleVersion):
        services.complaint_classify(
            actor=cast.reception, complaint=complaint, responsibility_class=THREE, reason="改", expected_version=1
        )


def test_other_centers_and_field_staff_may_not_classify(record, cast, staff):
    complaint = record()
    before = snapshot(complaint)
    for user in (cast.reception_b, cast.clerk, staff("technician")):
        with pytest.raises(PermissionDenied):
            services.complaint_classify(actor=user, complaint=complaint, responsibility_class=ONE)
    assert snapshot(complaint) == before


# --- owner by class -----------------------------------------------------------------------------------------


def test_class_one_suggests_the_least_busy_cs_assistant(record, cast, staff):
    second = staff("cs_assistant", username="assistant-2")
    busy = services.complaint_classify(actor=cast.reception, complaint=record(), responsibility_class=ONE)
    busy = services.complaint_assign(actor=cast.supervisor, complaint=busy)
    assert busy.owner == cast.assistant
    complaint = services.complaint_classify(actor=cast.reception, complaint=record(), responsibility_class=ONE)
    assert complaint.suggested_owner == second
    assert "客服助理" in render(complaint.suggestion_reason)


def test_class_two_housing_goes_to_the_supervisor_with_the_buildings_developer(record, world, cast):
    developer = Developer.objects.create(
        company=world.company, name="万科地产", cs_center_contact="李经理", cs_center_phone="0755-88886666"
    )
    building = world.household_a.unit.building
    building.developer = developer
    building.save()
    complaint = services.complaint_classify(
        actor=cast.reception,
        complaint=record(),
        responsibility_class=TWO,
        developer_matter=DeveloperMatter.HOUSING,
        validity=Validity.ASSISTED,
    )
    assert complaint.suggested_owner == cast.supervisor
    reason = render(complaint.suggestion_reason)
    assert "房屋质量" in reason and "万科地产" in reason and "李经理" in reason and "0755-88886666" in reason
    assert services.developer_of(complaint) == developer
    complaint = services.complaint_assign(actor=cast.supervisor, complaint=complaint)
    assert complaint.owner == cast.supervisor and complaint.ticket.assignee == cast.supervisor
    assert EventKind.OWNER_SET in kinds(complaint)


def test_class_two_facilities_names_the_written_report(record, cast):
    complaint = services.complaint_classify(
        actor=cast.reception, complaint=record(), responsibility_class=TWO, developer_matter=DeveloperMatter.FACILITIES
    )
    assert complaint.suggested_owner == cast.supervisor
    assert "书面报告开发商" in render(complaint.suggestion_reason)
    assert "主数据未登记开发商" in render(complaint.suggestion_reason)


def test_class_three_owner_is_named_by_the_manager(record, cast):
    complaint = services.complaint_classify(actor=cast.reception, complaint=record(), responsibility_class=THREE)
    assert complaint.suggested_owner is None
    assert "经理指定" in render(complaint.suggestion_reason)
    with pytest.raises(ValidationError):
        services.complaint_assign(actor=cast.manager, complaint=complaint)  # nobody suggested: name someone
    with pytest.raises(PermissionDenied):
        services.complaint_assign(actor=cast.supervisor, complaint=complaint, owner=cast.assistant)
    complaint = services.complaint_assign(actor=cast.manager, complaint=complaint, owner=cast.assistant)
    assert complaint.owner == cast.assistant and complaint.ticket.assignee == cast.assistant


def test_only_the_manager_overrides_the_suggestion_with_a_reason(record, cast):
    complaint = services.complaint_classify(actor=cast.reception, complaint=record(), responsibility_class=ONE)
    before = snapshot(complaint)
    with pytest.raises(PermissionDenied):
        services.complaint_assign(actor=cast.supervisor, complaint=complaint, owner=cast.supervisor, reason="我来")
    with pytest.raises(ValidationError) as error:
        services.complaint_assign(actor=cast.manager, complaint=complaint, owner=cast.supervisor)
    assert "reason" in error.value.message_dict
    assert snapshot(complaint) == before
    complaint = services.complaint_assign(
        actor=cast.manager, complaint=complaint, owner=cast.supervisor, reason="业主点名要求主管处理"
    )
    assert complaint.owner == cast.supervisor and complaint.owner_overridden
    assert (
        ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.OWNER_OVERRIDDEN).reason
        == "业主点名要求主管处理"
    )


def test_an_unclassified_complaint_has_no_owner_and_outsiders_cannot_own(record, cast):
    complaint = record()
    with pytest.raises(ValidationError):
        services.complaint_assign(actor=cast.manager, complaint=complaint, owner=cast.assistant)
    complaint = services.complaint_classify(actor=cast.reception, complaint=complaint, responsibility_class=THREE)
    with pytest.raises(ValidationError) as error:
        services.complaint_assign(actor=cast.manager, complaint=complaint, owner=cast.reception_b)
    assert "owner" in error.value.message_dict


# --- written originals and facts ----------------------------------------------------------------------------


def test_the_records_clerk_files_a_letters_original_once(record, cast):
    letter = record(channel=Channel.LETTER)
    with pytest.raises(PermissionDenied):
        services.complaint_file_original(actor=cast.reception, complaint=letter, archive_no="TS-2026-001")
    letter = services.complaint_file_original(actor=cast.clerk, complaint=letter, archive_no="TS-2026-001")
    assert letter.original_filed_by == cast.clerk and letter.original_archive_no == "TS-2026-001"
    assert "TS-2026-001" in render(ComplaintEvent.objects.get(complaint=letter, kind=EventKind.ORIGINAL_FILED).reason)
    with pytest.raises(ValidationError):
        services.complaint_file_original(actor=cast.clerk, complaint=letter, archive_no="again")
    with pytest.raises(ValidationError):
        services.complaint_file_original(actor=cast.clerk, complaint=record(), archive_no="X")


def test_facts_are_corrected_with_a_reason(record, cast):
    complaint = record()
    with pytest.raises(ValidationError):
        services.complaint_set_facts(actor=cast.reception, complaint=complaint, written=True)
    with pytest.raises(ValidationError):
        services.complaint_set_facts(actor=cast.reception, complaint=complaint, source="mars", reason="x")
    complaint = services.complaint_set_facts(
        actor=cast.reception,
        complaint=complaint,
        written=True,
        source=Source.DEVELOPER_CS,
        reason="业主来信，开发商客服转来",
    )
    assert complaint.written and complaint.source == Source.DEVELOPER_CS
    assert kinds(complaint)[-2:] == [EventKind.WRITTEN, EventKind.SOURCE]
