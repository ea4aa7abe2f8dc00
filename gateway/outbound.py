"""`departments.outbound`: the gateway's feed published to the member departments.

A topic exchange (durable); routing key `<department>.<source>.<event_type>` with the event
type in snake case (`organization.org.unit_created`,
`organization.assessment.result_reported`). Which departments get which event types is
configuration (`deploy/outbound_routes.yaml`, or the file named by `OUTBOUND_ROUTES_FILE`);
an event may also name its department in its data (assessment's `ResultReported` carries
`department`).

The publisher works like the services' relay: one active publisher (a session advisory lock
on a dedicated connection), batches read from the feed in position order, publisher
confirms awaited before the checkpoint advances (at-least-once: a crash between the confirm
and the checkpoint publishes the batch again; `message_id` = `<event_id>.<department>` lets
a consumer drop the duplicate). Woken by NOTIFY from the feed insert, polling as a fallback.
"""

from __future__ import annotations

import json
import os
import re
import select
import threading
import time
import zlib
from pathlib import Path
from typing import Any

import amqp
import yaml

from eventkit import db, logs
from eventkit.amqp_uri import connection_args
from gateway.feed import NOTIFY_CHANNEL

log = logs.get("gateway.outbound")

EXCHANGE = "departments.outbound"
PUBLISHER = "departments.outbound"
LOCK_KEY = zlib.crc32(b"relay:gateway.outbound")
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROUTES = ROOT / "deploy" / "outbound_routes.yaml"


