"""League dues, their rule versions, arrears, remittances and rebates (funding service)."""

from __future__ import annotations

from marshmallow import fields, validate

from gateway.router import Reply, Request, route
from gateway.routes.common import PageQuery
from services.funding.contract import schemas

_ID = validate.Length(min=1, max=64)


class AccountListQuery(PageQuery):
    unit_id = fields.Str(validate=_ID)
    month = fields.Str(validate=schemas.MONTH,
                       metadata={"description": "arrears as of this month (default: now)"})


class ArrearsQuery(AccountListQuery):
    min_months = fields.Int(load_default=6, validate=validate.Range(min=1, max=1200))


class RemittanceListQuery(PageQuery):
    unit_id = fields.Str(validate=_ID)


@route("GET", "/dues/rules", action="dues.read", tag="dues",
       summary="Dues rule versions (the 2016 default first)", response=schemas.DuesRuleOut,
       many=True)
def rules(req: Request) -> dict:
    return {"items": req.rpc.funding.list_dues_rules(), "next_cursor": None}


@route("POST", "/dues/rules", action="dues.write", tag="dues",
       summary="Add a dues rule version (from this month or later)", body=schemas.DuesRuleIn,
       response=schemas.DuesRuleOut, status=201, responses=(409,))
def add_rule(req: Request) -> Reply:
    rule = req.rpc.funding.add_dues_rule(req.body, req.command_id)
    return Reply(rule, 201, {"Location": "/api/v1/dues/rules"})


@route("GET", "/dues/remittance-rules", action="dues.read", tag="dues",
       summary="Remittance ratio versions (retained share and rebate, basis points)",
       response=schemas.RemittanceRuleOut, many=True)
def remittance_rules(req: Request) -> dict:
    return {"items": req.rpc.funding.list_remittance_rules(), "next_cursor": None}


@route("POST", "/dues/remittance-rules", action="dues.write", tag="dues",
       summary="Add a remittance ratio version (past rebates never change)",
       body=schemas.RemittanceRuleIn, response=schemas.RemittanceRuleOut, status=201,
       responses=(409,))
def add_remittance_rule(req: Request) -> Reply:
    rule = req.rpc.funding.add_remittance_rule(req.body, req.command_id)
    return Reply(rule, 201, {"Location": "/api/v1/dues/remittance-rules"})


@route("POST", "/dues/accounts", action="dues.write", tag="dues",
       summary="Start a League member's dues (category, income, first month)",
       body=schemas.DuesAccountIn, response=schemas.DuesAccountOut, status=201,
       responses=(404, 409))
def start(req: Request) -> Reply:
    account = req.rpc.funding.start_dues(req.body, req.command_id, req.scope())
    return Reply(account, 201, {"Location": f"/api/v1/dues/accounts/{account['member_id']}"})


@route("GET", "/dues/accounts", action="dues.read", tag="dues",
       summary="Dues accounts: paid up to, months in arrears", query=AccountListQuery,
       response=schemas.DuesAccountOut, many=True)
def list_(req: Request) -> dict:
    q = dict(req.query)
    limit, cursor = q.pop("limit"), q.pop("cursor")
    return req.rpc.funding.list_dues_accounts(q, limit, cursor, req.scope())


@route("GET", "/dues/accounts/{id}", action="dues.read", tag="dues",
       summary="A member's dues account (id: the member id) with its payments",
       response=schemas.DuesAccountOut, responses=(404,))
def get(req: Request) -> dict:
    return req.rpc.funding.get_dues_account(req.params["id"], req.scope())


@route("POST", "/dues/accounts/{id}/basis", action="dues.write", tag="dues",
       summary="A new category or income from a month not yet paid", body=schemas.DuesBasisIn,
       response=schemas.DuesAccountOut, responses=(404, 409))
def basis(req: Request) -> dict:
    return req.rpc.funding.change_dues_basis(req.params["id"], req.body, req.command_id,
                                             req.scope())


@route("POST", "/dues/accounts/{id}/payments", action="dues.write", tag="dues",
       summary="Pay months from the first unpaid one, for exactly what is due",
       body=schemas.DuesPaymentIn, response=schemas.DuesPaymentOut, status=201,
       responses=(404, 409))
def pay(req: Request) -> Reply:
    payment = req.rpc.funding.pay_dues(req.params["id"], req.body, req.command_id, req.scope())
    return Reply(payment, 201, {"Location": f"/api/v1/dues/accounts/{req.params['id']}"})


@route("POST", "/dues/accounts/{id}/payments/{payment_id}/reversal", action="dues.write",
       tag="dues", summary="Reverse a payment (its months become unpaid again)",
       body=schemas.DuesPaymentReversalIn, response=schemas.DuesPaymentOut,
       responses=(404, 409))
def reverse(req: Request) -> dict:
    return req.rpc.funding.reverse_dues_payment(req.params["id"], req.params["payment_id"],
                                                req.body, req.command_id, req.scope())


@route("GET", "/dues/arrears", action="dues.read", tag="dues",
       summary="Members six (min_months) or more months in arrears, longest first",
       query=ArrearsQuery, response=schemas.ArrearsOut, many=True)
def arrears(req: Request) -> dict:
    q = dict(req.query)
    limit, cursor = q.pop("limit"), q.pop("cursor")
    return req.rpc.funding.list_arrears(q, limit, cursor, req.scope())


@route("POST", "/dues/remittances", action="dues.write", tag="dues",
       summary="Remit a unit's dues for a period; the rebate becomes the unit's income",
       body=schemas.RemittanceIn, response=schemas.RemittanceOut, status=201,
       responses=(404, 409))
def remit(req: Request) -> Reply:
    remittance = req.rpc.funding.record_remittance(req.body, req.command_id, req.scope())
    return Reply(remittance, 201, {"Location": "/api/v1/dues/remittances"})


@route("GET", "/dues/remittances", action="dues.read", tag="dues",
       summary="Remittances with the rule version and ratios each used",
       query=RemittanceListQuery, response=schemas.RemittanceOut, many=True)
def remittances(req: Request) -> dict:
    q = dict(req.query)
    limit, cursor = q.pop("limit"), q.pop("cursor")
    return req.rpc.funding.list_remittances(q, limit, cursor, req.scope())
