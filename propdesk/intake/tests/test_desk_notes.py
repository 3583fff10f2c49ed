"""Notes other apps put beside a household at the desk (an outage, an expected visitor …)."""

import pytest
from django.urls import reverse

from propdesk.intake import desk_notes
from propdesk.intake.desk_notes import DeskNote, notes_for
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
    assert 'name="outage" value="7"' in html
    assert notes_for(user=None, households=[world.household_b]) == {}


def test_a_failing_provider_leaves_the_desk_working(world, desk, providers):
    def broken(*, user, households, now):
        raise RuntimeError("down")

    desk_notes.register_desk_notes(broken)
    response = desk.get(reverse("intake:lookup"), {"q": "13812345678"})
    assert response.status_code == 200
    assert "desk-note" not in response.content.decode()
