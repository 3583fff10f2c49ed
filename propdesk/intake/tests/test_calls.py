"""The incoming-call hook (R-CV-1): the phone system reports ring, answer and hang-up on an extension
(authenticated by a shared token); the receptionist at that extension sees the caller's household, open
requests and desk notes pop up on the desk; the record made for the call keeps its start, end and
recording."""

import datetime as dt

import pytest
from django.urls import reverse

from propdesk.core.models import Event
from propdesk.intake import desk_notes
from propdesk.intake.calls import call_event
from propdesk.intake.desk_notes import DeskNote
from propdesk.intake.models import Call, Interaction
from propdesk.org.choices import Role
from propdesk.testing.roles import role_user
from propdesk.tickets.tests.helpers import local, new_ticket

TOKEN = "pbx-shared-token"
RING = local(2026, 10, 12, 9, 30)
HOOK = "/desk/calls/hook/"
CURRENT = "/desk/calls/current/"

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture(autouse=True)
def hook_settings(settings, clock):
    settings.PROPDESK_CALL_HOOK_TOKEN = TOKEN
    clock.move_to(RING)
    return settings


@pytest.fixture
def desk_a(reception_a):
    reception_a.staff_profile.extension = "8001"
    reception_a.staff_profile.save(update_fields=["extension"])
    return reception_a


@pytest.fixture
def outage_note(monkeypatch):
    """Another app's desk note about the caller's building (as the notices app gives for an outage)."""

    def water_off(*, user, households, now):
        return {
            h.pk: [DeskNote(title="停水 今天 14:00–18:00", text="二次供水水箱清洗", level="warning", kind="outage")]
            for h in households
        }

    monkeypatch.setattr(desk_notes, "_providers", [water_off])


def post(client, data, **headers):
    return client.post(HOOK, data, **headers)


def bearer(token=TOKEN):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


# ----------------------------------------------------------------------------- the hook


@pytest.mark.parametrize(
    ("headers", "query"),
    [({}, ""), (bearer("wrong"), ""), ({}, "?token=wrong"), ({"HTTP_X_PROPDESK_TOKEN": "nope"}, "")],
)
def test_the_hook_refuses_a_missing_or_wrong_token(client, desk_a, headers, query):
    answer = client.post(HOOK + query, {"event": "ring", "call_id": "c1", "extension": "8001"}, **headers)
    assert answer.status_code == 403
    assert not Call.objects.exists()


def test_the_hook_is_off_while_no_token_is_configured(client, desk_a, hook_settings):
    hook_settings.PROPDESK_CALL_HOOK_TOKEN = ""
    answer = client.post(HOOK + "?token=", {"event": "ring", "call_id": "c1", "extension": "8001"})
    assert answer.status_code == 403


@pytest.mark.parametrize("how", ["bearer", "query", "header", "json"])
def test_the_hook_accepts_the_token_as_header_or_query_and_form_or_json(client, desk_a, how):
    data = {"event": "ring", "call_id": "1733000000.42", "extension": "8001", "caller": "13812345678"}
    if how == "bearer":
        answer = client.post(HOOK, data, **bearer())
    elif how == "query":
        answer = client.post(f"{HOOK}?token={TOKEN}", data)
    elif how == "header":
        answer = client.post(HOOK, data, HTTP_X_PROPDESK_TOKEN=TOKEN)
    else:
        answer = client.post(HOOK, data, content_type="application/json", **bearer())
    assert answer.status_code == 200, answer.content
    call = Call.objects.get()
    assert answer.json() == {"call": call.pk, "state": "ringing", "agent": True}
    assert (call.agent, call.caller_phone, call.rang_at) == (desk_a, "13812345678", RING)


