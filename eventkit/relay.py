"""The relay: publishes a service's stored events, in order, to `<service>.events`.

- One active relay per service: a session-level advisory lock on a dedicated connection.
- Publisher confirms, pipelined: a batch is published, then all confirms are awaited;
  the checkpoint advances only after every message of the batch is acked.
- `mandatory`: an unroutable event (no queue bound for its type) comes back as a
  basic.return; it is logged and counted. It is not lost: the event store stays the source
  and consumers pull missed events from `read_feed`.
- Wakes on LISTEN/NOTIFY from the appending transaction, polls as a fallback.
A relay killed between the broker's ack and its checkpoint publishes the batch again;
consumers drop the duplicates by position (tracking).
"""

from __future__ import annotations

import json
import select
import threading
import time
import zlib

import amqp

from eventkit import db, logs
from eventkit.amqp_uri import connection_args
from eventkit.registry import EventRegistry
from eventkit.store import EventStore

log = logs.get("eventkit.relay")


def relay_lock_key(schema: str) -> int:
    return zlib.crc32(f"relay:{schema}".encode())


def exchange_name(service: str) -> str:
    return f"{service}.events"


def declare_exchange(channel, service: str) -> None:
    channel.exchange_declare(exchange_name(service), "topic", durable=True, auto_delete=False)


class PublishFailed(RuntimeError):
    pass


class Relay:
    def __init__(self, service: str, dsn: str, amqp_uri: str, schema: str | None = None,
                 batch_size: int = 2000, poll_interval: float = 2.0,
                 confirm_timeout: float = 30.0, registry: EventRegistry | None = None) -> None:
        self.service = service
        self.schema = schema or service
        self.dsn = dsn
        self.amqp_uri = amqp_uri
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.confirm_timeout = confirm_timeout
        # with the registry, messages carry events upcast like `read_feed`'s, so a consumer
        # sees one schema version per type whichever way an event reaches it
        self.store = EventStore(self.schema, registry)
        self.name = f"{service}.events"
        self.stats = {"published": 0, "unroutable": 0, "batches": 0}
        self._pg = None
        self._amqp: amqp.Connection | None = None
        self._channel = None
        self._acked = 0
        self._nacked = 0
        self._published_tags = 0
        self._returned: list[int] = []
        self.active = False

    # -- connections -----------------------------------------------------------------
    def _connect_pg(self):
        conn = db.connect(self.dsn, self.schema, statement_timeout_ms=60000,
                          application_name=f"{self.service}-relay")
        conn.autocommit = True
        return conn

    def try_acquire(self) -> bool:
        """Become the active relay if no other holds the lock."""
        if self._pg is None or self._pg.closed:
            self._pg = self._connect_pg()
            self.active = False
        if not self.active:
            with self._pg.cursor() as cur:
                cur.execute("SELECT pg_try_advisory_lock(%s)", (relay_lock_key(self.schema),))
                self.active = bool(cur.fetchone()[0])
                if self.active:
                    cur.execute(f'LISTEN "{self.schema}_events"')
                    cur.execute(
                        "INSERT INTO relay_checkpoint (relay, position) VALUES (%s, 0)"
                        " ON CONFLICT DO NOTHING", (self.name,))
                    log.info("relay active", relay=self.name)
        return self.active

    def _connect_amqp(self) -> None:
        if self._amqp is not None and self._amqp.connected:
            return
        conn = amqp.Connection(**connection_args(self.amqp_uri), confirm_publish=False,
                               heartbeat=0, connect_timeout=5)
        conn.connect()
        ch = conn.channel()
        ch.confirm_select()
        ch.events["basic_ack"].add(self._on_ack)
        ch.events["basic_nack"].add(self._on_nack)
        ch.events["basic_return"].add(self._on_return)
        declare_exchange(ch, self.service)
        self._amqp, self._channel = conn, ch
        self._acked = self._nacked = self._published_tags = 0

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        self._acked = max(self._acked, delivery_tag)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._nacked += 1

    def _on_return(self, exc, exchange, routing_key, message) -> None:
        self._returned.append(message.application_headers.get("position", 0))

    def close(self) -> None:
        for conn in (self._amqp,):
            try:
                if conn is not None:
                    conn.close()
            except Exception:  # noqa: BLE001 - closing a broken connection
                pass
        self._amqp = None
        if self._pg is not None and not self._pg.closed:
            self._pg.close()  # releases the advisory lock
        self._pg = None
        self.active = False

    # -- work ------------------------------------------------------------------------
    def checkpoint(self) -> int:
        with self._pg.cursor() as cur:
            cur.execute("SELECT position FROM relay_checkpoint WHERE relay = %s", (self.name,))
            row = cur.fetchone()
            return row[0] if row else 0

    def run_once(self) -> int:
        """Publish one batch after the checkpoint; returns how many events were published."""
        if not self.try_acquire():
            return 0
        after = self.checkpoint()
        with self._pg.cursor() as cur:
            events = self.store.read_feed(cur, after, self.batch_size)
        if not events:
            return 0
        self._connect_amqp()
        self._publish(events)
        with self._pg.cursor() as cur:
            cur.execute("UPDATE relay_checkpoint SET position = %s WHERE relay = %s",
                        (events[-1]["position"], self.name))
        self.stats["published"] += len(events)
        self.stats["batches"] += 1
        return len(events)

    def _publish(self, events: list[dict]) -> None:
        ch = self._channel
        exchange = exchange_name(self.service)
        self._returned = []
        nacked_before = self._nacked
        for env in events:
            meta = env.get("metadata") or {}
            msg = amqp.Message(
                json.dumps(env, ensure_ascii=False, separators=(",", ":")),
                content_type="application/json",
                content_encoding="utf-8",
                delivery_mode=2,
                message_id=env["event_id"],
                type=env["type"],
                timestamp=int(time.time()),
                application_headers={
                    "position": env["position"],
                    "stream_id": env["stream_id"],
                    "correlation_id": meta.get("correlation_id") or "",
                },
            )
            ch.basic_publish(msg, exchange=exchange, routing_key=env["type"], mandatory=True)
            self._published_tags += 1
        deadline = time.monotonic() + self.confirm_timeout
        while self._acked < self._published_tags:
            if self._nacked > nacked_before:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PublishFailed("broker did not confirm in time")
            try:
                self._amqp.drain_events(timeout=min(remaining, 1.0))
            except TimeoutError:
                continue
        if self._nacked > nacked_before:
            raise PublishFailed("broker refused (nack) a message of the batch")
        if self._returned:
            self.stats["unroutable"] += len(self._returned)
            log.warning("unroutable events: no queue bound", relay=self.name,
                        count=len(self._returned), first_position=self._returned[0])

    def wait_for_work(self, timeout: float) -> None:
        """Block (green under eventlet) until NOTIFY or timeout."""
        if self._pg is None or self._pg.closed:
            time.sleep(timeout)
            return
        ready, _, _ = select.select([self._pg], [], [], timeout)
        if ready:
            self._pg.poll()
            self._pg.notifies.clear()

    def run_forever(self, stop: threading.Event) -> None:
        backoff = 0.5
        while not stop.is_set():
            try:
                if not self.try_acquire():
                    stop.wait(self.poll_interval)
                    continue
                published = self.run_once()
                backoff = 0.5
                if published < self.batch_size:
                    self.wait_for_work(self.poll_interval)
            except Exception as exc:  # noqa: BLE001 - the relay must outlive any failure
                log.warning("relay failed, reconnecting", relay=self.name, error=str(exc))
                self.close()
                stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)
        self.close()
