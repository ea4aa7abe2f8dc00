"""The event store against the real PostgreSQL (RELIABILITY.md E1, E3, follower)."""

from __future__ import annotations

import threading
import time

import psycopg2
import pytest
from marshmallow import Schema, fields

from eventkit import budget, db, migrate
from eventkit.aggregate import NewEvent
from eventkit.errors import ConcurrencyConflict
from eventkit.registry import EventRegistry
from eventkit.store import EventStore
from tests.integration.eventkit.model import registry


def test_append_and_read_stream(dsn, kit_schema):
    store = EventStore(kit_schema, registry)
    pool = db.Pool(dsn, kit_schema, size=2)
    with pool.transaction() as cur:
        envs = store.append(cur, "counter-a", 0, [NewEvent("CounterIncremented", {"by": 2}),
                                                  NewEvent("CounterIncremented", {"by": 3})],
                            {"actor": "t"})
    assert [e["version"] for e in envs] == [1, 2]
    with pool.transaction() as cur:
        stream = store.read_stream(cur, "counter-a")
    assert [e["data"]["by"] for e in stream] == [2, 3]
    assert stream[0]["metadata"] == {"actor": "t"}
    assert set(stream[0]) == {"event_id", "stream_id", "version", "position", "type",
                              "schema_version", "occurred_at", "data", "metadata"}
    with pool.transaction() as cur, pytest.raises(ConcurrencyConflict) as info:
        store.append(cur, "counter-a", 1, [NewEvent("CounterIncremented", {"by": 1})], {})
    assert info.value.details["expected_version"] == 1
    pool.close()


def test_invalid_event_data_is_refused_and_nothing_stored(dsn, kit_schema):
    store = EventStore(kit_schema, registry)
    pool = db.Pool(dsn, kit_schema, size=1)
    with pytest.raises(Exception), pool.transaction() as cur:  # noqa: B017
        store.append(cur, "counter-x", 0, [NewEvent("CounterIncremented", {"by": "many"})], {})
    with pool.transaction() as cur:
        assert store.head(cur) == 0
    pool.close()


def writers_the_server_can_hold(dsn: str, wanted: int, keep_free: int = 10) -> int:
    """As many writers as the server has free connections for (other instances and test
    runs share it), keeping `keep_free` for them; at most `wanted`."""
    return min(wanted, budget.headroom(dsn).free - keep_free)


def test_fifty_writers_at_the_same_version_exactly_one_wins(dsn, kit_schema):
    writers = writers_the_server_can_hold(dsn, 50)
    if writers < 10:
        pytest.skip(f"the PostgreSQL server has too few free connections for a writers' race"
                    f" ({writers + 10} free, 20 needed): other clients hold the rest")
    store = EventStore(kit_schema, registry)
    conns = []
    try:
        # every writer's connection is open before the race: a refused connection fails the
        # test here, and no thread is left waiting at the barrier for one that died
        conns = [db.connect(dsn, kit_schema) for _ in range(writers)]
    except psycopg2.OperationalError as exc:
        for conn in conns:
            conn.close()
        pytest.fail(f"could not open {writers} connections: {exc}")
    barrier = threading.Barrier(writers, timeout=30)
    outcomes: list[str] = []
    lock = threading.Lock()

    def writer(conn) -> None:
        try:
            barrier.wait()
            with conn.cursor() as cur:
                store.append(cur, "counter-race", 0,
                             [NewEvent("CounterIncremented", {"by": 1})], {})
            conn.commit()
            result = "won"
        except ConcurrencyConflict:
            conn.rollback()
            result = "conflict"
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            barrier.abort()
            result = f"failed: {exc!r}"
        finally:
            conn.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=writer, args=(c,), daemon=True) for c in conns]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    assert not any(t.is_alive() for t in threads), "writers still running after 60 s"
    assert outcomes.count("won") == 1, outcomes
    assert outcomes.count("conflict") == writers - 1, outcomes


