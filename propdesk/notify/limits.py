"""Per-channel rate limits: a token bucket per channel in the delivering process.

Providers cap how fast one account may send (SMS providers per second, a WeCom group robot 20 messages a
minute). The worker stays under the configured rate: a row over the budget is not an attempt and not an
error, it waits until the bucket refills. ``PROPDESK_NOTIFY_RATE_LIMITS`` maps a channel to
"<count>/<seconds>"; a channel without an entry is not limited.
"""

import datetime as dt
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings


class RateLimited(Exception):
    def __init__(self, wait: dt.timedelta):
        super().__init__(f"rate limit: retry in {wait.total_seconds():.1f} s")
        self.wait = wait


def parse_rate(value: str) -> tuple[int, float]:
    """``"200/1"`` → 200 messages per 1 second; ``"20/60"`` → 20 a minute."""
    count, _, seconds = str(value).partition("/")
    count_n, seconds_f = int(count), float(seconds or "1")
    if count_n <= 0 or seconds_f <= 0:
        raise ValueError(f"bad rate {value!r}: expected '<count>/<seconds>' with both above zero")
    return count_n, seconds_f


@dataclass
class Bucket:
    capacity: int
    period: float
    clock: object = time.monotonic
    tokens: float = field(init=False)
    updated: float = field(init=False)

    def __post_init__(self):
        self.tokens = float(self.capacity)
        self.updated = self.clock()

    def take(self) -> float:
        """Take one token; 0 when granted, else the seconds until one is available."""
        now = self.clock()
        rate = self.capacity / self.period
        self.tokens = min(float(self.capacity), self.tokens + (now - self.updated) * rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / rate


_buckets: dict[tuple[str, str], Bucket] = {}
_lock = threading.Lock()


def take(channel: str) -> None:
    """Spend one message of ``channel``'s budget, or raise RateLimited with the wait."""
    spec = settings.PROPDESK_NOTIFY_RATE_LIMITS.get(str(channel))
    if not spec:
        return
    with _lock:
        bucket = _buckets.get((str(channel), spec))
        if bucket is None:
            bucket = _buckets[(str(channel), spec)] = Bucket(*parse_rate(spec))
        wait = bucket.take()
    if wait:
        raise RateLimited(dt.timedelta(seconds=max(wait, 0.05)))


def reset() -> None:
    """Forget every bucket (tests, and a worker that reloads its settings)."""
    with _lock:
        _buckets.clear()
