"""Front-desk endpoints: recording interactions, the call/visit log and the household lookup (phones masked)."""

import pytest

from propdesk.core.masking import mask_phone
from propdesk.intake.models import Interaction
from propdesk.testing.factories import BuildingFactory, HouseholdFactory, ResidentFactory, UnitFactory
from propdesk.tickets.choices import Kind
from propdesk.tickets.models import Ticket
from propdesk.tickets.services import ticket_create

from .conftest import ApiClient, bearer

INTERACTIONS = "/api/v1/interactions"
LOOKUP = "/api/v1/lookup"


def consultation(world, **extra) -> dict:
    return {
        "kind": "consultation",
        "content": "停车月卡怎么办理？",
        "channel": "phone",
        "community_id": world.community_a.pk,
        "outcome_note": "已告知到服务中心办理",
        **extra,
    }


# --- recording -------------------------------------------------------------------------------------------------


def test_record_an_answered_consultation(api_a, receptionist_a, world):
    # when
    response = api_a.post(INTERACTIONS, consultation(world, caller_name="王女士", caller_phone="13900001234"))

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    interaction = Interaction.objects.get()
    assert body["id"] == interaction.pk
    assert (body["kind"], body["channel"], body["outcome"], body["ticket"]) == (
        "consultation",
        "phone",
        "answered",
        None,
    )
    assert body["community"] == {"id": world.community_a.pk, "name": "翠湖花园"}
    assert (body["caller_name"], body["caller_phone"]) == ("王女士", "139****1234")
    assert body["received_by"] == {"id": interaction.received_by_id, "name": "reception-a"}
    assert interaction.caller_phone == "13900001234"
    assert not Ticket.objects.exists()


def test_a_repair_call_becomes_a_ticket(api_a, world):
    # when
    response = api_a.post(
        INTERACTIONS,
        {"kind": "repair", "content": "卫生间漏水", "channel": "phone", "resident_id": world.resident_a.pk},
    )

    # then
    assert response.status_code == 201
    body = response.json()
    ticket = Ticket.objects.get()
    assert body["outcome"] == "ticket"
    assert body["ticket"] == {"id": ticket.pk, "number": ticket.number}
    assert body["caller_phone"] == "138****5678"
    assert body["unit"]["label"] == "3栋2单元1202"


def test_a_call_about_an_open_ticket_follows_it_up(api_a, receptionist_a, world):
    # given
    ticket = ticket_create(
        actor=receptionist_a, kind=Kind.REPAIR, content="漏水", channel="phone", household=world.household_a
    )

    # when
    response = api_a.post(
        INTERACTIONS,
        {
            "kind": "repair",
            "content": "催一下师傅",
            "channel": "phone",
            "household_id": world.household_a.pk,
            "follow_up_id": ticket.pk,
        },
    )

    # then
    assert response.status_code == 201
    assert response.json()["outcome"] == "follow_up"
    assert response.json()["ticket"]["id"] == ticket.pk
    assert Ticket.objects.count() == 1


def test_an_instruction_for_the_whole_center(api_a, world):
    # when
    response = api_a.post(
        INTERACTIONS,
        {
            "kind": "feedback",
            "content": "公司要求本周检查消防通道",
            "channel": "superior",
            "source": "superior",
            "service_center_id": world.center_a.pk,
            "create_ticket": False,
            "outcome": "recorded",
        },
    )

    # then: feedback must become a ticket, and a ticket needs a community
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["kind"]

    # when: a suggestion for the whole center is only recorded
    response = api_a.post(
        INTERACTIONS,
        {
            "kind": "suggestion",
            "content": "建议延长服务时间",
            "channel": "superior",
            "source": "superior",
            "service_center_id": world.center_a.pk,
            "outcome": "recorded",
        },
    )

    # then
    assert response.status_code == 201
    assert (response.json()["community"], response.json()["outcome"]) == (None, "recorded")


def test_refs_outside_the_callers_scope_are_refused(api_b, receptionist_a, world):
    # given
    ticket = ticket_create(
        actor=receptionist_a, kind=Kind.REPAIR, content="漏水", channel="phone", household=world.household_a
    )

    # when
    other_center = api_b.post(
        INTERACTIONS,
        {
            "kind": "suggestion",
            "content": "x",
            "channel": "phone",
            "service_center_id": world.center_a.pk,
            "outcome": "recorded",
        },
    )
    other_ticket = api_b.post(
        INTERACTIONS,
        {
            "kind": "repair",
            "content": "x",
            "channel": "phone",
            "household_id": world.household_b.pk,
            "follow_up_id": ticket.pk,
        },
    )

    # then
    assert other_center.status_code == 400
    assert other_center.json()["errors"] == [{"field": "service_center_id", "message": "服务中心不存在或您无权访问"}]
    assert other_ticket.status_code == 400
    assert other_ticket.json()["errors"] == [{"field": "follow_up_id", "message": "工单不存在或您无权访问"}]
    assert not Interaction.objects.exists()


