"""One contract for every append path of the platform (issue 10, point 5), in the spirit of
the `eventsourcing` library's recorder test cases. The paths:

- `store.append`: a command's events (`EventStore.append`, the unit of work's path);
- `store.append_events`: a batch across streams (funding's partner ingest, `Ingest._append`);
- `gateway.feed`: the gateway's feed of every service's events (`gateway.feed.insert`).

All three are `eventkit.store.append_rows` underneath; this suite holds each to the same
promises: version conflicts (the event stores), positions that never interleave under
concurrent writers, a follower that never skips, rollback holes, tracking rows atomic with
the projection, upcasting.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg2
import pytest
from marshmallow import Schema, fields

from eventkit import db, migrate
from eventkit.aggregate import NewEvent
from eventkit.errors import ConcurrencyConflict
from eventkit.projection import Projector
from eventkit.registry import EventRegistry
from eventkit.store import EventStore
from eventkit.tracking import Tracker
from gateway import feed, policy
from tests.integration.eventkit.model import registry

PATHS = ["store.append", "store.append_events", "gateway.feed"]


class Path:
    """One append path: append `n` items as one batch, read the positions after `after`."""

    def __init__(self, name: str, schema: str) -> None:
        self.name = name
        self.schema = schema
        self.store = EventStore(schema, registry)
        self.dense = name == "gateway.feed"  # the feed numbers from its head: no holes

    def append(self, cur, stream: str, n: int, expected: int = 0) -> list[int]:
        events = [NewEvent("CounterIncremented", {"by": 1})] * n
        if self.name == "store.append":
            return [e["position"] for e in self.store.append(cur, stream, expected, events, {})]
        if self.name == "store.append_events":
            # interleaved with a second stream, as a partner batch records them
            items: list[tuple[str, int, NewEvent, dict[str, Any]]] = []
            for i, event in enumerate(events):
                target = stream if i % 2 == 0 else f"{stream}-b"
                version = expected + 1 + sum(1 for s, *_ in items if s == target)
                items.append((target, version, event, {}))
            return [e["position"] for e in self.store.append_events(cur, items)]
        rows = [feed.row_for("org", {"position": i + 1, "event_id": str(uuid.uuid4()),
                                     "stream_id": stream, "type": "CounterIncremented",
                                     "occurred_at": "2026-05-01T08:00:00+00:00",
                                     "data": {"by": 1}, "metadata": {}}, None)
                for i in range(n)]
        for row in rows:  # the feed's unique key is (source, source_position)
            row["source_position"] = abs(hash((stream, row["event_id"]))) % 10**12
        return feed.insert(cur, rows)

    def read(self, cur, after: int) -> list[int]:
        if self.name == "gateway.feed":
            return [r["position"] for r in feed.read(cur, after, 10_000, list(policy.POLICY),
                                                     None)]
        return [e["position"] for e in self.store.read_feed(cur, after, 10_000)]


@pytest.fixture(params=PATHS)
def path(request, dsn) -> Iterator[Path]:
    prefix = "gw" if request.param == "gateway.feed" else "kit"
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    migrate.migrate("gateway" if prefix == "gw" else "kit", dsn, schema)
    yield Path(request.param, schema)
    conn = db.connect(dsn, "public")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    conn.close()


@pytest.fixture
def pool(dsn, path) -> Iterator[db.Pool]:
    p = db.Pool(dsn, path.schema, size=6, wait=30)
    yield p
    p.close()


def test_a_batch_gets_consecutive_positions_in_its_order(path, pool):
    with pool.transaction() as cur:
        first = path.append(cur, "s-1", 5)
        second = path.append(cur, "s-2", 3)
    assert first == list(range(first[0], first[0] + 5))
    assert second == list(range(first[-1] + 1, first[-1] + 4))
    with pool.transaction() as cur:
        assert path.read(cur, 0) == first + second


def test_a_stale_expected_version_is_a_conflict_and_stores_nothing(path, pool):
    if path.dense:
        pytest.skip("the feed has no streams to version: its key is the source position")
    with pool.transaction() as cur:
        path.append(cur, "s-v", 2)
    with pytest.raises(ConcurrencyConflict) as info, pool.transaction() as cur:
        path.append(cur, "s-v", 1, expected=0)  # the stream is past version 0
    assert info.value.details["stream_id"] == "s-v"
    with pool.transaction() as cur:
        assert len(path.read(cur, 0)) == 2


def test_only_the_stream_version_key_is_a_conflict(path, pool):
    """Recognised by the constraint's name, not by words in the message."""
    if path.dense:
        pytest.skip("the feed has no streams to version")
    with pool.transaction() as cur:
        cur.execute(
            f"""CREATE FUNCTION "{path.schema}".refuse() RETURNS trigger AS $$ BEGIN
                RAISE unique_violation USING MESSAGE = 'duplicate stream_id in the audit',
                      CONSTRAINT = 'audit_stream_id_key';
                END $$ LANGUAGE plpgsql;
                CREATE TRIGGER refuse BEFORE INSERT ON "{path.schema}".events
                FOR EACH ROW WHEN (NEW.stream_id = 'audited') EXECUTE FUNCTION
                "{path.schema}".refuse()""")
    with pytest.raises(psycopg2.errors.UniqueViolation) as info, pool.transaction() as cur:
        path.append(cur, "audited", 1)
    assert not isinstance(info.value, ConcurrencyConflict)


