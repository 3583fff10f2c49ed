"""The collective-complaint pages (R-CP-4): the register's hint, the complaint page's one-click link / unlink,
the manager's decision, a home visit with the on-screen signature and closing refused with the households
missing — each one form and one service call; a refusal is a message and changes nothing."""

import base64
import io

import pytest
from django.urls import reverse

from propdesk.complaints.models import CollectiveComplaint, CollectiveEvent, Complaint, HomeVisit

pytestmark = pytest.mark.usefixtures("clock")


def _png() -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_the_register_hints_at_the_same_event(wave, cast, client):
    wave(3)
    client.force_login(cast.reception)
    html = client.get(reverse("complaints:list")).content.decode()
    assert "同一件事第 3 宗" in html and "同一件事第 2 宗" in html


def test_one_click_unlink_and_link_on_the_complaint_page(wave, cast, client):
    made = wave(6)
    collective = CollectiveComplaint.objects.get()
    member = Complaint.objects.get(pk=made[5].pk)
    client.force_login(cast.reception)
    url = reverse("complaints:collective_link", args=[member.pk, "unlink"])
    client.post(url, {"version": member.version, "note": "另一部电梯"})
    member.refresh_from_db()
    assert member.collective_id is None
    page = client.get(reverse("complaints:detail", args=[member.pk])).content.decode()
    assert "归入集体投诉" in page
    link = reverse("complaints:collective_link", args=[member.pk, "link"])
    stale = client.post(link, {"version": 1, "collective": collective.pk}, follow=True)
    assert "已被他人修改" in _messages(stale)
    client.post(link, {"version": member.version, "collective": collective.pk})
    member.refresh_from_db()
    assert member.collective_id == collective.pk


def test_decision_visit_with_signature_and_closing_on_the_page(wave, cast, client, homes):
    wave(5)
    collective = CollectiveComplaint.objects.get()
    client.force_login(cast.manager)
    act = lambda action, data: client.post(  # noqa: E731
        reverse("complaints:collective_act", args=[collective.pk, action]), data, follow=True
    )
    refused = act("close", {"note": ""})
    assert "尚未回访" in _messages(refused) and str(homes[0].unit) in _messages(refused)
    assert CollectiveComplaint.objects.get(pk=collective.pk).status == "open"
    decided = act("decide", {"notify_general_manager": "yes", "notify_developer": "no", "note": "已报告"})
    assert "经理决定已记录" in _messages(decided)
    visit = {
        "household": homes[0].pk,
        "visited_at": "2026-11-18T09:45",
        "customer_said": "电梯已修好",
        "satisfied": "yes",
        "signature": _png(),
    }
    assert "上门回访已记录" in _messages(act("visit", visit))
    assert HomeVisit.objects.get(household=homes[0]).signature
    bad = act("visit", {**visit, "household": homes[1].pk, "signature": "data:image/png;base64,xx"})
    assert "签名格式不正确" in _messages(bad)
    assert HomeVisit.objects.count() == 1
    assert CollectiveEvent.objects.filter(collective=collective, kind="home_visit").count() == 1
    client.force_login(cast.reception)
    denied = client.post(reverse("complaints:collective_act", args=[collective.pk, "decide"]), {}, follow=True)
    assert denied.status_code == 200


def test_the_manager_sets_the_window_on_the_collectives_page(world, cast, client):
    from propdesk.complaints.models import ComplaintSettings

    client.force_login(cast.manager)
    assert "集体投诉时间窗" in client.get(reverse("complaints:collectives")).content.decode()
    client.post(reverse("complaints:collective_window"), {"center": world.center_a.pk, "minutes": 120})
    assert ComplaintSettings.objects.get(service_center=world.center_a).collective_window_minutes == 120
    client.post(reverse("complaints:collective_window"), {"center": world.center_b.pk, "minutes": 60})
    assert not ComplaintSettings.objects.filter(service_center=world.center_b).exists()
    client.force_login(cast.reception)
    assert 'name="minutes"' not in client.get(reverse("complaints:collectives")).content.decode()
