"""A CS supervisor drafts the reply letter of a written complaint, sees it with the center's seal and records its
sending; on a phone, takes the customer's signature on the screen; the monthly page fits a phone. Screenshots at
1280 and 390 px (cd_*.png) into $PROPDESK_SCREENSHOTS when set."""

import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from propdesk.complaints import services
from propdesk.complaints.models import Complaint, ComplaintLetter
from propdesk.demo.seal import seal_png
from propdesk.org.choices import Role
from propdesk.testing.factories import build_world, staff_user
from propdesk.tickets.choices import Channel, Kind
from propdesk.tickets.services import ticket_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    world = build_world()
    world.center_a.seal.save("seal.png", ContentFile(seal_png(160)), save=True)
    staff_user("sup1", Role.CS_SUPERVISOR, center=world.center_a)
    staff_user("desk1", Role.RECEPTIONIST, center=world.center_a)
    staff_user("boss1", Role.CENTER_MANAGER, center=world.center_a)
    return world


def _shot(name: str) -> Path | None:
    folder = os.environ.get("PROPDESK_SCREENSHOTS")
    return Path(folder) / f"cd_{name}.png" if folder else None


def _no_overflow(page, what: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what} is {overflow}px wider than the phone"


def test_reply_letter_with_the_seal_and_a_signature_on_the_phone(world, login, live_server):
    from django.contrib.auth import get_user_model

    desk = get_user_model().objects.get(username="desk1")
    ticket = ticket_create(
        actor=desk,
        kind=Kind.COMPLAINT,
        content="来信：东门道闸长期损坏，车辆随意进出",
        channel=Channel.LETTER,
        household=world.household_a,
        contact_name="王先生",
    )
    complaint = Complaint.objects.get(ticket=ticket)
    if not complaint.written:
        complaint = services.complaint_set_facts(actor=desk, complaint=complaint, written=True, reason="来信")
    sup = login("sup1")
    sup.goto(f"{live_server.url}/complaints/{complaint.pk}/")
    sup.fill("#documents textarea[name=body]", "东门道闸已于今日更换完毕，并增加了夜间巡查。")
    sup.click("#documents button[type=submit]")
    sup.wait_for_selector("article.letter")
    assert sup.locator("img.seal").count() == 1
    assert "尊敬的王先生" in sup.inner_text("article.letter")
    sup.screenshot(path=_shot("letter_1280"), full_page=True)
    sup.select_option("select[name=method]", "post")
    sup.fill("input[name=note]", "挂号信 XA123456")
    sup.click(".noprint-panel button[type=submit]")
    sup.wait_for_selector("text=已记录发出")
    assert ComplaintLetter.objects.get().sent_method == "post"

    services.complaint_classify(
        actor=desk, complaint=Complaint.objects.get(pk=complaint.pk), responsibility_class=1, validity="valid"
    )
    phone = login("sup1", viewport=(390, 844))
    phone.goto(f"{live_server.url}/complaints/{complaint.pk}/record/sign/")
    _no_overflow(phone, "the signature page")
    phone.fill("textarea[name=customer_opinion]", "道闸修好了，满意")
    box = phone.locator("#signature-pad").bounding_box()
    phone.mouse.move(box["x"] + 20, box["y"] + 30)
    phone.mouse.down()
    for step in range(1, 12):
        phone.mouse.move(box["x"] + 20 + step * 25, box["y"] + 30 + (step % 3) * 30)
    phone.mouse.up()
    phone.screenshot(path=_shot("sign_390"), full_page=True)
    phone.click("#finish-form button[type=submit]")
    phone.wait_for_selector("#record")
    assert Complaint.objects.get(pk=complaint.pk).signed_at is not None
    phone.goto(f"{live_server.url}/complaints/{complaint.pk}/letters/{ComplaintLetter.objects.get().pk}/")
    phone.screenshot(path=_shot("letter_390"), full_page=True)
    phone.goto(f"{live_server.url}/complaints/{complaint.pk}/record/")
    assert phone.locator("img.sig-img").count() == 1
    phone.screenshot(path=_shot("record_390"), full_page=True)
    boss = login("boss1", viewport=(390, 844))
    boss.goto(f"{live_server.url}/complaints/monthly/")
    _no_overflow(boss, "the monthly page")
    boss.screenshot(path=_shot("monthly_390"), full_page=True)
    big = login("boss1")
    big.goto(f"{live_server.url}/complaints/monthly/")
    big.screenshot(path=_shot("monthly_1280"), full_page=True)