def test_concurrent_writers_never_interleave_a_batch(path, pool):
    batches: list[list[int]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def writer(w: int) -> None:
        try:
            for b in range(15):
                with pool.transaction() as cur:
                    got = path.append(cur, f"w{w}-{b}", 4)
                with lock:
                    batches.append(got)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,), daemon=True) for w in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads) and not errors, errors[:1]
    for got in batches:
        assert got == list(range(got[0], got[0] + 4))  # consecutive: nobody in between
    with pool.transaction() as cur:
        assert path.read(cur, 0) == sorted(p for got in batches for p in got)


def test_a_follower_never_skips_a_position_committed_later(path, pool):
    seen: list[int] = []
    for i in range(60):
        with pool.transaction() as cur_a:  # A stays open while B appends
            path.append(cur_a, f"a-{i}", 1)

            def append_b(i: int = i) -> None:
                with pool.transaction() as cur:
                    path.append(cur, f"b-{i}", 1)

            b = threading.Thread(target=append_b, daemon=True)
            b.start()
            with pool.transaction() as cur:  # B waits for A's lock: nothing new is visible
                seen.extend(path.read(cur, seen[-1] if seen else 0))
        b.join(timeout=30)
        assert not b.is_alive()
        with pool.transaction() as cur:
            seen.extend(path.read(cur, seen[-1] if seen else 0))
    assert seen == sorted(set(seen)) and len(seen) == 120
    with pool.transaction() as cur:
        assert path.read(cur, 0) == seen


def test_a_rolled_back_append_leaves_a_hole_only_where_positions_are_not_dense(path, pool):
    with pool.transaction() as cur:
        before = path.append(cur, "r-1", 2)
    with pytest.raises(RuntimeError), pool.transaction() as cur:
        path.append(cur, "r-2", 3)
        raise RuntimeError("the command failed after its append")
    with pool.transaction() as cur:
        after = path.append(cur, "r-3", 1)
        read = path.read(cur, 0)
    assert read == before + after
    if path.dense:
        assert after == [before[-1] + 1]
    else:
        assert after == [before[-1] + 4]  # 3 numbers went with the rollback
    # a follower that knows it takes the feed's order, not +1, never waits for the hole
    with pool.transaction() as cur:
        assert path.read(cur, before[-1]) == after


def test_tracking_rows_commit_with_the_projection_or_not_at_all(path, pool):
    with pool.transaction() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS seen_events (position bigint PRIMARY KEY)")
        cur.execute("CREATE TABLE IF NOT EXISTS tracking (consumer text, source text,"
                    " position bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),"
                    " PRIMARY KEY (consumer, source))")
        path.append(cur, "t-1", 6)
    projector = Projector("seen", tables=["seen_events"])
    fail_at = {"position": None}

    @projector.on("CounterIncremented")
    def _seen(cur, env: dict[str, Any]) -> None:
        if env["position"] == fail_at["position"]:
            raise RuntimeError("projection failed")
        cur.execute("INSERT INTO seen_events VALUES (%s)", (env["position"],))

    def source(after: int, limit: int) -> list[dict[str, Any]]:
        with pool.transaction() as cur:
            if path.dense:
                return [{**r, "type": "CounterIncremented"}
                        for r in feed.read(cur, after, limit, list(policy.POLICY), None)]
            return path.store.read_feed(cur, after, limit)

    tracker = Tracker(pool, "contract", "src", projector, source)
    events = source(0, 100)
    fail_at["position"] = events[3]["position"]
    with pytest.raises(RuntimeError):
        tracker.apply_in_order(events, from_feed=True)
    assert tracker.position() == 0
    with pool.transaction() as cur:
        cur.execute("SELECT count(*) FROM seen_events")
        assert cur.fetchone()[0] == 0  # none of the three before the failure either
    fail_at["position"] = None
    assert tracker.catch_up() == events[-1]["position"]
    with pool.transaction() as cur:
        cur.execute("SELECT position FROM seen_events ORDER BY position")
        assert [r[0] for r in cur.fetchall()] == [e["position"] for e in events]


def test_old_events_are_read_upcast_and_never_rewritten(path, pool):
    if path.dense:
        pytest.skip("the feed keeps what the source's feed gave it (already upcast)")
    old = EventRegistry("kit")

    @old.event("Renamed", version=1)
    class RenamedV1(Schema):
        name = fields.Str(required=True)

    new = EventRegistry("kit")

    @new.event("Renamed", version=1)
    class RenamedV1b(Schema):
        name = fields.Str(required=True)

    @new.event("Renamed", version=2)
    class RenamedV2(Schema):
        name = fields.Str(required=True)
        language = fields.Str(required=True)

    @new.upcaster("Renamed", from_version=1)
    def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "language": "zh"}

    with pool.transaction() as cur:
        writer = EventStore(path.schema, old)
        if path.name == "store.append":
            writer.append(cur, "thing-1", 0, [NewEvent("Renamed", {"name": "x"})], {})
        else:
            writer.append_events(cur, [("thing-1", 1, NewEvent("Renamed", {"name": "x"}), {})])
    reader = EventStore(path.schema, new)
    with pool.transaction() as cur:
        [env] = reader.read_stream(cur, "thing-1")
        [fed] = reader.read_feed(cur, 0, 10)
        cur.execute("SELECT schema_version, data FROM events")
        stored = cur.fetchone()
    assert (env["schema_version"], env["data"]) == (2, {"name": "x", "language": "zh"})
    assert fed["data"] == env["data"]
    assert stored == (1, {"name": "x"})

