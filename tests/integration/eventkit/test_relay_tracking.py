"""Relay and tracking consumers against the real PostgreSQL and RabbitMQ (O1, O3, R3, R4)."""

from __future__ import annotations

import json
import random
import threading
import uuid

import amqp
import kombu
import pytest

from eventkit import db, migrate
from eventkit.amqp_uri import connection_args
from eventkit.projection import Projector
from eventkit.relay import Relay, exchange_name
from eventkit.store import EventStore
from eventkit.tracking import Tracker, TrackingListener
from eventkit.uow import UnitOfWork
from tests.conftest import wait_until
from tests.integration.eventkit.model import COUNTERS_DDL, Counter, registry


def increment(counter_id: str, by: int):
    def handle(tx):
        tx.load(Counter, counter_id).increment(by)
        return None

    return handle


@pytest.fixture
def source(dsn, kit_schema):
    """A source service ("kit_xxx") with some events."""
    pool = db.Pool(dsn, kit_schema, size=4)
    uow = UnitOfWork(pool, EventStore(kit_schema, registry), [], kit_schema)
    yield uow
    pool.close()


@pytest.fixture
def consumer_schema(dsn):
    schema = f"kitc_{uuid.uuid4().hex[:10]}"
    migrate.migrate("kit", dsn, schema)
    pool = db.Pool(dsn, schema, size=4)
    with pool.transaction() as cur:
        cur.execute(COUNTERS_DDL)
    yield schema, pool
    pool.close()
    conn = db.connect(dsn, "public")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP SCHEMA "{schema}" CASCADE')
    conn.close()


def counting_projector() -> Projector:
    p = Projector("counts", tables=["counters"])

    @p.on("CounterIncremented")
    def _apply(cur, env):
        cur.execute(
            "INSERT INTO counters (id, value, last_position) VALUES (%s, %s, %s)"
            " ON CONFLICT (id) DO UPDATE SET value = counters.value + EXCLUDED.value,"
            " last_position = EXCLUDED.last_position",
            (env["stream_id"], env["data"]["by"], env["position"]))

    return p


def state(pool) -> dict:
    with pool.transaction() as cur:
        cur.execute("SELECT id, value FROM counters ORDER BY id")
        return dict(cur.fetchall())


def feed_of(uow):
    def read_feed(after, limit):
        with uow.pool.transaction() as cur:
            return uow.store.read_feed(cur, after, limit)

    return read_feed


def test_drops_duplicates_and_reordering_end_in_the_clean_state(source, consumer_schema):
    schema, pool = consumer_schema
    for i in range(200):
        source.run(increment(f"c{i % 7}", i % 3 + 1))
    all_events = feed_of(source)(0, 1000)
    expected: dict[str, int] = {}
    for env in all_events:
        expected[env["stream_id"]] = expected.get(env["stream_id"], 0) + env["data"]["by"]
    for seed in range(5):
        with pool.transaction() as cur:
            cur.execute("DELETE FROM counters; DELETE FROM tracking")
        rng = random.Random(seed)
        messages = [e for e in all_events if rng.random() > 0.3]  # ~30% lost
        messages += rng.sample(all_events, 60)  # duplicates
        rng.shuffle(messages)  # reordered
        tracker = Tracker(pool, f"test{seed}", "kit", counting_projector(), feed_of(source))
        for env in messages:
            tracker.handle(env)
        tracker.catch_up()  # the timer's safety net
        assert state(pool) == expected
        assert tracker.position() == len(all_events)


def declare(listener, amqp_uri):
    with kombu.Connection(amqp_uri) as conn:
        listener.declare(conn)


def publish_raw(amqp_uri, exchange, envs):
    conn = amqp.Connection(**connection_args(amqp_uri))
    conn.connect()
    ch = conn.channel()
    for env in envs:
        ch.basic_publish(amqp.Message(json.dumps(env), content_type="application/json"),
                         exchange=exchange, routing_key=env["type"])
    conn.close()


