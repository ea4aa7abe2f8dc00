"""Publishing rows of a PostgreSQL table, in order, to RabbitMQ, at least once.

The one mechanism behind the services' relay (`eventkit/relay.py`) and the gateway's
`departments.outbound` publisher:
- one active publisher: a session advisory lock on a dedicated connection (another
  instance waits and takes over when this one's connection dies);
- a batch read after the checkpoint is published with pipelined publisher confirms and
  `mandatory`; every delivery tag stays outstanding until the broker confirms it (acks and
  nacks honour `multiple`; RabbitMQ may confirm out of order: an unroutable message at once,
  a persistent one after the disk write). The checkpoint advances only to the last row whose
  messages, and all before them, were acked; a nack or a confirm that does not come in
  time sends the rest again (consumers drop duplicates);
- an unroutable message (basic.return) is counted, never blocking: the table stays the
  source, readable through the feed;
- woken by LISTEN/NOTIFY, polling as a fallback.
Subclasses say what to read (`read_batch`) and what to send for it (`messages`).
"""

from __future__ import annotations

import os
import select
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import amqp
from eventlet.patcher import original

from eventkit import db, logs
from eventkit.amqp_uri import connection_args
from eventkit.backoff import Backoff

log = logs.get("eventkit.publisher")


@contextmanager
def held_writes(transport: Any) -> Iterator[None]:
    """The frames py-amqp writes inside the block go to the socket together, in one
    `sendall` when it ends (also when it raises: what was written was meant to be sent).

    A batch's publishes were one socket send each (issue 16: the sends, with the loopback's
    delivery to the broker that the kernel does in the sender's system call, were a fifth of
    a relay's CPU under a bank's bulk feed). py-amqp writes each frame through
    `transport._write` (the socket's `sendall`) with a view of a buffer it reuses: the
    bytes are copied here. A batch's confirms are waited for after the block. Without a
    socket transport (a test's stand-in broker) frames are written as they come."""
    send = getattr(transport, "_write", None)
    if send is None:
        yield
        return
    pending: list[bytes] = []
    transport._write = lambda view: pending.append(bytes(view))
    try:
        yield
    finally:
        transport._write = send
        if pending:
            send(b"".join(pending))


# the unpatched os module, resolved once: its write never waits in eventlet's hub
_raw_os = original("os")


