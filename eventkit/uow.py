"""Unit of work: one transaction loads aggregates, appends their new events with the
expected versions, applies the service's own projectors, and records the command result.

A command id seen before returns the stored first result and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import psycopg2
import psycopg2.errors
from psycopg2.extras import Json

from eventkit import logs, metrics
from eventkit.aggregate import Aggregate
from eventkit.db import Pool
from eventkit.errors import ConcurrencyConflict, NotFound
from eventkit.projection import Projector
from eventkit.store import Envelope, EventStore

A = TypeVar("A", bound=Aggregate)
R = TypeVar("R")

log = logs.get("eventkit.uow")


class Tx:
    """What a command handler sees: a cursor and the aggregates it loads."""

    def __init__(self, cur, store: EventStore) -> None:
        self.cur = cur
        self.store = store
        self._loaded: dict[str, Aggregate] = {}
        self.envelopes: list[Envelope] = []

    def load(self, cls: type[A], aggregate_id: str) -> A:
        """The aggregate as stored (version 0 and `exists` False when it has no events)."""
        stream_id = cls.stream_id_for(aggregate_id)
        if stream_id in self._loaded:
            return self._loaded[stream_id]  # type: ignore[return-value]
        history = self.store.read_stream(self.cur, stream_id)
        agg = cls.from_history(aggregate_id, [(e["type"], e["data"]) for e in history])
        self._loaded[stream_id] = agg
        return agg

    def get(self, cls: type[A], aggregate_id: str, what: str | None = None) -> A:
        agg = self.load(cls, aggregate_id)
        if not agg.exists:
            raise NotFound(f"{what or cls.stream_prefix} {aggregate_id} not found")
        return agg

    def add(self, agg: Aggregate) -> Aggregate:
        """Track a new aggregate (one not loaded through `load`)."""
        existing = self._loaded.get(agg.stream_id)
        if existing is not None and existing is not agg:
            raise ValueError(f"{agg.stream_id} tracked twice")
        self._loaded[agg.stream_id] = agg
        return agg

    def flush(self, metadata: dict[str, Any]) -> list[Envelope]:
        dirty = [a for a in self._loaded.values() if a.pending]
        if not dirty:
            return []
        out: list[Envelope] = []
        for agg in dirty:
            envs = self.store.append(self.cur, agg.stream_id, agg.version, agg.pending,
                                     metadata)
            agg.version += len(agg.pending)
            agg.pending = []
            out.extend(envs)
        self.envelopes.extend(out)
        return out


class UnitOfWork:
    def __init__(self, pool: Pool, store: EventStore, projectors: list[Projector],
                 service: str) -> None:
        self.pool = pool
        self.store = store
        self.projectors = projectors
        self.service = service

    def run(
        self,
        handler: Callable[[Tx], R],
        *,
        command_id: str | None = None,
        metadata: dict[str, Any] | None = None,
        retries: int = 3,
        then: Callable[[Any, Any], Any] | None = None,
    ) -> Any:
        """The handler's result; with `then`, `then(cursor, result)` read in the same
        transaction once the projections are applied (the command's answer, without a
        second transaction: issue 16). A command id seen before gives `then` the stored
        result. The commands table keeps the handler's result either way."""
        meta = {"source": self.service, "causation_id": command_id, **(metadata or {})}
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._run_once(handler, command_id, meta, then)
            except ConcurrencyConflict:
                if attempt > retries:
                    raise
                log.info("command retried after a version conflict", attempt=attempt)
            except psycopg2.errors.UniqueViolation as exc:
                # Two deliveries of the same command raced: the loser returns the winner's result.
                if command_id and "commands_pkey" in str(exc):
                    continue
                raise

    def _run_once(self, handler: Callable[[Tx], R], command_id: str | None,
                  meta: dict[str, Any], then: Callable[[Any, Any], Any] | None) -> Any:
        with self.pool.transaction() as cur:
            if command_id:
                cur.execute("SELECT result FROM commands WHERE command_id = %s", (command_id,))
                row = cur.fetchone()
                if row is not None:
                    return then(cur, row[0]) if then is not None else row[0]
            tx = Tx(cur, self.store)
            result = handler(tx)
            for env in tx.flush(meta):
                for projector in self.projectors:
                    projector.apply(cur, env)
            if command_id:
                cur.execute("INSERT INTO commands (command_id, result) VALUES (%s, %s)",
                            (command_id, Json(result)))
            answer = then(cur, result) if then is not None else result
        if tx.envelopes:  # counted once committed
            self.store.committed()
            metrics.EVENTS_APPENDED.labels(self.service).inc(len(tx.envelopes))
        return answer

    def read(self, fn: Callable[[Any], R], autocommit: bool = False) -> R:
        """A read-only query against the read models: in one transaction (one snapshot), or
        with `autocommit` each statement on its own, one round trip where a transaction
        takes three (issue 16: a list page is one statement; BEGIN and COMMIT were two
        thirds of its round trips)."""
        if autocommit:
            with self.pool.autocommit() as cur:
                return fn(cur)
        with self.pool.transaction() as cur:
            return fn(cur)
