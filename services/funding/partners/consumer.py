"""The partner consumer: partners.inbound and partners.replay into the ingest, in batches."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import amqp

from eventkit.backoff import Backoff
from services.funding.ingest import Inbound, Ingest, Outcome, claimed_partner, dead_letter_key
from services.funding.partners.common import (
    DB_ERRORS,
    DEAD_QUEUE,
    DELIVERY_LIMIT,
    EXCHANGE,
    INBOUND_QUEUE,
    REPLAY_QUEUE,
    log,
)
from services.funding.partners.dead_letters import _original, _text
from services.funding.partners.topology import _connect, declare_topology


@dataclass
class _Entry:
    item: Inbound
    msg: Any
    source: str  # amqp | replay


def _inbound(source: str, msg) -> Inbound:
    props = msg.properties
    body = msg.body if isinstance(msg.body, bytes) else str(msg.body).encode()
    if source == "replay":
        user, routing_key = _original(msg)
    else:
        user, routing_key = _text(props.get("user_id")), msg.delivery_info.get("routing_key")
    return Inbound(channel=source, user_id=user or None,
                   message_id=_text(props.get("message_id")) or None,
                   event_type=_text(props.get("type")) or None, body=body,
                   routing_key=_text(routing_key), tag=msg.delivery_info["delivery_tag"])


class PartnerConsumer:
    """Consumes `partners.inbound.q` and `partners.replay` in batches.

    A batch is one `Ingest.process` call (one transaction); deliveries are acknowledged
    after its commit, rejected ones after their dead letter is confirmed by the broker.
    A batch that raises is retried message by message: the failing message is requeued
    (the broker counts deliveries) and dead-lettered by the consumer, with its reason, on
    its last allowed delivery. A database outage holds the batch (nothing is requeued,
    nothing counted) until the database answers again.
    """

    def __init__(self, ingest: Ingest, amqp_uri: str, prefetch: int = 2000,
                 batch_size: int = 1000, batch_wait: float = 0.05,
                 on_batch: Callable[[list[Outcome]], None] | None = None) -> None:
        self.ingest = ingest
        self.amqp_uri = amqp_uri
        self.prefetch = prefetch
        self.batch_size = batch_size
        self.batch_wait = batch_wait
        self.on_batch = on_batch
        self.stats = {"batches": 0, "messages": 0, "dead_lettered": 0, "requeued": 0}
        self._buffer: list[_Entry] = []
        self._lock = threading.Lock()

    def run(self, stop: threading.Event) -> None:
        backoff = Backoff(0.5, 10.0)
        while not stop.is_set():
            try:
                self._session(stop)
                backoff.reset()
            except Exception as exc:  # noqa: BLE001 - reconnect after any broker failure
                log.warning("partner consumer reconnecting", error=str(exc)[:300])
                with self._lock:
                    self._buffer = []  # unacked deliveries return to the queue with the channel
                stop.wait(backoff.next())

    def _receive(self, source: str, msg) -> None:
        entry = _Entry(_inbound(source, msg), msg, source)
        with self._lock:
            self._buffer.append(entry)

    def _session(self, stop: threading.Event) -> None:
        """One connection's life. A drainer thread reads deliveries while this one
        processes the previous batch (the database's time overlaps the broker's); acks are
        written from here (py-amqp serialises frame writes). Dead letters go out on a
        connection of their own, so waiting for their confirms never reads the consumer's
        socket from a second thread."""
        conn = _connect(self.amqp_uri, heartbeat=30)
        dead_conn: amqp.Connection | None = None
        halt = threading.Event()
        failure: list[BaseException] = []
        drainer: threading.Thread | None = None
        try:
            dead_conn = _connect(self.amqp_uri, confirm_publish=True)
            setup = conn.channel()
            declare_topology(setup)
            setup.close()
            consume = conn.channel()
            consume.auto_decode = False
            consume.basic_qos(0, self.prefetch, False)
            dead = dead_conn.channel()
            with self._lock:
                self._buffer = []
            consume.basic_consume(INBOUND_QUEUE, callback=partial(self._receive, "amqp"))
            consume.basic_consume(REPLAY_QUEUE, callback=partial(self._receive, "replay"))

            def drain() -> None:
                try:
                    while not halt.is_set() and not stop.is_set():
                        try:
                            conn.drain_events(timeout=0.5)
                        except TimeoutError:
                            conn.heartbeat_tick()
                except BaseException as exc:  # noqa: BLE001 - handed to the session
                    failure.append(exc)
                finally:
                    halt.set()

            drainer = threading.Thread(target=drain, name="partners-drainer", daemon=True)
            drainer.start()
            log.info("partner consumer started", queue=INBOUND_QUEUE, prefetch=self.prefetch)
            first_at: float | None = None
            retry_at = 0.0
            while not stop.is_set() and not halt.is_set():
                with self._lock:
                    waiting = len(self._buffer)
                now = time.monotonic()
                if waiting and first_at is None:
                    first_at = now
                due = first_at is not None and (
                    waiting >= self.batch_size or now - first_at >= self.batch_wait)
                if not due or now < retry_at:
                    time.sleep(0.005 if first_at is not None else 0.02)
                    continue
                with self._lock:
                    entries = self._buffer[:self.batch_size]
                    self._buffer = self._buffer[self.batch_size:]
                try:
                    self._handle(consume, dead, entries)
                    first_at = time.monotonic() if self._buffer else None
                except DB_ERRORS as exc:
                    # Keep the deliveries (unacked) and try again: an outage must not
                    # spend delivery attempts or dead-letter good messages.
                    log.warning("database unavailable; batch held", error=str(exc)[:200])
                    with self._lock:
                        self._buffer = entries + self._buffer
                    retry_at = time.monotonic() + 1.0
            if failure:
                raise failure[0]
        finally:
            halt.set()
            if drainer is not None:
                drainer.join(timeout=5)
            for c in (conn, dead_conn):
                if c is None:
                    continue
                try:
                    if drainer is not None and drainer.is_alive():
                        c.collect()  # the drainer still reads: drop the socket, no handshake
                    else:
                        c.close()
                except Exception:  # noqa: BLE001 - closing a broken connection
                    pass

    # -- one batch -------------------------------------------------------------------
    def _process(self, entries: list[_Entry]) -> list[tuple[_Entry, Outcome | Exception]]:
        try:
            outcomes = self.ingest.process([e.item for e in entries])
            return list(zip(entries, outcomes, strict=True))
        except DB_ERRORS:
            raise
        except Exception as exc:  # noqa: BLE001 - isolate the message that fails
            if len(entries) == 1:
                return [(entries[0], exc)]
            log.warning("partner batch failed; retrying one by one", error=str(exc)[:300],
                        size=len(entries))
        results: list[tuple[_Entry, Outcome | Exception]] = []
        for entry in entries:
            try:
                results.append((entry, self.ingest.process([entry.item])[0]))
            except DB_ERRORS:
                raise
            except Exception as exc:  # noqa: BLE001
                results.append((entry, exc))
        return results

    def _handle(self, consume, dead, entries: list[_Entry]) -> None:
        started, cpu = time.monotonic(), time.process_time()
        results = self._process(entries)
        processed, cpu = time.monotonic(), time.process_time() - cpu
        ack_tags: list[int] = []
        outcomes: list[Outcome] = []
        for entry, result in results:
            tag = entry.msg.delivery_tag
            if isinstance(result, Outcome):
                outcomes.append(result)
                if result.status == "rejected":
                    self._dead_letter(dead, entry, result.reason or "rejected")
                ack_tags.append(tag)
                continue
            headers = entry.msg.properties.get("application_headers") or {}
            attempts = int(headers.get("x-delivery-count") or 0) + 1
            if attempts > DELIVERY_LIMIT:
                reason = f"processing failed {attempts} times: {type(result).__name__}: {result}"
                log.error("partner message dead-lettered after its last delivery",
                          message_id=entry.item.message_id, attempts=attempts,
                          error=str(result)[:300])
                self._record_failure(entry, reason[:1000])
                self._dead_letter(dead, entry, reason[:1000])
                ack_tags.append(tag)
            else:
                log.warning("partner message failed; requeued", message_id=entry.item.message_id,
                            attempts=attempts, error=str(result)[:300])
                consume.basic_reject(tag, requeue=True)
                self.stats["requeued"] += 1
        if ack_tags:
            # Every delivery of this batch is settled now (rejected ones were requeued
            # above), so one multiple-ack covers the rest.
            consume.basic_ack(max(ack_tags), multiple=True)
        self.stats["batches"] += 1
        self.stats["messages"] += len(entries)
        log.info("partner batch", size=len(entries), process_ms=round((processed - started) * 1000),
                 process_cpu_ms=round(cpu * 1000),
                 settle_ms=round((time.monotonic() - processed) * 1000))
        if self.on_batch is not None:
            self.on_batch(outcomes)

    def _dead_letter(self, dead, entry: _Entry, reason: str) -> None:
        msg = entry.msg
        props = dict(msg.properties)
        headers = dict(props.pop("application_headers", None) or {})
        props.pop("user_id", None)
        headers.update({
            "x-rejection-reason": reason,
            "x-original-user-id": entry.item.user_id or "",
            "x-original-routing-key": entry.item.routing_key or "",
            "x-original-exchange": EXCHANGE if entry.source == "amqp" else REPLAY_QUEUE,
            "x-rejected-at": dt.datetime.now(dt.UTC).isoformat(),
        })
        copy = amqp.Message(msg.body, application_headers=headers,
                            **{k: v for k, v in props.items() if v is not None})
        copy.properties["delivery_mode"] = 2
        dead.basic_publish(copy, exchange="", routing_key=DEAD_QUEUE)  # waits for the confirm
        self.stats["dead_lettered"] += 1

    def _record_failure(self, entry: _Entry, reason: str) -> None:
        """Count a message the consumer could not process (best effort: it is in the DLQ)."""
        try:
            with self.ingest.pool.transaction() as cur:
                partner = claimed_partner(entry.item)
                cur.execute(
                    "INSERT INTO partner_dead_letters (partner_id, dl_key, message_id,"
                    " event_type, routing_key, channel, reason, rejected_at)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, now()) ON CONFLICT (partner_id, dl_key)"
                    " DO UPDATE SET reason = EXCLUDED.reason, times = partner_dead_letters.times"
                    " + 1, replayed_at = NULL, rejected_at = now()",
                    (partner, dead_letter_key(entry.item), entry.item.message_id,
                     entry.item.event_type, entry.item.routing_key, entry.source, reason))
                cur.execute(
                    "INSERT INTO partner_counters AS c (partner_id, channel, rejected)"
                    " VALUES (%s, %s, 1) ON CONFLICT (partner_id, channel) DO UPDATE SET"
                    " rejected = c.rejected + 1, updated_at = now()", (partner, entry.source))
        except Exception as exc:  # noqa: BLE001
            log.warning("dead letter not recorded", error=str(exc)[:200])
