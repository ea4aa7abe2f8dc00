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
        kit.start_missing(platform, RATE_LIMIT_PER_SECOND="0.5", RATE_LIMIT_BURST="3",
                          ANON_RATE_LIMIT_PER_SECOND="0.5", ANON_RATE_LIMIT_BURST="3")
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
    assert body["items"][0]["count"] == 7  # one row, counting every refusal of the minute


def test_another_spacing_or_a_fresh_token_of_the_same_principal_is_the_same_bucket(
        api, small_bucket):
    """Issue 17, item 6: the budget is the principal's, not the raw header's."""
    sub = f"spacer-{uuid.uuid4().hex[:8]}"
    token = api.token("tax", "viewer", sub=sub)
    assert [api.get("/api/v1/cooperatives", token=token).status_code
            for _ in range(3)] == [200, 200, 200]
    variants = [{"Authorization": f"Bearer  {token}"}, {"Authorization": f"Bearer   {token} "},
                {"Authorization": f"bearer {token}"},
                {"Authorization": f"Bearer {api.token('tax', 'viewer', sub=sub, ttl=3000)}"}]
    for headers in variants:
        r = api.session.get(api.base + "/api/v1/cooperatives", headers=headers, timeout=30)
        assert r.status_code == 429, (headers["Authorization"][:12], r.status_code)


def _refusal_rows(source: str, reason: str) -> list[tuple]:
    from eventkit import config, db

    conn = db.connect(config.dsn("gateway"), "gateway")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT minute, count FROM refusals WHERE source = %s AND reason = %s"
                        " AND minute IS NOT NULL ORDER BY minute", (source, reason))
            return cur.fetchall()
    finally:
        conn.close()


def test_unauthenticated_requests_are_limited_per_address_and_audited_in_aggregate(
        api, small_bucket):
    """Issue 17, item 7: 401s take from the address's budget, then 429; the audit trail gets
    one row per source, reason and minute with a count, not one row per request."""
    reason = "401 GET /api/v1/units"
    before = sum(c for _, c in _refusal_rows("address:127.0.0.1", reason))
    flood_before = sum(c for _, c in _refusal_rows("address:127.0.0.1", "429 GET /api/v1/units"))
    statuses = [api.get("/api/v1/units", token="not-a-token").status_code for _ in range(8)]
    assert statuses[:3] == [401, 401, 401] and set(statuses[3:]) == {429}
    r = api.get("/api/v1/units", token="")
    assert r.status_code == 429 and 1 <= int(r.headers["Retry-After"]) <= 2
    # a refused webhook takes from the same budget, before any RPC to funding
    r = api.session.post(api.base + "/api/v1/partners/nope/events", data=b"{}", timeout=30,
                         headers={"webhook-id": "x", "webhook-timestamp": "1",
                                  "webhook-signature": "v1,x"})
    assert r.status_code == 429
    rows = _refusal_rows("address:127.0.0.1", reason)
    minutes = [m for m, _ in rows]
    assert len(minutes) == len(set(minutes))  # one row per minute
    assert sum(c for _, c in rows) - before == 3
    # the instance's database keeps earlier runs' rows: one per minute, counts growing
    flood = _refusal_rows("address:127.0.0.1", "429 GET /api/v1/units")
    assert len({m for m, _ in flood}) == len(flood)
    assert sum(c for _, c in flood) - flood_before >= 6
    # a valid token is not held back by its address's anonymous budget
    fresh = api.token("tax", "viewer", sub=f"after-{uuid.uuid4().hex[:8]}")
    assert api.get("/api/v1/units", token=fresh).status_code == 200
