"""The filings still to be handed in, for the dashboards' "outstanding reports" (registered with
``reports.outstanding.register_outstanding`` in this app's ``ready``)."""

import datetime as dt

from django.urls import reverse

from .selectors import filings_for, next_deadline

LIMIT = 50


def outstanding_filings(*, user, today: dt.date) -> list:
    """Each outstanding filing the user may see, with the date of its next step (a few queries)."""
    from propdesk.reports.outstanding import Outstanding

    items = []
    for filing in filings_for(user=user, outstanding=True)[:LIMIT]:
        deadline = next_deadline(filing)
        if deadline is None:
            continue
        place = filing.community.name if filing.community_id else filing.service_center.name
        items.append(
            Outstanding(
                title=f"{filing.get_kind_display()} {filing.period_start:%Y-%m-%d}—{filing.period_end:%Y-%m-%d}",
                due=deadline.due_on,
                url=reverse("filings:detail", args=[filing.pk]),
                late=deadline.is_late(today),
                community=place,
                status=f"{deadline.get_step_display()} · {filing.get_status_display()}",
            )
        )
    return items
