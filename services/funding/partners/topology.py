"""RabbitMQ topology of partners.inbound: exchanges, quorum queues, dead-lettering."""

from __future__ import annotations

from typing import Any

import amqp

from eventkit import config
from eventkit.amqp_uri import connection_args
from services.funding.partners.common import (
    DEAD_QUEUE,
    DELIVERY_LIMIT,
    EXCHANGE,
    INBOUND_QUEUE,
    REPLAY_QUEUE,
)


def _queue_args(dead_letter: bool) -> dict[str, Any]:
    args: dict[str, Any] = {"x-queue-type": "quorum"}
    if dead_letter:
        args.update({
            "x-delivery-limit": DELIVERY_LIMIT,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": DEAD_QUEUE,
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        })
    return args


def declare_topology(channel) -> None:
    channel.exchange_declare(EXCHANGE, "topic", durable=True, auto_delete=False)
    channel.queue_declare(DEAD_QUEUE, durable=True, auto_delete=False,
                          arguments=_queue_args(False))
    for queue in (INBOUND_QUEUE, REPLAY_QUEUE):
        channel.queue_declare(queue, durable=True, auto_delete=False,
                              arguments=_queue_args(True))
    channel.queue_bind(INBOUND_QUEUE, EXCHANGE, "#")


def _connect(amqp_uri: str, **kw: Any) -> amqp.Connection:
    conn = amqp.Connection(**connection_args(amqp_uri), connect_timeout=5, **kw)
    conn.connect()
    return conn


def ensure_topology(amqp_uri: str | None = None) -> None:
    conn = _connect(amqp_uri or config.amqp_uri())
    try:
        ch = conn.channel()
        declare_topology(ch)
        ch.close()
    finally:
        conn.close()
