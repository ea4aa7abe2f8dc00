"""Activities (activities service): plan, edit, hold, cancel, RSVP, check-in, statistics.

Every handler passes the token's unit scope (`req.scope()`): objects of units outside it
answer 404, units outside it named in a body are unknown (422).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import Schema, fields, validate

from gateway.router import Reply, Request, route
from gateway.routes.common import PageQuery
from services.activities.contract.schemas import (
    KIND,
    ActivityEdit,
    ActivityHoldIn,
    ActivityIn,
    ActivityOut,
    ActivityStatsOut,
    MemberRefIn,
    ReasonIn,
)

STATUSES = ("planned", "held", "cancelled")
YEAR = validate.Range(min=2000, max=2100)


def plain(values: dict[str, Any]) -> dict[str, Any]:
    """Loaded query values -> JSON-safe RPC arguments (dates as ISO strings), Nones dropped."""
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()
            if v is not None}


def page_args(req: Request) -> tuple[dict[str, Any], int, str | None]:
    query = dict(req.query)
    limit, cursor = query.pop("limit"), query.pop("cursor")
    return plain(query), limit, cursor


def created(body: dict[str, Any], path: str) -> Reply:
    return Reply(body, 201, {"Location": f"/api/v1/{path}/{body['id']}"})


class DateRangeQuery(PageQuery):
    date_from = fields.Date(data_key="from", metadata={"description": "local date, inclusive"})
    date_to = fields.Date(data_key="to", metadata={"description": "local date, inclusive"})


class ActivityListQuery(DateRangeQuery):
    unit_id = fields.Str(validate=validate.Length(max=100),
                         metadata={"description": "organizing or co-organizing unit"})
    kind = fields.Str(validate=KIND)
    status = fields.Str(validate=validate.OneOf(STATUSES))
    year = fields.Int(validate=YEAR, metadata={"description": "local year of the start"})
    work_menu_item_id = fields.Str(validate=validate.Length(max=100))
    unified_activity_id = fields.Str(validate=validate.Length(max=100))


class StatsQuery(Schema):
    year = fields.Int(validate=YEAR, metadata={"description": "default: this year"})
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    unit_id = fields.Str(validate=validate.Length(max=100))
    kind = fields.Str(validate=KIND)


@route("POST", "/activities", action="activities.write", tag="activities",
       summary="Plan an activity", body=ActivityIn, response=ActivityOut, status=201,
       responses=(409, 422))
def plan(req: Request) -> Reply:
    return created(req.rpc.activities.plan_activity(req.body, req.command_id,
                                                    scope=req.scope()), "activities")


@route("GET", "/activities", action="activities.read", tag="activities",
       summary="List activities (by local start time)", query=ActivityListQuery,
       response=ActivityOut, many=True)
def list_(req: Request) -> dict:
    filters, limit, cursor = page_args(req)
    return req.rpc.activities.list_activities(filters, limit, cursor, scope=req.scope())


@route("GET", "/activities/stats", action="activities.read", tag="activities",
       summary="Held activities, participants and people reached per unit, kind and month",
       query=StatsQuery, response=ActivityStatsOut)
def stats(req: Request) -> dict:
    return req.rpc.activities.activity_stats(plain(dict(req.query)), scope=req.scope())


@route("GET", "/activities/{id}", action="activities.read", tag="activities",
       summary="One activity", response=ActivityOut, responses=(404,))
def get(req: Request) -> dict:
    return req.rpc.activities.get_activity(req.params["id"], scope=req.scope())


@route("PATCH", "/activities/{id}", action="activities.write", tag="activities",
       summary="Edit a planned activity (only the fields given)", body=ActivityEdit,
       response=ActivityOut, responses=(404, 409, 422))
def edit(req: Request) -> dict:
    return req.rpc.activities.edit_activity(req.params["id"], req.body, req.command_id,
                                            scope=req.scope())


@route("POST", "/activities/{id}/hold", action="activities.write", tag="activities",
       summary="Record that the activity was held (attendance, summary, outcome figures)",
       body=ActivityHoldIn, response=ActivityOut, responses=(404, 409, 422))
def hold(req: Request) -> dict:
    return req.rpc.activities.hold_activity(req.params["id"], req.body, req.command_id,
                                            scope=req.scope())


@route("POST", "/activities/{id}/cancel", action="activities.write", tag="activities",
       summary="Cancel a planned activity", body=ReasonIn, response=ActivityOut,
       responses=(404, 409, 422))
def cancel(req: Request) -> dict:
    return req.rpc.activities.cancel_activity(req.params["id"], req.body, req.command_id,
                                              scope=req.scope())


@route("POST", "/activities/{id}/registrations", action="activities.write", tag="activities",
       summary="Register a member (RSVP) before the start", body=MemberRefIn,
       response=ActivityOut, status=201, responses=(404, 409, 422))
def register(req: Request) -> Reply:
    activity = req.rpc.activities.register_for_activity(req.params["id"], req.body,
                                                        req.command_id, scope=req.scope())
    member = req.body["member_id"]
    return Reply(activity, 201,
                 {"Location": f"/api/v1/activities/{activity['id']}/registrations/{member}"})


@route("DELETE", "/activities/{id}/registrations/{member_id}", action="activities.write",
       tag="activities", summary="Withdraw a registration before the start",
       response=ActivityOut, responses=(404, 409))
def withdraw(req: Request) -> dict:
    return req.rpc.activities.withdraw_registration(req.params["id"], req.params["member_id"],
                                                    req.command_id, scope=req.scope())


@route("POST", "/activities/{id}/check-ins", action="activities.write", tag="activities",
       summary="Check a member in on the day of the activity", body=MemberRefIn,
       response=ActivityOut, status=201, responses=(404, 409, 422))
def check_in(req: Request) -> Reply:
    activity = req.rpc.activities.check_in(req.params["id"], req.body, req.command_id,
                                           scope=req.scope())
    return Reply(activity, 201, {"Location": f"/api/v1/activities/{activity['id']}"})
