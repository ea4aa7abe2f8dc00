"""Partner webhooks (Standard Webhooks) through the gateway: the same validation and the same
idempotency as AMQP; tampering, wrong secrets, stale timestamps and missing headers are 401."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from services.funding import webhooks
from tests.e2e.test_funding_kit import Partner, grant_body, onboarded_partner


@pytest.fixture(scope="module")
def partner(platform) -> Iterator[Partner]:
    with onboarded_partner("E2E Webhook Bank") as onboarded:
        yield onboarded


def send(api, partner_id: str, body: Any, secrets: str | list[str], *,
         webhook_id: str | None = None, skew: int = 0, raw: bytes | None = None,
         sign_raw: bytes | None = None, drop: str | None = None) -> requests.Response:
    payload = raw if raw is not None else json.dumps(body).encode()
    webhook_id = webhook_id or f"wh_{uuid.uuid4().hex}"
    headers = webhooks.headers(secrets, webhook_id, int(time.time()) + skew,
                               sign_raw if sign_raw is not None else payload)
    if drop:
        headers.pop(drop)
    headers["Content-Type"] = "application/json"
    return requests.post(f"{api.base}/api/v1/partners/{partner_id}/events", data=payload,
                         headers=headers, timeout=30)


def typed(event_type: str, body: dict) -> dict:
    return {**body, "type": event_type}


def counters(api, partner_id: str) -> dict:
    return api.get(f"/api/v1/partners/{partner_id}/counters").json()["by_channel"].get(
        "webhook", {"accepted": 0, "duplicate": 0, "rejected": 0, "held": 0})


def grant(api, key: str) -> dict | None:
    r = api.get(f"/api/v1/credit-grants/{key}")
    return r.json() if r.status_code == 200 else None


def test_a_signed_webhook_is_accepted_once(api, partner):
    body = typed("credit.granted", grant_body("W-1"))
    first = send(api, partner.id, body, partner.secret, webhook_id="wh_one_" + partner.id)
    assert first.status_code == 202, first.text
    assert first.json()["status"] == "applied"
    assert grant(api, f"{partner.id}.W-1")["amount_fen"] == 5_000_000
    before = counters(api, partner.id)
    again = send(api, partner.id, body, partner.secret, webhook_id="wh_one_" + partner.id)
    assert again.status_code == 202 and again.json()["status"] == "duplicate"
    changed = send(api, partner.id, typed("credit.granted", grant_body("W-1", amount_fen=9)),
                   partner.secret, webhook_id="wh_one_" + partner.id)
    assert changed.status_code == 202 and changed.json()["status"] == "duplicate"
    assert grant(api, f"{partner.id}.W-1")["amount_fen"] == 5_000_000
    after = counters(api, partner.id)
    assert after["duplicate"] == before["duplicate"] + 2
    assert after["accepted"] == before["accepted"]


def test_bad_signatures_are_401_and_store_nothing(api, partner):
    body = typed("credit.granted", grant_body("W-bad"))
    raw = json.dumps(body).encode()
    before = counters(api, partner.id)
    cases = {
        "tampered body": send(api, partner.id, None, partner.secret, raw=raw.replace(
            b"5000000", b"9000000"), sign_raw=raw),
        "wrong secret": send(api, partner.id, body, webhooks.new_secret()),
        "301 s late": send(api, partner.id, body, partner.secret, skew=-301),
        "301 s early": send(api, partner.id, body, partner.secret, skew=301),
        "no webhook-id": send(api, partner.id, body, partner.secret, drop="webhook-id"),
        "no timestamp": send(api, partner.id, body, partner.secret, drop="webhook-timestamp"),
        "no signature": send(api, partner.id, body, partner.secret, drop="webhook-signature"),
        "unknown partner": send(api, "nobody-" + uuid.uuid4().hex[:6], body, partner.secret),
        "another partner's id": send(api, "e2e-" + uuid.uuid4().hex[:10], body, partner.secret),
    }
    wrong = {name: r.status_code for name, r in cases.items() if r.status_code != 401}
    assert not wrong, wrong
    assert all(r.headers["Content-Type"] == "application/problem+json" for r in cases.values())
    assert grant(api, f"{partner.id}.W-bad") is None
    assert counters(api, partner.id) == before
    near = send(api, partner.id, body, partner.secret, skew=-290)
    assert near.status_code == 202, near.text


def test_invalid_bodies_are_422_and_store_nothing(api, partner):
    before = counters(api, partner.id)
    cases = {
        "not json": send(api, partner.id, None, partner.secret, raw=b"{oops"),
        "not an object": send(api, partner.id, [1, 2], partner.secret),
        "no type": send(api, partner.id, grant_body("W-2"), partner.secret),
        "unknown type": send(api, partner.id, typed("credit.stolen", grant_body("W-2")),
                             partner.secret),
        "bad amount": send(api, partner.id, typed("credit.granted",
                                                  grant_body("W-2", amount_fen=1.5)),
                           partner.secret),
        "unknown cooperative": send(api, partner.id, typed("credit.granted", grant_body(
            "W-2", {"kind": "cooperative", "uscc": "91110000100000000Y"})), partner.secret),
    }
    wrong = {name: r.status_code for name, r in cases.items() if r.status_code != 422}
    assert not wrong, wrong
    assert "amount_fen" in cases["bad amount"].json()["detail"]
    assert grant(api, f"{partner.id}.W-2") is None
    after = counters(api, partner.id)
    assert after["rejected"] >= before["rejected"] + 4  # parsed as JSON, then refused
    assert after["accepted"] == before["accepted"]


def test_a_state_conflict_is_409_and_out_of_order_is_held(api, partner):
    held = send(api, partner.id, typed("loan.disbursed", {
        "grant_id": "W-3", "loan_id": "WL-3", "amount_fen": 100, "disbursed_at": "2026-05-01",
        "maturity_date": "2027-05-01"}), partner.secret)
    assert held.status_code == 202 and held.json()["status"] == "held"
    assert send(api, partner.id, typed("credit.granted", grant_body("W-3")),
                partner.secret).status_code == 202
    assert grant(api, f"{partner.id}.W-3")["status"] == "disbursed"
    conflict = send(api, partner.id, typed("credit.granted", grant_body("W-3")), partner.secret)
    assert conflict.status_code == 409, conflict.text


def test_rotated_secrets(api, partner):
    from services.funding import partners as cli

    old = partner.secret
    new = cli.rotate_secret(partner.id, grace_seconds=3600)
    body = lambda n: typed("credit.revoked", {"grant_id": f"W-rot-{n}", "reason": "test",  # noqa: E731
                                              "revoked_at": "2026-01-01"})
    assert send(api, partner.id, body(1), old).status_code == 202  # during the grace period
    assert send(api, partner.id, body(2), new).status_code == 202
    assert send(api, partner.id, body(3), [old, new]).status_code == 202
    newest = cli.rotate_secret(partner.id, grace_seconds=0)
    assert send(api, partner.id, body(4), old).status_code == 401
    assert send(api, partner.id, body(5), new).status_code == 401
    assert send(api, partner.id, body(6), [new, newest]).status_code == 202
    assert api.get(f"/api/v1/partners/{partner.id}").json()["webhook_secrets"] == 1
