"""Issued documents: one `DocumentIssued` event per document in the gateway's event store.

The number is `<prefix>〔<year>〕<n>号` with `n` the version of the stream
`docnumber-<issuer>-<year>`: the append's expected version makes two concurrent issues
collide (ConcurrencyConflict) instead of sharing a number, and the loser retries with the
next one, so numbers in a year are consecutive with no gaps. The event keeps the document as
issued (its blocks) and the hash of its text: a later download renders that, not today's data.
A partial unique index (kind, resource_id) makes a second issue of one document impossible.
The names of the people it prints are kept sealed per person (`sealing`), so an erasure
reaches issued documents too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import psycopg2.errors
from marshmallow import Schema, fields

from eventkit.aggregate import NewEvent
from eventkit.errors import ConcurrencyConflict
from eventkit.registry import EventRegistry
from eventkit.store import EventStore
from gateway.documents import sealing, settings
from gateway.documents.model import Document

registry = EventRegistry("gateway")
EVENT = "DocumentIssued"
ATTEMPTS = 8


@registry.event(EVENT, version=1)
class DocumentIssued(Schema):
    kind = fields.Str(required=True)
    resource_type = fields.Str(required=True)
    resource_id = fields.Str(required=True)
    issuer = fields.Str(required=True)
    year = fields.Int(required=True)
    sequence = fields.Int(required=True)
    number = fields.Str(required=True)
    issued_on = fields.Str(required=True)
    issued_by = fields.Str(required=True)
    text_hash = fields.Str(required=True)
    document = fields.Dict(required=True)
    # person id -> the name, sealed with the person's key (the document holds placeholders)
    people = fields.Dict(keys=fields.Str(), values=fields.Str(), load_default=dict)


def schema_of(pool: Any) -> str:
    """The pool's schema (`gateway`; tests use a schema of their own)."""
    return getattr(pool, "schema", "gateway")


def store_of(pool: Any) -> EventStore:
    return EventStore(schema_of(pool), registry)


def format_number(issuer: str, year: int, sequence: int) -> str:
    return f"{settings.issuer(issuer)['prefix']}〔{year}〕{sequence}号"


def stream_of(issuer: str, year: int) -> str:
    return f"docnumber-{issuer}-{year}"


def find(cur: Any, kind: str, resource_id: str) -> dict[str, Any] | None:
    cur.execute("SELECT data FROM events WHERE type = %s AND data->>'kind' = %s"
                " AND data->>'resource_id' = %s", (EVENT, kind, resource_id))
    row = cur.fetchone()
    return row[0] if row else None


def lookup(pool: Any, kind: str, resource_id: str) -> dict[str, Any] | None:
    """The issue record with its document opened (the names back in, or 已删除)."""
    with pool.transaction() as cur:
        data = find(cur, kind, resource_id)
        if data is not None and data.get("people"):
            data = {**data, "document": sealing.open_(cur, schema_of(pool), data["document"],
                                                      data["people"])}
        return data


def _version(cur: Any, stream_id: str) -> int:
    cur.execute("SELECT coalesce(max(version), 0) FROM events WHERE stream_id = %s",
                (stream_id,))
    return int(cur.fetchone()[0])


def issue(pool: Any, *, kind: str, resource_type: str, resource_id: str, issuer: str,
          actor: str, today: dt.date, compose: Callable[[str], Document],
          metadata: dict[str, Any] | None = None,
          people: dict[str, str] | None = None) -> tuple[dict[str, Any], bool]:
    """The issue record of the document, and whether this call issued it (False: it was).
    `people` (person id -> name): the people it names, whose names are stored sealed.

    `compose(number)` builds the document with its number; it runs inside the transaction
    that appends, so a retry after a collision composes it again with the next number.
    """
    for _ in range(ATTEMPTS):
        try:
            with pool.transaction() as cur:
                existing = find(cur, kind, resource_id)
                if existing is not None:
                    return existing, False
                stream = stream_of(issuer, today.year)
                sequence = _version(cur, stream) + 1
                number = format_number(issuer, today.year, sequence)
                doc = compose(number)
                stored, sealed = sealing.seal(cur, schema_of(pool), doc.to_dict(),
                                              people or {})
                data = {"kind": kind, "resource_type": resource_type,
                        "resource_id": resource_id, "issuer": issuer, "year": today.year,
                        "sequence": sequence, "number": number,
                        "issued_on": today.isoformat(), "issued_by": actor,
                        "text_hash": doc.digest(), "document": stored, "people": sealed}
                store_of(pool).append(cur, stream, sequence - 1, [NewEvent(EVENT, data)],
                             {"actor": actor, **(metadata or {})})
                return {**data, "document": doc.to_dict()}, True
        except (ConcurrencyConflict, psycopg2.errors.UniqueViolation):
            continue  # another issue took the number (or issued this document): look again
    raise ConcurrencyConflict("too many concurrent issues; retry", {"resource_id": resource_id})