def snake(event_type: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", event_type).lower()


def _department_word(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    word = re.sub(r"[^a-z0-9_]+", "_", value.strip().lower()).strip("_")
    return word or None


class RoutingTable:
    """event (source, type) -> departments; loaded from YAML."""

    def __init__(self, routes: dict[str, dict[str, list[str]]],
                 department_from_data: dict[str, dict[str, str]] | None = None) -> None:
        self.routes = routes
        self.department_from_data = department_from_data or {}

    @classmethod
    def load(cls, path: str | Path | None = None) -> RoutingTable:
        path = Path(path or os.environ.get("OUTBOUND_ROUTES_FILE") or DEFAULT_ROUTES)
        doc = yaml.safe_load(path.read_text()) or {}
        routes = {src: {t: list(depts or []) for t, depts in (types or {}).items()}
                  for src, types in (doc.get("routes") or {}).items()}
        return cls(routes, doc.get("department_from_data") or {})

    def departments(self, source: str, event_type: str, data: dict[str, Any]) -> list[str]:
        by_type = self.routes.get(source, {})
        found: list[str] = []
        for dept in [*by_type.get(event_type, []), *by_type.get("*", [])]:
            word = _department_word(dept)
            if word and word not in found:
                found.append(word)
        key = self.department_from_data.get(source, {}).get(event_type)
        if key:
            word = _department_word((data or {}).get(key))
            if word and word not in found:
                found.append(word)
        return found

    def routing_keys(self, source: str, event_type: str, data: dict[str, Any]) -> list[str]:
        suffix = f"{source}.{snake(event_type)}"
        return [f"{dept}.{suffix}" for dept in self.departments(source, event_type, data)]


class PublishFailed(RuntimeError):
    pass


_SELECT = ("SELECT position, source, source_position, event_id, type, stream_id, occurred_at,"
           " unit_ids, actor, correlation_id, data FROM feed WHERE position > %s"
           " ORDER BY position LIMIT %s")


class OutboundPublisher:
    def __init__(self, dsn: str, amqp_uri: str, table: RoutingTable, batch_size: int = 500,
                 poll_interval: float = 2.0, confirm_timeout: float = 30.0) -> None:
        self.dsn = dsn
        self.amqp_uri = amqp_uri
        self.table = table
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.confirm_timeout = confirm_timeout
        self.stats = {"published": 0, "events": 0, "unroutable": 0}
        self._pg: Any = None
        self._amqp: amqp.Connection | None = None
        self._channel: Any = None
        self._acked = self._nacked = self._tags = 0
        self._returned = 0
        self.active = False

    def try_acquire(self) -> bool:
        if self._pg is None or self._pg.closed:
            self._pg = db.connect(self.dsn, "gateway", statement_timeout_ms=60000,
                                  application_name="gateway-outbound")
            self._pg.autocommit = True
            self.active = False
        if not self.active:
            with self._pg.cursor() as cur:
                cur.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,))
                self.active = bool(cur.fetchone()[0])
                if self.active:
                    cur.execute(f'LISTEN "{NOTIFY_CHANNEL}"')
                    cur.execute("INSERT INTO outbound_checkpoint (publisher, position)"
                                " VALUES (%s, 0) ON CONFLICT DO NOTHING", (PUBLISHER,))
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
        ch.exchange_declare(EXCHANGE, "topic", durable=True, auto_delete=False)
        self._amqp, self._channel = conn, ch
        self._acked = self._nacked = self._tags = 0

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        self._acked = max(self._acked, delivery_tag)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._nacked += 1

    def _on_return(self, *args: Any) -> None:
        self._returned += 1

    def checkpoint(self) -> int:
        with self._pg.cursor() as cur:
            cur.execute("SELECT position FROM outbound_checkpoint WHERE publisher = %s",
                        (PUBLISHER,))
            row = cur.fetchone()
            return row[0] if row else 0

    def run_once(self) -> int:
        """Publish one batch after the checkpoint; returns how many feed rows it covered."""
        if not self.try_acquire():
            return 0
        after = self.checkpoint()
        with self._pg.cursor() as cur:
            cur.execute(_SELECT, (after, self.batch_size))
            rows = cur.fetchall()
        if not rows:
            return 0
        self._connect_amqp()
        self._publish(rows)
        with self._pg.cursor() as cur:
            cur.execute("UPDATE outbound_checkpoint SET position = %s WHERE publisher = %s",
                        (rows[-1][0], PUBLISHER))
        self.stats["events"] += len(rows)
        return len(rows)

    def _publish(self, rows: list[tuple]) -> None:
        nacked_before = self._nacked
        returned_before = self._returned
        for row in rows:
            (position, source, source_position, event_id, event_type, stream_id, occurred_at,
             unit_ids, actor, correlation_id, data) = row
            keys = self.table.routing_keys(source, event_type, data)
            if not keys:
                continue
            body = json.dumps({
                "position": position, "source": source, "source_position": source_position,
                "event_id": str(event_id), "type": event_type, "stream_id": stream_id,
                "occurred_at": occurred_at.isoformat(), "unit_ids": list(unit_ids),
                "actor": actor, "correlation_id": correlation_id, "data": data,
            }, ensure_ascii=False, separators=(",", ":"))
            for key in keys:
                department = key.split(".", 1)[0]
                msg = amqp.Message(
                    body, content_type="application/json", content_encoding="utf-8",
                    delivery_mode=2, message_id=f"{event_id}.{department}", type=event_type,
                    timestamp=int(time.time()),
                    application_headers={"position": position, "source": source,
                                         "correlation_id": correlation_id or ""})
                self._channel.basic_publish(msg, exchange=EXCHANGE, routing_key=key,
                                            mandatory=True)
                self._tags += 1
                self.stats["published"] += 1
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
        # no queue bound for a department: counted, not an error (it may bind later and
        # read what it missed from GET /api/v1/events)
        self.stats["unroutable"] += self._returned - returned_before

    def wait_for_work(self, timeout: float) -> None:
        if self._pg is None or self._pg.closed:
            time.sleep(timeout)
            return
        ready, _, _ = select.select([self._pg], [], [], timeout)
        if ready:
            self._pg.poll()
            self._pg.notifies.clear()

    def close(self) -> None:
        try:
            if self._amqp is not None:
                self._amqp.close()
        except Exception:  # noqa: BLE001 - closing a broken connection
            pass
        self._amqp = None
        if self._pg is not None and not self._pg.closed:
            self._pg.close()
        self._pg = None
        self.active = False

    def run_forever(self, stop: threading.Event) -> None:
        backoff = 0.5
        while not stop.is_set():
            try:
                if not self.try_acquire():
                    stop.wait(self.poll_interval)
                    continue
                done = self.run_once()
                backoff = 0.5
                if done < self.batch_size:
                    self.wait_for_work(self.poll_interval)
            except Exception as exc:  # noqa: BLE001 - the publisher must outlive any failure
                log.warning("outbound publisher failed, reconnecting", error=str(exc))
                self.close()
                stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)
        self.close()