@pytest.mark.timeout(300)  # 1,000 rounds of two writers
def test_follower_never_skips_an_event_committed_later_with_a_lower_position(dsn, kit_schema):
    """1,000 rounds: A appends first and commits last while B appends meanwhile."""
    store = EventStore(kit_schema, registry)
    a = db.connect(dsn, kit_schema)
    follower = db.connect(dsn, kit_schema)
    follower.autocommit = True
    seen: list[int] = []
    appended = 0
    for i in range(1000):
        with a.cursor() as cur:
            store.append(cur, f"counter-a{i}", 0, [NewEvent("CounterIncremented", {"by": 1})], {})
        def append_b(i: int = i) -> None:
            conn = db.connect(dsn, kit_schema)
            with conn.cursor() as cur:
                store.append(cur, f"counter-b{i}", 0,
                             [NewEvent("CounterIncremented", {"by": 1})], {})
            conn.commit()
            conn.close()

        b = threading.Thread(target=append_b)
        b.start()
        # While A is open, the follower reads: whatever it sees must leave no hole behind.
        with follower.cursor() as cur:
            for env in store.read_feed(cur, seen[-1] if seen else 0, 100):
                seen.append(env["position"])
        a.commit()
        b.join(timeout=30)
        assert not b.is_alive(), f"round {i}: B's append did not end"
        appended += 2
        with follower.cursor() as cur:
            for env in store.read_feed(cur, seen[-1] if seen else 0, 100):
                seen.append(env["position"])
    a.close()
    follower.close()
    assert len(seen) == appended
    assert seen == list(range(1, appended + 1))


def test_an_open_append_cuts_the_feed_at_its_position_and_says_so(dsn, kit_schema):
    """Behind an open append the feed gives the settled prefix, with its data, and `pending`;
    nothing after the open one comes back, though later appends have committed."""
    store = EventStore(kit_schema, registry)
    conn = db.connect(dsn, kit_schema)
    with conn.cursor() as cur:
        store.append(cur, "counter-before", 0, [NewEvent("CounterIncremented", {"by": 1})], {})
    conn.commit()
    held = db.connect(dsn, kit_schema)
    with held.cursor() as cur:
        store.append(cur, "counter-held", 0, [NewEvent("CounterIncremented", {"by": 2})], {})
    for i in range(3):
        with conn.cursor() as cur:
            store.append(cur, f"counter-after{i}", 0,
                         [NewEvent("CounterIncremented", {"by": 3})], {})
        conn.commit()
    try:
        with conn.cursor() as cur:
            rows, pending = store.read_feed_pending(cur, 0, 100)
            assert [e["stream_id"] for e in rows] == ["counter-before"] and pending
            assert rows[0]["data"] == {"by": 1} and rows[0]["metadata"] is not None
            rows, pending = store.read_feed_pending(cur, 0, 100, types=["CounterIncremented"])
            assert [e["stream_id"] for e in rows] == ["counter-before"] and pending
            # a batch that ends before the open append is whole and not pending
            rows, pending = store.read_feed_pending(cur, 0, 1)
            assert len(rows) == 1 and not pending
        conn.commit()
        held.commit()
        with conn.cursor() as cur:
            rows, pending = store.read_feed_pending(cur, 0, 100)
        assert [e["data"]["by"] for e in rows] == [1, 2, 3, 3, 3] and not pending
    finally:
        held.close()
        conn.close()


def test_dropped_connection_mid_transaction_retry_succeeds_without_duplicate(dsn, kit_schema):
    store = EventStore(kit_schema, registry)
    pool = db.Pool(dsn, kit_schema, size=2)
    killer = db.connect(dsn, kit_schema)
    killer.autocommit = True
    with pytest.raises(psycopg2.OperationalError), pool.transaction() as cur:
        store.append(cur, "counter-e3", 0, [NewEvent("CounterIncremented", {"by": 1})], {})
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
        with killer.cursor() as kc:
            kc.execute("SELECT pg_terminate_backend(%s)", (pid,))
        cur.execute("SELECT 1")
    with pool.transaction() as cur:  # the retry gets a fresh connection
        store.append(cur, "counter-e3", 0, [NewEvent("CounterIncremented", {"by": 1})], {})
    with pool.transaction() as cur:
        assert len(store.read_stream(cur, "counter-e3")) == 1
    killer.close()
    pool.close()


