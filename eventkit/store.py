"""The PostgreSQL event store of one service.

Appends run concurrently (issue 16): an append reserves its consecutive positions under a
lock held only for the reservation (`reserve_positions`, migration 004), not to its commit,
and stamps its rows with a horizon: one more than the highest transaction id of every
append that reserved before it. A reader takes only the prefix of the feed whose horizon is
at or below the oldest transaction still open (`settled_below`): every append that could
still commit a lower position has ended by then, so a follower reading `position > after`
never skips an event that commits later with a lower position. Positions may have holes (a
rolled-back append consumed its numbers); consumers take the feed's order, not `+1`, as the
truth.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
import weakref
import zlib
from collections.abc import Callable, Sequence
from typing import Any

import psycopg2.errors
import psycopg2.extras
from psycopg2.extras import Json

from eventkit import config, personal
from eventkit.aggregate import NewEvent
from eventkit.errors import ConcurrencyConflict
from eventkit.registry import EventRegistry
from eventkit.wire import db_json

Envelope = dict[str, Any]

_COLUMN_NAMES = ("position", "event_id", "stream_id", "version", "type", "schema_version",
                 "occurred_at", "data", "metadata")
_COLUMNS = ", ".join(_COLUMN_NAMES)


def lock_key(schema: str) -> int:
    return zlib.crc32(f"append:{schema}".encode())


def reserve_key(schema: str) -> int:
    return zlib.crc32(f"reserve:{schema}".encode())


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


STREAM_VERSION_KEY = "events_stream_id_version_key"  # UNIQUE (stream_id, version)
_EVENT_COLUMNS = ("event_id", "stream_id", "version", "type", "schema_version", "occurred_at",
                  "data", "metadata")
_EVENT_CASTS = ("uuid", "text", "integer", "text", "integer", "timestamptz", "jsonb", "jsonb")


def append_rows(cur, *, table: str, columns: Sequence[str], casts: Sequence[str],
                rows: Sequence[Sequence[Any]], lock_key: int, notify: str,
                sequence: str | None = None, key: str = "event_id") -> list[int]:
    """The one ordered append of the platform: the event stores and the gateway's feed.

    It takes the table's transaction-level advisory lock (held to the commit), so positions
    commit in position order and a follower reading `position > after` never skips a row that
    commits later with a lower one; then one INSERT gives the rows positions in their order:
    from `sequence` (holes where a transaction rolled back) or, without one, dense from the
    table's head (read after the lock). The NOTIFY goes out at the commit. Returns the
    positions in row order; `key` (a unique column) maps the returned rows back.
    """
    if not rows:
        return []
    cur.execute("SELECT pg_advisory_xact_lock(%s), pg_notify(%s, '')", (lock_key, notify))
    names = ", ".join(columns)
    values = ", ".join(f"v.{c}" for c in columns)
    if sequence:
        position = f"nextval('{sequence}')"
        source = "(VALUES %s) AS v"
    else:
        position = "h.head + v.ord"
        source = f"(SELECT coalesce(max(position), 0) AS head FROM {table}) AS h, (VALUES %s) AS v"
    template = "(%s::integer, " + ", ".join(f"%s::{c}" for c in casts) + ")"
    numbered = [(n, *row) for n, row in enumerate(rows, start=1)]
    returned = psycopg2.extras.execute_values(
        cur,
        f"INSERT INTO {table} (position, {names}) SELECT {position}, {values}"
        f" FROM {source} (ord, {names}) ORDER BY v.ord RETURNING {key}, position",
        numbered, template=template, page_size=len(numbered), fetch=True)
    by_key = {str(k): p for k, p in returned}
    positions = [by_key[str(row[columns.index(key)])] for row in rows]
    # the contract every reader relies on: positions follow the rows' order
    assert positions == sorted(positions), "append positions out of row order"
    return positions


_RESERVED_SQL: dict[tuple[str, int], str] = {}


def _reserved_sql(schema: str, n: int) -> str:
    """The append statement of `n` rows into `schema` (built once per store and size)."""
    sql = _RESERVED_SQL.get((schema, n))
    if sql is None:
        names = ", ".join(_EVENT_COLUMNS)
        values = ", ".join(f"v.{c}" for c in _EVENT_COLUMNS)
        row = "(%s::integer, " + ", ".join(f"%s::{c}" for c in _EVENT_CASTS) + ")"
        sql = (f'WITH r AS MATERIALIZED (SELECT * FROM "{schema}".reserve_positions('
               f"%s::integer, %s::bigint, %s::bigint, %s::text))"
               f' INSERT INTO "{schema}".events (position, horizon, {names})'
               f" SELECT r.first + v.ord - 1, r.horizon, {values}"
               f" FROM r, (VALUES {', '.join([row] * n)}) AS v (ord, {names})"
               " ORDER BY v.ord RETURNING position")
        if len(_RESERVED_SQL) < 256:
            _RESERVED_SQL[(schema, n)] = sql
    return sql


# Appends of up to this many events go through a statement prepared once per connection
# (issue 16): planning the reservation's CTE and INSERT took about a third of a one-event
# append on the server, more than the insert itself. Larger batches amortise their plan.
# A prepared statement lives in the server's session: behind a pooler in transaction mode
# set STORE_PREPARED_UP_TO=0 (docs/operations.md).
PREPARED_UP_TO = config.env_int("STORE_PREPARED_UP_TO", 8)
# the statements each open connection has prepared (PREPARE outlives a rollback, and a
# closed connection's set goes with it)
_PREPARED: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


def _prepared_name(schema: str, n: int) -> str:
    return f"coopleague_append_{zlib.crc32(schema.encode()):08x}_{n}"


def _execute_append(cur, schema: str, n: int, args: Sequence[Any]) -> None:
    sql = _reserved_sql(schema, n)
    if n > PREPARED_UP_TO:
        cur.execute(sql, args)
        return
    name = _prepared_name(schema, n)
    done = _PREPARED.setdefault(cur.connection, set())
    if name not in done:
        pieces = sql.split("%s")
        body = pieces[0] + "".join(f"${k}{piece}" for k, piece in enumerate(pieces[1:], 1))
        cur.execute(f"PREPARE {name} AS {body}")
        done.add(name)
    cur.execute(_execute_sql(name, len(args)), args)


@functools.cache
def _execute_sql(name: str, n_args: int) -> str:
    return f"EXECUTE {name} ({', '.join(['%s'] * n_args)})"


def append_reserved(cur, *, schema: str, rows: Sequence[Sequence[Any]], append_key: int,
                    reserve_key: int, notify: str | None) -> list[int]:
    """The event stores' append: one statement reserves len(rows) consecutive positions
    (`reserve_positions`: no lock held to the commit, see the module's docstring), stamps
    the rows' horizon and inserts them in their order; with `notify`, a NOTIFY on that
    channel goes out at the commit (without, the caller wakes the relay after its commit:
    eventkit/wakeup.py). Returns the positions in row order (consecutive)."""
    if not rows:
        return []
    args: list[Any] = [len(rows), append_key, reserve_key, notify]
    for n, row in enumerate(rows, start=1):
        args.append(n)
        args.extend(row)
    _execute_append(cur, schema, len(rows), args)
    return sorted(p for (p,) in cur.fetchall())


class EventStore:
    def __init__(self, schema: str, registry: EventRegistry | None = None,
                 keys: personal.KeyStore | None = None) -> None:
        self.schema = schema
        self.registry = registry
        self._lock_key = lock_key(schema)
        self._reserve_key = reserve_key(schema)
        self.keys = keys or personal.KeyStore(schema)
        # set by the service (eventkit/wakeup.py): the relay's NOTIFY goes out after the
        # commit (`committed`), not from inside the appending transaction
        self.notifier: Any = None

    @property
    def channel(self) -> str:
        return f"{self.schema}_events"

    def committed(self) -> None:
        """The caller's transaction with appends has committed: wake the relay."""
        if self.notifier is not None:
            self.notifier.poke()

    # -- personal fields (eventkit/personal.py) ------------------------------------------
    def _seal_all(self, cur, stream_id: str, events: Sequence[NewEvent]) -> list[dict]:
        """Event data as stored: declared personal fields encrypted with their subject's key."""
        return self._seal_items(cur, [(stream_id, e) for e in events])

    def _seal_items(self, cur, items: Sequence[tuple[str, NewEvent]]) -> list[dict]:
        """`_seal_all` for events of any streams (one key lookup for the batch)."""
        decls = [self.registry.personal(e.type) if self.registry else None for _, e in items]
        subjects = [d.subject_of(stream_id, e.data) if d else None
                    for d, (stream_id, e) in zip(decls, items, strict=True)]
        wanted = {s for s in subjects if s}
        if not wanted:
            return [e.data for _, e in items]
        keys = self.keys.for_writing(cur, wanted)
        return [personal.seal(d, s, keys.get(s), e.data) if d and s else e.data
                for d, s, (_, e) in zip(decls, subjects, items, strict=True)]

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
        """Block other appenders until this transaction ends (rebuild's final swap): SHARE
        waits for every append still open (each holds ROW EXCLUSIVE on the table from before
        its reservation to its commit) and holds new ones back (migration 006)."""
        cur.execute(f'LOCK TABLE "{self.schema}".events IN SHARE MODE')

    def append(
        self,
        cur,
        stream_id: str,
        expected_version: int,
        events: Sequence[NewEvent],
        metadata: dict[str, Any],
    ) -> list[Envelope]:
        """Append `events` to `stream_id` if it is at `expected_version`.

        A stale expected version collides with the (stream_id, version) key and raises
        ConcurrencyConflict; the transaction is then aborted and the caller retries in a
        new one.
        """
        return self.append_events(
            cur, [(stream_id, expected_version + n, event, metadata)
                  for n, event in enumerate(events, start=1)])

    def append_events(self, cur, items: Sequence[tuple[str, int, NewEvent, dict[str, Any]]],
                      validate: Callable[[str, dict[str, Any]], int] | None = None,
                      ) -> list[Envelope]:
        """Append events of any streams in one batch, in the given order: each item is
        (stream_id, the version the event gets, event, metadata). Positions follow the
        items' order (`append_rows`)."""
        if not items:
            return []
        check = validate or (self.registry.validate if self.registry else None)
        now = dt.datetime.now(dt.UTC)
        envelopes: list[Envelope] = []
        rows = []
        stored = self._seal_items(cur, [(stream_id, event) for stream_id, _, event, _ in items])
        for (stream_id, version, event, metadata), sealed in zip(items, stored, strict=True):
            schema_version = check(event.type, event.data) if check else 1
            env = {
                "position": 0,
                "event_id": str(uuid.uuid4()),
                "stream_id": stream_id,
                "version": version,
                "type": event.type,
                "schema_version": schema_version,
                "occurred_at": now.isoformat(),
                # what a read gives back: clear, or erased when the subject's key is gone
                "data": event.data if sealed is event.data else
                personal.open_clear(sealed, event.data),
                "metadata": metadata,
            }
            envelopes.append(env)
            rows.append((env["event_id"], stream_id, version, event.type, schema_version, now,
                         Json(sealed, dumps=db_json), Json(metadata, dumps=db_json)))
        try:
            positions = append_reserved(
                cur, schema=self.schema,
                rows=rows, append_key=self._lock_key, reserve_key=self._reserve_key,
                notify=None if self.notifier is not None else self.channel)
        except psycopg2.errors.UniqueViolation as exc:
            if exc.diag.constraint_name != STREAM_VERSION_KEY:
                raise
            first_stream, first_version = items[0][0], items[0][1]
            raise ConcurrencyConflict(
                f"stream {first_stream} has moved past version {first_version - 1}"
                if len({i[0] for i in items}) == 1 else
                "a stream of the batch has moved past its expected version",
                {"stream_id": first_stream, "expected_version": first_version - 1},
            ) from exc
        for env, position in zip(envelopes, positions, strict=True):
            env["position"] = position
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
                  types: Sequence[str] | None = None, upcast: bool = True,
                  settled: bool = True) -> list[Envelope]:
        """Events after `after`, in position order (never a gap a later commit fills)."""
        return self.read_feed_pending(cur, after, limit, types, upcast, settled)[0]

    def read_feed_pending(self, cur, after: int, limit: int = 500,
                          types: Sequence[str] | None = None, upcast: bool = True,
                          settled: bool = True) -> tuple[list[Envelope], bool]:
        """`read_feed`, and whether committed events wait behind a still-open transaction
        (the caller may look again shortly rather than wait for the next notification).

        `settled=False` reads every committed row: only for a reader that holds the append
        lock exclusively (a rebuild's final catch-up), when no append is open."""
        fetched, pending = self._settled_rows(cur, after, limit, types, settled, False)
        if pending:
            # the snapshot's oldest open transaction may be another database's: ask again,
            # leaving those out (costlier: it reads the server's activity)
            more, pending = self._settled_rows(
                cur, fetched[-1][0] if fetched else after, limit - len(fetched), types,
                settled, True)
            fetched += more
        rows = self._open_all(cur, [_row_to_envelope(r) for r in fetched])
        return ([self._upcast(e) for e in rows] if upcast else rows), pending

    def _settled_rows(self, cur, after: int, limit: int, types: Sequence[str] | None,
                      settled: bool, this_database: bool) -> tuple[list[Any], bool]:
        """The settled prefix of the rows after `after`, and whether unsettled rows follow."""
        if limit <= 0:
            return [], False
        where = "position > %s"
        args: list[Any] = [after]
        if types:
            where += " AND type = ANY(%s)"
            args.append(list(types))
        if not settled:
            cur.execute(f'SELECT {_COLUMNS}, true FROM "{self.schema}".events'
                        f" WHERE {where} ORDER BY position LIMIT %s", (*args, limit))
            return cur.fetchall(), False
        below = (f'(SELECT "{self.schema}".settled_below())' if this_database else
                 "(SELECT pg_snapshot_xmin(pg_current_snapshot()))")
        # Settled rows are a prefix (a reservation's horizon never falls as positions rise).
        # The unsettled rows come back without their columns: while a transaction stays
        # open a relay looks again every few ms, and decoding the whole batch's JSON each
        # time to keep none of it cost most of a core. (A window cutting the rows at the
        # first unsettled one took longer to plan than a one-event read takes in all.)
        shown = ", ".join(f"CASE WHEN ok THEN {c} END" for c in _COLUMN_NAMES[1:])
        cur.execute(
            f"SELECT position, {shown}, ok FROM (SELECT {_COLUMNS},"
            f" horizon IS NULL OR horizon <= {below} AS ok"
            f' FROM "{self.schema}".events WHERE {where} ORDER BY position LIMIT %s) r',
            (*args, limit))
        fetched = cur.fetchall()
        for n, row in enumerate(fetched):
            if not row[9]:
                return fetched[:n], True
        return fetched, False

    def head(self, cur) -> int:
        cur.execute(f'SELECT coalesce(max(position), 0) FROM "{self.schema}".events')
        return cur.fetchone()[0]
