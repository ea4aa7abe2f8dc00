"""The one reconnect/backoff helper: loops that must outlive a broker or database failure
(the relay's publisher, tracking consumers, the partner consumer) and calls worth a few
quick retries (a busy database answering "too many clients")."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Backoff:
    """Waits that double from `first` up to `cap`; `reset()` after a success."""

    def __init__(self, first: float = 0.5, cap: float = 10.0) -> None:
        if not 0 < first <= cap:
            raise ValueError("need 0 < first <= cap")
        self.first = first
        self.cap = cap
        self.current = first

    def reset(self) -> None:
        self.current = self.first

    def next(self) -> float:
        """The wait to take now; the following one is twice as long (capped)."""
        wait = self.current
        self.current = min(self.current * 2, self.cap)
        return wait


def retry(fn: Callable[[], T], *, attempts: int, retry_on: tuple[type[BaseException], ...],
          first: float = 0.2, cap: float = 2.0,
          sleep: Callable[[float], object] = time.sleep) -> T:
    """`fn()`, retried on `retry_on` up to `attempts` times in all with growing waits; the
    last failure is raised."""
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    backoff = Backoff(first, cap)
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except retry_on:
            if attempt == attempts:
                raise
            sleep(backoff.next())
    raise AssertionError("unreachable")
