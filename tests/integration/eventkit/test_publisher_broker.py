"""Publisher confirms against the real RabbitMQ (issue 10, point 4): unroutable messages are
confirmed at once, persistent ones after the disk write and refused ones (a full quorum
queue with `reject-publish`) later still; the checkpoint never passes a message the broker
did not take."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import amqp
import kombu
import pytest

from eventkit import db
from eventkit.aggregate import NewEvent
from eventkit.publisher import PublishFailed
from eventkit.relay import Relay, exchange_name
from eventkit.store import EventStore


class WatchedRelay(Relay):
    """Records the broker's confirms as they come (honouring `multiple`), and at each
    checkpoint move whether every message before it was acked by then."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.acked: set[int] = set()
        self.sent = 0
        self.premature: list[int] = []
        self.positions: dict[int, int] = {}  # delivery tag -> position of its event

    def _connect_amqp(self) -> None:
        fresh = self._amqp is None or not self._amqp.connected
        super()._connect_amqp()
        if fresh:  # delivery tags start again on a new channel
            self.sent, self.positions, self.acked = 0, {}, set()
            self._channel.events["basic_ack"].add(self._watch_ack)

    def _watch_ack(self, delivery_tag: int, multiple: bool = False) -> None:
        self.acked |= set(range(1, delivery_tag + 1)) if multiple else {delivery_tag}

    def messages(self, rows: list[dict[str, Any]]) -> Iterable[tuple[str, amqp.Message]]:
        for item in super().messages(rows):
            self.sent += 1
            self.positions[self.sent] = item[1].application_headers["position"]
            yield item

    def position_of(self, row: dict[str, Any]) -> int:
        position = super().position_of(row)
        unconfirmed = [tag for tag, p in self.positions.items()
                       if p <= position and tag not in self.acked]
        if unconfirmed:
            self.premature.append(position)
        return position


@pytest.fixture
def wired(dsn, amqp_uri, kit_schema) -> Iterator[tuple]:
    """A relay of the kit schema; `Routable` events reach a queue, `Refused` ones a full
    queue that nacks them, `Unroutable` ones no queue at all."""
    relay = WatchedRelay(kit_schema, dsn, amqp_uri, schema=kit_schema, confirm_timeout=20)
    pool = db.Pool(dsn, kit_schema, size=1)
    with kombu.Connection(amqp_uri) as conn:
        channel = conn.default_channel
        exchange = kombu.Exchange(exchange_name(kit_schema), "topic", durable=True,
                                  auto_delete=False)
        exchange(channel).declare()
        taken = kombu.Queue(f"taken.{kit_schema}", exchange, routing_key="Routable",
                            durable=True, auto_delete=False)
        full = kombu.Queue(f"full.{kit_schema}", exchange, routing_key="Refused", durable=True,
                           queue_arguments={"x-max-length": 0,
                                            "x-overflow": "reject-publish"})
        taken(channel).declare()
        full(channel).declare()
        try:
            yield relay, pool, taken(channel)
        finally:
            relay.close()
            pool.close()
            taken(channel).delete()
            full(channel).delete()
            exchange(channel).delete()


def append(pool: db.Pool, schema: str, types: list[str]) -> None:
    store = EventStore(schema)  # no registry: any event type
    with pool.transaction() as cur:
        for n, event_type in enumerate(types):
            store.append(cur, f"s-{event_type}-{n}-{id(types)}", 0,
                         [NewEvent(event_type, {"n": n})], {})


def checkpoint(pool: db.Pool) -> int:
    with pool.transaction() as cur:
        cur.execute("SELECT coalesce(max(position), 0) FROM relay_checkpoint")
        return cur.fetchone()[0]


def head(pool: db.Pool) -> int:
    with pool.transaction() as cur:
        cur.execute("SELECT coalesce(max(position), 0) FROM events")
        return cur.fetchone()[0]


def test_unroutable_and_routable_messages_interleaved_are_all_confirmed(wired, kit_schema):
    relay, pool, taken = wired
    for _ in range(5):
        # persistent messages to a durable queue are acked after the disk write, unroutable
        # ones at once: the last tag's ack comes before the earlier tags'
        append(pool, kit_schema, ["Routable"] * 20 + ["Unroutable"])
        assert relay.run_once() == 21
    assert checkpoint(pool) == head(pool)
    assert relay.stats["unroutable"] == 5
    assert taken.queue_declare(passive=True).message_count == 100
    assert relay.premature == []  # the checkpoint never passed an unconfirmed message


def test_a_refused_message_behind_unroutable_ones_stops_the_checkpoint(wired, kit_schema):
    relay, pool, taken = wired
    append(pool, kit_schema, ["Routable", "Unroutable"])
    assert relay.run_once() == 2
    before = checkpoint(pool)
    # the nack of the full queue comes after the at-once acks of the unroutable messages
    append(pool, kit_schema, ["Refused"] + ["Unroutable", "Routable"] * 10 + ["Unroutable"])
    with pytest.raises(PublishFailed, match="nack"):
        relay.run_once()
    assert checkpoint(pool) == before  # the refused event goes out again, never skipped
