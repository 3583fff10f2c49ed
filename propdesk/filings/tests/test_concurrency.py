"""Two people taking the same step at the same moment (PostgreSQL): the row lock lets one through; the other
finds the step already taken and is refused, so the step is recorded once."""

import datetime as dt

import pytest

from propdesk.filings.choices import FilingKind, FilingStatus
from propdesk.filings.models import FilingEvent
from propdesk.filings.services import filing_open, filing_step, filing_update
from propdesk.org.choices import Role
from propdesk.testing.concurrency import errors, postgresql_only, run_together
from propdesk.testing.factories import build_world
from propdesk.testing.roles import role_user

pytestmark = [postgresql_only(), pytest.mark.django_db(transaction=True)]


def test_two_managers_review_at_once_and_the_review_is_recorded_once():
    world = build_world()
    cs = role_user(Role.CS_SUPERVISOR, world.center_a)
    managers = [role_user(Role.CENTER_MANAGER, world.center_a) for _ in range(2)]
    filing = filing_open(
        actor=cs,
        kind=FilingKind.QUARTERLY,
        service_center=world.center_a,
        community=world.community_a,
        day=dt.date(2026, 8, 1),
    )
    filing = filing_update(actor=cs, filing=filing, sections={"security": "正常"}, expected_version=None)
    filing = filing_step(actor=cs, filing=filing, step="submit", expected_version=None)

    results = run_together(
        2, lambda i: filing_step(actor=managers[i], filing=filing, step="review", expected_version=None)
    )

    assert len(errors(results)) == 1
    filing.refresh_from_db()
    assert filing.status == FilingStatus.REVIEWED
    assert FilingEvent.objects.filter(filing=filing, kind="review").count() == 1
