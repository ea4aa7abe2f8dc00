"""Unit scope: a cache of org's `unit_subtree_ids` answers, shared by the gateway's workers.

Every scoped request needs the subtree of the token's unit; asking org each time would add
an RPC round trip to every request (and the dashboard's latency budget is 100 ms). Entries
expire after `SCOPE_CACHE_SECONDS` and the whole cache is dropped as soon as the gateway's
feed applies an org event that changes the tree, or this gateway forwards a write to a unit.
A miss asks org.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

# org events after which a cached subtree may be wrong
TREE_EVENTS = frozenset({"UnitCreated", "UnitMoved", "UnitMergedInto", "UnitDissolved"})


class SubtreeCache:
    def __init__(self, ttl: float = 5.0, max_entries: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        self._entries: dict[str, tuple[float, int, tuple[str, ...]]] = {}
        self._generation = 0
        self._lock = threading.Lock()
        self.stats = {"hits": 0, "misses": 0, "invalidations": 0}

    def get(self, unit_id: str, load: Callable[[str], list[str]]) -> list[str]:
        now = self.clock()
        with self._lock:
            entry = self._entries.get(unit_id)
            generation = self._generation
            if entry is not None and entry[0] > now and entry[1] == generation:
                self.stats["hits"] += 1
                return list(entry[2])
        self.stats["misses"] += 1
        ids = tuple(load(unit_id))
        with self._lock:
            # an invalidation while org answered: the answer may predate it, do not keep it
            if self.ttl > 0 and generation == self._generation:
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
                self._entries[unit_id] = (now + self.ttl, generation, ids)
        return list(ids)

    def invalidate(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()
            self.stats["invalidations"] += 1


_subtrees: SubtreeCache | None = None


def subtrees() -> SubtreeCache:
    """The process's cache (`SCOPE_CACHE_SECONDS`, default 5; 0 disables it)."""
    global _subtrees
    if _subtrees is None:
        import os

        _subtrees = SubtreeCache(float(os.environ.get("SCOPE_CACHE_SECONDS", "5")))
    return _subtrees
