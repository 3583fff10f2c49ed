"""Idempotent creates: a client that retries a POST with the same ``Idempotency-Key`` gets the first
response back (``Idempotent-Replayed: true``) instead of a second ticket.

Correct under concurrent retries on PostgreSQL and SQLite: the key row is inserted first, inside a
savepoint of the transaction that then creates the record and stores the response. A concurrent
duplicate's insert waits for that transaction (the unique index on PostgreSQL, the write lock on
SQLite); when the first commits, the duplicate's insert fails the unique constraint and it replays the
stored response. When the first fails (4xx), its key row is rolled back with it, so the duplicate — or
a corrected retry — goes ahead with the same key.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from ninja import Header
from ninja.renderers import JSONRenderer

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"


def key_header():
    """The ``Idempotency-Key`` header parameter of an idempotent operation (shown in the OpenAPI schema)."""
    return Header(
        None,
        alias=HEADER,
        min_length=1,
        max_length=200,
        description="1–200 个字符；网络重试时带上同一个键，不会重复创建",
    )


def request_hash(request: HttpRequest) -> str:
    """SHA-256 of the canonical JSON body (keys sorted, no insignificant whitespace)."""
    try:
        body: Any = json.loads(request.body or b"null")
    except ValueError:
        body = request.body.decode("utf-8", "replace")
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


class KeyReused(Exception):
    """The key was already used with a different body (or endpoint): answered with a 422."""


def _respond(request: HttpRequest, response: HttpResponse, status: int, body: dict) -> HttpResponse:
    # The body is already shaped (and stored that way), so it is rendered as is, not validated again.
    response.status_code = status
    response.content = JSONRenderer().render(request, body, response_status=status)
    return response


def _replay(
    request: HttpRequest, response: HttpResponse, row: IdempotencyKey, *, endpoint: str, digest: str
) -> HttpResponse:
    if row.endpoint != endpoint or row.request_hash != digest:
        raise KeyReused(row.key)
    response[REPLAYED_HEADER] = "true"
    return _respond(request, response, row.status_code, row.response_body)


def idempotent(
    request: HttpRequest,
    response: HttpResponse,
    *,
    endpoint: str,
    key: str | None,
    create: Callable[[], tuple[int, dict]],
) -> HttpResponse:
    """Run ``create`` (→ status, JSON body) at most once per (user, key) and return its response.

    ``response`` is the operation's temporal response (for the replay header). ``create`` must raise on
    failure; it runs inside the transaction that holds the key row.
    """
    if key is None:
        return _respond(request, response, *create())

    user = request.auth
    digest = request_hash(request)
    existing = IdempotencyKey.objects.filter(user=user, key=key).first()
    if existing is not None:
        return _replay(request, response, existing, endpoint=endpoint, digest=digest)

    with transaction.atomic():
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(user=user, key=key, endpoint=endpoint, request_hash=digest)
        except IntegrityError:
            row = None
        if row is None:
            # A concurrent request with the same key committed first: answer as it did.
            existing = IdempotencyKey.objects.get(user=user, key=key)
            return _replay(request, response, existing, endpoint=endpoint, digest=digest)
        status, body = create()
        row.status_code = status
        row.response_body = body
        row.save(update_fields=["status_code", "response_body"])
    return _respond(request, response, status, body)
