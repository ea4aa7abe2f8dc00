"""`departments.outbound`: the gateway's feed published to the member departments.

A topic exchange (durable); routing key `<department>.<source>.<event_type>` with the event
type in snake case (`organization.org.unit_created`,
`organization.assessment.result_reported`). Which departments get which event types is
configuration (`deploy/outbound_routes.yaml`, or the file named by `OUTBOUND_ROUTES_FILE`);
an event may also name its department in its data (assessment's `ResultReported` carries
`department`).

The publisher is the services' relay mechanism (`eventkit.publisher.ConfirmingPublisher`):
one active publisher, batches in feed order, confirms awaited before the checkpoint
advances (at-least-once: `message_id` = `<event_id>.<department>` lets a consumer drop a
duplicate), woken by NOTIFY from the feed insert.
"""

from __future__ import annotations

import functools
import os
import re
import time
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import amqp
import yaml

from eventkit import logs
from eventkit.publisher import ConfirmingPublisher
from eventkit.wire import compact
from gateway import policy
from gateway.auth import Principal
from gateway.feed import NOTIFY_CHANNEL, _registries

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


WITHHELD = "[不予提供]"


def visible_data(department: str, source: str, event_type: str,
                 data: dict[str, Any]) -> dict[str, Any]:
    """An event's data as `department` may see it: the declared personal fields of a person
    (eventkit/personal.py) only for departments allowed to read members' data."""
    personal = _withheld_fields(department, source, event_type)
    if personal is None:
        return data
    return {k: WITHHELD if k in personal and v is not None else v for k, v in data.items()}


@functools.lru_cache(maxsize=4096)
def _withheld_fields(department: str, source: str, event_type: str) -> frozenset[str] | None:
    """The fields of an event type `department` may not see (the policy table and the
    registries are fixed for the process's life: asked once per department and type)."""
    if policy.allowed(Principal("outbound", department, "viewer"), "members.read"):
        return None
    decl = _registries().get(source)
    personal = decl.personal(event_type) if decl is not None else None
    return frozenset(personal.fields) if personal is not None else None


_SELECT = ("SELECT position, source, source_position, event_id, type, stream_id, occurred_at,"
           " unit_ids, actor, correlation_id, data FROM feed WHERE position > %s"
           " ORDER BY position LIMIT %s")


class OutboundPublisher(ConfirmingPublisher):
    """The gateway's feed to `departments.outbound`, one message per event and department.

    A department with no queue bound is counted as unroutable, not an error: it may bind
    later and read what it missed from GET /api/v1/events.
    """

    exchange = EXCHANGE

    def __init__(self, dsn: str, amqp_uri: str, table: RoutingTable, batch_size: int = 500,
                 poll_interval: float = 2.0, confirm_timeout: float = 30.0) -> None:
        super().__init__(name=PUBLISHER, dsn=dsn, schema="gateway", amqp_uri=amqp_uri,
                         lock_key=LOCK_KEY, listen_channel=NOTIFY_CHANNEL,
                         checkpoint_table="outbound_checkpoint", checkpoint_column="publisher",
                         batch_size=batch_size, poll_interval=poll_interval,
                         confirm_timeout=confirm_timeout)
        self.table = table

    def read_batch(self, cur: Any, after: int) -> list[tuple]:
        cur.execute(_SELECT, (after, self.batch_size))
        return cur.fetchall()

    def position_of(self, row: tuple) -> int:
        return int(row[0])

    def messages(self, rows: list[tuple]) -> Iterable[tuple[str, amqp.Message]]:
        for row in rows:
            (position, source, source_position, event_id, event_type, stream_id, occurred_at,
             unit_ids, actor, correlation_id, data) = row
            keys = self.table.routing_keys(source, event_type, data)
            if not keys:
                continue
            envelope = {
                "position": position, "source": source, "source_position": source_position,
                "event_id": str(event_id), "type": event_type, "stream_id": stream_id,
                "occurred_at": occurred_at.isoformat(), "unit_ids": list(unit_ids),
                "actor": actor, "correlation_id": correlation_id, "data": data,
            }
            for key in keys:
                department = key.split(".", 1)[0]
                body = compact({**envelope, "data": visible_data(department, source,
                                                                 event_type, data)})
                yield key, amqp.Message(
                    body, content_type="application/json", content_encoding="utf-8",
                    delivery_mode=2, message_id=f"{event_id}.{department}", type=event_type,
                    timestamp=int(time.time()),
                    application_headers={"position": position, "source": source,
                                         "correlation_id": correlation_id or ""})

    def on_unroutable(self, returned: list[amqp.Message]) -> None:
        pass  # counted in stats; departments bind when they are ready
