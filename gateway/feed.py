"""The gateway's ordered feed of every service's events (audit trail, `/events`, outbound).

The gateway tracks the four services as any consumer does (eventkit `Tracker` +
`TrackingListener`, consumer "gateway", pulling `read_feed` over RPC), and its one projector
per source copies each event into `feed` with a position of the gateway's own. Several
sources insert concurrently, so the insert is the event stores' append
(`eventkit.store.append_rows`: a transaction-level advisory lock to the commit): positions are
dense and commit in order, so a reader of `position > after` never skips a row that commits
later with a lower position.

A row keeps what the audit trail and the feed need: type, source and source position, event
id, stream, occurred_at, the units the event mentions (for scope), the read action of its
resource (for policy), actor and correlation id, and the data with personal fields masked.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Callable, Iterable
from typing import Any

from psycopg2.extras import Json, execute_values

from eventkit import people
from eventkit.personal import KeyStore
from eventkit.projection import Projector
from eventkit.store import append_rows
from gateway import policy

FEED_LOCK = zlib.crc32(b"append:gateway.feed")
NOTIFY_CHANNEL = "gateway_feed"

# personal data: only the last four characters survive (docs/access.md, DOMAIN.md)
MASKED_KEYS = frozenset({"id_number", "phone", "resident_id", "mobile", "contact",
                         "contact_phone", "id_card"})
_UNIT_KEY = re.compile(r"(^unit$|unit_id$|unit_ids$|_unit$)")
_MAX_DEPTH = 6


def mask_value(value: Any) -> Any:
    if not isinstance(value, str) or not value:
        return value
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def mask(data: Any, depth: int = 0) -> Any:
    """A copy of `data` with personal fields masked, at any depth."""
    if depth > _MAX_DEPTH:
        return data
    if isinstance(data, dict):
        return {k: (mask_value(v) if k in MASKED_KEYS and isinstance(v, str)
                    else mask(v, depth + 1)) for k, v in data.items()}
    if isinstance(data, list):
        return [mask(v, depth + 1) for v in data]
    return data


def units_mentioned(stream_id: str, data: Any) -> list[str]:
    """Unit ids an event is about: `unit-<id>` streams and data keys naming units.

    Keys: `unit`, `*unit_id`, `*unit_ids`, `*_unit` (unit_id, organizer_unit_ids,
    from_unit_id, to_unit_id, target_unit_id, recommended_by_unit...), at any depth (a unified
    activity's parts). Member-unit ids (departments) match too; they are never in a League
    tree scope, so they grant nothing.
    """
    found: list[str] = []

    def add(value: Any) -> None:
        if isinstance(value, str) and value and value not in found:
            found.append(value)

    prefix, _, ident = stream_id.partition("-")
    if prefix == "unit" and ident:
        add(ident)

    def walk(node: Any, depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str) and _UNIT_KEY.search(key):
                    if isinstance(value, list):
                        for item in value:
                            add(item)
                    else:
                        add(value)
                elif isinstance(value, dict | list):
                    walk(value, depth + 1)
        elif isinstance(node, list):
            for item in node:
                walk(item, depth + 1)

    walk(data, 0)
    return found


def trim_to_scope(unit_ids: list[str], data: Any, scope: list[str] | None
                  ) -> tuple[list[str], Any]:
    """What a scoped caller may see of an event's units: the ids in its scope only.

    A unified activity names every unit it was issued to (36 at a time); its REST view shows
    a scoped token only the parts in its scope, so the feed and the audit trail trim the
    row's `unit_ids` and every unit-id list in the data the same way (pure).
    """
    if scope is None:
        return list(unit_ids), data
    allowed = set(scope)

    def walk(node: Any, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            return node
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if isinstance(key, str) and _UNIT_KEY.search(key) and isinstance(value, list):
                    out[key] = [v for v in value if v in allowed]
                else:
                    out[key] = walk(value, depth + 1)
            return out
        if isinstance(node, list):
            return [walk(v, depth + 1) for v in node]
        return node

    return [u for u in unit_ids if u in allowed], walk(data, 0)


def row_for(source: str, env: dict[str, Any], inherited: list[str] | None) -> dict[str, Any]:
    """What the feed keeps of one envelope (pure; the projector inserts it)."""
    meta = env.get("metadata") or {}
    units = units_mentioned(env["stream_id"], env.get("data") or {}) or list(inherited or [])
    return {
        "source": source,
        "source_position": env["position"],
        "event_id": env["event_id"],
        "type": env["type"],
        "stream_id": env["stream_id"],
        "occurred_at": env["occurred_at"],
        "unit_ids": units,
        "action": policy.event_action(source, env["type"]),
        "actor": meta.get("actor"),
        "correlation_id": meta.get("correlation_id"),
        "data": mask(env.get("data") or {}),
        "metadata": mask(meta),
    }


class FeedProjector(Projector):
    """Copies every event of one source into the feed (not by type: all of them)."""

    def __init__(self, source: str,
                 on_event: Callable[[str, dict[str, Any]], None] | None = None) -> None:
        super().__init__(f"gateway.feed.{source}", tables=["feed", "stream_units"])
        self.source = source
        self.on_event = on_event

    def handles(self, event_type: str) -> bool:
        return True

    def apply(self, cur: Any, envelope: dict[str, Any]) -> None:
        self.apply_many(cur, [envelope])

    def apply_many(self, cur: Any, envelopes: list[dict[str, Any]]) -> None:
        """Consecutive events into the feed, a run at a time (issue 16: one event at a time,
        the feed took most of the gateway's CPU under a bank's bulk feed). An erasure ends
        a run: it scrubs the rows already in the feed, its own included."""
        run: list[dict[str, Any]] = []
        for envelope in envelopes:
            run.append(envelope)
            if self.source == "org" and envelope["type"] == people.ERASURE_EVENT:
                self._append_run(cur, run)
                run = []
                scrub_person(cur, envelope["data"]["person_id"])
                # the names sealed in issued documents (gateway/documents/sealing.py) go too
                cur.execute("SELECT current_schema()")
                KeyStore(cur.fetchone()[0]).erase(cur, envelope["data"]["person_id"],
                                                  envelope["data"]["reason"])
        if run:
            self._append_run(cur, run)

    def _append_run(self, cur: Any, envelopes: list[dict[str, Any]]) -> None:
        """Three statements: the streams' units read together, the changed ones written
        together (an event naming no unit inherits its stream's), the rows appended."""
        cur.execute("SELECT stream_id, unit_ids FROM stream_units WHERE source = %s"
                    " AND stream_id = ANY(%s)",
                    (self.source, list({e["stream_id"] for e in envelopes})))
        known: dict[str, list[str]] = {stream: list(units) for stream, units in cur.fetchall()}
        changed: dict[str, list[str]] = {}
        rows = []
        for envelope in envelopes:
            stream = envelope["stream_id"]
            inherited = known.get(stream)
            row = row_for(self.source, envelope, inherited)
            if row["unit_ids"] and inherited != row["unit_ids"]:
                known[stream] = changed[stream] = list(row["unit_ids"])
            rows.append(row)
        if changed:
            execute_values(
                cur, "INSERT INTO stream_units (source, stream_id, unit_ids) VALUES %s"
                " ON CONFLICT (source, stream_id) DO UPDATE SET unit_ids = EXCLUDED.unit_ids",
                [(self.source, stream, units) for stream, units in changed.items()],
                page_size=len(changed))
        insert(cur, rows)
        if self.on_event is not None:
            for envelope in envelopes:
                self.on_event(self.source, envelope)


@functools.cache
def _registries() -> dict[str, Any]:
    import importlib

    from deploy.services import SERVICES

    return {s: importlib.import_module(f"services.{s}.contract.events").registry
            for s in SERVICES}


def scrub_person(cur: Any, person_id: str) -> int:
    """An erased person's declared fields in the feed's copies read 已删除, as the services'
    stores now give them (eventkit/people.py); returns how many rows changed."""
    registries = _registries()
    condition, args = people.mentions(person_id)
    cur.execute(f"SELECT position, source, type, stream_id, data FROM feed WHERE {condition}",
                args)
    changed = 0
    for position, source, event_type, stream_id, data in cur.fetchall():
        registry = registries.get(source)
        new = registry and people.erase_in_data(registry, event_type, stream_id, data,
                                                person_id)
        if new:
            cur.execute("UPDATE feed SET data = %s WHERE position = %s", (Json(new), position))
            changed += 1
    return changed


_FEED_COLUMNS = ("source", "source_position", "event_id", "type", "stream_id", "occurred_at",
                 "unit_ids", "action", "actor", "correlation_id", "data", "metadata")
_FEED_CASTS = ("text", "bigint", "uuid", "text", "text", "timestamptz", "text[]", "text",
               "text", "text", "jsonb", "jsonb")


def insert(cur: Any, new_rows: Iterable[dict[str, Any]]) -> list[int]:
    """Append rows to the feed with the event stores' append (`eventkit.store.append_rows`):
    under the feed lock, dense positions from the feed's head; returns their positions."""
    rows = [(r["source"], r["source_position"], r["event_id"], r["type"], r["stream_id"],
             r["occurred_at"], list(r["unit_ids"]), r["action"], r["actor"],
             r["correlation_id"], Json(r["data"]), Json(r["metadata"])) for r in new_rows]
    return append_rows(cur, table="feed", columns=_FEED_COLUMNS, casts=_FEED_CASTS,
                       rows=rows, lock_key=FEED_LOCK, notify=NOTIFY_CHANNEL)


FEED_COLUMNS = ("position", "source", "source_position", "event_id", "type", "stream_id",
                "occurred_at", "unit_ids", "actor", "correlation_id", "data")


def read(cur: Any, after: int, limit: int, actions: list[str], scope: list[str] | None,
         types: list[str] | None = None) -> list[dict[str, Any]]:
    """Feed rows after `after`, in order, of the given actions, mentioning a unit in scope."""
    where = ["position > %s", "action = ANY(%s)"]
    args: list[Any] = [after, actions]
    if scope is not None:
        where.append("unit_ids && %s::text[]")
        args.append(list(scope))
    if types:
        where.append("type = ANY(%s)")
        args.append(list(types))
    cur.execute(f"SELECT {', '.join(FEED_COLUMNS)} FROM feed WHERE {' AND '.join(where)}"
                " ORDER BY position LIMIT %s", (*args, limit))
    out = []
    for row in cur.fetchall():
        item = dict(zip(FEED_COLUMNS, row, strict=True))
        item["event_id"] = str(item["event_id"])
        item["occurred_at"] = item["occurred_at"].isoformat()
        item["unit_ids"] = list(item["unit_ids"])
        out.append(item)
    return out


def remap_actions(cur: Any) -> int:
    """Bring stored rows' `action` in line with the event-type map (it is kept per row for
    the feed's filter; a corrected mapping must also apply to events already copied)."""
    pairs = [(source, event_type, action) for source, table in policy.EVENT_ACTIONS.items()
             for event_type, action in table.items()]
    cur.execute(
        "UPDATE feed SET action = m.action FROM unnest(%s::text[], %s::text[], %s::text[])"
        " AS m(source, type, action) WHERE feed.source = m.source AND feed.type = m.type"
        " AND feed.action <> m.action",
        ([p[0] for p in pairs], [p[1] for p in pairs], [p[2] for p in pairs]))
    return cur.rowcount


def head(cur: Any) -> int:
    cur.execute("SELECT coalesce(max(position), 0) FROM feed")
    return cur.fetchone()[0]


def tracked_positions(cur: Any) -> dict[str, int]:
    cur.execute("SELECT source, position FROM tracking WHERE consumer = 'gateway'")
    return {source: position for source, position in cur.fetchall()}
