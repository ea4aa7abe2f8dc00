"""GET /api/v1/audit?actor=&unit=&from=&to=: who did what and when, across services.

Three kinds of entries, ordered by time: `event` (from the events' metadata in the gateway's
feed: actor, correlation id, source, type, stream), `refusal` (requests the gateway
refused: 401, 403, 404, 409, 422, 429, with the actor when the token was valid) and `auth`
(console sign-ins, failed sign-ins, lockouts, sign-outs, account changes: `what` is the
event, `actor` the username, `detail` the address and reason). A scoped token sees events
mentioning a unit in its scope and no refusals or sign-ins; `unit=` narrows to events
about that unit and its subtree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import Schema, fields, post_load, validate, validates_schema
from marshmallow.exceptions import ValidationError

from eventkit import pagination
from eventkit.errors import InvalidInput, NotFound
from gateway import feed, policy
from gateway.router import Request, route


class AuditQuery(Schema):
    actor = fields.Str(validate=validate.Length(min=1, max=200))
    unit = fields.Str(validate=validate.Length(min=1, max=100))
    from_ = fields.AwareDateTime(data_key="from",
                                 metadata={"description": "ISO 8601 with offset, inclusive"})
    to = fields.AwareDateTime(metadata={"description": "ISO 8601 with offset, exclusive"})
    kind = fields.Str(validate=validate.OneOf(["event", "refusal", "auth"]))
    limit = fields.Int(load_default=100, validate=validate.Range(min=1, max=500))
    cursor = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=500))

    @validates_schema
    def _order(self, data: dict, **_: Any) -> None:
        if data.get("from_") and data.get("to") and data["from_"] >= data["to"]:
            raise ValidationError("must be after `from`", "to")

    @post_load
    def _in_utc(self, data: dict, **_: Any) -> dict:
        # PostgreSQL takes offsets up to +-15:59 only; any offset becomes UTC here
        for key, name in (("from_", "from"), ("to", "to")):
            if data.get(key) is not None:
                try:
                    data[key] = data[key].astimezone(dt.UTC)
                except OverflowError:
                    raise ValidationError("is outside the supported range", name) from None
        return data


class AuditEntry(Schema):
    kind = fields.Str(required=True, validate=validate.OneOf(["event", "refusal", "auth"]))
    at = fields.Str(required=True)
    actor = fields.Str(allow_none=True, required=True)
    correlation_id = fields.Str(allow_none=True, required=True)
    source = fields.Str(required=True, metadata={"description": "service, or `gateway`"})
    what = fields.Str(required=True, metadata={"description": "event type, or METHOD path"})
    stream_id = fields.Str(allow_none=True, required=True)
    position = fields.Int(allow_none=True, required=True)
    status = fields.Int(allow_none=True, required=True)
    detail = fields.Str(allow_none=True, required=True)
    unit_ids = fields.List(fields.Str(), required=True)
    count = fields.Int(required=True, metadata={
        "description": "refusals: how many of this kind the source had in this minute"
                       " (refusals are recorded in aggregate); events: 1"})


class AuditPage(Schema):
    items = fields.List(fields.Nested(AuditEntry), required=True)
    next_cursor = fields.Str(allow_none=True, required=True)


_EVENTS = ("SELECT 'event' AS kind, occurred_at AS at, position AS id, actor, correlation_id,"
           " source, type AS what, stream_id, position, NULL::int AS status, NULL::text AS detail,"
           " unit_ids, 1 AS count FROM feed")
_REFUSALS = ("SELECT 'refusal' AS kind, at, id, actor, correlation_id, 'gateway' AS source,"
             " method || ' ' || path AS what, NULL::text AS stream_id, NULL::bigint AS position,"
             " status, detail, '{}'::text[] AS unit_ids, count FROM refusals")
# sign-ins, failures, lockouts and sign-outs of console accounts (gateway/users.py)
_AUTH = ("SELECT 'auth' AS kind, at, id, username AS actor, correlation_id, 'gateway' AS source,"
         " event AS what, NULL::text AS stream_id, NULL::bigint AS position, NULL::int AS status,"
         " coalesce(address, '') || CASE WHEN detail <> '' THEN ' ' || detail ELSE '' END"
         " AS detail, '{}'::text[] AS unit_ids, 1 AS count FROM auth_events")
_KEYS = ("kind", "at", "id", "actor", "correlation_id", "source", "what", "stream_id",
         "position", "status", "detail", "unit_ids", "count")


@route("GET", "/audit", action="audit.read", tag="audit",
       summary="Who did what and when (events' metadata and refused requests)",
       query=AuditQuery, response=AuditPage)
def audit(req: Request) -> dict:
    q = req.query
    limit = q["limit"]
    scope = req.scope()
    units = None
    if q.get("unit"):
        if not req.in_scope([q["unit"]]):
            units = []  # outside the token's scope: as if nothing happened there
        else:
            try:
                units = req.subtree_of(q["unit"])
            except NotFound:
                units = []  # an unknown unit: nothing happened there
    if scope is not None:
        units = units if units is not None else scope
    ev_where, ev_args = ["action = ANY(%s)"], [policy.allowed_actions(req.principal)]
    rf_where: list[str] = []
    rf_args: list[Any] = []
    if units is not None:
        ev_where.append("unit_ids && %s::text[]")
        ev_args.append(list(units))
    if q.get("actor"):
        ev_where.append("actor = %s")
        ev_args.append(q["actor"])
        rf_where.append("actor = %s")
        rf_args.append(q["actor"])
    if q.get("from_"):
        ev_where.append("occurred_at >= %s")
        ev_args.append(q["from_"])
        rf_where.append("at >= %s")
        rf_args.append(q["from_"])
    if q.get("to"):
        ev_where.append("occurred_at < %s")
        ev_args.append(q["to"])
        rf_where.append("at < %s")
        rf_args.append(q["to"])
    au_where = [w.replace("actor =", "username =") for w in rf_where]
    parts: list[str] = []
    args: list[Any] = []
    if q.get("kind") in (None, "event"):
        parts.append(f"{_EVENTS} WHERE {' AND '.join(ev_where)}")
        args += ev_args
    if q.get("kind") in (None, "refusal") and units is None:
        parts.append(_REFUSALS + (f" WHERE {' AND '.join(rf_where)}" if rf_where else ""))
        args += rf_args
    if q.get("kind") in (None, "auth") and units is None:
        parts.append(_AUTH + (f" WHERE {' AND '.join(au_where)}" if au_where else ""))
        args += rf_args
    if not parts:
        return {"items": [], "next_cursor": None}
    sql = "SELECT * FROM (" + " UNION ALL ".join(parts) + ") AS entries"
    after = pagination.decode(q.get("cursor"))
    if after is not None:
        try:
            at, kind, ident = dt.datetime.fromisoformat(after[0]), str(after[1]), int(after[2])
        except (TypeError, ValueError, IndexError, KeyError) as exc:
            raise InvalidInput.field("cursor", "is not a cursor this API issued") from exc
        sql += " WHERE (at, kind, id) > (%s, %s, %s)"
        args += [at, kind, ident]
    sql += " ORDER BY at, kind, id LIMIT %s"
    args.append(limit + 1)
    with req.pool.transaction() as cur:
        cur.execute(sql, args)
        rows = [dict(zip(_KEYS, r, strict=True)) for r in cur.fetchall()]
    def shape(row: dict[str, Any]) -> dict[str, Any]:
        item = {k: row[k] for k in _KEYS if k != "id"}
        item["at"] = row["at"].isoformat()
        # a scoped token sees the units in its scope only, as in the views
        item["unit_ids"], _ = feed.trim_to_scope(list(row["unit_ids"] or []), None, scope)
        return item

    return pagination.page(rows, limit, key=lambda r: [r["at"].isoformat(), r["kind"], r["id"]],
                           shape=shape)
