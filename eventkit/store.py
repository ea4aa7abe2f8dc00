"""The PostgreSQL event store of one service.

Appends are serialised per store by a transaction-level advisory lock taken by the insert
itself and held to the commit, so positions (from a sequence) commit in position order: a
follower reading `position > after` never skips an event that commits later with a lower
position. Positions may have holes (a rolled-back append consumed its numbers); consumers
take the feed's order, not `+1`, as the truth.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zlib
from collections.abc import Sequence
from typing import Any

import psycopg2.errors
import psycopg2.extras
from psycopg2.extras import Json

from eventkit import personal
from eventkit.aggregate import NewEvent
from eventkit.errors import ConcurrencyConflict
from eventkit.registry import EventRegistry

Envelope = dict[str, Any]

_COLUMNS = ("position, event_id, stream_id, version, type, schema_version, occurred_at, data,"
            " metadata")


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
    def __init__(self, schema: str, registry: EventRegistry | None = None,
                 keys: personal.KeyStore | None = None) -> None:
        self.schema = schema
        self.registry = registry
        self._lock_key = lock_key(schema)
        self.keys = keys or personal.KeyStore(schema)

    # -- personal fields (eventkit/personal.py) ------------------------------------------
    def _seal_all(self, cur, stream_id: str, events: Sequence[NewEvent]) -> list[dict]:
        """Event data as stored: declared personal fields encrypted with their subject's key."""
        decls = [self.registry.personal(e.type) if self.registry else None for e in events]
        subjects = [d.subject_of(stream_id, e.data) if d else None
                    for d, e in zip(decls, events, strict=True)]
        wanted = {s for s in subjects if s}
        if not wanted:
            return [e.data for e in events]
        keys = self.keys.for_writing(cur, wanted)
        return [personal.seal(d, s, keys.get(s), e.data) if d and s else e.data
                for d, s, e in zip(decls, subjects, events, strict=True)]

    def _open_all(self, cur, envelopes: list[Envelope]) -> list[Envelope]:
        """Stored envelopes with their personal fields in clear (or erased), in place."""
        if self.registry is None:
            return envelopes
        todo = []
        for env in envelopes:
            decl = self.registry.personal(env["type"], env["schema_version"])
            if decl is not None:
                subject = decl.subject_of(env["stream_id"], env["data"])
                if subject:
                    todo.append((env, decl, subject))
        if todo:
            keys = self.keys.load(cur, {s for _, _, s in todo})
            for env, decl, subject in todo:
                env["data"] = personal.open_(decl, subject, keys.get(subject), env["data"])
        return envelopes

    # -- writing -------------------------------------------------------------------
    def lock_appends(self, cur) -> None:
        """Block other appenders until this transaction ends (rebuild's final swap)."""
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key,))

    def append(
        self,
        cur,
        stream_id: str,
        expected_version: int,
        events: Sequence[NewEvent],
        metadata: dict[str, Any],
    ) -> list[Envelope]:
        """Append `events` to `stream_id` if it is at `expected_version`.

        One statement: it takes the append lock (held to commit, so positions from the
        sequence commit in order), queues the NOTIFY and inserts. A stale expected version
        collides with the (stream_id, version) key and raises ConcurrencyConflict; the
        transaction is then aborted and the caller retries in a new one.
        """
        if not events:
            return []
        now = dt.datetime.now(dt.UTC)
        envelopes: list[Envelope] = []
        rows = []
        stored = self._seal_all(cur, stream_id, events)
        for offset, event in enumerate(events, start=1):
            schema_version = (
                self.registry.validate(event.type, event.data) if self.registry else 1
            )
            env = {
                "position": 0,
                "event_id": str(uuid.uuid4()),
                "stream_id": stream_id,
                "version": expected_version + offset,
                "type": event.type,
                "schema_version": schema_version,
                "occurred_at": now.isoformat(),
                # what a read gives back: clear, or erased when the subject's key is gone
                "data": event.data if stored[offset - 1] is event.data else
                personal.open_clear(stored[offset - 1], event.data),
                "metadata": metadata,
            }
            envelopes.append(env)
            rows.append((env["event_id"], stream_id, env["version"], event.type,
                         schema_version, now, Json(stored[offset - 1]), Json(metadata)))
        try:
            returned = psycopg2.extras.execute_values(
                cur,
                f'INSERT INTO "{self.schema}".events (event_id, stream_id, version, type,'
                " schema_version, occurred_at, data, metadata)"
                " SELECT v.* FROM (SELECT pg_advisory_xact_lock(%s), pg_notify(%s, '')) AS lock,"
                " (VALUES %%s) AS v(event_id, stream_id, version, type, schema_version,"
                " occurred_at, data, metadata) RETURNING event_id, position"
                % (self._lock_key, f"'{self.schema}_events'"),
                rows,
                template="(%s::uuid, %s, %s::integer, %s, %s::integer, %s::timestamptz,"
                " %s::jsonb, %s::jsonb)",
                page_size=len(rows),
                fetch=True,
            )
        except psycopg2.errors.UniqueViolation as exc:
            if "stream_id" not in str(exc):
                raise
            raise ConcurrencyConflict(
                f"stream {stream_id} has moved past version {expected_version}",
                {"stream_id": stream_id, "expected_version": expected_version},
            ) from exc
        positions = {str(event_id): position for event_id, position in returned}
        for env in envelopes:
            env["position"] = positions[str(env["event_id"])]
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
        rows = self._open_all(cur, [_row_to_envelope(r) for r in cur.fetchall()])
        return [self._upcast(e) for e in rows]

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
        rows = self._open_all(cur, [_row_to_envelope(r) for r in cur.fetchall()])
        return [self._upcast(e) for e in rows] if upcast else rows

    def head(self, cur) -> int:
        cur.execute(f'SELECT coalesce(max(position), 0) FROM "{self.schema}".events')
        return cur.fetchone()[0]
