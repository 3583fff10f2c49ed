"""Delivering a burst: a batch of due rows is claimed with one statement and its outcomes written with one
UPDATE, messages to one provider share one kept-alive connection, a connection the provider closed while
idle is opened again, and a batch whose worker dies before committing stays due and is delivered later
(at least once: the provider gets the repeat with the same dedupe key)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from propdesk.notify import delivery, limits
from propdesk.notify.adapters import http
from propdesk.notify.models import DeliveryState, Notification
from propdesk.notify.services import Message, deliver_pending, notify_phone
from propdesk.testing.clock import shanghai_time

from .imitations import AliyunImitation

NOW = shanghai_time(2026, 11, 22, 10)
TEXT = Message(kind="request.status", subject="您的报修 BX-20261122-0001 已派工")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clock")]


@pytest.fixture
def clock_start():
    return NOW


@pytest.fixture
def aliyun(settings):
    settings.PROPDESK_SMS_SIGN_NAME = "翠湖物业"
    settings.PROPDESK_SMS_TEMPLATE = "SMS_100001"
    settings.PROPDESK_NOTIFY_RATE_LIMITS = {}
    limits.reset()
    http.close_all()
    with AliyunImitation("LTAI-test", "aliyun-secret") as api:
        settings.PROPDESK_SMS_BACKEND = "aliyun"
        settings.ALIYUN_SMS_ENDPOINT = f"{api.base}/"
        settings.ALIYUN_ACCESS_KEY_ID = "LTAI-test"
        settings.ALIYUN_ACCESS_KEY_SECRET = "aliyun-secret"
        yield api
    http.close_all()


def queue(n: int) -> list[Notification]:
    return [notify_phone(phone=f"1380013{i:04d}", message=TEXT, dedupe=f"burst:{i}") for i in range(n)]


def test_a_batch_is_claimed_in_one_statement_and_marked_in_one_update(aliyun):
    rows = queue(6)
    with CaptureQueriesContext(connection) as queries:
        assert deliver_pending(limit=6, batch=6) == 6
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries if "notify_notification" in q["sql"]]
    assert statements.count("SELECT") == 1 and statements.count("UPDATE") == 1
    assert {r.state for r in Notification.objects.filter(pk__in=[r.pk for r in rows])} == {DeliveryState.SENT}
    assert [r.attempts for r in Notification.objects.all()] == [1] * 6
    assert all(r.provider_ref.startswith("9006197469364984") for r in Notification.objects.all())


def test_one_kept_alive_connection_carries_the_burst(aliyun):
    queue(5)
    deliver_pending(limit=5, batch=5)
    assert len(aliyun.seen) == 5
    assert len({seen.peer for seen in aliyun.seen}) == 1


def test_a_connection_the_provider_closed_is_opened_again(aliyun):
    queue(2)
    deliver_pending(limit=1, batch=1)
    for conn in list(http._pool().values()):  # the provider drops the idle connection
        conn.sock.shutdown(2)
    deliver_pending(limit=1, batch=1)
    assert Notification.objects.filter(state=DeliveryState.SENT, attempts=1).count() == 2
    assert len({seen.form()["OutId"] for seen in aliyun.seen}) == 2


def test_a_batch_whose_worker_dies_before_committing_is_delivered_later(aliyun, monkeypatch):
    queue(3)

    def dies(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(delivery, "_record", dies)  # killed after sending, before writing the outcomes
    with pytest.raises(SystemExit), transaction.atomic():
        deliver_pending(limit=3, batch=3)
    monkeypatch.undo()
    # Nothing was committed: the rows are still due, and the next worker sends each once.
    assert Notification.objects.filter(state=DeliveryState.PENDING, attempts=0).count() == 3
    assert deliver_pending(limit=10, batch=10) == 3
    assert deliver_pending(limit=10, batch=10) == 0
    assert Notification.objects.filter(state=DeliveryState.SENT, attempts=1).count() == 3
    # Sent before the crash and again after it, with the same OutId (the dedupe key) for the provider to drop.
    out_ids = [seen.form()["OutId"] for seen in aliyun.seen]
    keys = sorted(Notification.objects.values_list("dedupe_key", flat=True))
    assert sorted(out_ids) == sorted(keys * 2)
