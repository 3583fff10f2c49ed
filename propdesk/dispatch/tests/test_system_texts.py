"""Texts the system writes itself are stored as msgid + parameters and read in the reader's language (issue 9):
written while the system runs in Chinese, a deadline name, an inbox message on assignment, a ticket history note,
the automatic return-visit reply and a shift name read in English on the page and in the API for an English
reader, and in Chinese for a Chinese one."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from propdesk.dispatch import services
from propdesk.dispatch.choices import Status

from .api_kit import API, as_user, center_url
from .helpers import DAY, NOW, advance, build_crew, fresh, new_ticket, work_order_of

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def crew(world, clock):
    crew = build_crew(world)
    clock.move_to(NOW)
    return crew


@pytest.fixture
def ticket(world, crew):
    # Everything below is written while the system runs in Chinese.
    with translation.override("zh-hans"):
        return new_ticket(crew.receptionist, world)


def page(user, url: str, language: str) -> str:
    """A page as ``user`` reads it after choosing ``language`` with the language switch (a cookie)."""
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def api(user, url: str, language: str):
    response = as_user(user).get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def dispatched(crew, ticket):
    with translation.override("zh-hans"):
        services.work_order_assign(actor=crew.operator, work_order=work_order_of(ticket), assignee=crew.plumber)


def test_a_deadline_name_reads_in_the_readers_language(crew, ticket):
    detail = reverse("tickets:detail", args=[ticket.pk])
    deadlines = f"{API}/tickets/{ticket.pk}/deadlines"

    assert "Dispatch within 5 minutes" in page(crew.operator, detail, "en")
    assert "5 分钟内派单" not in page(crew.operator, detail, "en")
    assert "5 分钟内派单" in page(crew.operator, detail, "zh-hans")

    names = {d["policy"]["code"]: d["policy"]["name"] for d in api(crew.operator, deadlines, "en")}
    assert names["dispatch"] == "Dispatch within 5 minutes"
    names = {d["policy"]["code"]: d["policy"]["name"] for d in api(crew.operator, deadlines, "zh-hans")}
    assert names["dispatch"] == "5 分钟内派单"


def test_the_inbox_message_on_assignment_reads_in_the_readers_language(crew, ticket):
    dispatched(crew, ticket)
    number = f"{ticket.number}-1"

    english = page(crew.plumber, reverse("notify:inbox"), "en")
    assert f"New work order {number}: 翠湖花园" in english
    assert "新工作单" not in english
    assert f"新工作单 {number}：翠湖花园" in page(crew.plumber, reverse("notify:inbox"), "zh-hans")

    [item] = api(crew.plumber, f"{API}/notifications", "en")["items"]
    assert item["subject"].startswith(f"New work order {number}: ")
    [item] = api(crew.plumber, f"{API}/notifications", "zh-hans")["items"]
    assert item["subject"].startswith(f"新工作单 {number}：")


def test_a_ticket_history_note_reads_in_the_readers_language(crew, ticket):
    # when the job is dispatched, the ticket goes in progress with the note "已派单"
    dispatched(crew, ticket)
    detail = reverse("tickets:detail", args=[ticket.pk])
    events = f"{API}/tickets/{ticket.pk}/events"

    assert '<div class="muted">Dispatched</div>' in page(crew.operator, detail, "en")
    assert '<div class="muted">已派单</div>' in page(crew.operator, detail, "zh-hans")
    assert "Dispatched" in [e["reason"] for e in api(crew.operator, events, "en")]
    assert "已派单" in [e["reason"] for e in api(crew.operator, events, "zh-hans")]


def test_the_automatic_return_visit_reply_reads_in_the_readers_language(crew, ticket):
    wo = advance(work_order_of(ticket), crew, Status.SIGNED_OFF)
    with translation.override("zh-hans"):
        services.return_visit_record(
            actor=crew.operator, work_order=fresh(wo), reached=True, quality=3, on_time=False, minutes_late=10
        )
    detail = reverse("tickets:detail", args=[ticket.pk])
    replies = f"{API}/tickets/{ticket.pk}/replies"

    assert "Return visit: service quality 3, 10 minutes late" in page(crew.operator, detail, "en")
    assert "回访：服务质量 3 分，迟到 10 分钟" in page(crew.operator, detail, "zh-hans")
    [reply] = api(crew.operator, replies, "en")
    assert reply["content"] == "Return visit: service quality 3, 10 minutes late"
    [reply] = api(crew.operator, replies, "zh-hans")
    assert reply["content"] == "回访：服务质量 3 分，迟到 10 分钟"


def test_a_seeded_shift_name_reads_in_the_readers_language(world, crew):
    rota_page = reverse("dispatch:rota") + f"?center={world.center_a.pk}&week={DAY:%Y-%m-%d}"
    rota_api = center_url(world.center_a, "rota") + f"?week={DAY:%Y-%m-%d}"

    english = page(crew.repair_manager, rota_page, "en")
    assert "Day shift 08:00–17:00" in english
    assert "白班" not in english
    assert "白班 08:00–17:00" in page(crew.repair_manager, rota_page, "zh-hans")

    assert {row["shift"]["name"] for row in api(crew.repair_manager, rota_api, "en")["rows"]} == {"Day shift"}
    assert {row["shift"]["name"] for row in api(crew.repair_manager, rota_api, "zh-hans")["rows"]} == {"白班"}


def test_a_text_written_while_the_system_runs_in_english_is_stored_as_its_source(crew, ticket):
    # the language of the writer does not matter: an English dispatcher's action reads in Chinese for the desk
    with translation.override("en"):
        services.work_order_assign(actor=crew.operator, work_order=work_order_of(ticket), assignee=crew.plumber)

    assert '<div class="muted">已派单</div>' in page(
        crew.receptionist, reverse("tickets:detail", args=[ticket.pk]), "zh-hans"
    )
    [item] = api(crew.plumber, f"{API}/notifications", "zh-hans")["items"]
    assert item["subject"].startswith("新工作单 ")
