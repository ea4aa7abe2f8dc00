"""Credit grants and loans pushed by banks and the supply co-op (funding service)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from gateway.router import Reply, Request, route
from gateway.routes.common import PageQuery
from services.funding.contract import enums, schemas
from services.funding.contract.enums import GUARANTEES

_ID = validate.Length(min=1, max=64)
_TEXT = validate.Length(min=1, max=100)
_YEAR = validate.Range(min=2000, max=2100)
STATUSES = ("recommended", "awaiting_grant", "granted", "disbursed", "overdue", "settled",
            "revoked")


class GrantFilters(Schema):
    partner_id = fields.Str(validate=_ID)
    township = fields.Str(validate=_TEXT)
    industry = fields.Str(validate=_TEXT)
    unit_id = fields.Str(validate=_ID)
    year = fields.Int(validate=_YEAR)
    month = fields.Str(validate=schemas.MONTH)
    guarantee = fields.Str(validate=validate.OneOf(GUARANTEES))
    beneficiary_kind = fields.Str(validate=validate.OneOf(("cooperative", "person")))


class GrantListQuery(PageQuery, GrantFilters):
    status = fields.Str(validate=validate.OneOf(STATUSES))
    include_pending = fields.Bool(
        metadata={"description": "also grants only recommended or awaiting their grant"})


class LoanListQuery(PageQuery):
    partner_id = fields.Str(validate=_ID)
    unit_id = fields.Str(validate=_ID)
    overdue = fields.Bool()
    settled = fields.Bool()
    month = fields.Str(validate=schemas.MONTH, metadata={"description": "disbursed in"})


class OverdueQuery(PageQuery):
    partner_id = fields.Str(validate=_ID)
    unit_id = fields.Str(validate=_ID)


class StatsQuery(GrantFilters):
    group_by = fields.Str(required=True, validate=validate.OneOf(list(enums.CREDIT_GROUPS)))


class YoungQuery(Schema):
    year = fields.Int(validate=_YEAR)
    max_age = fields.Int(load_default=35, validate=validate.Range(min=14, max=60))


class WaitingQuery(PageQuery):
    partner_id = fields.Str(validate=_ID)


def _page_args(req: Request) -> tuple[dict, int, str | None]:
    q = dict(req.query)
    return q, q.pop("limit"), q.pop("cursor")


@route("GET", "/credit-grants", action="credit.read", tag="credit",
       summary="Credit grants by bank, township, industry, unit and month",
       query=GrantListQuery, response=schemas.GrantOut, many=True)
def list_(req: Request) -> dict:
    q, limit, cursor = _page_args(req)
    return req.rpc.funding.list_grants(q, limit, cursor, req.scope())


@route("POST", "/credit-grants/recommendations", action="credit.write", tag="credit",
       summary="A unit pre-checks and recommends an applicant before the bank grants",
       body=schemas.RecommendationIn, response=schemas.GrantOut, status=201,
       responses=(404, 409))
def recommend(req: Request) -> Reply:
    grant = req.rpc.funding.recommend_grant(req.body, req.command_id, req.scope())
    return Reply(grant, 201, {"Location": f"/api/v1/credit-grants/{grant['id']}"})


@route("GET", "/credit-grants/loans", action="credit.read", tag="credit",
       summary="Loans disbursed under the grants", query=LoanListQuery,
       response=schemas.LoanOut, many=True)
def loans(req: Request) -> dict:
    q, limit, cursor = _page_args(req)
    return req.rpc.funding.list_loans(q, limit, cursor, req.scope())


@route("GET", "/credit-grants/overdue", action="credit.read", tag="credit",
       summary="Overdue loans (not settled)", query=OverdueQuery, response=schemas.LoanOut,
       many=True)
def overdue(req: Request) -> dict:
    q, limit, cursor = _page_args(req)
    return req.rpc.funding.list_loans({**q, "overdue": True}, limit, cursor, req.scope())


@route("GET", "/credit-grants/stats", action="credit.read", tag="credit",
       summary="Grants and loans grouped by partner, township, industry, unit or month",
       query=StatsQuery, response=schemas.CreditStatsOut)
def stats(req: Request) -> dict:
    q = dict(req.query)
    return req.rpc.funding.credit_stats(q.pop("group_by"), q, req.scope())


@route("GET", "/credit-grants/summary", action="credit.read", tag="credit",
       summary="Totals: grants, granted, disbursed, repaid, outstanding, overdue",
       query=GrantFilters, response=schemas.CreditFigures)
def summary(req: Request) -> dict:
    return req.rpc.funding.credit_summary(dict(req.query), req.scope())


@route("GET", "/credit-grants/young-entrepreneurs", action="credit.read", tag="credit",
       summary="Young entrepreneurs served (people up to max_age at the grant)",
       query=YoungQuery, response=schemas.YoungEntrepreneursOut)
def young(req: Request) -> dict:
    return req.rpc.funding.young_entrepreneurs(req.query.get("year"), req.query["max_age"],
                                               req.scope())


@route("GET", "/credit-grants/waiting", action="credit.read", tag="credit",
       summary="Partner events held for their grant or loan (out of order, not lost)",
       query=WaitingQuery, response=schemas.WaitingOut, many=True)
def waiting(req: Request) -> dict:
    q, limit, cursor = _page_args(req)
    return req.rpc.funding.list_waiting(q, limit, cursor, req.scope())


@route("GET", "/credit-grants/{id}", action="credit.read", tag="credit",
       summary="A grant (id: <partner_id>.<grant_id>) with its loans and waiting events",
       response=schemas.GrantOut, responses=(404,))
def get(req: Request) -> dict:
    return req.rpc.funding.get_grant(req.params["id"], req.scope())
