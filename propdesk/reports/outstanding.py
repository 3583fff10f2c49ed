"""Outstanding reports on the dashboards: a registry other apps fill (the report documents and their deadlines).

An app that keeps report documents registers a provider once (in its ``AppConfig.ready``)::

    from propdesk.reports.outstanding import Outstanding, register_outstanding

    def my_outstanding(*, user, today):
        return [Outstanding(title=..., due=..., url=..., late=..., community=...)]

    register_outstanding(my_outstanding)

A provider returns only what ``user`` may see; the dashboard lists every provider's items, the earliest due
first. Providers must be cheap (a few queries): they run on every dashboard view.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Outstanding:
    title: str
    due: dt.date
    url: str = ""
    late: bool = False
    community: str = ""
    status: str = ""


Provider = Callable[..., Iterable[Outstanding]]
_providers: list[Provider] = []


def register_outstanding(provider: Provider) -> Provider:
    """Add ``provider(*, user, today) -> Iterable[Outstanding]`` (registering the same function twice is one)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_outstanding(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def outstanding_for(*, user, today: dt.date) -> list[Outstanding]:
    items = [item for provider in list(_providers) for item in provider(user=user, today=today)]
    return sorted(items, key=lambda item: (item.due, item.title))
