"""Research / supervision visits (调研督导) and the closure of their follow-up actions."""

from __future__ import annotations

from marshmallow import fields, validate

from gateway.router import Reply, Request, route
from gateway.routes.activities import created, page_args
from gateway.routes.common import PageQuery
from services.activities.contract.schemas import (
    CloseActionIn,
    FollowUpIn,
    SupervisionVisitIn,
    SupervisionVisitOut,
)


class VisitListQuery(PageQuery):
    unit_id = fields.Str(validate=validate.Length(max=100))
    open = fields.Bool(metadata={"description": "true: with open actions; false: all closed"})


@route("POST", "/supervision-visits", action="activities.write", tag="supervision",
       summary="Record a supervision visit with findings and follow-up actions",
       body=SupervisionVisitIn, response=SupervisionVisitOut, status=201, responses=(409, 422))
def record(req: Request) -> Reply:
    return created(req.rpc.activities.record_supervision_visit(req.body, req.command_id,
                                                               scope=req.scope()),
                   "supervision-visits")


@route("GET", "/supervision-visits", action="activities.read", tag="supervision",
       summary="List supervision visits", query=VisitListQuery, response=SupervisionVisitOut,
       many=True)
def list_(req: Request) -> dict:
    filters, limit, cursor = page_args(req)
    return req.rpc.activities.list_supervision_visits(filters, limit, cursor, scope=req.scope())


@route("GET", "/supervision-visits/{id}", action="activities.read", tag="supervision",
       summary="One supervision visit", response=SupervisionVisitOut, responses=(404,))
def get(req: Request) -> dict:
    return req.rpc.activities.get_supervision_visit(req.params["id"], scope=req.scope())


@route("POST", "/supervision-visits/{id}/actions", action="activities.write", tag="supervision",
       summary="Add a follow-up action", body=FollowUpIn, response=SupervisionVisitOut,
       status=201, responses=(404, 409, 422))
def add_action(req: Request) -> Reply:
    visit = req.rpc.activities.add_supervision_action(req.params["id"], req.body,
                                                      req.command_id, scope=req.scope())
    return Reply(visit, 201, {"Location": f"/api/v1/supervision-visits/{visit['id']}"})


@route("POST", "/supervision-visits/{id}/actions/{action_id}/close", action="activities.write",
       tag="supervision", summary="Close a follow-up action", body=CloseActionIn,
       response=SupervisionVisitOut, responses=(404, 409, 422))
def close_action(req: Request) -> dict:
    return req.rpc.activities.close_supervision_action(
        req.params["id"], req.params["action_id"], req.body, req.command_id, scope=req.scope())
