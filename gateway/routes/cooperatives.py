"""Cooperatives (org service) and which services know them."""

from __future__ import annotations

from marshmallow import fields, validate

from eventkit.errors import NotFound
from gateway.router import Reply, Request, route
from gateway.routes.common import PageQuery
from services.org.contract.schemas import (
    CooperativeIn,
    CooperativeOut,
    CooperativeUpdate,
    LeagueBuildingOut,
)
from services.org.contract.service_schemas import ServiceSummaryOut

CONSUMERS = ("activities", "funding", "assessment")


class CooperativeListQuery(PageQuery):
    industry_category = fields.Str(validate=validate.Length(max=100))
    township = fields.Str(validate=validate.Length(max=100))
    league_org_present = fields.Bool(metadata={"description": "the cooperative's own flag"})
    has_league_org = fields.Bool(
        metadata={"description": "flag set or covered by an active branch-level unit"})


@route("POST", "/cooperatives", action="cooperatives.write", tag="cooperatives",
       summary="Register a cooperative", body=CooperativeIn, response=CooperativeOut,
       status=201, responses=(409, 422))
def create(req: Request) -> Reply:
    coop = req.rpc.org.register_cooperative(req.body, req.command_id)
    return Reply(coop, 201, {"Location": f"/api/v1/cooperatives/{coop['id']}"})


@route("GET", "/cooperatives", action="cooperatives.read", tag="cooperatives",
       summary="List cooperatives", query=CooperativeListQuery, response=CooperativeOut,
       many=True)
def list_(req: Request) -> dict:
    q = dict(req.query)
    limit, cursor = q.pop("limit"), q.pop("cursor")
    return req.rpc.org.list_cooperatives(q, limit, cursor, req.scope())


class CooperativeView(CooperativeOut):
    service_requests = fields.Nested(ServiceSummaryOut, metadata={
        "description": "its service requests to the member departments: counts by status, "
                       "overdue, the latest with their answers"})


@route("GET", "/cooperatives/{id}", action="cooperatives.read", tag="cooperatives",
       summary="One cooperative, with which services have learnt it and its service requests",
       response=CooperativeView, responses=(404,))
def get(req: Request) -> dict:
    coop = req.rpc.org.get_cooperative(req.params["id"], req.scope())
    known_by = {}
    for service in CONSUMERS:
        try:
            getattr(req.rpc, service).known_cooperative(coop["id"])
            known_by[service] = True
        except NotFound:
            known_by[service] = False
    coop["known_by"] = known_by
    coop["service_requests"] = req.rpc.org.service_summary("cooperative_id", coop["id"],
                                                           req.scope())
    return coop


@route("PATCH", "/cooperatives/{id}", action="cooperatives.write", tag="cooperatives",
       summary="Update a cooperative", body=CooperativeUpdate, response=CooperativeOut,
       responses=(404, 409, 422))
def update(req: Request) -> dict:
    return req.rpc.org.update_cooperative(req.params["id"], req.body, req.command_id,
                                         req.scope())


@route("GET", "/cooperatives/{id}/league-building", action="cooperatives.read",
       tag="cooperatives", summary="How the cooperative should build its League organization",
       response=LeagueBuildingOut, responses=(404,))
def league_building(req: Request) -> dict:
    return req.rpc.org.league_building(req.params["id"], req.scope())
