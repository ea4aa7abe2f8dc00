"""Partner secrets stay in funding (issue 10, point 7): the webhook signature is verified by
the funding service (the gateway sends it the headers and the raw body and gets a verdict),
and no RPC answer of any service contains a `whsec_` secret."""

from __future__ import annotations

import base64
import inspect
import json
import time
import uuid
from collections.abc import Iterator

import pytest
import requests
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from nameko.rpc import Rpc
from nameko.standalone.rpc import ClusterRpcProxy

from services.activities.service import ActivitiesService
from services.assessment.service import AssessmentService
from services.funding import webhooks
from services.funding.service import FundingService
from services.org.service import OrgService
from tests.e2e.test_funding_kit import Partner, grant_body, onboarded_partner

SERVICES = {"org": OrgService, "activities": ActivitiesService, "funding": FundingService,
            "assessment": AssessmentService}


@pytest.fixture(scope="module")
def partner(platform) -> Iterator[Partner]:
    with onboarded_partner("E2E Secret Bank") as onboarded:
        yield onboarded


@pytest.fixture(scope="module")
def rpc(platform) -> Iterator[object]:
    config = {"AMQP_URI": platform["AMQP_URI"], "serializer": "json"}
    with ClusterRpcProxy(config, timeout=20) as proxy:
        yield proxy


def rpc_methods(cls: type) -> list[tuple[str, inspect.Signature]]:
    found = []
    for name, fn in inspect.getmembers(cls, inspect.isfunction):
        if any(isinstance(e, Rpc) for e in getattr(fn, ENTRYPOINT_EXTENSIONS_ATTR, ())):
            found.append((name, inspect.signature(fn)))
    return found


def signed(partner: Partner, body: dict) -> tuple[dict[str, str], bytes]:
    raw = json.dumps(body).encode()
    return webhooks.headers(partner.secret, f"wh_{uuid.uuid4().hex}", int(time.time()),
                            raw), raw


def test_the_partner_has_a_secret_to_leak(partner):
    assert partner.secret.startswith("whsec_")


def test_no_rpc_answer_contains_a_partner_secret(rpc, partner):
    """Every RPC whose required arguments are a partner id (or none) is called; its answer,
    or its error, never carries a `whsec_` secret."""
    called = []
    for service, cls in SERVICES.items():
        for name, signature in rpc_methods(cls):
            params = [p for p in signature.parameters.values() if p.name != "self"]
            required = [p for p in params if p.default is inspect.Parameter.empty]
            if any("partner" not in p.name for p in required):
                continue
            kwargs = {p.name: partner.id for p in params if "partner" in p.name}
            try:
                answer = getattr(getattr(rpc, service), name)(**kwargs)
            except Exception as exc:  # noqa: BLE001 - an error is an answer too
                answer = repr(exc)
            called.append(f"{service}.{name}")
            assert "whsec_" not in json.dumps(answer, default=str), f"{service}.{name}"
    assert "funding.get_partner" in called and "funding.list_partners" in called


def test_funding_verifies_the_webhook_and_answers_the_verdict(rpc, partner):
    headers, raw = signed(partner, {**grant_body("S-1"), "type": "credit.granted"})
    accepted = rpc.funding.receive_webhook(partner.id, headers,
                                           base64.b64encode(raw).decode())
    assert accepted["verdict"] == "accepted" and accepted["status"] == "applied"
    assert "whsec_" not in json.dumps(accepted)
    forged = dict(headers, **{"webhook-signature": "v1,AAAA"})
    refused = rpc.funding.receive_webhook(partner.id, forged, base64.b64encode(raw).decode())
    assert refused["verdict"] == "refused" and "whsec_" not in json.dumps(refused)
    unknown = rpc.funding.receive_webhook("nobody", headers, base64.b64encode(raw).decode())
    assert unknown["verdict"] == "refused"


def test_the_gateway_answers_401_on_funding_s_refusal(api, partner):
    headers, raw = signed(partner, {**grant_body("S-2"), "type": "credit.granted"})
    headers["webhook-signature"] = "v1,AAAA"
    r = requests.post(f"{api.base}/api/v1/partners/{partner.id}/events", data=raw,
                      headers={**headers, "Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 401
    assert "whsec_" not in r.text
