"""Dead letters: replaying them through validation, dropping them, their depth."""

from __future__ import annotations

import datetime as dt
from typing import Any

import amqp

import services.funding.partners as package  # the `_db` seam tests replace
from eventkit import config
from services.funding.partners.common import DEAD_QUEUE, REPLAY_QUEUE
from services.funding.partners.topology import _connect, declare_topology


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _original(msg) -> tuple[str | None, str | None]:
    """(user id, routing key) a dead letter was first published with."""
    headers = msg.properties.get("application_headers") or {}
    user = _text(headers.get("x-original-user-id")) or _text(msg.properties.get("user_id"))
    routing_key = _text(headers.get("x-original-routing-key"))
    if not routing_key:
        deaths = headers.get("x-death") or []
        if deaths:
            keys = deaths[0].get("routing-keys") or []
            routing_key = _text(keys[0]) if keys else None
    return user, routing_key


def replay_dead(partner_id: str | None = None, limit: int | None = None,
                amqp_uri: str | None = None) -> dict[str, int]:
    """Move dead letters (of one partner, or all) to `partners.replay`, where the consumer
    validates them again. Others stay in `partners.dead`, in their order."""
    uri = amqp_uri or config.amqp_uri()
    conn = _connect(uri, confirm_publish=True)
    moved = kept = 0
    replayed: list[tuple[str, str]] = []
    try:
        ch = conn.channel()
        ch.auto_decode = False
        declare_topology(ch)
        _, depth, _ = ch.queue_declare(DEAD_QUEUE, passive=True)
        for _ in range(depth):
            msg = ch.basic_get(DEAD_QUEUE, no_ack=False)
            if msg is None:
                break
            user, routing_key = _original(msg)
            owner = user or (routing_key or "").partition(".")[0]
            if (partner_id and owner != partner_id) or (limit is not None and moved >= limit):
                kept += 1  # left unacked: returns to the queue when the channel closes
                continue
            props = dict(msg.properties)
            headers = dict(props.pop("application_headers", None) or {})
            props.pop("user_id", None)  # the broker refuses a user_id that is not ours
            headers["x-original-user-id"] = user or ""
            headers["x-original-routing-key"] = routing_key or ""
            headers["x-replay-count"] = int(headers.get("x-replay-count") or 0) + 1
            headers["x-replayed-at"] = dt.datetime.now(dt.UTC).isoformat()
            copy = amqp.Message(msg.body, application_headers=headers,
                                **{k: v for k, v in props.items() if v is not None})
            copy.properties["delivery_mode"] = 2
            ch.basic_publish(copy, exchange="", routing_key=REPLAY_QUEUE)  # confirmed
            ch.basic_ack(msg.delivery_tag)
            moved += 1
            message_id = _text(props.get("message_id"))
            replayed.append((owner, message_id or ""))
        ch.close()  # unacked (kept) messages go back to partners.dead
    finally:
        conn.close()
    if replayed:
        dbc = package._db()
        try:
            with dbc.cursor() as cur:
                for owner, message_id in replayed:
                    cur.execute("UPDATE partner_dead_letters SET replayed_at = now()"
                                " WHERE partner_id = %s AND message_id = %s",
                                (owner, message_id))
            dbc.commit()
        finally:
            dbc.close()
    return {"replayed": moved, "kept": kept}


def drop_dead(partner_id: str, amqp_uri: str | None = None) -> int:
    """Delete one partner's dead letters from `partners.dead` (after they were looked at,
    or for a test partner); the others stay, in their order. Their records stay too."""
    conn = _connect(amqp_uri or config.amqp_uri())
    dropped = 0
    try:
        ch = conn.channel()
        declare_topology(ch)
        _, depth, _ = ch.queue_declare(DEAD_QUEUE, passive=True)
        for _ in range(depth):
            msg = ch.basic_get(DEAD_QUEUE, no_ack=False)
            if msg is None:
                break
            user, routing_key = _original(msg)
            if (user or (routing_key or "").partition(".")[0]) == partner_id:
                ch.basic_ack(msg.delivery_tag)
                dropped += 1
        ch.close()  # the others (unacked) return to the queue
    finally:
        conn.close()
    return dropped


def dead_letter_depth(amqp_uri: str | None = None) -> int:
    conn = _connect(amqp_uri or config.amqp_uri())
    try:
        ch = conn.channel()
        declare_topology(ch)
        _, depth, _ = ch.queue_declare(DEAD_QUEUE, passive=True)
        ch.close()
        return int(depth)
    finally:
        conn.close()
