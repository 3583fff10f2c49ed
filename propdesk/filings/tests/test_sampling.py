"""The business-management department samples at least one report per project a year: the check list shows
which projects are still to be sampled."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from propdesk.filings.choices import FilingKind
from propdesk.filings.selectors import sampling_checklist
from propdesk.filings.services import filing_open, filing_step, filing_update, sampling_record

pytestmark = pytest.mark.usefixtures("clock")


def _submitted(cast, world, center, community, actor):
    filing = filing_open(
        actor=actor, kind=FilingKind.QUARTERLY, service_center=center, community=community, day=dt.date(2026, 5, 1)
    )
    filing = filing_update(actor=actor, filing=filing, sections={"security": "正常"}, expected_version=None)
    return filing


def test_the_checklist_shows_each_project_and_whether_it_was_sampled(cast, world):
    mine = _submitted(cast, world, world.center_a, world.community_a, cast.cs)
    theirs = _submitted(cast, world, world.center_b, world.community_b, cast.cs_b)
    with pytest.raises(ValidationError):
        sampling_record(actor=cast.business, filing=mine, result="pass")  # not submitted yet
    mine = filing_step(actor=cast.cs, filing=mine, step="submit", expected_version=None)
    check = sampling_record(actor=cast.business, filing=mine, result="fail", note="财务部分缺失")
    assert (check.year, check.result, check.checked_by) == (2026, "fail", cast.business)
    rows = {r.community.name: r.done for r in sampling_checklist(user=cast.business, year=2026)}
    assert rows == {world.community_a.name: True, world.community_b.name: False}
    assert sampling_checklist(user=cast.business, year=2025) == []
    assert theirs.samplings.count() == 0
