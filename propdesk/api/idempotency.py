"""Idempotent creates: a client that retries a POST with the same ``Idempotency-Key`` gets the first
response back (``Idempotent-Replayed: true``) instead of a second ticket.

Correct under concurrent retries on PostgreSQL and SQLite: the key row is inserted first (``INSERT … ON
CONFLICT DO NOTHING RETURNING id``: one statement, no savepoint, no read before) in the transaction that
then creates the record and stores the response. A concurrent duplicate's insert waits for that
transaction (the unique index on PostgreSQL, the write lock on SQLite); when the first commits, the
duplicate's insert inserts nothing and it replays the stored response. When the first fails (4xx), its
key row is rolled back with it, so the duplicate — or a corrected retry — goes ahead with the same key.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
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
    with transaction.atomic():
        row_id = _claim(user.pk, key, endpoint, digest)
        if row_id is None:
            # The key was used before (or by a concurrent request that committed first): answer as it did.
            existing = IdempotencyKey.objects.get(user=user, key=key)
            return _replay(request, response, existing, endpoint=endpoint, digest=digest)
        status, body = create()
        IdempotencyKey.objects.filter(pk=row_id).update(status_code=status, response_body=body)
    return _respond(request, response, status, body)


def _claim(user_id: int, key: str, endpoint: str, digest: str) -> int | None:
    """Insert the key row; its id, or None when the (user, key) row exists already."""
    meta = IdempotencyKey._meta
    values = {
        "user_id": user_id,
        "key": key,
        "endpoint": endpoint,
        "request_hash": digest,
        "status_code": 0,
        "created_at": timezone.now(),
    }
    columns = [meta.get_field(name).column for name in values]
    params = [meta.get_field(name).get_db_prep_save(value, connection) for name, value in values.items()]
    quote = connection.ops.quote_name
    user_column, key_column = meta.get_field("user").column, meta.get_field("key").column
    # Table and column names come from the model (quoted); every value is a parameter.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({quote(user_column)}, {quote(key_column)}) DO NOTHING RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None