def test_ring_answer_hangup_record_the_call_once_each(client, desk_a, clock):
    post(client, {"event": "ring", "call_id": "c1", "extension": "8001", "caller": "13812345678"}, **bearer())
    post(client, {"event": "ring", "call_id": "c1", "extension": "8001"}, **bearer())  # repeated: no change
    clock.shift(dt.timedelta(seconds=6))
    post(client, {"event": "answer", "call_id": "c1"}, **bearer())
    clock.shift(dt.timedelta(minutes=3))
    post(client, {"event": "hangup", "call_id": "c1", "recording": "monitor/2026/10/12/c1.wav"}, **bearer())

    call = Call.objects.get()
    assert (call.state, call.rang_at, call.answered_at, call.ended_at, call.recording_ref) == (
        "ended",
        RING,
        RING + dt.timedelta(seconds=6),
        RING + dt.timedelta(minutes=3, seconds=6),
        "monitor/2026/10/12/c1.wav",
    )
    assert call.service_center_id == desk_a.staff_profile.department.service_center_id
    verbs = list(Event.objects.filter(verb__startswith="call.").order_by("id").values_list("verb", flat=True))
    assert verbs == ["call.ring", "call.answer", "call.hangup"]


def test_events_out_of_order_and_asterisk_names_are_understood(desk_a):
    call = call_event(event="Hangup", call_id="c9", extension="8001", caller="13812345678")
    assert (call.state, call.ended_at, call.answered_at) == ("ended", RING, None)  # a missed call
    call = call_event(event="DialBegin", call_id="c9")
    assert (call.state, call.rang_at) == ("ended", RING)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"event": "transfer", "call_id": "c1", "extension": "8001"}, "未知的呼叫事件"),
        ({"event": "ring", "extension": "8001"}, "缺少呼叫编号"),
        ({"event": "ring", "call_id": "c1"}, "缺少分机号"),
        ({"event": "ring", "call_id": "c1", "extension": "8001", "at": "yesterday-ish"}, "unreadable"),
    ],
)
def test_bad_events_are_a_clear_400(client, desk_a, data, message):
    answer = post(client, data, **bearer())
    assert answer.status_code == 400
    assert message in answer.json()["detail"]


def test_a_call_to_an_extension_nobody_holds_is_kept_without_an_agent(client, desk_a):
    answer = post(client, {"event": "ring", "call_id": "c2", "extension": "8999", "caller": "13900000000"}, **bearer())
    assert answer.json()["agent"] is False
    assert Call.objects.get().agent is None


# ----------------------------------------------------------------------------- the pop-up


def test_the_desk_polls_for_calls_only_at_an_extension(client, desk_a, reception_b):
    client.force_login(desk_a)
    page = client.get(reverse("intake:desk")).content.decode()
    assert 'hx-get="/desk/calls/current/"' in page and 'hx-trigger="every 500ms"' in page

    client.force_login(reception_b)
    assert "/desk/calls/current/" not in client.get(reverse("intake:desk")).content.decode()


def test_a_ringing_call_pops_up_the_callers_household_open_requests_and_outages(client, world, desk_a, outage_note):
    ticket = new_ticket(desk_a, household=world.household_a)
    client.force_login(desk_a)
    assert client.get(CURRENT, {"shown": ""}).status_code == 204  # nothing yet

    call_event(event="ring", call_id="c1", extension="8001", caller="13812345678")
    answer = client.get(CURRENT, {"shown": ""})

    assert answer.status_code == 200
    html = answer.content.decode()
    assert "来电" in html and "138****5678" in html and "13812345678" not in html
    assert "3栋2单元1202" in html and "张伟" in html  # the household and its people
    assert ticket.number in html  # its open request
    assert "停水 今天 14:00–18:00" in html  # the other app's note
    call = Call.objects.get()
    assert f'name="call" value="{call.pk}" form="record-form"' in html
    assert f'value="{call.pk}:ringing"' in html

    # polled again with what it shows: nothing new
    assert client.get(CURRENT, {"shown": f"{call.pk}:ringing"}).status_code == 204
    # answered: the banner changes, the lookup is not repeated
    call_event(event="answer", call_id="c1")
    again = client.get(CURRENT, {"shown": f"{call.pk}:ringing"}).content.decode()
    assert "通话中" in again and 'id="lookup"' not in again


