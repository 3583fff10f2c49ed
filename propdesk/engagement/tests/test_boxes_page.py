"""The suggestion-box admin page: boxes with place and owner, the every-2-days schedule, an opening recorded
(nothing found, or items that become tickets), a missed opening flagged; set up and change a box; the API."""

import datetime as dt

import pytest
from django.test import Client

from propdesk.engagement import services
from propdesk.engagement.models import BoxOpening, SuggestionBox
from propdesk.org.choices import Role
from propdesk.tickets.models import Ticket

pytestmark = pytest.mark.usefixtures("clock")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_set_up_a_box_and_see_its_schedule(world, cs_sup, assistant):
    client = login(cs_sup)
    response = client.post(
        "/engagement/boxes/new/",
        {"community": world.community_a.pk, "place": "会所前台", "owner": assistant.pk, "starts_on": "2026-03-10"},
    )
    assert response.status_code == 302
    box = SuggestionBox.objects.get()
    assert (box.place, box.owner, box.starts_on) == ("会所前台", assistant, dt.date(2026, 3, 10))
    html = client.get(f"/engagement/boxes/?community={world.community_a.pk}").content.decode()
    # Due today (the first opening), then every 2 days.
    assert "会所前台" in html and "03-10、03-12、03-14" in html and "逾期未开启" not in html
    refused = client.post(
        "/engagement/boxes/new/", {"community": world.community_a.pk, "place": "大门", "owner": assistant.pk}
    )
    assert refused.status_code == 400 and "请填写首次开启日期" in refused.content.decode()
    assert SuggestionBox.objects.count() == 1


def test_record_openings_and_a_missed_one_is_flagged(world, cs_sup, assistant, clock):
    box = services.box_save(
        actor=cs_sup, community=world.community_a, place="3栋大堂", owner=assistant, starts_on=dt.date(2026, 3, 8)
    )
    client = login(assistant)
    html = client.get("/engagement/boxes/").content.decode()
    assert "逾期未开启" in html  # due 03-08, not opened by 03-10
    response = client.post(
        f"/engagement/boxes/{box.pk}/open/",
        {
            "back": "boxes",
            "item_kind_1": "repair",
            "item_text_1": "3栋电梯按钮失灵",
            "item_kind_2": "suggestion",
            "item_text_2": "",
        },
    )
    assert response.status_code == 302 and response["Location"].startswith("/engagement/boxes/")
    ticket = Ticket.objects.get()
    assert (ticket.kind, ticket.channel, ticket.source_detail) == ("repair", "suggestion_box", "3栋大堂")
    html = client.get("/engagement/boxes/").content.decode()
    assert ticket.number in html and "逾期未开启" not in html and "03-12" in html
    client.post(f"/engagement/boxes/{box.pk}/open/", {"back": "boxes", "opened_on": "2026-03-10"})
    assert BoxOpening.objects.filter(found_nothing=True).count() == 1


def test_change_a_box_with_the_version_and_rights(world, cs_sup, assistant, staff):
    box = services.box_save(
        actor=cs_sup, community=world.community_a, place="大门", owner=assistant, starts_on=dt.date(2026, 3, 10)
    )
    client = login(cs_sup)
    stale = client.post(
        f"/engagement/boxes/{box.pk}/edit/",
        {"place": "南门", "owner": cs_sup.pk, "starts_on": "2026-03-10", "is_active": "1", "version": box.version + 1},
    )
    assert stale.status_code == 409
    done = client.post(
        f"/engagement/boxes/{box.pk}/edit/",
        {"place": "南门", "owner": cs_sup.pk, "starts_on": "2026-03-10", "version": box.version},
    )
    box.refresh_from_db()
    assert done.status_code == 302 and (box.place, box.owner, box.is_active) == ("南门", cs_sup, False)
    assert login(assistant).post(f"/engagement/boxes/{box.pk}/edit/", {"place": "x"}).status_code == 403
    other = staff(Role.CS_SUPERVISOR, world.center_b)
    assert login(other).post(f"/engagement/boxes/{box.pk}/edit/", {"place": "x"}).status_code == 404


def test_the_api_changes_a_box_and_lists_its_openings(world, cs_sup, assistant):
    box = services.box_save(
        actor=cs_sup, community=world.community_a, place="大门", owner=assistant, starts_on=dt.date(2026, 3, 10)
    )
    services.box_open(actor=assistant, box=box, items=[{"kind": "complaint", "text": "夜间噪音"}])
    client = login(cs_sup)
    openings = client.get(f"/api/v1/engagement/boxes/{box.pk}/openings").json()
    assert openings[0]["items"][0]["ticket"].startswith("TS-") and not openings[0]["found_nothing"]
    changed = client.put(
        f"/api/v1/engagement/boxes/{box.pk}",
        {"place": "北门", "owner_id": assistant.pk, "starts_on": "2026-03-10", "version": box.version},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["place"] == "北门"
