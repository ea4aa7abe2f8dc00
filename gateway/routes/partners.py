"""Partners (banks, the supply co-op): their counters, dead letters, and webhooks.

`POST /partners/{id}/events` is authenticated by its Standard Webhooks signature, not by a
bearer token (`auth=False`): the signature is verified over the raw bytes, before parsing,
against every current secret of the partner (rotation); then the body goes through the
funding service's partner ingest, the same validation and idempotency as AMQP messages.
"""

from __future__ import annotations

import time

from marshmallow import fields

from eventkit import jsonbody
from gateway.problems import Problem
from gateway.router import Reply, Request, route
from gateway.routes.common import PageQuery
from services.funding import webhooks  # until verification moves into funding (issue 10)
from services.funding.contract import schemas


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
    secrets = req.rpc.funding.partner_webhook_secrets(partner_id)
    try:
        # An unknown partner has no secret: the same answer as a bad signature.
        message_id, _ = webhooks.verify(secrets, headers, raw, time.time())
    except webhooks.SignatureError as exc:
        raise Problem(401, f"webhook signature refused: {exc}") from None
    body = jsonbody.loads(raw)  # 422 for invalid, too deep or unstorable JSON
    if not isinstance(body, dict):
        raise Problem(422, "the body must be a JSON object", errors={"_body": ["not an object"]})
    result = req.rpc.funding.receive_webhook(partner_id, message_id, body)
    return Reply(result, 202)
