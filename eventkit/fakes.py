"""In-memory event store and unit of work: command handlers tested without PostgreSQL.

cosmicpython's FakeUnitOfWork: the fakes keep the ports' contracts (the same `Tx` is handed
to the handler; appends validate against the registry, check the expected version and number
the feed) so a handler test exercises exactly the code that runs in the service. Read-model
facts a handler needs come through its own `reads` port (a plain object), never through SQL
on `tx.cur`, so the fake hands `reads` over as the cursor.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from eventkit.aggregate import NewEvent
from eventkit.errors import ConcurrencyConflict
from eventkit.registry import EventRegistry
from eventkit.store import Envelope
from eventkit.uow import Tx

R = TypeVar("R")


class InMemoryEventStore:
    """The EventStore's contract in a list: appends with expected versions, one global feed."""

    def __init__(self, registry: EventRegistry | None = None,
                 now: Callable[[], dt.datetime] | None = None) -> None:
        self.registry = registry
        self.events: list[Envelope] = []
        self._now = now or (lambda: dt.datetime.now(dt.UTC))

    def append(self, cur: Any, stream_id: str, expected_version: int,
               events: Sequence[NewEvent], metadata: dict[str, Any]) -> list[Envelope]:
        if not events:
            return []
        current = max((e["version"] for e in self.events if e["stream_id"] == stream_id),
                      default=0)
        if current != expected_version:
            raise ConcurrencyConflict(
                f"stream {stream_id} has moved past version {expected_version}",
                {"stream_id": stream_id, "expected_version": expected_version})
        out = []
        for offset, event in enumerate(events, start=1):
            schema_version = (self.registry.validate(event.type, event.data)
                              if self.registry else 1)
            env = {"position": len(self.events) + 1, "event_id": str(uuid.uuid4()),
                   "stream_id": stream_id, "version": expected_version + offset,
                   "type": event.type, "schema_version": schema_version,
                   "occurred_at": self._now().isoformat(), "data": event.data,
                   "metadata": metadata}
            self.events.append(env)
            out.append(env)
        return out

    def read_stream(self, cur: Any, stream_id: str) -> list[Envelope]:
        return [e for e in self.events if e["stream_id"] == stream_id]

    def read_feed(self, cur: Any, after: int, limit: int = 500,
                  types: list[str] | None = None) -> list[Envelope]:
        found = [e for e in self.events if e["position"] > after
                 and (types is None or e["type"] in types)]
        return found[:limit]

    def types(self) -> list[str]:
        return [e["type"] for e in self.events]


class FakeUnitOfWork:
    """`UnitOfWork.run`'s contract in memory: the handler gets a `Tx` over the fake store
    (with `reads` as its cursor); new events are kept only when the handler returns; a
    command id seen before answers its first result and changes nothing."""

    def __init__(self, store: InMemoryEventStore | None = None, reads: Any = None) -> None:
        self.store = store or InMemoryEventStore()
        self.reads = reads
        self.results: dict[str, Any] = {}
        self.committed = 0

    def run(self, handler: Callable[[Tx], R], *, command_id: str | None = None,
            metadata: dict[str, Any] | None = None, retries: int = 0,
            then: Callable[[Any, Any], Any] | None = None) -> Any:
        if command_id is not None and command_id in self.results:
            stored = self.results[command_id]
            return then(self.reads, stored) if then is not None else stored
        before = len(self.store.events)
        tx = Tx(self.reads, self.store)  # type: ignore[arg-type]
        try:
            result = handler(tx)
            tx.flush(metadata or {})
        except BaseException:
            del self.store.events[before:]  # a failed command leaves nothing behind
            raise
        self.committed += 1
        if command_id is not None:
            self.results[command_id] = result
        return then(self.reads, result) if then is not None else result
