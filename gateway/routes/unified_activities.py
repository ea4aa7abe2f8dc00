"""County-wide unified activities (统一活动): issued to many units, completion per unit."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from gateway.router import Request, route
from gateway.routes.activities import YEAR, created, page_args
from gateway.routes.common import PageQuery
from services.activities.contract.schemas import (
    ReasonIn,
    UnifiedActivityIn,
    UnifiedActivityOut,
    UnifiedCompletionOut,
    UnitIdsIn,
)


class UnifiedListQuery(PageQuery):
    unit_id = fields.Str(validate=validate.Length(max=100))
    year = fields.Int(validate=YEAR, metadata={"description": "year of the window start"})
    status = fields.Str(validate=validate.OneOf(("issued", "closed")))


class CompletionQuery(Schema):
    year = fields.Int(validate=YEAR)


@route("POST", "/unified-activities", action="activities.write", tag="unified-activities",
       summary="Issue a unified activity to many units", body=UnifiedActivityIn,
       response=UnifiedActivityOut, status=201, responses=(409, 422))
def issue(req: Request):
    return created(req.rpc.activities.issue_unified_activity(req.body, req.command_id,
                                                             scope=req.scope()),
                   "unified-activities")


@route("GET", "/unified-activities", action="activities.read", tag="unified-activities",
       summary="List unified activities with their parts", query=UnifiedListQuery,
       response=UnifiedActivityOut, many=True)
def list_(req: Request) -> dict:
    filters, limit, cursor = page_args(req)
    return req.rpc.activities.list_unified_activities(filters, limit, cursor, scope=req.scope())


@route("GET", "/unified-activities/completion", action="activities.read",
       tag="unified-activities", summary="Completion rate per unit (parts held / owed)",
       query=CompletionQuery, response=UnifiedCompletionOut)
def completion(req: Request) -> dict:
    return req.rpc.activities.unified_completion(req.query.get("year"), scope=req.scope())


@route("GET", "/unified-activities/{id}", action="activities.read", tag="unified-activities",
       summary="One unified activity: each unit's part and the completion",
       response=UnifiedActivityOut, responses=(404,))
def get(req: Request) -> dict:
    return req.rpc.activities.get_unified_activity(req.params["id"], scope=req.scope())


@route("POST", "/unified-activities/{id}/units", action="activities.write",
       tag="unified-activities", summary="Add units to a unified activity", body=UnitIdsIn,
       response=UnifiedActivityOut, responses=(404, 409, 422))
def add_units(req: Request) -> dict:
    return req.rpc.activities.add_unified_units(req.params["id"], req.body, req.command_id,
                                                scope=req.scope())


@route("POST", "/unified-activities/{id}/units/{unit_id}/excuse", action="activities.write",
       tag="unified-activities", summary="Excuse a unit (its part no longer counts)",
       body=ReasonIn, response=UnifiedActivityOut, responses=(404, 409, 422))
def excuse(req: Request) -> dict:
    return req.rpc.activities.excuse_unified_unit(req.params["id"], req.params["unit_id"],
                                                  req.body, req.command_id, scope=req.scope())


@route("POST", "/unified-activities/{id}/close", action="activities.write",
       tag="unified-activities", summary="Close a unified activity", response=UnifiedActivityOut,
       responses=(404, 409))
def close(req: Request) -> dict:
    return req.rpc.activities.close_unified_activity(req.params["id"], req.command_id,
                                                     scope=req.scope())
