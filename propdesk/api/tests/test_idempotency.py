"""Idempotent creates: a retried POST with the same Idempotency-Key creates one record and gets the first answer,
also when the retries arrive at the same time (SQLite and PostgreSQL)."""

import json
import sqlite3
import time

import pytest
from django.db import connections
from django.utils import timezone

from propdesk.api import idempotency
from propdesk.api.idempotency import request_hash
from propdesk.api.models import ApiToken, IdempotencyKey
from propdesk.api.services import api_token_create
from propdesk.intake.models import Interaction
from propdesk.org.choices import Role
from propdesk.testing.concurrency import errors, run_together
from propdesk.testing.factories import build_world, staff_user
from propdesk.tickets import services as ticket_services
from propdesk.tickets.models import Ticket

from .conftest import ApiClient

TICKETS = "/api/v1/tickets"
INTERACTIONS = "/api/v1/interactions"


@pytest.fixture
def body(world) -> dict:
    return {"kind": "repair", "content": "厨房水管漏水", "channel": "phone", "household_id": world.household_a.pk}


def test_the_same_key_twice_creates_one_ticket_and_replays_the_first_answer(api_a, body):
    # when
    first = api_a.post(TICKETS, body, headers={"Idempotency-Key": "call-0001"})
    second = api_a.post(TICKETS, body, headers={"Idempotency-Key": "call-0001"})

    # then
    assert (first.status_code, second.status_code) == (201, 201)
    assert Ticket.objects.count() == 1
    assert second.json() == first.json()
    assert second.json()["number"] == Ticket.objects.get().number
    assert "Idempotent-Replayed" not in first
    assert second["Idempotent-Replayed"] == "true"
    row = IdempotencyKey.objects.get()
    assert (row.key, row.endpoint, row.status_code, row.response_body) == (
        "call-0001",
        "tickets.create",
        201,
        first.json(),
    )


def test_the_key_ignores_the_json_formatting_of_the_same_body(api_a, body):
    # given: the same body, keys in another order and with other whitespace
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2, ensure_ascii=False)

    # when
    first = api_a.post(TICKETS, body, headers={"Idempotency-Key": "k"})
    second = api_a.post(TICKETS, reordered, headers={"Idempotency-Key": "k"})

    # then
    assert second.status_code == 201
    assert second.json()["id"] == first.json()["id"]
    assert Ticket.objects.count() == 1


def test_the_same_key_with_another_body_is_422(api_a, body):
    # given
    api_a.post(TICKETS, body, headers={"Idempotency-Key": "call-0002"})

    # when
    response = api_a.post(TICKETS, {**body, "content": "另一件事"}, headers={"Idempotency-Key": "call-0002"})

    # then
    assert response.status_code == 422
    message = "该幂等键（Idempotency-Key）已用于另一个不同的请求，请为新请求使用新的键"
    assert response.json() == {"detail": message, "errors": [{"field": "Idempotency-Key", "message": message}]}
    assert Ticket.objects.count() == 1


def test_the_same_key_on_another_endpoint_is_422(api_a, world):
    # given
    api_a.post(
        TICKETS,
        {"kind": "consultation", "content": "x", "channel": "phone", "community_id": world.community_a.pk},
        headers={"Idempotency-Key": "k"},
    )

    # when
    response = api_a.post(
        INTERACTIONS,
        {
            "kind": "consultation",
            "content": "x",
            "channel": "phone",
            "community_id": world.community_a.pk,
            "outcome_note": "已答复",
        },
        headers={"Idempotency-Key": "k"},
    )

    # then
    assert response.status_code == 422
    assert not Interaction.objects.exists()


def test_errors_are_not_stored_so_a_corrected_retry_may_use_the_same_key(api_a, body):
    # when
    refused = api_a.post(TICKETS, {**body, "content": ""}, headers={"Idempotency-Key": "call-0003"})
    corrected = api_a.post(TICKETS, body, headers={"Idempotency-Key": "call-0003"})

    # then
    assert refused.status_code == 422
    assert corrected.status_code == 201
    assert "Idempotent-Replayed" not in corrected
    assert Ticket.objects.count() == 1


