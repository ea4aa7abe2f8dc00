"""Funds of the League units (funding service): ledger entries, balances, reports."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from gateway.router import Reply, Request, route
from gateway.routes.common import PageQuery
from services.funding.contract import schemas
from services.funding.contract.enums import INCOME_SOURCES

_ID = validate.Length(min=1, max=64)
_YEAR = validate.Range(min=2000, max=2100)
ENTRY_TYPES = ("pledge", "receipt", "allocation", "expense", "release", "reversal")


class FundListQuery(PageQuery):
    pass


class EntryListQuery(PageQuery):
    type = fields.Str(validate=validate.OneOf(ENTRY_TYPES))
    year = fields.Int(validate=_YEAR)


class SettlementQuery(Schema):
    year = fields.Int(required=True, validate=_YEAR)


class IncomeQuery(Schema):
    year = fields.Int(validate=_YEAR)
    unit_id = fields.Str(validate=_ID)
    source = fields.Str(validate=validate.OneOf(INCOME_SOURCES))


class PledgeQuery(PageQuery):
    unit_id = fields.Str(validate=_ID)
    source = fields.Str(validate=validate.OneOf(INCOME_SOURCES))


def _created(req: Request, result: dict) -> Reply:
    entry = result["entry"]
    return Reply(result, 201, {
        "Location": f"/api/v1/funds/{entry['unit_id']}/entries/{entry['entry_id']}"})


@route("GET", "/funds", action="funds.read", tag="funds",
       summary="Funds of the units (balances overall and per earmark)",
       query=FundListQuery, response=schemas.FundOut, many=True)
def list_(req: Request) -> dict:
    q = dict(req.query)
    limit, cursor = q.pop("limit"), q.pop("cursor")
    return req.rpc.funding.list_funds(q, limit, cursor, req.scope())


@route("GET", "/funds/reports/income", action="funds.read", tag="funds",
       summary="Income by source, unit and year", query=IncomeQuery,
       response=schemas.IncomeReportOut)
def income(req: Request) -> dict:
    return req.rpc.funding.income_report(dict(req.query), req.scope())


@route("GET", "/funds/reports/pledges-outstanding", action="funds.read", tag="funds",
       summary="Pledges not (fully) received yet", query=PledgeQuery,
       response=schemas.PledgeOut, many=True)
def pledges_outstanding(req: Request) -> dict:
    q = dict(req.query)
    limit, cursor = q.pop("limit"), q.pop("cursor")
    return req.rpc.funding.list_pledges_outstanding(q, limit, cursor, req.scope())


@route("GET", "/funds/{id}", action="funds.read", tag="funds",
       summary="A unit's fund: balance overall and per earmark (id: the unit id)",
       response=schemas.FundOut, responses=(404,))
def get(req: Request) -> dict:
    return req.rpc.funding.get_fund(req.params["id"], req.scope())


@route("GET", "/funds/{id}/entries", action="funds.read", tag="funds",
       summary="A unit's fund entries in the order recorded", query=EntryListQuery,
       response=schemas.FundEntryOut, many=True, responses=(404,))
def entries(req: Request) -> dict:
    q = dict(req.query)
    limit, cursor = q.pop("limit"), q.pop("cursor")
    return req.rpc.funding.list_fund_entries(req.params["id"], q, limit, cursor, req.scope())


@route("GET", "/funds/{id}/entries/{entry_id}", action="funds.read", tag="funds",
       summary="One fund entry", response=schemas.FundEntryOut, responses=(404,))
def entry(req: Request) -> dict:
    return req.rpc.funding.get_fund_entry(req.params["id"], req.params["entry_id"],
                                          req.scope())


@route("GET", "/funds/{id}/settlement", action="funds.read", tag="funds",
       summary="Yearly settlement: opening + income - expense = closing",
       query=SettlementQuery, response=schemas.SettlementOut, responses=(404,))
def settlement(req: Request) -> dict:
    return req.rpc.funding.fund_settlement(req.params["id"], req.query["year"], req.scope())


@route("POST", "/funds/{id}/pledges", action="funds.write", tag="funds",
       summary="Record a pledge (payer, agreement, amount, earmark)", body=schemas.PledgeIn,
       response=schemas.FundWriteOut, status=201, responses=(404, 409))
def pledge(req: Request) -> Reply:
    return _created(req, req.rpc.funding.record_pledge(req.params["id"], req.body,
                                                       req.command_id, req.scope()))


@route("POST", "/funds/{id}/receipts", action="funds.write", tag="funds",
       summary="Record money received, against a pledge or standalone",
       body=schemas.ReceiptIn, response=schemas.FundWriteOut, status=201, responses=(404, 409))
def receipt(req: Request) -> Reply:
    return _created(req, req.rpc.funding.record_receipt(req.params["id"], req.body,
                                                        req.command_id, req.scope()))


@route("POST", "/funds/{id}/allocations", action="funds.write", tag="funds",
       summary="Allocate money to an activity (409 when the pool has not enough)",
       body=schemas.AllocationIn, response=schemas.FundWriteOut, status=201,
       responses=(404, 409))
def allocate(req: Request) -> Reply:
    return _created(req, req.rpc.funding.allocate_funds(req.params["id"], req.body,
                                                        req.command_id, req.scope()))


@route("POST", "/funds/{id}/allocations/{allocation_id}/release", action="funds.write",
       tag="funds", summary="Return the unspent remainder of an allocation",
       body=schemas.ReleaseIn, response=schemas.FundWriteOut, status=201, responses=(404, 409))
def release(req: Request) -> Reply:
    return _created(req, req.rpc.funding.release_allocation(
        req.params["id"], req.params["allocation_id"], req.body, req.command_id, req.scope()))


@route("POST", "/funds/{id}/expenses", action="funds.write", tag="funds",
       summary="Record an expense (409, nothing stored, when the balance would go below zero)",
       body=schemas.ExpenseIn, response=schemas.FundWriteOut, status=201, responses=(404, 409))
def expense(req: Request) -> Reply:
    return _created(req, req.rpc.funding.record_expense(req.params["id"], req.body,
                                                        req.command_id, req.scope()))


@route("POST", "/funds/{id}/reversals", action="funds.write", tag="funds",
       summary="Correct an entry by a reversing entry (never an edit)",
       body=schemas.ReversalIn, response=schemas.FundWriteOut, status=201, responses=(404, 409))
def reverse(req: Request) -> Reply:
    return _created(req, req.rpc.funding.reverse_entry(req.params["id"], req.body,
                                                       req.command_id, req.scope()))
