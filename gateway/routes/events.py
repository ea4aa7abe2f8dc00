"""GET /api/v1/events?after=&types=: one ordered feed of every service's events.

For department integrations: positions are the gateway's own (dense, never reordered), so a
client keeps the last position it processed and asks for `after=<it>`. A caller sees the
events of resources they may read (docs/access.md, "Events") and, with a scoped token, only
events mentioning a unit in scope. Personal fields are masked.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from gateway import feed, policy
from gateway.router import Request, route


class EventsQuery(Schema):
    after = fields.Int(load_default=0, validate=validate.Range(min=0, max=2**62))
    types = fields.Str(validate=validate.Length(max=2000),
                       metadata={"description": "comma-separated event types"})
    limit = fields.Int(load_default=100, validate=validate.Range(min=1, max=1000))


class FeedEvent(Schema):
    position = fields.Int(required=True)
    source = fields.Str(required=True)
    source_position = fields.Int(required=True)
    event_id = fields.Str(required=True)
    type = fields.Str(required=True)
    stream_id = fields.Str(required=True)
    occurred_at = fields.Str(required=True)
    unit_ids = fields.List(fields.Str(), required=True)
    actor = fields.Str(allow_none=True, required=True)
    correlation_id = fields.Str(allow_none=True, required=True)
    data = fields.Dict(required=True)


class EventsPage(Schema):
    items = fields.List(fields.Nested(FeedEvent), required=True)
    next_after = fields.Int(required=True,
                            metadata={"description": "pass as `after` for the next page"})
    head = fields.Int(required=True, metadata={"description": "the feed's last position"})


@route("GET", "/events", action="events.read", tag="feed",
       summary="The ordered event feed of every service, in scope", query=EventsQuery,
       response=EventsPage)
def events(req: Request) -> dict:
    after, limit = req.query["after"], req.query["limit"]
    types = [t.strip() for t in (req.query.get("types") or "").split(",") if t.strip()]
    actions = policy.allowed_actions(req.principal)
    scope = req.scope()
    with req.pool.transaction() as cur:
        items = feed.read(cur, after, limit, actions, scope, types or None)
        last = feed.head(cur)
    for item in items:  # a scoped token sees the units in its scope only, as in the views
        item["unit_ids"], item["data"] = feed.trim_to_scope(item["unit_ids"], item["data"], scope)
    # a page shorter than the limit has read up to the head: the next request starts there
    # (rows after it that the caller may not see would be skipped again anyway)
    next_after = items[-1]["position"] if len(items) == limit else max(after, last)
    return {"items": items, "next_after": next_after, "head": last}
