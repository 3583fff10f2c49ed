"""The login records kept by axes are deleted after PROPDESK_LOGIN_LOG_DAYS."""

import datetime as dt

from axes.models import AccessFailureLog, AccessLog
from django.utils import timezone

from propdesk.core.jobs import prune_login_logs


def test_old_login_records_are_pruned(db, settings):
    settings.PROPDESK_LOGIN_LOG_DAYS = 180
    now = timezone.now()
    for model in (AccessLog, AccessFailureLog):
        for age in (10, 200):
            row = model.objects.create(username="alice", ip_address="10.0.0.1", user_agent="t", path_info="/login/")
            model.objects.filter(pk=row.pk).update(attempt_time=now - dt.timedelta(days=age))
    assert prune_login_logs() == 2
    assert AccessLog.objects.count() == 1
    assert AccessFailureLog.objects.count() == 1
    assert AccessLog.objects.get().attempt_time > now - dt.timedelta(days=11)
