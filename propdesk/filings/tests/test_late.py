"""A late step is flagged once to the next person in the chain (the manager when it is the last step); the
worker opens each period's filings when the period ends."""

import datetime as dt

import pytest

from propdesk.filings.choices import FilingKind
from propdesk.filings.models import Filing, FilingEvent
from propdesk.filings.services import filing_open, filing_step, filing_update, flag_late_steps, open_due_filings
from propdesk.notify.models import Notification
from propdesk.testing.clock import shanghai_time
from propdesk.testing.factories import CommunityFactory

pytestmark = pytest.mark.usefixtures("clock")


def _late(recipient) -> int:
    return Notification.objects.filter(recipient=recipient, kind="filings.late", channel="inapp").count()


def test_a_late_draft_is_flagged_once_to_the_manager_then_a_late_review_to_the_branch_leader(cast, world, clock):
    filing = filing_open(
        actor=cast.cs,
        kind=FilingKind.QUARTERLY,
        service_center=world.center_a,
        community=world.community_a,
        day=dt.date(2026, 8, 1),
    )  # due 2026-10-15, today is 2026-11-18
    assert flag_late_steps() == 1
    assert (_late(cast.manager), _late(cast.leader), _late(cast.cs), _late(cast.manager_b)) == (1, 0, 0, 0)
    assert flag_late_steps() == 0
    assert _late(cast.manager) == 1
    assert FilingEvent.objects.filter(filing=filing, kind="late").count() == 1
    filing = filing_update(actor=cast.cs, filing=filing, sections={"security": "正常"}, expected_version=None)
    filing_step(actor=cast.cs, filing=filing, step="submit", expected_version=None)
    assert flag_late_steps() == 1
    assert (_late(cast.manager), _late(cast.leader)) == (1, 1)


def test_a_step_not_yet_due_is_not_flagged(cast, world, clock):
    filing_open(
        actor=cast.cs, kind=FilingKind.HALF_MONTH, service_center=world.center_a, day=dt.date(2026, 11, 3)
    )  # due 2026-11-18: today, not late yet
    assert flag_late_steps() == 0
    clock.move_to(shanghai_time(2026, 11, 19, 8))
    assert flag_late_steps() == 1
    assert _late(cast.manager) == 1


def test_the_worker_opens_the_filings_of_the_periods_just_ended(cast, world):
    small = CommunityFactory(service_center=world.center_a, single_owner=True, household_count=1)
    assert open_due_filings(today=dt.date(2026, 11, 18)) == 2 + 2 + 1
    rows = set(Filing.objects.values_list("kind", "community_id", "service_center_id", "period_start"))
    assert rows == {
        (FilingKind.HALF_MONTH, None, world.center_a.pk, dt.date(2026, 11, 1)),
        (FilingKind.HALF_MONTH, None, world.center_b.pk, dt.date(2026, 11, 1)),
        (FilingKind.QUARTERLY, world.community_a.pk, world.center_a.pk, dt.date(2026, 7, 1)),
        (FilingKind.QUARTERLY, world.community_b.pk, world.center_b.pk, dt.date(2026, 7, 1)),
        (FilingKind.BRIEF, small.pk, world.center_a.pk, dt.date(2026, 10, 1)),
    }
    assert open_due_filings(today=dt.date(2026, 11, 18)) == 0
