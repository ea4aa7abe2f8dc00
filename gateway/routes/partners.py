"""Partners (banks, the supply co-op): their counters, dead letters, and webhooks.

`POST /partners/{id}/events` is authenticated by its Standard Webhooks signature, not by a
bearer token (`auth=False`): the signature is verified over the raw bytes, before parsing,
against every current secret of the partner (rotation), by the funding service, which keeps
the secrets (the gateway sends it the headers and the raw body); then the body goes through
funding's partner ingest, the same validation and idempotency as AMQP messages.
"""

from __future__ import annotations

import base64

from marshmallow import fields

from gateway.problems import Problem
from gateway.router import Reply, Request, route
from gateway.routes.common import PageQuery
from services.funding.contract import schemas

WEBHOOK_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


class DeadLetterQuery(PageQuery):
    pass


class Counters(schemas.CountersOut):
    by_channel = fields.Dict(keys=fields.Str(), values=fields.Nested(schemas.CountersOut),
                             required=True)
    partner_id = fields.Str(required=True)


@route("GET", "/partners", action="partners.admin", tag="partners",
       summary="Partners with their message counters", query=PageQuery,
       response=schemas.PartnerOut, many=True)
def list_(req: Request) -> dict:
    return req.rpc.funding.list_partners()


@route("GET", "/partners/{id}", action="partners.admin", tag="partners",
       summary="A partner with its counters per channel", response=schemas.PartnerOut,
       responses=(404,))
def get(req: Request) -> dict:
    return req.rpc.funding.get_partner(req.params["id"])


@route("GET", "/partners/{id}/counters", action="partners.admin", tag="partners",
       summary="Accepted, held, duplicate and rejected messages (AMQP, replay, webhook)",
       response=Counters, responses=(404,))
def counters(req: Request) -> dict:
    partner = req.rpc.funding.get_partner(req.params["id"])
    return {"partner_id": partner["id"], **partner["counters"],
            "by_channel": partner["by_channel"]}


@route("GET", "/partners/{id}/dead-letters", action="partners.admin", tag="partners",
       summary="Messages dead-lettered with their reason (replay with the partners CLI)",
       query=DeadLetterQuery, response=schemas.DeadLetterOut, many=True, responses=(404,))
def dead_letters(req: Request) -> dict:
    req.rpc.funding.get_partner(req.params["id"])  # 404 for an unknown partner
    return req.rpc.funding.list_dead_letters(req.params["id"], req.query["limit"],
                                             req.query["cursor"])


@route("POST", "/partners/{id}/events", action="partners.webhook", tag="partners",
       summary="A partner event by webhook (Standard Webhooks signature, no bearer token)",
       body=schemas.WebhookBodyDoc, response=schemas.WebhookAcceptedOut, status=202,
       responses=(401, 409, 413, 422), auth=False)
def webhook(req: Request) -> Reply:
    raw: bytes = req.body
    partner_id = req.params["id"]
    headers = req.raw.headers
    if not all(headers.get(h) for h in ("webhook-id", "webhook-timestamp",
                                         "webhook-signature")):
        raise Problem(401, "missing webhook-id, webhook-timestamp or webhook-signature")
    # funding verifies the signature with the partner's secrets, which never leave it
    result = req.rpc.funding.receive_webhook(
        partner_id, {name: headers.get(name) for name in WEBHOOK_HEADERS},
        base64.b64encode(raw).decode("ascii"))
    if result.pop("verdict") != "accepted":
        raise Problem(401, f"webhook signature refused: {result.get('reason')}")
    return Reply(result, 202)
