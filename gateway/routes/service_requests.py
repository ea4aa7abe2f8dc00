"""Service requests to the member departments (org service, issue 12 part 6).

A League unit submits (`service_requests.write`); the request is routed by its kind to one
member department, and only that department's own token may accept, answer and close it
(`service_requests.handle`, then the org service compares the token's department with the
routed one: 403 otherwise). Steps out of order answer 409 with the `due_step`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import Schema, fields, validate

from gateway.router import Reply, Request, route
from gateway.routes.common import PageQuery
from services.org.contract.service_schemas import (
    DEPARTMENT,
    KIND,
    STATUS,
    OverdueOut,
    OverdueQuery,
    RoutingOut,
    ServiceAnswerIn,
    ServiceRequestIn,
    ServiceRequestOut,
    ServiceStepIn,
)

_ID = validate.Length(min=1, max=64)


class ServiceRequestListQuery(PageQuery):
    status = fields.Str(validate=STATUS)
    kind = fields.Str(validate=KIND)
    department = fields.Str(validate=DEPARTMENT)
    unit_id = fields.Str(validate=_ID)
    cooperative_id = fields.Str(validate=_ID)
    overdue = fields.Bool(metadata={"description": "not answered by the due day (today)"})


class RoutingQuery(Schema):
    as_of = fields.Date(load_default=None, allow_none=True)


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()
            if v is not None}


@route("POST", "/service-requests", action="service_requests.write", tag="service-requests",
       summary="Ask a member department for a service (routed by kind)",
       body=ServiceRequestIn, response=ServiceRequestOut, status=201, responses=(404, 409, 422))
def submit(req: Request) -> Reply:
    body = req.rpc.org.submit_service_request(req.body, req.command_id, req.scope())
    return Reply(body, 201, {"Location": f"/api/v1/service-requests/{body['id']}"})


@route("GET", "/service-requests", action="service_requests.read", tag="service-requests",
       summary="List service requests (most urgent first)", query=ServiceRequestListQuery,
       response=ServiceRequestOut, many=True)
def list_(req: Request) -> dict:
    q = dict(req.query)
    limit, cursor = q.pop("limit"), q.pop("cursor")
    return req.rpc.org.list_service_requests(_plain(q), limit, cursor, req.scope())


@route("GET", "/service-requests/overdue", action="service_requests.read",
       tag="service-requests", summary="Requests not answered in time, per department",
       query=OverdueQuery, response=OverdueOut, responses=(422,))
def overdue(req: Request) -> dict:
    q = _plain(dict(req.query))
    return req.rpc.org.service_requests_overdue(q.get("as_of"), q.get("department"),
                                                req.scope())


@route("GET", "/service-requests/routing", action="service_requests.read",
       tag="service-requests", summary="Which department answers which kind, and in how long",
       query=RoutingQuery, response=RoutingOut)
def routing(req: Request) -> dict:
    return req.rpc.org.service_routing(_plain(dict(req.query)).get("as_of"))


@route("GET", "/service-requests/{id}", action="service_requests.read", tag="service-requests",
       summary="One service request", response=ServiceRequestOut, responses=(404,))
def get(req: Request) -> dict:
    return req.rpc.org.get_service_request(req.params["id"], req.scope())


@route("POST", "/service-requests/{id}/accept", action="service_requests.handle",
       tag="service-requests", summary="The routed department accepts the request",
       body=ServiceStepIn, response=ServiceRequestOut, responses=(403, 404, 409, 422))
def accept(req: Request) -> dict:
    return req.rpc.org.accept_service_request(req.params["id"], req.principal.department,
                                              req.body, req.command_id, req.scope())


@route("POST", "/service-requests/{id}/answer", action="service_requests.handle",
       tag="service-requests", summary="The routed department answers the request",
       body=ServiceAnswerIn, response=ServiceRequestOut, responses=(403, 404, 409, 422))
def answer(req: Request) -> dict:
    return req.rpc.org.answer_service_request(req.params["id"], req.principal.department,
                                              req.body, req.command_id, req.scope())


@route("POST", "/service-requests/{id}/close", action="service_requests.handle",
       tag="service-requests", summary="The routed department closes the request",
       body=ServiceStepIn, response=ServiceRequestOut, responses=(403, 404, 409, 422))
def close(req: Request) -> dict:
    return req.rpc.org.close_service_request(req.params["id"], req.principal.department,
                                             req.body, req.command_id, req.scope())
