"""Keep sending under the providers' rate limits.

Each limit is a key with a rate per second (Telnyx: the account, and each
sending number; Resend: the account). :meth:`SendRateLimiter.wait` blocks
until every key named is free, then books the next slot of each. The clock
and the sleeper are injectable so tests never sleep for real.

The limiter lives in the dispatcher's process; only the scheduler leader
dispatches, so one process sends at a time (a manual ``cli drain-outbox``
next to a running worker can exceed the limits briefly; the providers then
answer 429 and the message is retried).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable


class SendRateLimiter:
    """Spaces out calls so that each key stays under its rate."""

    def __init__(self, *, monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_free: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, limits: Iterable[tuple[str, float]]) -> float:
        """Block until every ``(key, per_second)`` allows one more call.

        Returns:
            The seconds waited (0 when no wait was needed).
        """
        limits = [(key, rate) for key, rate in limits if rate and rate > 0]
        with self._lock:
            now = self._monotonic()
            ready = max([self._next_free.get(key, now) for key, _ in limits] or [now])
            waited = max(ready - now, 0.0)
            if waited:
                self._sleep(waited)
                now = max(self._monotonic(), ready)
            for key, rate in limits:
                self._next_free[key] = now + 1.0 / rate
            return waited
