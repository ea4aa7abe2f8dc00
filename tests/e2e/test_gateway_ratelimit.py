"""Per-token rate limit (OWASP API4): 429 problem+json with Retry-After, per token.

The gateway of the test instance is restarted with a small bucket for this module and
restarted with the instance's own settings afterwards.
"""

from __future__ import annotations

import uuid

import pytest

from tests.e2e import test_gateway_kit as kit


@pytest.fixture(scope="module")
def small_bucket(api, platform):
    kit.stop_process(platform, "gateway")
    try:
        kit.start_missing(platform, RATE_LIMIT_PER_SECOND="0.5", RATE_LIMIT_BURST="3")
        yield
    finally:
        kit.stop_process(platform, "gateway")
        kit.start_missing(platform)


def test_a_token_past_its_burst_gets_429_with_retry_after(api, small_bucket):
    token = api.token("tax", "viewer", sub="hasty")
    statuses = [api.get("/api/v1/cooperatives", token=token).status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]
    r = api.get("/api/v1/cooperatives", token=token)
    assert r.status_code == 429
    assert r.headers["Content-Type"].startswith("application/problem+json")
    assert r.json()["status"] == 429
    assert 1 <= int(r.headers["Retry-After"]) <= 2


def test_another_token_has_its_own_bucket(api, small_bucket):
    first = api.token("tax", "viewer", sub="first")
    statuses = [api.get("/api/v1/cooperatives", token=first).status_code for _ in range(50)]
    assert 429 in statuses  # the small bucket is spent well within 50 requests
    other = api.token("tax", "viewer", sub="other")
    assert api.get("/api/v1/cooperatives", token=other).status_code == 200


def test_a_flood_leaves_one_audit_row_per_token(api, small_bucket):
    sub = f"flood-{uuid.uuid4().hex[:8]}"
    token = api.token("tax", "viewer", sub=sub)
    for _ in range(10):
        api.get("/api/v1/cooperatives", token=token)
    audit = api.token("league_committee", "admin", sub="auditor")
    body = api.get("/api/v1/audit", token=audit,
                   params={"actor": f"tax:{sub}", "kind": "refusal"}).json()
    assert [e["status"] for e in body["items"]] == [429]
