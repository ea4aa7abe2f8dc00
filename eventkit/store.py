"""The PostgreSQL event store of one service.

Appends are serialised per store by a transaction-level advisory lock taken just before the
insert, so positions are dense and commit in position order: a follower reading
`position > after` never skips an event that commits later with a lower position.
The lock is held only from the insert to the commit; read-model updates of the same
transaction happen before it, outside the serialised section.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zlib
from collections.abc import Sequence
from typing import Any

import psycopg2.extras
from psycopg2.extras import Json

from eventkit.aggregate import NewEvent
from eventkit.errors import ConcurrencyConflict
from eventkit.registry import EventRegistry

Envelope = dict[str, Any]

_COLUMNS = "position, event_id, stream_id, version, type, schema_version, occurred_at, data, metadata"


def lock_key(schema: str) -> int:
    return zlib.crc32(f"append:{schema}".encode())


def _row_to_envelope(row: Sequence[Any]) -> Envelope:
    return {
        "position": row[0],
        "event_id": str(row[1]),
        "stream_id": row[2],
        "version": row[3],
        "type": row[4],
        "schema_version": row[5],
        "occurred_at": row[6].isoformat(),
        "data": row[7],
        "metadata": row[8],
    }


class EventStore:
    def __init__(self, schema: str, registry: EventRegistry | None = None) -> None:
        self.schema = schema
        self.registry = registry
        self._lock_key = lock_key(schema)

    # -- writing -------------------------------------------------------------------
    def lock_appends(self, cur) -> int:
        """Take the append lock (idempotent within a transaction); returns the head position."""
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key,))
        cur.execute(f'SELECT coalesce(max(position), 0) FROM "{self.schema}".events')
        return cur.fetchone()[0]

    def append(
        self,
        cur,
        stream_id: str,
        expected_version: int,
        events: Sequence[NewEvent],
        metadata: dict[str, Any],
        head: int | None = None,
    ) -> list[Envelope]:
        """Append `events` to `stream_id` if it is at `expected_version`.

        Raises ConcurrencyConflict otherwise. `head` may be passed by a caller that already
        holds the lock and tracks the head itself (several streams in one transaction).
        """
        if not events:
            return []
        if head is None:
            head = self.lock_appends(cur)
        cur.execute(
            f'SELECT coalesce(max(version), 0) FROM "{self.schema}".events WHERE stream_id = %s',
            (stream_id,),
        )
        current = cur.fetchone()[0]
        if current != expected_version:
            raise ConcurrencyConflict(
                f"stream {stream_id} is at version {current}, expected {expected_version}",
                {"stream_id": stream_id, "current_version": current,
                 "expected_version": expected_version},
            )
        now = dt.datetime.now(dt.UTC)
        envelopes: list[Envelope] = []
        rows = []
        for offset, event in enumerate(events, start=1):
            schema_version = (
                self.registry.validate(event.type, event.data) if self.registry else 1
            )
            env = {
                "position": head + offset,
                "event_id": str(uuid.uuid4()),
                "stream_id": stream_id,
                "version": expected_version + offset,
                "type": event.type,
                "schema_version": schema_version,
                "occurred_at": now.isoformat(),
                "data": event.data,
                "metadata": metadata,
            }
            envelopes.append(env)
            rows.append((env["position"], env["event_id"], stream_id, env["version"], event.type,
                         schema_version, now, Json(event.data), Json(metadata)))
        psycopg2.extras.execute_values(
            cur, f'INSERT INTO "{self.schema}".events ({_COLUMNS}) VALUES %s', rows,
            page_size=1000,
        )
        cur.execute("SELECT pg_notify(%s, %s)", (f"{self.schema}_events", str(head + len(rows))))
        return envelopes

    # -- reading -------------------------------------------------------------------
    def _upcast(self, env: Envelope) -> Envelope:
        if self.registry is not None:
            version, data = self.registry.upcast(env["type"], env["schema_version"], env["data"])
            env["schema_version"], env["data"] = version, data
        return env

    def read_stream(self, cur, stream_id: str) -> list[Envelope]:
        cur.execute(
            f'SELECT {_COLUMNS} FROM "{self.schema}".events WHERE stream_id = %s ORDER BY version',
            (stream_id,),
        )
        return [self._upcast(_row_to_envelope(r)) for r in cur.fetchall()]

    def read_feed(self, cur, after: int, limit: int = 500,
                  types: Sequence[str] | None = None, upcast: bool = True) -> list[Envelope]:
        """Events after `after`, in position order (never a gap a later commit fills)."""
        if types:
            cur.execute(
                f'SELECT {_COLUMNS} FROM "{self.schema}".events'
                " WHERE position > %s AND type = ANY(%s) ORDER BY position LIMIT %s",
                (after, list(types), limit),
            )
        else:
            cur.execute(
                f'SELECT {_COLUMNS} FROM "{self.schema}".events'
                " WHERE position > %s ORDER BY position LIMIT %s",
                (after, limit),
            )
        rows = [_row_to_envelope(r) for r in cur.fetchall()]
        return [self._upcast(e) for e in rows] if upcast else rows

    def head(self, cur) -> int:
        cur.execute(f'SELECT coalesce(max(position), 0) FROM "{self.schema}".events')
        return cur.fetchone()[0]
