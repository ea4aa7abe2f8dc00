"""Young entrepreneurs (致富骨干) and their credit applications to banks (funding service).

The flow: application -> the League unit's pre-check -> the working committee's
recommendation -> sent to the bank (published on departments.outbound) -> the bank's grant
or refusal over the partner channel -> monthly figures per bank."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from gateway.router import Reply, Request, route
from gateway.routes.common import PageQuery
from services.funding.contract import schemas
from services.funding.contract.enums import APPLICATION_STATUSES

_ID = validate.Length(min=1, max=64)


class EntrepreneurQuery(PageQuery):
    unit_id = fields.Str(validate=_ID)
    cooperative_id = fields.Str(validate=_ID)


class ApplicationQuery(PageQuery):
    status = fields.Str(validate=validate.OneOf(APPLICATION_STATUSES))
    partner_id = fields.Str(validate=_ID)
    unit_id = fields.Str(validate=_ID)
    entrepreneur_id = fields.Str(validate=_ID)
    cooperative_id = fields.Str(validate=_ID)
    month = fields.Str(validate=schemas.MONTH, metadata={"description": "submitted in"})


def _month_in_range(value: str) -> None:
    if not "2000" <= value[:4] <= "2100":
        raise ValidationError("must be a month of the years 2000 to 2100")


class MonthlyQuery(Schema):
    month = fields.Str(required=True, validate=[schemas.MONTH, _month_in_range])
    partner_id = fields.Str(validate=_ID, metadata={"description": "one bank only"})


def _page(req: Request) -> tuple[dict, int, str | None]:
    q = dict(req.query)
    return q, q.pop("limit"), q.pop("cursor")


@route("POST", "/credit/entrepreneurs", action="entrepreneurs.write", tag="credit",
       summary="Register a young entrepreneur (致富骨干, under 35) of a cooperative",
       body=schemas.EntrepreneurIn, response=schemas.EntrepreneurOut, status=201,
       responses=(404, 409))
def register(req: Request) -> Reply:
    person = req.rpc.funding.register_entrepreneur(req.body, req.command_id, req.scope())
    return Reply(person, 201, {"Location": f"/api/v1/credit/entrepreneurs/{person['id']}"})


@route("GET", "/credit/entrepreneurs", action="entrepreneurs.read", tag="credit",
       summary="The register of young entrepreneurs (ID numbers and phones masked)",
       query=EntrepreneurQuery, response=schemas.EntrepreneurOut, many=True)
def entrepreneurs(req: Request) -> dict:
    q, limit, cursor = _page(req)
    return req.rpc.funding.list_entrepreneurs(q, limit, cursor, req.scope())


@route("GET", "/credit/entrepreneurs/{id}", action="entrepreneurs.read", tag="credit",
       summary="A young entrepreneur", response=schemas.EntrepreneurOut, responses=(404,))
def entrepreneur(req: Request) -> dict:
    return req.rpc.funding.get_entrepreneur(req.params["id"], req.scope())


@route("GET", "/credit/applications/monthly", action="credit.read", tag="credit",
       summary="Monthly figures per bank: applications, granted, refused, disbursed",
       query=MonthlyQuery, response=schemas.MonthlyFiguresOut)
def monthly(req: Request) -> dict:
    return req.rpc.funding.application_figures(req.query["month"], req.query.get("partner_id"),
                                               req.scope())


@route("POST", "/credit/applications", action="applications.write", tag="credit",
       summary="A young entrepreneur applies for credit from a bank",
       body=schemas.ApplicationIn, response=schemas.ApplicationOut, status=201,
       responses=(404, 409))
def submit(req: Request) -> Reply:
    app = req.rpc.funding.submit_application(req.body, req.command_id, req.scope())
    return Reply(app, 201, {"Location": f"/api/v1/credit/applications/{app['id']}"})


@route("GET", "/credit/applications", action="applications.read", tag="credit",
       summary="Credit applications and where each stands", query=ApplicationQuery,
       response=schemas.ApplicationOut, many=True)
def applications(req: Request) -> dict:
    q, limit, cursor = _page(req)
    return req.rpc.funding.list_applications(q, limit, cursor, req.scope())


@route("GET", "/credit/applications/{id}", action="applications.read", tag="credit",
       summary="A credit application (its id is the bank's application_ref)",
       response=schemas.ApplicationOut, responses=(404,))
def application(req: Request) -> dict:
    return req.rpc.funding.get_application(req.params["id"], req.scope())


@route("POST", "/credit/applications/{id}/precheck", action="applications.write", tag="credit",
       summary="The League unit's pre-check (passed, or failed: declined)",
       body=schemas.PrecheckIn, response=schemas.ApplicationOut, responses=(404, 409))
def precheck(req: Request) -> dict:
    return req.rpc.funding.precheck_application(req.params["id"], req.body, req.command_id,
                                                req.scope())


@route("POST", "/credit/applications/{id}/recommendation", action="applications.recommend",
       tag="credit", summary="The working committee (团工委) recommends the applicant",
       body=schemas.ApplicationRecommendationIn, response=schemas.ApplicationOut,
       responses=(404, 409))
def recommend(req: Request) -> dict:
    return req.rpc.funding.recommend_application(req.params["id"], req.body, req.command_id,
                                                 req.scope())


@route("POST", "/credit/applications/{id}/sending", action="applications.recommend",
       tag="credit", summary="Send the recommended application to the bank (an event out)",
       body=schemas.SendIn, response=schemas.ApplicationOut, responses=(404, 409))
def send(req: Request) -> dict:
    return req.rpc.funding.send_application(req.params["id"], req.body, req.command_id,
                                            req.scope())
