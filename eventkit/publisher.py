"""Publishing rows of a PostgreSQL table, in order, to RabbitMQ, at least once.

The one mechanism behind the services' relay (`eventkit/relay.py`) and the gateway's
`departments.outbound` publisher:
- one active publisher: a session advisory lock on a dedicated connection (another
  instance waits and takes over when this one's connection dies);
- a batch read after the checkpoint is published with pipelined publisher confirms and
  `mandatory`; the checkpoint advances only once the broker has acked every message
  (killed in between, the batch goes out again: consumers drop duplicates);
- an unroutable message (basic.return) is counted, never blocking: the table stays the
  source, readable through the feed;
- woken by LISTEN/NOTIFY, polling as a fallback.
Subclasses say what to read (`read_batch`) and what to send for it (`messages`).
"""

from __future__ import annotations

import select
import threading
import time
from collections.abc import Iterable
from typing import Any

import amqp

from eventkit import db, logs
from eventkit.amqp_uri import connection_args
from eventkit.backoff import Backoff

log = logs.get("eventkit.publisher")


class PublishFailed(RuntimeError):
    pass


class ConfirmingPublisher:
    exchange: str = ""

    def __init__(self, *, name: str, dsn: str, schema: str, amqp_uri: str, lock_key: int,
                 listen_channel: str, checkpoint_table: str, checkpoint_column: str,
                 batch_size: int = 2000, poll_interval: float = 2.0,
                 confirm_timeout: float = 30.0) -> None:
        self.name = name
        self.dsn = dsn
        self.schema = schema
        self.amqp_uri = amqp_uri
        self.lock_key = lock_key
        self.listen_channel = listen_channel
        self.checkpoint_table = checkpoint_table
        self.checkpoint_column = checkpoint_column
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.confirm_timeout = confirm_timeout
        # published: messages confirmed; rows: rows covered; unroutable: messages returned
        self.stats = {"published": 0, "rows": 0, "unroutable": 0, "batches": 0}
        self._pg: Any = None
        self._amqp: amqp.Connection | None = None
        self._channel: Any = None
        self._acked = self._nacked = self._tags = 0
        self._returned: list[amqp.Message] = []
        self.active = False

    # -- what subclasses provide -----------------------------------------------------
    def read_batch(self, cur: Any, after: int) -> list[Any]:
        raise NotImplementedError

    def position_of(self, row: Any) -> int:
        raise NotImplementedError

    def messages(self, rows: list[Any]) -> Iterable[tuple[str, amqp.Message]]:
        """(routing key, message) pairs for the rows (a row may give none or several)."""
        raise NotImplementedError

    def declare(self, channel: Any) -> None:
        channel.exchange_declare(self.exchange, "topic", durable=True, auto_delete=False)

    def on_unroutable(self, returned: list[amqp.Message]) -> None:
        log.warning("unroutable messages: no queue bound", publisher=self.name,
                    count=len(returned))

    # -- connections -----------------------------------------------------------------
    def try_acquire(self) -> bool:
        """Become the active publisher if no other holds the lock."""
        if self._pg is None or self._pg.closed:
            self._pg = db.connect(self.dsn, self.schema, statement_timeout_ms=60000,
                                  application_name=self.name)
            self._pg.autocommit = True
            self.active = False
        if not self.active:
            with self._pg.cursor() as cur:
                cur.execute("SELECT pg_try_advisory_lock(%s)", (self.lock_key,))
                self.active = bool(cur.fetchone()[0])
                if self.active:
                    cur.execute(f'LISTEN "{self.listen_channel}"')
                    cur.execute(
                        f"INSERT INTO {self.checkpoint_table} ({self.checkpoint_column},"
                        " position) VALUES (%s, 0) ON CONFLICT DO NOTHING", (self.name,))
                    log.info("publisher active", publisher=self.name)
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
        self.declare(ch)
        self._amqp, self._channel = conn, ch
        self._acked = self._nacked = self._tags = 0

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        self._acked = max(self._acked, delivery_tag)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._nacked += 1

    def _on_return(self, exc: Any, exchange: str, routing_key: str,
                   message: amqp.Message) -> None:
        self._returned.append(message)

    def close(self) -> None:
        try:
            if self._amqp is not None:
                self._amqp.close()
        except Exception:  # noqa: BLE001 - closing a broken connection
            pass
        self._amqp = None
        if self._pg is not None and not self._pg.closed:
            self._pg.close()  # releases the advisory lock
        self._pg = None
        self.active = False

    def holds_connection(self) -> bool:
        return self._pg is not None and not self._pg.closed

    # -- work ------------------------------------------------------------------------
    def checkpoint(self) -> int:
        with self._pg.cursor() as cur:
            cur.execute(f"SELECT position FROM {self.checkpoint_table}"
                        f" WHERE {self.checkpoint_column} = %s", (self.name,))
            row = cur.fetchone()
            return row[0] if row else 0

    def run_once(self) -> int:
        """Publish one batch after the checkpoint; returns how many rows it covered."""
        if not self.try_acquire():
            return 0
        with self._pg.cursor() as cur:
            rows = self.read_batch(cur, self.checkpoint())
        if not rows:
            return 0
        self._connect_amqp()
        self._publish(rows)
        with self._pg.cursor() as cur:
            cur.execute(f"UPDATE {self.checkpoint_table} SET position = %s"
                        f" WHERE {self.checkpoint_column} = %s",
                        (self.position_of(rows[-1]), self.name))
        self.stats["rows"] += len(rows)
        self.stats["batches"] += 1
        return len(rows)

    def _publish(self, rows: list[Any]) -> None:
        self._returned = []
        nacked_before = self._nacked
        sent = 0
        for routing_key, message in self.messages(rows):
            self._channel.basic_publish(message, exchange=self.exchange,
                                        routing_key=routing_key, mandatory=True)
            self._tags += 1
            sent += 1
        deadline = time.monotonic() + self.confirm_timeout
        while self._acked < self._tags and self._nacked == nacked_before:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PublishFailed("broker did not confirm in time")
            try:
                self._amqp.drain_events(timeout=min(remaining, 1.0))  # type: ignore[union-attr]
            except TimeoutError:
                continue
        if self._nacked > nacked_before:
            raise PublishFailed("broker refused (nack) a message of the batch")
        self.stats["published"] += sent
        if self._returned:
            self.stats["unroutable"] += len(self._returned)
            self.on_unroutable(self._returned)

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
        backoff = Backoff(0.5, 10.0)
        while not stop.is_set():
            try:
                if not self.try_acquire():
                    stop.wait(self.poll_interval)
                    continue
                done = self.run_once()
                backoff.reset()
                if done < self.batch_size:
                    self.wait_for_work(self.poll_interval)
            except Exception as exc:  # noqa: BLE001 - the publisher must outlive any failure
                log.warning("publisher failed, reconnecting", publisher=self.name,
                            error=str(exc))
                self.close()
                stop.wait(backoff.next())
        self.close()