def test_field_staff_may_not_record_calls(technician_a, world):
    # when
    response = bearer(technician_a).post(INTERACTIONS, consultation(world))

    # then
    assert response.status_code == 403
    assert response.json() == {"detail": "您不能为该小区登记来电来访", "errors": []}
    assert not Interaction.objects.exists()


def test_an_answered_call_needs_the_answer(api_a, world):
    # when
    response = api_a.post(INTERACTIONS, consultation(world, outcome_note=""))

    # then
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "outcome_note", "message": "当场答复的，请填写答复内容"}]


# --- the log ---------------------------------------------------------------------------------------------------


def test_the_log_paginates_filters_and_is_scoped(api_a, api_b, technician_a, world):
    # given
    for i in range(3):
        assert api_a.post(INTERACTIONS, consultation(world, content=f"咨询{i}")).status_code == 201
    assert api_a.post(INTERACTIONS, consultation(world, channel="visit")).status_code == 201

    # when
    page = api_a.get(INTERACTIONS, {"limit": 2, "offset": 1})
    visits = api_a.get(INTERACTIONS, {"channel": "visit"})

    # then
    assert page.status_code == 200
    assert page.json()["count"] == 4
    assert len(page.json()["items"]) == 2
    assert visits.json()["count"] == 1
    assert api_a.get(INTERACTIONS, {"community_id": world.community_b.pk}).json()["count"] == 0
    assert api_a.get(INTERACTIONS, {"kind": "repair"}).json()["count"] == 0
    assert api_b.get(INTERACTIONS).json() == {"count": 0, "count_exact": True, "items": []}
    assert bearer(technician_a).get(INTERACTIONS).json()["count"] == 0


def test_the_log_query_count_does_not_depend_on_page_size(django_assert_num_queries, api_a, world):
    # given
    for i in range(8):
        assert (
            api_a.post(
                INTERACTIONS,
                {"kind": "repair", "content": f"报修{i}", "channel": "phone", "household_id": world.household_a.pk},
            ).status_code
            == 201
        )

    # when / then
    with django_assert_num_queries(8):
        small = api_a.get(INTERACTIONS, {"limit": 2})
    with django_assert_num_queries(8):
        large = api_a.get(INTERACTIONS, {"limit": 50})
    assert (len(small.json()["items"]), len(large.json()["items"])) == (2, 8)


# --- lookup ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["13812345678", "1381234", "3-2-1202", "3栋2单元1202", "张伟"])
def test_lookup_finds_the_household_and_masks_phones(api_a, receptionist_a, world, query):
    # given
    ResidentFactory(household=world.household_a, name="张小伟", phone="13612340000", id_number="110105194912310021")
    ticket_create(actor=receptionist_a, kind=Kind.REPAIR, content="漏水", channel="phone", household=world.household_a)

    # when
    response = api_a.get(LOOKUP, {"q": query})

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["truncated"] is False
    assert body["query"] == (mask_phone(query) if query.isdigit() and len(query) >= 7 else query)
    assert [h["id"] for h in body["households"]] == [world.household_a.pk]
    household = body["households"][0]
    assert household["unit"]["label"] == "3栋2单元1202"
    assert {(r["name"], r["phone"]) for r in household["residents"]} == {
        ("张伟", "138****5678"),
        ("张小伟", "136****0000"),
    }
    assert household["open_ticket_total"] == 1
    text = response.content.decode("unicode_escape")
    for secret in ("13812345678", "13612340000", "11010519491231002X", "110105194912310021"):
        assert secret not in text
    assert "id_number" not in text


def test_lookup_is_scoped_and_for_the_desk_only(api_b, technician_a, resident_user, world):
    # then: center B finds nothing of center A
    assert api_b.get(LOOKUP, {"q": "13812345678"}).json()["households"] == []

    # then: field staff and residents may not use it
    assert bearer(technician_a).get(LOOKUP, {"q": "13812345678"}).status_code == 403
    api = ApiClient()
    api.client.force_login(resident_user)
    assert api.get(LOOKUP, {"q": "13812345678"}).status_code == 403


def test_lookup_says_when_there_are_more_households(api_a, world):
    # given: more households than the lookup returns, all with the same number 1202
    for i in range(11):
        unit = UnitFactory(building=BuildingFactory(community=world.community_a, name=f"{i + 20}栋"), number="1202")
        HouseholdFactory(unit=unit)

    # when
    response = api_a.get(LOOKUP, {"q": "1202"})

    # then
    assert response.json()["truncated"] is True
    assert len(response.json()["households"]) == 10
