"""The relay: publishes a service's stored events, in order, to `<service>.events`.

One persistent message per event: routing key = event type, `message_id` = event id,
headers `position`, `stream_id`, `correlation_id`; the body is the envelope, upcast like
`read_feed`'s. The mechanism (one active relay, pipelined confirms, checkpoint after the
acks, `mandatory`, NOTIFY wake-ups) is `eventkit.publisher.ConfirmingPublisher`.
A relay killed between the broker's ack and its checkpoint publishes the batch again;
consumers drop the duplicates by position (tracking).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterable
from typing import Any

import amqp

from eventkit import logs
from eventkit.publisher import ConfirmingPublisher, PublishFailed
from eventkit.registry import EventRegistry
from eventkit.store import EventStore
from eventkit.wire import compact

__all__ = ["PublishFailed", "Relay", "exchange_name", "relay_lock_key"]

log = logs.get("eventkit.relay")


def relay_lock_key(schema: str) -> int:
    return zlib.crc32(f"relay:{schema}".encode())


def exchange_name(service: str) -> str:
    return f"{service}.events"


class Relay(ConfirmingPublisher):
    def __init__(self, service: str, dsn: str, amqp_uri: str, schema: str | None = None,
                 batch_size: int = 2000, poll_interval: float = 2.0,
                 confirm_timeout: float = 30.0, registry: EventRegistry | None = None) -> None:
        schema = schema or service
        super().__init__(name=exchange_name(service), dsn=dsn, schema=schema,
                         amqp_uri=amqp_uri, lock_key=relay_lock_key(schema),
                         listen_channel=f"{schema}_events", checkpoint_table="relay_checkpoint",
                         checkpoint_column="relay", batch_size=batch_size,
                         poll_interval=poll_interval, confirm_timeout=confirm_timeout)
        self.service = service
        self.exchange = exchange_name(service)
        # with the registry, messages carry events upcast like `read_feed`'s, so a consumer
        # sees one schema version per type whichever way an event reaches it
        self.store = EventStore(schema, registry)

    def read_batch(self, cur: Any, after: int) -> list[dict[str, Any]]:
        rows, self.pending = self.store.read_feed_pending(cur, after, self.batch_size)
        return rows

    def position_of(self, row: dict[str, Any]) -> int:
        return int(row["position"])

    def messages(self, rows: list[dict[str, Any]]) -> Iterable[tuple[str, amqp.Message]]:
        for env in rows:
            meta = env.get("metadata") or {}
            yield env["type"], amqp.Message(
                compact(env),
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

    def on_unroutable(self, returned: list[amqp.Message]) -> None:
        positions = [m.application_headers.get("position", 0) for m in returned]
        log.warning("unroutable events: no queue bound", relay=self.name,
                    count=len(returned), first_position=min(positions))
