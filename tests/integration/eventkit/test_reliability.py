"""RELIABILITY.md against the real PostgreSQL and RabbitMQ: E2, O2, R2, R4 (R1 and R5, which
cut off a broker, run on a private node: tests/integration/faults)."""

from __future__ import annotations

import random
import threading
import time
import uuid

import kombu
import psycopg2
import pytest

from eventkit import db
from eventkit.aggregate import NewEvent
from eventkit.projection import Projector
from eventkit.relay import Relay, exchange_name
from eventkit.store import EventStore
from eventkit.tracking import Tracker, TrackingListener
from tests.conftest import wait_until
from tests.integration.eventkit.model import registry


@pytest.mark.timeout(300)  # 10,000 appends under fault injection
def test_e2_backends_killed_during_10000_appends_keep_every_acknowledged_batch(dsn, kit_schema):
    """Batches of 5 events; connections are terminated at random: every acknowledged batch
    is complete in the store, and no batch is partial."""
    store = EventStore(kit_schema, registry)
    killer = db.connect(dsn, kit_schema)
    killer.autocommit = True
    acknowledged: set[str] = set()
    stop = threading.Event()

    def kill_loop() -> None:
        rng = random.Random(2)
        while not stop.is_set():
            time.sleep(rng.uniform(0.01, 0.05))  # fault injection pacing, not synchronisation
            with killer.cursor() as cur:
                cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            " WHERE application_name = 'e2-writer'")

    killing = threading.Thread(target=kill_loop, daemon=True)
    killing.start()
    conn = None
    batches = 0
    failures = 0
    try:
        while batches < 2000:  # 10,000 events
            assert failures < 20000, "the writer cannot append any more (server down?)"
            stream = f"e2-{batches}-{uuid.uuid4().hex[:6]}"
            try:
                if conn is None or conn.closed:
                    conn = db.connect(dsn, kit_schema, application_name="e2-writer")
                with conn.cursor() as cur:
                    store.append(cur, stream, 0,
                                 [NewEvent("CounterIncremented", {"by": 1})] * 5, {})
                conn.commit()
                acknowledged.add(stream)
                batches += 1
            except psycopg2.Error:
                failures += 1
                if conn is not None:
                    conn.close()
                conn = None
    finally:
        stop.set()
        killing.join(timeout=10)
    with killer.cursor() as cur:
        cur.execute("SELECT stream_id, count(*) FROM events GROUP BY stream_id")
        counts = dict(cur.fetchall())
    killer.close()
    assert failures > 0, "the fault injection never hit a transaction"
    assert acknowledged <= set(counts)
    assert set(counts.values()) == {5}  # no partial batch, acknowledged or not


def test_o2_events_committed_while_no_relay_runs_are_published_when_it_starts(
        dsn, amqp_uri, kit_schema):
    store = EventStore(kit_schema, registry)
    pool = db.Pool(dsn, kit_schema, size=1)
    with pool.transaction() as cur:
        for i in range(25):
            store.append(cur, f"o2-{i}", 0, [NewEvent("CounterIncremented", {"by": 1})], {})
    pool.close()
    with kombu.Connection(amqp_uri) as conn:
        exchange = kombu.Exchange(exchange_name(kit_schema), "topic", durable=True,
                                  auto_delete=False)
        queue = kombu.Queue(f"o2.{kit_schema}", exchange, routing_key="#", durable=True,
                            auto_delete=False)
        queue(conn.default_channel).declare()
        relay = Relay(kit_schema, dsn, amqp_uri, schema=kit_schema)
        try:
            assert relay.run_once() == 25
            bound = queue(conn.default_channel)
            assert bound.queue_declare(passive=True).message_count == 25
            positions = []
            while (message := bound.get(no_ack=True)) is not None:
                positions.append(message.headers["position"])
            assert positions == sorted(positions) and len(positions) == 25
        finally:
            relay.close()
            queue(conn.default_channel).delete()
            exchange(conn.default_channel).delete()


def _listener_fixture(amqp_uri, tracker, delivery_limit=5):
    listener = TrackingListener(tracker, amqp_uri, timer_interval=3600,
                                delivery_limit=delivery_limit)
    with kombu.Connection(amqp_uri) as conn:
        listener.declare(conn)
    return listener


def _cleanup(amqp_uri, listener, source):
    with kombu.Connection(amqp_uri) as conn:
        ch = conn.default_channel
        listener.queue(ch).delete()
        listener.dead_queue(ch).delete()
        kombu.Exchange(exchange_name(source), "topic")(ch).delete()


def test_r2_a_poison_message_is_tried_six_times_then_dead_lettered(dsn, amqp_uri, kit_schema):
    attempts = []

    class Poisoned(Tracker):
        def handle(self, envelope):
            attempts.append(envelope["position"])
            raise RuntimeError("this handler always fails")

    tracker = Poisoned(db.Pool(dsn, kit_schema, size=2), "r2", f"{kit_schema}src",
                       Projector("none", []), lambda after, limit: [])
    listener = _listener_fixture(amqp_uri, tracker, delivery_limit=5)
    stop = threading.Event()
    worker = threading.Thread(target=listener.run_consumer, args=(stop,), daemon=True)
    worker.start()
    try:
        with kombu.Connection(amqp_uri) as conn:
            producer = conn.Producer()
            producer.publish({"position": 1, "type": "CounterIncremented"},
                             exchange=exchange_name(f"{kit_schema}src"),
                             routing_key="CounterIncremented", serializer="json")

            def dead_lettered():
                q = listener.dead_queue(conn.default_channel)
                return q.queue_declare(passive=True).message_count == 1

            wait_until(dead_lettered, timeout=30, message="the poison message dead-lettered")
        assert len(attempts) == 6
    finally:
        stop.set()
        worker.join(timeout=5)
        _cleanup(amqp_uri, listener, f"{kit_schema}src")


def test_r4_a_message_applied_but_not_acked_is_redelivered_and_suppressed(
        dsn, amqp_uri, kit_schema):
    from tests.integration.eventkit.model import COUNTERS_DDL

    pool = db.Pool(dsn, kit_schema, size=2)
    with pool.transaction() as cur:
        cur.execute(COUNTERS_DDL)
    applied = []
    projector = Projector("r4", ["counters"])

    @projector.on("CounterIncremented")
    def _apply(cur, env):
        applied.append(env["position"])

    crashed = []

    class CrashAfterCommit(Tracker):
        def handle(self, envelope):
            super().handle(envelope)
            if not crashed:
                crashed.append(True)
                raise RuntimeError("worker killed after commit, before ack")

    source_events = [{"position": 1, "type": "CounterIncremented", "stream_id": "counter-x",
                      "data": {"by": 1}}]
    tracker = CrashAfterCommit(pool, "r4", f"{kit_schema}src", projector,
                               lambda after, limit: [e for e in source_events
                                                     if e["position"] > after][:limit])
    listener = _listener_fixture(amqp_uri, tracker)
    stop = threading.Event()
    worker = threading.Thread(target=listener.run_consumer, args=(stop,), daemon=True)
    worker.start()
    try:
        with kombu.Connection(amqp_uri) as conn:
            conn.Producer().publish(source_events[0], exchange=exchange_name(f"{kit_schema}src"),
                                    routing_key="CounterIncremented", serializer="json")
        wait_until(lambda: tracker.stats["duplicates"] == 1, message="the redelivery")
        assert applied == [1]
        assert tracker.position() == 1
    finally:
        stop.set()
        worker.join(timeout=5)
        _cleanup(amqp_uri, listener, f"{kit_schema}src")
        pool.close()
