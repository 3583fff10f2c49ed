"""The shape of a home-page entry ("where to go"). Each app lists its own pages in ``<app>/navigation.py`` as
``NAV_ENTRIES``; the home page gathers them (``propdesk.home.navigation``), so adding an app touches no
other app's file."""

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Entry:
    title: Promise
    description: Promise
    url_name: str
    roles: frozenset[str] = frozenset()
    needs_admin: bool = False
    # The rule-set action that decides the entry (preferred to ``roles`` where the app has one).
    action: str | None = None
    # Where the entry sits among the others: the home page sorts by it (stable: equal weights keep app order).
    weight: int = 100
