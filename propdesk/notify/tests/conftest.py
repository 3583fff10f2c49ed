import pytest

from propdesk.notify import sms


@pytest.fixture(autouse=True)
def sms_outbox():
    """The local-memory SMS backend's outbox, empty at the start of every test."""
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()
