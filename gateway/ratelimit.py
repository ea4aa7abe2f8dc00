"""Per-token rate limit: a token bucket per bearer token, in the gateway process (OWASP API4).

`RATE_LIMIT_PER_SECOND` tokens are added per second up to `RATE_LIMIT_BURST`; each request
takes one. An empty bucket answers 429 with `Retry-After` (whole seconds until one token is
back). Buckets live in the process: with N gateway replicas behind a balancer a client gets
up to N times the rate, which is still a bound (documented in docs/gateway.md).
Idle buckets are dropped so a flood of distinct tokens cannot grow memory without bound.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class TokenBuckets:
    def __init__(self, rate: float, burst: float, max_buckets: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self.max_buckets = max_buckets
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, updated)
        self._reported: dict[str, float] = {}  # key -> when its last refusal was reported
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take one token: 0.0 if allowed, else the seconds until one is available."""
        now = self.clock()
        with self._lock:
            tokens, updated = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - updated) * self.rate)
            if tokens >= 1.0:
                self._store(key, tokens - 1.0, now)
                return 0.0
            self._store(key, tokens, now)
            return (1.0 - tokens) / self.rate

    def first_refusal(self, key: str, window: float = 60.0) -> bool:
        """Whether a refusal for `key` is the first one in `window` seconds (worth a record)."""
        now = self.clock()
        with self._lock:
            last = self._reported.get(key)
            if last is not None and now - last < window:
                return False
            if len(self._reported) >= self.max_buckets:
                self._reported.clear()
            self._reported[key] = now
            return True

    def _store(self, key: str, tokens: float, now: float) -> None:
        if key not in self._buckets and len(self._buckets) >= self.max_buckets:
            self._sweep(now)
        self._buckets[key] = (tokens, now)

    def _sweep(self, now: float) -> None:
        # a bucket idle long enough to be full again carries no information
        full_after = self.burst / self.rate
        for key in [k for k, (_, t) in self._buckets.items() if now - t >= full_after]:
            del self._buckets[key]
        if len(self._buckets) >= self.max_buckets:
            self._buckets.clear()


def retry_after(wait: float) -> str:
    return str(max(1, math.ceil(wait)))
