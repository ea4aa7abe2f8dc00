"""Tracking consumers: another service's events applied to this service's projections.

Each event is applied together with the tracking row (consumer, source, position) in one
transaction, and only when it is the next position: a duplicate is dropped, a gap makes the
consumer pull the missing events from the source's feed (`read_feed(after, limit)` over RPC)
in order. Broker messages are only wake-ups; a timer pulls as a safety net. Lost,
duplicated or reordered messages therefore end in the same state as clean delivery.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from kombu import Connection, Exchange, Queue

from eventkit import logs, metrics
from eventkit.backoff import Backoff
from eventkit.db import Pool
from eventkit.projection import Projector
from eventkit.relay import exchange_name

log = logs.get("eventkit.tracking")

FeedReader = Callable[[int, int], list[dict[str, Any]]]


class Tracker:
    def __init__(self, pool: Pool, consumer: str, source: str, projector: Projector,
                 read_feed: FeedReader, batch: int = 500, durable: bool = True) -> None:
        self.pool = pool
        # durable=False: the applied batch and its position commit without waiting for the
        # WAL flush (issue 16: one flush per consumer per event competed with the commands'
        # own). A database crash may then lose the last moments of applied events together
        # with their position, consistently; the feed pull applies them again. Only for
        # projections that publish nothing (the gateway's feed, which its outbound publisher
        # sends on, stays durable).
        self.durable = durable
        self.consumer = consumer
        self.source = source
        self.projector = projector
        self.read_feed = read_feed
        self.batch = batch
        self.stats = {"applied": 0, "duplicates": 0, "pulled": 0}
        # for lag and readiness: the highest source position this process has heard of
        # (messages and feed pages), the position applied, and whether a catch-up is still
        # reading full pages (at least a page behind)
        self.seen_head = 0
        self.applied_position = 0
        self.catching_up = False
        self._applied = metrics.TRACKING_APPLIED.labels(consumer, source)
        self._duplicates = metrics.TRACKING_DUPLICATES.labels(consumer, source)
        self._delay = metrics.TRACKING_DELAY.labels(consumer, source)

    @property
    def lag(self) -> int:
        """Events known to exist in the source and not yet applied here."""
        return max(0, self.seen_head - self.applied_position)

    def _lock_position(self, cur) -> int:
        """The tracked position, its row locked to the commit. One round trip once the row
        exists, with the transaction's setting in the same string (two of a consumer's five
        statements per event were these)."""
        prefix = "" if self.durable else "SET LOCAL synchronous_commit TO off; "
        select = "SELECT position FROM tracking WHERE consumer = %s AND source = %s FOR UPDATE"
        cur.execute(prefix + select, (self.consumer, self.source))
        row = cur.fetchone()
        if row is None:
            cur.execute(
                "INSERT INTO tracking (consumer, source, position) VALUES (%s, %s, 0)"
                " ON CONFLICT DO NOTHING", (self.consumer, self.source))
            cur.execute(select, (self.consumer, self.source))
            row = cur.fetchone()
        return int(row[0])

    def position(self) -> int:
        with self.pool.transaction() as cur:
            cur.execute("SELECT position FROM tracking WHERE consumer = %s AND source = %s",
                        (self.consumer, self.source))
            row = cur.fetchone()
            position = row[0] if row else 0
        self.applied_position = max(self.applied_position, position)
        return position

    def apply_in_order(self, envelopes: list[dict[str, Any]], from_feed: bool = False) -> int:
        """Apply what follows the tracked position; returns the tracked position afterwards.

        A message is applied only when it is the very next position. Positions can have
        holes (a rolled-back append), so a batch from the source's feed, which is complete
        and ordered, is applied as it comes.
        """
        applied: list[dict[str, Any]] = []
        duplicates = 0
        if envelopes:
            self.seen_head = max(self.seen_head, max(e["position"] for e in envelopes))
        with self.pool.transaction() as cur:
            position = self._lock_position(cur)
            for env in sorted(envelopes, key=lambda e: e["position"]):
                if env["position"] <= position:
                    duplicates += 1
                    continue
                if not from_feed and env["position"] != position + 1:
                    break  # maybe a gap: the caller pulls from the feed
                position = env["position"]
                applied.append(env)
            self.projector.apply_many(cur, applied)
            cur.execute(
                "UPDATE tracking SET position = %s, updated_at = now()"
                " WHERE consumer = %s AND source = %s", (position, self.consumer, self.source))
        # counted after the commit: a rolled-back batch applied nothing
        self.applied_position = max(self.applied_position, position)
        self.stats["applied"] += len(applied)
        self.stats["duplicates"] += duplicates
        self._applied.inc(len(applied))
        self._duplicates.inc(duplicates)
        self._observe_delay(applied)
        return position

    def _observe_delay(self, applied: list[dict[str, Any]]) -> None:
        now = time.time()
        for env in applied:
            try:
                occurred = env["occurred_at"]
                if isinstance(occurred, str):
                    occurred = dt.datetime.fromisoformat(occurred)
                self._delay.observe(max(0.0, now - occurred.timestamp()))
            except (KeyError, TypeError, ValueError, AttributeError):
                continue

    def handle(self, envelope: dict[str, Any]) -> None:
        """A message arrived: apply it if it is next, else catch up from the feed."""
        self.handle_many([envelope])

    def handle_many(self, envelopes: list[dict[str, Any]]) -> None:
        """Messages arrived together: apply those that follow in one transaction, then
        catch up from the feed to the highest if a gap stopped them."""
        position = self.apply_in_order(envelopes)
        highest = max(e["position"] for e in envelopes)
        if position < highest:
            self.catch_up(until=highest)

    def catch_up(self, until: int | None = None) -> int:
        """Pull and apply from the source feed until it is exhausted (or `until` reached)."""
        position = self.position()
        try:
            while until is None or position < until:
                events = self.read_feed(position, self.batch)
                self.catching_up = len(events) >= self.batch
                if not events:
                    break
                self.stats["pulled"] += len(events)
                new_position = self.apply_in_order(events, from_feed=True)
                if new_position == position:
                    break  # the feed answered with nothing applicable; try later
                position = new_position
        finally:
            self.catching_up = False
        return position


class TrackingListener:
    """Runs a Tracker from a durable queue bound to `<source>.events` and on a timer."""

    def __init__(self, tracker: Tracker, amqp_uri: str, timer_interval: float = 5.0,
                 delivery_limit: int = 5) -> None:
        self.tracker = tracker
        self.amqp_uri = amqp_uri
        self.timer_interval = timer_interval
        name = f"{tracker.consumer}.from.{tracker.source}"
        self.queue = Queue(
            name,
            Exchange(exchange_name(tracker.source), "topic", durable=True, auto_delete=False),
            routing_key="#",
            durable=True,
            queue_arguments={
                "x-queue-type": "quorum",
                "x-delivery-limit": delivery_limit,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": f"{name}.dead",
            },
        )
        self.dead_queue = Queue(f"{name}.dead", durable=True,
                                queue_arguments={"x-queue-type": "quorum"})
        self.batch = 200  # deliveries applied in one transaction at most (the prefetch)
        self._received: list[tuple[Any, Any]] = []

    def declare(self, conn: Connection) -> None:
        channel = conn.default_channel
        self.dead_queue(channel).declare()
        self.queue(channel).declare()

    def _on_message(self, body: Any, message: Any) -> None:
        """Deliveries are gathered (`run_consumer` applies them together)."""
        self._received.append((body, message))

    def _apply_received(self) -> None:
        """Apply the gathered deliveries in one transaction and ack them (issue 16: one
        transaction per event cost most of a consumer's time under load); when that fails,
        one by one, so only a poisonous message is requeued towards its delivery limit."""
        received, self._received = self._received, []
        if len(received) > 1:
            try:
                envs = [b if isinstance(b, dict) else json.loads(b) for b, _ in received]
                meta = envs[-1].get("metadata") or {}
                logs.bind_request(meta.get("correlation_id"), meta.get("actor"),
                                  self.tracker.consumer)
                self.tracker.handle_many(envs)
            except Exception as exc:  # noqa: BLE001 - retried one by one below
                log.info("tracking batch failed, one by one", consumer=self.tracker.consumer,
                         source=self.tracker.source, size=len(received), error=str(exc))
            else:
                # every delivery outstanding on this channel is in the batch (each one is
                # acked or requeued here): one multiple-ack settles them all, one frame to
                # the quorum queue instead of one per event
                received[-1][1].ack(multiple=True)
                return
        for body, message in received:
            self._apply_one(body, message)

    def _apply_one(self, body: Any, message: Any) -> None:
        try:
            env = body if isinstance(body, dict) else json.loads(body)
            meta = env.get("metadata") or {}
            logs.bind_request(meta.get("correlation_id"), meta.get("actor"),
                              self.tracker.consumer)
            self.tracker.handle(env)
            message.ack()
        except Exception as exc:  # noqa: BLE001 - requeue; the delivery limit stops a loop
            log.warning("tracking message failed", consumer=self.tracker.consumer,
                        source=self.tracker.source, error=str(exc))
            message.requeue()

    def _drain(self, conn: Connection) -> None:
        """Wait for a delivery, take every one already arrived (up to a batch), apply."""
        try:
            conn.drain_events(timeout=1.0)
            while len(self._received) < self.batch:
                conn.drain_events(timeout=0.001)  # only what has already arrived
        except TimeoutError:
            if not self._received:
                conn.heartbeat_check()
        finally:
            if self._received:
                self._apply_received()

    def run_consumer(self, stop: threading.Event) -> None:
        backoff = Backoff(1.0, 10.0)
        while not stop.is_set():
            try:
                with Connection(self.amqp_uri, heartbeat=30) as conn:
                    conn.ensure_connection(max_retries=3)
                    self.declare(conn)
                    backoff.reset()
                    with conn.Consumer(self.queue, callbacks=[self._on_message],
                                       accept=["json"], prefetch_count=200):
                        while not stop.is_set():
                            self._drain(conn)
            except Exception as exc:  # noqa: BLE001 - reconnect after any broker failure
                log.warning("tracking consumer reconnecting", error=str(exc),
                            consumer=self.tracker.consumer, source=self.tracker.source)
                stop.wait(backoff.next())

    def run_timer(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.tracker.catch_up()
            except Exception as exc:  # noqa: BLE001 - the source may be down; retry later
                log.info("catch-up failed", source=self.tracker.source, error=str(exc))
            stop.wait(self.timer_interval)
