"""Transfers of members between units: requested by the sending unit, decided by the
receiving unit; the member stays in the sending unit until approved."""

from __future__ import annotations

from marshmallow import fields, validate

from gateway.router import Reply, Request, route
from gateway.routes.common import PageQuery
from services.org.contract import schemas

_ID = validate.Length(min=1, max=64)


class TransferListQuery(PageQuery):
    status = fields.Str(validate=validate.OneOf(schemas.TRANSFER_STATUSES))
    member_id = fields.Str(validate=_ID)
    unit_id = fields.Str(validate=_ID, metadata={"description": "sending or receiving"})
    from_unit_id = fields.Str(validate=_ID)
    to_unit_id = fields.Str(validate=_ID)


@route("POST", "/transfers", action="transfers.write", tag="transfers",
       summary="Request a transfer (by the sending unit)", body=schemas.TransferIn,
       response=schemas.TransferOut, status=201, responses=(404, 409, 422))
def create(req: Request) -> Reply:
    transfer = req.rpc.org.request_transfer(req.body, req.command_id, req.scope())
    return Reply(transfer, 201, {"Location": f"/api/v1/transfers/{transfer['id']}"})


@route("GET", "/transfers", action="transfers.read", tag="transfers", summary="List transfers",
       query=TransferListQuery, response=schemas.TransferOut, many=True)
def list_(req: Request) -> dict:
    q = dict(req.query)
    limit, cursor = q.pop("limit"), q.pop("cursor")
    return req.rpc.org.list_transfers(q, limit, cursor, req.scope())


@route("GET", "/transfers/{id}", action="transfers.read", tag="transfers",
       summary="A transfer", response=schemas.TransferOut, responses=(404,))
def get(req: Request) -> dict:
    return req.rpc.org.get_transfer(req.params["id"], req.scope())


@route("POST", "/transfers/{id}/approve", action="transfers.write", tag="transfers",
       summary="Approve a transfer (by the receiving unit)", body=schemas.TransferDecisionIn,
       response=schemas.TransferOut, responses=(404, 409, 422))
def approve(req: Request) -> dict:
    return req.rpc.org.approve_transfer(req.params["id"], req.body, req.command_id, req.scope())


@route("POST", "/transfers/{id}/reject", action="transfers.write", tag="transfers",
       summary="Reject a transfer (by the receiving unit)", body=schemas.TransferRejectIn,
       response=schemas.TransferOut, responses=(404, 409, 422))
def reject(req: Request) -> dict:
    return req.rpc.org.reject_transfer(req.params["id"], req.body, req.command_id, req.scope())
