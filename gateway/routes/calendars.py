"""A unit's calendar (RFC 5545): planned activities and the meetings it still owes.

Phones subscribe with a calendar feed token (`POST /units/{id}/calendar-tokens`), never with
a bearer token in the URL (gateway/calendar_tokens.py).
"""

from __future__ import annotations

from marshmallow import Schema, fields

from gateway import calendar_tokens
from gateway.problems import Problem
from gateway.router import Reply, Request, route


class CalendarTokenOut(Schema):
    id = fields.Str(required=True)
    unit_id = fields.Str(required=True)
    created_at = fields.Str(required=True)
    revoked_at = fields.Str(required=True, allow_none=True)
    token = fields.Str(metadata={"description": "shown once, when created"})
    url = fields.Str(metadata={"description": "the subscription URL (path and query)"})


@route("GET", "/units/{id}/calendar.ics", action="activities.read", tag="calendars",
       summary="iCalendar feed of a unit: planned activities and meetings due",
       responses=(404,), content_type="text/calendar", feed_token=True)
def calendar(req: Request) -> Reply:
    unit_id = req.params["id"]
    text = req.rpc.activities.unit_calendar(unit_id, scope=req.scope())
    return Reply(text, 200, {"Content-Disposition": f'inline; filename="{unit_id}.ics"'},
                 content_type="text/calendar")


@route("POST", "/units/{id}/calendar-tokens", action="activities.read", tag="calendars",
       summary="A calendar feed token for this unit's calendar (read-only, revocable)",
       response=CalendarTokenOut, status=201, responses=(404,))
def create_token(req: Request) -> Reply:
    unit_id = req.params["id"]
    if not req.in_scope([unit_id]):
        raise Problem(404, f"unit {unit_id} not found")
    req.rpc.org.get_unit(unit_id)  # 404 for an unknown unit
    with req.pool.transaction() as cur:
        created = calendar_tokens.create(cur, req.principal, unit_id)
    created["url"] = f"/api/v1/units/{unit_id}/calendar.ics?feed_token={created['token']}"
    return Reply(created, 201, {"Location": f"/api/v1/calendar-tokens/{created['id']}"})


@route("GET", "/calendar-tokens", action="activities.read", tag="calendars",
       summary="My calendar feed tokens (without the tokens themselves)",
       response=CalendarTokenOut, many=True)
def my_tokens(req: Request) -> dict:
    with req.pool.transaction() as cur:
        return {"items": calendar_tokens.owned(cur, req.principal), "next_cursor": None}


@route("DELETE", "/calendar-tokens/{id}", action="activities.read", tag="calendars",
       summary="Revoke one of my calendar feed tokens", response=CalendarTokenOut,
       responses=(404,))
def revoke_token(req: Request) -> dict:
    with req.pool.transaction() as cur:
        return calendar_tokens.revoke(cur, req.principal, req.params["id"])
