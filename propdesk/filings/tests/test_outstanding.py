"""The dashboards' outstanding reports list the filings still to be handed in, with the next step's date."""

import datetime as dt

import pytest

from propdesk.filings.choices import FilingKind
from propdesk.filings.services import filing_open
from propdesk.reports.outstanding import outstanding_for

pytestmark = pytest.mark.usefixtures("clock")


def test_outstanding_filings_appear_on_the_dashboard_for_their_center_only(cast, world):
    filing = filing_open(
        actor=cast.cs, kind=FilingKind.HALF_MONTH, service_center=world.center_a, day=dt.date(2026, 11, 2)
    )
    mine = [
        i for i in outstanding_for(user=cast.manager, today=dt.date(2026, 11, 19)) if f"/filings/{filing.pk}/" in i.url
    ]
    assert [(i.due, i.late, i.community) for i in mine] == [(dt.date(2026, 11, 18), True, world.center_a.name)]
    theirs = outstanding_for(user=cast.manager_b, today=dt.date(2026, 11, 19))
    assert not [i for i in theirs if "/filings/" in i.url]
