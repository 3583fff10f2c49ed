"""Notes other apps put beside a household at the desk (an outage, an expected visitor …)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from propdesk.api.tests.conftest import bearer
from propdesk.intake import desk_notes
from propdesk.intake.desk_notes import DeskNote, notes_for
from propdesk.intake.models import Interaction
from propdesk.tickets.choices import Channel, Kind, Source
from propdesk.tickets.models import Ticket
from propdesk.tickets.tests.helpers import local

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def desk(client, reception_a, world, clock):
    clock.move_to(local(2026, 11, 22, 10, 0))
    client.force_login(reception_a)
    return client


@pytest.fixture
def providers(monkeypatch):
    registered: list = []
    monkeypatch.setattr(desk_notes, "_providers", registered)
    return registered


def test_a_registered_note_shows_beside_its_household_only(world, desk, providers):
    def water_off(*, user, households, now):
        return {
            h.pk: [DeskNote("这栋楼今天停水", "14:00–18:00", "warning", kind="outage", link=("outage", 7))]
            for h in households
            if h.pk == world.household_a.pk
        }

    desk_notes.register_desk_notes(water_off)
    html = desk.get(reverse("intake:lookup"), {"q": "13812345678"}).content.decode()
    assert 'data-kind="outage"' in html and "这栋楼今天停水" in html and "14:00–18:00" in html
    assert 'name="desk_link" value="outage:7"' in html
    assert notes_for(user=None, households=[world.household_b]) == {}


def test_a_failing_provider_leaves_the_desk_working(world, desk, providers):
    def broken(*, user, households, now):
        raise RuntimeError("down")

    desk_notes.register_desk_notes(broken)
    response = desk.get(reverse("intake:lookup"), {"q": "13812345678"})
    assert response.status_code == 200
    assert "desk-note" not in response.content.decode()


@pytest.fixture
def handlers(monkeypatch):
    registered: dict = {}
    monkeypatch.setattr(desk_notes, "_link_handlers", registered)
    return registered


def _consultation(world, **extra) -> dict:
    return {
        "household": world.household_a.pk,
        "resident": world.resident_a.pk,
        "channel": Channel.PHONE,
        "source": Source.CUSTOMER,
        "kind": Kind.CONSULTATION,
        "content": "问什么时候来水",
        "outcome": "answered",
        "outcome_note": "已告知 18:00 恢复供水",
        **extra,
    }


def test_a_call_linked_from_a_note_reaches_its_app_in_the_same_record(world, desk, handlers):
    seen = []
    desk_notes.register_link_handler("outage", lambda **kw: seen.append((kw["interaction"].pk, kw["target_id"])))
    response = desk.post(reverse("intake:record"), _consultation(world, desk_link=["outage:7", "outage:7"]))
    assert response.status_code == 200
    interaction = Interaction.objects.get()
    assert seen == [(interaction.pk, 7)]


@pytest.mark.parametrize("value", ["outage:x", "visit:3", "outage:", "outage:1234567890123"])
def test_a_malformed_or_unknown_link_records_nothing(world, desk, handlers, value):
    desk_notes.register_link_handler("outage", lambda **kw: None)
    response = desk.post(reverse("intake:record"), _consultation(world, desk_link=[value]))
    assert response.status_code == 400
    assert "关联的事项无效" in response.content.decode()
    assert not Interaction.objects.exists()


def test_a_handler_that_refuses_undoes_the_whole_record(world, desk, handlers):
    def refuse(**kw):
        raise ValidationError({"links": "该通知已结束"})

    desk_notes.register_link_handler("outage", refuse)
    response = desk.post(
        reverse("intake:record"),
        _consultation(world, kind=Kind.REPAIR, outcome="", outcome_note="", desk_link=["outage:7"]),
    )
    assert response.status_code == 400
    assert "该通知已结束" in response.content.decode()
    assert not Interaction.objects.exists() and not Ticket.objects.exists()


def test_the_api_takes_links_too(world, reception_a, handlers):
    seen = []
    desk_notes.register_link_handler("outage", lambda **kw: seen.append(kw["target_id"]))
    body = {
        "channel": Channel.PHONE,
        "kind": Kind.CONSULTATION,
        "content": "问停水",
        "outcome": "answered",
        "outcome_note": "已答复",
        "household_id": world.household_a.pk,
        "links": ["outage:9"],
    }
    response = bearer(reception_a).post("/api/v1/interactions", body)
    assert response.status_code == 201, response.content
    assert seen == [9]