def test_upcasters_bring_old_events_to_the_current_schema(dsn, kit_schema):
    old = EventRegistry("kit")

    @old.event("Renamed", version=1)
    class RenamedV1(Schema):
        name = fields.Str(required=True)

    pool = db.Pool(dsn, kit_schema, size=1)
    with pool.transaction() as cur:
        EventStore(kit_schema, old).append(cur, "thing-1", 0,
                                           [NewEvent("Renamed", {"name": "x"})], {})

    new = EventRegistry("kit")

    @new.event("Renamed", version=1)
    class RenamedV1b(Schema):
        name = fields.Str(required=True)

    @new.event("Renamed", version=2)
    class RenamedV2(Schema):
        name = fields.Str(required=True)
        language = fields.Str(required=True)

    @new.upcaster("Renamed", from_version=1)
    def _v1_to_v2(data):
        return {**data, "language": "zh"}

    with pool.transaction() as cur:
        [env] = EventStore(kit_schema, new).read_stream(cur, "thing-1")
        cur.execute("SELECT schema_version, data FROM events")
        stored = cur.fetchone()
    assert env["schema_version"] == 2 and env["data"] == {"name": "x", "language": "zh"}
    assert stored == (1, {"name": "x"})  # the stored event is never rewritten
    pool.close()


def test_migrations_rerun_is_a_no_op(dsn, kit_schema):
    assert migrate.migrate("kit", dsn, kit_schema) == []


def test_lock_appends_waits_for_open_appends_and_holds_new_ones_back(dsn, kit_schema):
    """A rebuild's swap (`lock_appends`, migration 006): no append may be open while it holds
    the lock, and none may start. `lock_timeout` stands for "would wait"."""
    store = EventStore(kit_schema, registry)
    appender, rebuilder = db.connect(dsn, kit_schema), db.connect(dsn, kit_schema)
    event = [NewEvent("CounterIncremented", {"by": 1})]
    try:
        with appender.cursor() as cur:
            store.append(cur, "open", 0, event, {})  # not committed yet
        with rebuilder.cursor() as cur:
            cur.execute("SET lock_timeout = '300ms'")
            with pytest.raises(psycopg2.errors.LockNotAvailable):
                store.lock_appends(cur)
        rebuilder.rollback()
        appender.commit()
        with rebuilder.cursor() as cur:
            store.lock_appends(cur)  # nothing open now: granted
        with appender.cursor() as cur:
            cur.execute("SET lock_timeout = '300ms'")
            with pytest.raises(psycopg2.errors.LockNotAvailable):
                store.append(cur, "held-back", 0, event, {})
        appender.rollback()
        with rebuilder.cursor() as cur:
            assert store.head(cur) == 1  # the held-back append reserved nothing
        rebuilder.commit()
        with appender.cursor() as cur:
            later = store.append(cur, "after", 0, event, {})
        appender.commit()
        assert later[0]["position"] == 2
    finally:
        appender.close()
        rebuilder.close()


def test_jsonb_reads_the_same_values_as_the_standard_library(dsn):
    """eventkit.db reads jsonb with orjson: the values json.loads gives, whatever they hold."""
    import json

    value = {"名称": "团委", "n": 2**62, "neg": -7, "f": 1.25, "tiny": 1e-300, "big": 1.5e300,
             "t": True, "none": None, "list": [1, "二", {"x": []}], "esc": "a\"b\n\t\u0001",
             "emoji": "🌾", "deep": {"a": {"b": {"c": [0.1, 0.2]}}}}
    conn = db.connect(dsn, "public")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT %s::jsonb, (%s::jsonb)::text",
                        (json.dumps(value), json.dumps(value)))
            read, text = cur.fetchone()
    finally:
        conn.close()
    assert read == json.loads(text)
    assert type(read["big"]) is int  # jsonb writes 1.5e300 out in digits: an integer, exact
    assert {k: v for k, v in read.items() if k != "big"} == \
        {k: v for k, v in value.items() if k != "big"}
