"""Drafting a notice to customers from an app that cannot import the notices app (a sibling or a lower layer).

Survey results, forum summaries and the monthly public complaint summary are published to customers as a
notice: drafted here, then approved, sealed and posted through the notices app's own chain like any other
notice. The notices app registers the drafter when it is ready (``register_notice_drafter``); an app calls
``draft_notice`` and gets the new notice's id (or ``PublishingUnavailable`` if no drafter is installed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


class PublishingUnavailable(RuntimeError):
    """No app that publishes notices is installed."""


@dataclass(frozen=True)
class NoticeDraft:
    """What a notice draft needs; the drafter checks it (and the actor's right to draft) like a typed-in one.

    ``source`` names what the notice publishes (``"engagement.survey:12"``) so that the notice links back to it.
    ``community_id`` None means the whole service center.
    """

    service_center_id: int
    title: str
    body: str
    source: str
    community_id: int | None = None
    kind: str = "info"
    valid_days: int = 30
    language: str = "zh-hans"
    extra: dict = field(default_factory=dict)


_drafter: Callable | None = None


def register_notice_drafter(drafter: Callable) -> None:
    """``drafter(*, actor, draft: NoticeDraft) -> int`` creates the draft notice and returns its id."""
    global _drafter
    _drafter = drafter


def can_publish() -> bool:
    return _drafter is not None


def draft_notice(*, actor, draft: NoticeDraft) -> int:
    """Create a draft notice from ``draft`` as ``actor``; returns its id. Raises the drafter's validation or
    permission errors unchanged, and ``PublishingUnavailable`` when no drafter is registered."""
    if _drafter is None:
        raise PublishingUnavailable("no notice drafter is registered")
    return _drafter(actor=actor, draft=draft)