def test_relay_publishes_in_order_and_a_killed_relay_republishes_absorbed_by_tracking(
        source, consumer_schema, dsn, amqp_uri, kit_schema):
    schema, pool = consumer_schema
    for i in range(50):
        source.run(increment(f"k{i % 4}", 1))
    tracker = Tracker(pool, "relaytest", kit_schema, counting_projector(), feed_of(source))
    listener = TrackingListener(tracker, amqp_uri, timer_interval=3600)
    stop = threading.Event()
    relay = Relay(kit_schema, dsn, amqp_uri, schema=kit_schema, batch_size=20)
    # declare exchange + queue before publishing, as a deployed consumer would have
    relay.try_acquire()
    relay._connect_amqp()
    conn = amqp.Connection(**connection_args(amqp_uri))
    conn.connect()
    ch = conn.channel()
    declare(listener, amqp_uri)
    thread = threading.Thread(target=listener.run_consumer, args=(stop,), daemon=True)
    thread.start()
    try:
        while relay.run_once():
            pass
        assert relay.stats["published"] == 50
        wait_until(lambda: tracker.position() == 50, message="consumer reaches 50")
        # O1: the relay dies after the broker's confirm, before its checkpoint: simulate by
        # moving the checkpoint back; the same events are published again.
        with relay._pg.cursor() as cur:
            cur.execute("UPDATE relay_checkpoint SET position = 30")
        before = dict(tracker.stats)
        while relay.run_once():
            pass
        wait_until(lambda: tracker.stats["duplicates"] >= before["duplicates"] + 20,
                   message="duplicates absorbed")
        assert state(pool) == {f"counter-k{i}": 50 // 4 + (1 if i < 50 % 4 else 0)
                               for i in range(4)}
        assert tracker.position() == 50
    finally:
        stop.set()
        thread.join(timeout=5)
        relay.close()
        ch.queue_delete(listener.queue.name)
        ch.queue_delete(listener.dead_queue.name)
        ch.exchange_delete(exchange_name(kit_schema))
        conn.close()


def test_only_one_relay_is_active(source, dsn, amqp_uri, kit_schema):
    relays = [Relay(kit_schema, dsn, amqp_uri, schema=kit_schema) for _ in range(3)]
    try:
        active = [r.try_acquire() for r in relays]
        assert active.count(True) == 1
        winner = active.index(True)
        relays[winner].close()  # the active one dies: another takes over
        # (once the server has ended the closed session, which releases its lock)
        wait_until(lambda: any(r.try_acquire() for i, r in enumerate(relays) if i != winner),
                   timeout=10, message="another relay takes over")
    finally:
        for r in relays:
            r.close()


def test_an_unroutable_event_is_noticed(source, dsn, amqp_uri, kit_schema):
    source.run(increment("u", 1))
    relay = Relay(kit_schema, dsn, amqp_uri, schema=kit_schema)
    try:
        assert relay.run_once() == 1
        assert relay.stats["unroutable"] == 1
        assert relay.checkpoint() == 1  # the store keeps it; consumers pull it from the feed
    finally:
        relay.close()


def test_three_relays_with_random_kills_deliver_every_event_once_in_effect(
        source, consumer_schema, dsn, amqp_uri, kit_schema):
    """O3: relays come and go; the consumer's state equals the events appended."""
    schema, pool = consumer_schema
    tracker = Tracker(pool, "o3", kit_schema, counting_projector(), feed_of(source))
    listener = TrackingListener(tracker, amqp_uri, timer_interval=3600)
    conn = amqp.Connection(**connection_args(amqp_uri))
    conn.connect()
    ch = conn.channel()
    declare(listener, amqp_uri)
    stop = threading.Event()
    consumer = threading.Thread(target=listener.run_consumer, args=(stop,), daemon=True)
    consumer.start()
    rng = random.Random(7)
    relays = [Relay(kit_schema, dsn, amqp_uri, schema=kit_schema, batch_size=7) for _ in range(3)]
    try:
        total = 0
        for _round in range(30):
            for _ in range(rng.randint(1, 15)):
                source.run(increment(f"o{rng.randint(0, 5)}", 1))
                total += 1
            for r in rng.sample(relays, 3):
                r.run_once()
            victim = rng.choice(relays)
            if rng.random() < 0.5:
                # killed after publishing, before the checkpoint
                if victim.active:
                    with victim._pg.cursor() as cur:
                        cur.execute("SELECT position FROM relay_checkpoint")
                        pos = cur.fetchone()[0]
                        cur.execute("UPDATE relay_checkpoint SET position = %s",
                                    (max(0, pos - rng.randint(0, 7)),))
                victim.close()
        while any(r.run_once() for r in relays):
            pass
        wait_until(lambda: tracker.position() == total, message=f"consumer reaches {total}")
        assert sum(state(pool).values()) == total
    finally:
        stop.set()
        consumer.join(timeout=5)
        for r in relays:
            r.close()
        ch.queue_delete(listener.queue.name)
        ch.queue_delete(listener.dead_queue.name)
        ch.exchange_delete(exchange_name(kit_schema))
        conn.close()


def test_a_non_durable_tracker_applies_without_waiting_for_the_flush(source, consumer_schema):
    """Issue 16: a service's tracked facts commit with synchronous_commit off; the default
    (the gateway's feed, which is published on) keeps waiting for the WAL flush."""
    schema, pool = consumer_schema
    source.run(increment("k", 1))
    seen: list[str] = []
    projector = Projector("settings", tables=[])

    @projector.on("CounterIncremented")
    def _apply(cur, env):
        cur.execute("SELECT current_setting('synchronous_commit')")
        seen.append(cur.fetchone()[0])

    Tracker(pool, "durable", "kit", projector, feed_of(source)).catch_up()
    Tracker(pool, "fast", "kit", projector, feed_of(source), durable=False).catch_up()
    assert seen == ["on", "off"]