def _raw_write(fd: int, data: bytes) -> int:
    return int(_raw_os.write(fd, data))


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
        self._tags = 0  # the last delivery tag of this channel
        self._outstanding: set[int] = set()  # published, not yet confirmed
        self._nacked: set[int] = set()
        self._returned: list[amqp.Message] = []
        self.active = False
        # rows committed but not yet readable (an older transaction is still open): look
        # again shortly instead of waiting for the next notification
        self.pending = False
        # a pipe that wakes `wait_for_work` from this process (eventkit/wakeup.py)
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)

    def wake_if_active(self) -> bool:
        """Wake this publisher if it is the active one (without a NOTIFY); whether it is."""
        if not self.active:
            return False
        try:
            # the unpatched write: eventlet's green one waits on a full pipe, and two green
            # threads waiting on it raise "Second simultaneous write" into the command that
            # had just committed (500s under 16 clients)
            _raw_write(self._wake_w, b"x")
        except BlockingIOError:
            pass  # already full of wake-ups
        return True

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
        self._tags = 0
        self._outstanding, self._nacked = set(), set()

    def _confirmed(self, delivery_tag: int, multiple: bool) -> set[int]:
        """The outstanding tags a confirm covers (with `multiple`: every one up to the tag)."""
        if multiple and self._outstanding and delivery_tag >= max(self._outstanding):
            covered = set(self._outstanding)
        elif multiple:
            covered = {t for t in self._outstanding if t <= delivery_tag}
        else:
            covered = {delivery_tag} & self._outstanding
        self._outstanding -= covered
        return covered

    def _on_ack(self, delivery_tag: int, multiple: bool = False) -> None:
        self._confirmed(delivery_tag, multiple)

    def _on_nack(self, delivery_tag: int, multiple: bool = False) -> None:
        self._nacked |= self._confirmed(delivery_tag, multiple)

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
        """Publish one batch after the checkpoint; returns how many rows it covered.

        The checkpoint moves to the last row of the longest prefix of the batch whose
        messages were all acked; when that is not the whole batch, PublishFailed is raised
        after the move (the rest goes out again on the next run)."""
        if not self.try_acquire():
            return 0
        with self._pg.cursor() as cur:
            rows = self.read_batch(cur, self.checkpoint())
        if not rows:
            return 0
        self._connect_amqp()
        done, failure = self._publish(rows)
        if done:
            with self._pg.cursor() as cur:
                # no wait for the WAL flush: a checkpoint lost in a database crash only
                # sends its batch again, which consumers drop by position or message id
                cur.execute("SET LOCAL synchronous_commit TO off;"
                            f" UPDATE {self.checkpoint_table} SET position = %s"
                            f" WHERE {self.checkpoint_column} = %s",
                            (self.position_of(rows[done - 1]), self.name))
            self.stats["rows"] += done
            self.stats["batches"] += 1
        if failure:
            raise PublishFailed(failure)
        return done

    def _publish(self, rows: list[Any]) -> tuple[int, str | None]:
        """Publish `rows`, wait for the confirms; (rows confirmed in order, why not all)."""
        self._returned = []
        tags_of_row: list[list[int]] = []
        with held_writes(getattr(self._amqp, "transport", None)):
            for row in rows:
                tags = []
                for routing_key, message in self.messages([row]):
                    self._channel.basic_publish(message, exchange=self.exchange,
                                                routing_key=routing_key, mandatory=True)
                    self._tags += 1
                    self._outstanding.add(self._tags)
                    tags.append(self._tags)
                tags_of_row.append(tags)
        sent = {t for tags in tags_of_row for t in tags}
        deadline = time.monotonic() + self.confirm_timeout
        failure = None
        # wait for every tag of the batch: a nack may follow an ack of a later tag
        # (isdisjoint stops at the first tag in common: `sent & outstanding` built the whole
        # intersection after every confirm, a quadratic cost in the batch's messages)
        while not sent.isdisjoint(self._outstanding):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                failure = "broker did not confirm in time"
                break
            try:
                self._amqp.drain_events(timeout=min(remaining, 1.0))  # type: ignore[union-attr]
            except TimeoutError:
                continue
        refused = sent & self._nacked
        if refused and failure is None:
            failure = f"broker refused (nack) {len(refused)} message(s) of the batch"
        done = 0
        for tags in tags_of_row:
            if any(t in self._outstanding or t in self._nacked for t in tags):
                break
            done += 1
        self._nacked -= sent
        self._outstanding -= sent  # confirms of a given-up batch are not waited for again
        self.stats["published"] += sum(len(tags) for tags in tags_of_row[:done])
        if self._returned:
            self.stats["unroutable"] += len(self._returned)
            self.on_unroutable(self._returned)
        return done, failure

    def wait_for_work(self, timeout: float) -> None:
        """Block (green under eventlet) until NOTIFY or timeout."""
        if self._pg is None or self._pg.closed:
            time.sleep(timeout)
            return
        ready, _, _ = select.select([self._pg, self._wake_r], [], [], timeout)
        if self._wake_r in ready:
            os.read(self._wake_r, 4096)
        if self._pg in ready:
            self._pg.poll()
            self._pg.notifies.clear()

    def run_forever(self, stop: threading.Event) -> None:
        backoff = Backoff(0.5, 10.0)
        recheck = Backoff(0.002, 0.02)
        while not stop.is_set():
            try:
                if not self.try_acquire():
                    stop.wait(self.poll_interval)
                    continue
                self.pending = False
                done = self.run_once()
                backoff.reset()
                if done < self.batch_size:
                    if self.pending:
                        self.wait_for_work(min(recheck.next(), self.poll_interval))
                    else:
                        recheck.reset()
                        self.wait_for_work(self.poll_interval)
            except Exception as exc:  # noqa: BLE001 - the publisher must outlive any failure
                log.warning("publisher failed, reconnecting", publisher=self.name,
                            error=str(exc))
                self.close()
                stop.wait(backoff.next())
        self.close()