def test_keys_belong_to_one_user(api_a, api_b, world, body):
    # given
    api_a.post(TICKETS, body, headers={"Idempotency-Key": "shared"})

    # when: another user happens to use the same key for their own ticket
    response = api_b.post(
        TICKETS, {**body, "household_id": world.household_b.pk}, headers={"Idempotency-Key": "shared"}
    )

    # then
    assert response.status_code == 201
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize("key", ["", "x" * 201])
def test_the_key_is_1_to_200_characters(api_a, body, key):
    # when
    response = api_a.post(TICKETS, body, headers={"Idempotency-Key": key})

    # then
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["Idempotency-Key"]
    assert not Ticket.objects.exists()


def test_interactions_are_idempotent_too(api_a, world):
    # given
    body = {
        "kind": "consultation",
        "content": "物业费标准？",
        "channel": "phone",
        "community_id": world.community_a.pk,
        "outcome_note": "已告知收费标准",
    }

    # when
    first = api_a.post(INTERACTIONS, body, headers={"Idempotency-Key": "ivr-77"})
    second = api_a.post(INTERACTIONS, body, headers={"Idempotency-Key": "ivr-77"})

    # then
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Interaction.objects.count() == 1


def test_request_hash_is_canonical():
    class Request:
        def __init__(self, body: bytes):
            self.body = body

    assert request_hash(Request(b'{"a": 1, "b": [1, 2]}')) == request_hash(Request(b'{"b":[1,2],"a":1}'))
    assert request_hash(Request(b'{"a": 1}')) != request_hash(Request(b'{"a": 2}'))


# --- concurrent retries -----------------------------------------------------------------------------------------


@pytest.fixture
def shared_database(request, tmp_path):
    """A database that several threads can use at the same time.

    PostgreSQL: the test database already is. SQLite: the in-memory test database is not (shared-cache
    in-memory databases fail concurrent writers with "table is locked" instead of waiting), so for this
    test the default connection points at a file copy of it, with the project's real SQLite settings
    (WAL, IMMEDIATE transactions, busy timeout). The in-memory database is put back afterwards.
    """
    request.getfixturevalue("transactional_db")
    connection = connections["default"]
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    path = tmp_path / "concurrent.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    settings_dict = connections.settings["default"]
    memory_name = settings_dict["NAME"]
    memory_connection = connection
    settings_dict["NAME"] = str(path)
    connections["default"] = connections.create_connection("default")
    try:
        yield
    finally:
        connections["default"].close()
        settings_dict["NAME"] = memory_name
        connections["default"] = memory_connection


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_the_same_key_create_exactly_one_ticket(shared_database, monkeypatch):
    # given: creating a ticket takes a moment, so that every retry gets past the "key already stored?" read
    # before the first one commits and has to rely on the unique constraint
    real_create = ticket_services.ticket_create
    created = []

    def slow_create(**kwargs):
        time.sleep(0.3)
        created.append(1)
        return real_create(**kwargs)

    monkeypatch.setattr(ticket_services, "ticket_create", slow_create)
    key_inserts = []
    real_claim = idempotency._claim

    def counted_claim(*args):
        key_inserts.append(1)
        return real_claim(*args)

    monkeypatch.setattr(idempotency, "_claim", counted_claim)
    world = build_world()
    receptionist = staff_user("reception-c", Role.RECEPTIONIST, center=world.center_a)
    token, secret = api_token_create(actor=receptionist, name="呼叫中心")
    # Just used: authenticating the retries writes nothing (a write would queue them behind the first on SQLite).
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    body = {"kind": "repair", "content": "电梯异响", "channel": "phone", "household_id": world.household_a.pk}
    apis = [ApiClient(secret) for _ in range(5)]

    def retry(i: int) -> tuple[int, dict, str | None]:
        response = apis[i].post(TICKETS, body, headers={"Idempotency-Key": "same-key"})
        return response.status_code, response.json(), response.get("Idempotent-Replayed")

    # when: five retries race
    results = run_together(5, retry)

    # then
    assert errors(results) == []
    assert Ticket.objects.count() == 1
    ticket = Ticket.objects.get()
    assert [status for status, _body, _replayed in results] == [201] * 5
    assert {body["number"] for _status, body, _replayed in results} == {ticket.number}
    assert sorted(replayed or "" for _status, _body, replayed in results) == ["", "true", "true", "true", "true"]
    assert IdempotencyKey.objects.count() == 1
    # every retry tried to insert the key: four were turned back by the unique constraint, one created
    assert (len(key_inserts), len(created)) == (5, 1)