def test_another_extensions_call_does_not_pop_up(client, desk_a, reception_b):
    reception_b.staff_profile.extension = "8002"
    reception_b.staff_profile.save(update_fields=["extension"])
    call_event(event="ring", call_id="c1", extension="8001", caller="13812345678")
    client.force_login(reception_b)
    assert client.get(CURRENT, {"shown": ""}).status_code == 204


def test_field_staff_may_not_poll_the_desk(client, technician_a):
    client.force_login(technician_a)
    assert client.get(CURRENT).status_code == 403


def test_recording_the_call_keeps_its_times_and_ends_the_pop_up(client, world, desk_a, clock):
    call_event(event="ring", call_id="c1", extension="8001", caller="13812345678")
    call_event(event="answer", call_id="c1")
    call = Call.objects.get()
    client.force_login(desk_a)

    answer = client.post(
        reverse("intake:record"),
        {
            "kind": "consultation",
            "content": "询问停水时间",
            "channel": "phone",
            "source": "customer",
            "outcome": "answered",
            "outcome_note": "今天 18:00 恢复",
            "household": world.household_a.pk,
            "community": world.community_a.pk,
            "call": call.pk,
        },
    )
    assert answer.status_code == 200, answer.content.decode()

    interaction = Interaction.objects.get()
    call.refresh_from_db()
    assert call.interaction == interaction
    assert interaction.caller_phone == "13812345678"
    clock.shift(dt.timedelta(minutes=2))
    call_event(event="hangup", call_id="c1", recording="rec/c1.wav")
    recorded = interaction.calls.get()
    assert (recorded.rang_at, recorded.ended_at, recorded.recording_ref) == (
        RING,
        RING + dt.timedelta(minutes=2),
        "rec/c1.wav",
    )
    # recorded: no longer on the desk
    assert (
        client.get(CURRENT, {"shown": f"{call.pk}:answered"})
        .content.decode()
        .strip()
        .startswith('<input type="hidden" id="call-shown" name="shown" value="">')
    )


def test_a_call_of_another_extension_cannot_be_attached(client, world, desk_a):
    other = role_user(Role.RECEPTIONIST, world.center_a, username="desk-2")
    other.staff_profile.extension = "8002"
    other.staff_profile.save(update_fields=["extension"])
    call_event(event="ring", call_id="c1", extension="8002", caller="13812345678")
    client.force_login(desk_a)
    answer = client.post(
        reverse("intake:record"),
        {
            "kind": "consultation",
            "content": "询问",
            "channel": "phone",
            "source": "customer",
            "outcome": "recorded",
            "household": world.household_a.pk,
            "community": world.community_a.pk,
            "call": Call.objects.get().pk,
        },
    )
    assert answer.status_code == 400
    assert "这通电话不是打到您的分机的" in answer.content.decode()
    assert not Interaction.objects.exists()


# ----------------------------------------------------------------------------- the API


def test_the_api_gives_the_current_call_and_records_it(client, world, desk_a):
    client.force_login(desk_a)
    assert client.get("/api/v1/desk/calls/current").json() == {"call": None, "lookup": None}
    call_event(event="ring", call_id="c1", extension="8001", caller="13812345678")

    got = client.get("/api/v1/desk/calls/current").json()
    assert (got["call"]["state"], got["call"]["caller_phone"]) == ("ringing", "138****5678")
    assert [h["unit"]["label"] for h in got["lookup"]["households"]] == ["3栋2单元1202"]

    created = client.post(
        "/api/v1/interactions",
        {
            "channel": "phone",
            "kind": "consultation",
            "content": "询问物业费",
            "outcome": "answered",
            "outcome_note": "已告知",
            "household_id": world.household_a.pk,
            "call_id": got["call"]["id"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert [c["id"] for c in created.json()["calls"]] == [got["call"]["id"]]
    assert client.get("/api/v1/desk/calls/current").json()["call"] is None
