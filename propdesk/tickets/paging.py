"""Paging of the ticket lists on pages: the count is bounded as in the API (``api.schemas.COUNT_LIMIT``).

A receptionist may see half a million tickets; counting them exactly on every page costs what the table costs
(a whole index scan at 1M tickets, 200 ms). The pages count at most ``COUNT_LIMIT + 1`` rows, without the list's
order (PostgreSQL stops after them in the cheapest index), and say "more" when there are: the pager then offers
the pages up to the bound, and the user narrows the search to go further.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from propdesk.api import schemas


class BoundedPaginator(Paginator):
    """A ``Paginator`` whose ``count`` stops at ``COUNT_LIMIT + 1``; ``exact`` tells whether it stopped."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: schemas.COUNT_LIMIT + 1].count()

    @cached_property
    def exact(self) -> bool:
        return self.count <= schemas.COUNT_LIMIT
