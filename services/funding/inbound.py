"""Partner messages on their way in: what arrives (Inbound), its outcome, its shape
check, and the batch it is decided in."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from eventkit import jsonbody
from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput
from services.funding.domain.applications import CreditApplication
from services.funding.domain.credit import (
    PARTNER_EVENT_TYPES,
    CreditGrant,
    PendingLoanEvents,
    validate_partner_body,
)

CHANNELS = ("amqp", "replay", "webhook")
_GRANT_KEYED = ("credit.granted", "loan.disbursed", "credit.revoked")
_MAX_ID = 200
_COLUMNS = ("position, event_id, stream_id, version, type, schema_version, occurred_at, data,"
            " metadata")


@dataclass
class Inbound:
    """One partner message as received.

    `user_id` is the identity the transport vouches for: the broker-validated `user_id`
    property (AMQP; from header `x-original-user-id` for a replayed dead letter) or the
    partner whose secret signed a webhook. `routing_key` is None for webhooks.
    """

    channel: str
    user_id: str | None
    message_id: str | None
    event_type: str | None
    body: bytes | dict[str, Any] | None
    routing_key: str | None = None
    tag: Any = None


@dataclass
class Outcome:
    status: str  # applied | held | duplicate | rejected
    partner_id: str
    reason: str | None = None
    conflict: bool = False  # rejected by a state rule (409) rather than by shape (422)
    grant: str | None = None
    message_id: str | None = None
    recorded: bool = False  # a rejection newly dead-lettered (counted)

    @property
    def accepted(self) -> bool:
        return self.status in ("applied", "held")


@dataclass
class _Item:
    index: int
    partner: str
    message_id: str
    event_type: str
    body: dict[str, Any]
    channel: str


def dead_letter_key(item: Inbound) -> str:
    if item.message_id:
        return item.message_id[:_MAX_ID]
    raw = item.body if isinstance(item.body, bytes) else json.dumps(item.body).encode()
    digest = hashlib.sha256((item.routing_key or "").encode() + b"\0" + (raw or b""))
    return "sha256:" + digest.hexdigest()


def claimed_partner(item: Inbound) -> str:
    """Whom to count a message for: the vouched identity, else the routing key's prefix."""
    if item.user_id:
        return item.user_id[:_MAX_ID]
    if item.routing_key:
        return item.routing_key.partition(".")[0][:_MAX_ID] or "unknown"
    return "unknown"


def check_shape(item: Inbound) -> tuple[str, str, dict[str, Any]] | str:
    """(partner, event type, parsed body) or why the message is rejected. No I/O."""
    if item.channel in ("amqp", "replay"):
        if not item.user_id:
            return "message has no user_id property (the broker validates it when set)"
        rk_partner, _, rk_type = (item.routing_key or "").partition(".")
        if item.user_id != rk_partner:
            return (f"user_id {item.user_id!r} does not match the routing key's partner"
                    f" {rk_partner!r}")
        if not item.event_type:
            return "message has no type property"
        if item.event_type not in PARTNER_EVENT_TYPES:
            return f"unknown event type {item.event_type!r}"
        if rk_type != item.event_type:
            return f"routing key {item.routing_key!r} does not match type {item.event_type!r}"
        raw = item.body if isinstance(item.body, bytes) else b""
        try:
            body = jsonbody.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            return "body is not valid JSON (UTF-8)"
        except InvalidInput as exc:  # invalid, nested too deeply, or text that cannot be stored
            return f"body refused: {exc.detail}"
        event_type = item.event_type
    else:
        body = item.body
        if not isinstance(body, dict):
            return "body must be a JSON object"
        event_type = body.get("type")  # type: ignore[assignment]
        if not isinstance(event_type, str) or not event_type:
            return "type is required"
        if event_type not in PARTNER_EVENT_TYPES:
            return f"unknown event type {event_type!r}"
        if item.event_type is not None and item.event_type != event_type:
            return "type does not match"
    if not item.message_id:
        return "message has no message_id property"
    if len(item.message_id) > _MAX_ID:
        return f"message_id is longer than {_MAX_ID} characters"
    parsed = validate_partner_body(event_type, body)
    if isinstance(parsed, str):
        return parsed
    assert item.user_id is not None
    return item.user_id, event_type, parsed


class _Batch:
    """The aggregates of one batch and the order in which their events were recorded."""

    def __init__(self) -> None:
        self.grants: dict[str, CreditGrant] = {}
        self.pending: dict[str, PendingLoanEvents] = {}
        self.applications: dict[str, CreditApplication] = {}
        self.loan_index: dict[tuple[str, str], str] = {}
        self.parked_keys: set[str] = set()
        self.sequence: list[tuple[Aggregate, int, dict[str, Any]]] = []
        self._sequenced: dict[int, int] = {}  # id(agg) -> pending events already sequenced
        self._touched: list[Aggregate] = []

    def touch(self, agg: Aggregate) -> None:
        if all(a is not agg for a in self._touched):
            self._touched.append(agg)

    def snapshot(self) -> dict[int, int]:
        return {id(a): len(a.pending) for a in self._touched}

    def commit_message(self, metadata: dict[str, Any]) -> None:
        for agg in self._touched:
            done = self._sequenced.get(id(agg), 0)
            for i in range(done, len(agg.pending)):
                self.sequence.append((agg, i, metadata))
            self._sequenced[id(agg)] = len(agg.pending)
        self._touched = []

    def unchanged_since(self, snapshot: dict[int, int]) -> bool:
        return all(len(a.pending) == snapshot.get(id(a), 0) for a in self._touched)
