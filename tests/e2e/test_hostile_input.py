"""Hostile input and abuse through the gateway (issue 17): no 500 on any input, limits an
attacker cannot sidestep, nothing leaked through the feed. Rate limits: test_gateway_ratelimit.py;
calendar feed tokens: test_activities_meetings.py; the fuzz run: test_gateway_fuzz.py."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import jwt
import pytest
import requests

from eventkit.identifiers import make_resident_id
from services.funding import webhooks
from tests.conftest import wait_until
from tests.e2e import test_gateway_kit as kit
from tests.e2e.conftest import cooperative_body
from tests.e2e.test_funding_dues import free_months
from tests.e2e.test_funding_kit import known_unit, onboarded_partner

PROBLEM = "application/problem+json"
FORGED = ["eyJ4IjoxfQ", "Wzld"]  # {"x":1} and [9], base64: cursors the API never issued
# every list the issue names (and the audit trail)
LISTS = ["/units", "/members", "/cooperatives", "/committees", "/transfers", "/credit-grants",
         "/credit-grants/loans", "/credit-grants/overdue", "/credit-grants/waiting", "/funds",
         "/funds/reports/pledges-outstanding", "/dues/accounts", "/dues/remittances", "/venues",
         "/activities", "/audit"]


def refused(r: requests.Response, status: int) -> dict:
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert r.headers["Content-Type"].startswith(PROBLEM)
    return r.json()


@pytest.fixture(scope="module")
def world(api):
    return kit.tree(api)


# -- 1 -------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", LISTS)
def test_a_forged_cursor_is_422_on_every_list(api, path):
    for cursor in FORGED:
        body = refused(api.get("/api/v1" + path, params={"cursor": cursor}), 422)
        assert "cursor" in body["errors"]


def test_a_forged_cursor_is_422_on_fund_entries_and_dead_letters(api):
    unit = known_unit(api)
    for cursor in FORGED:
        refused(api.get(f"/api/v1/funds/{unit}/entries", params={"cursor": cursor}), 422)
    with onboarded_partner("E2E Cursor Bank") as partner:
        for cursor in FORGED:
            refused(api.get(f"/api/v1/partners/{partner.id}/dead-letters",
                            params={"cursor": cursor}), 422)


def test_an_issued_cursor_still_pages(api, world):
    first = api.get("/api/v1/units", params={"limit": 1}).json()
    assert first["next_cursor"]
    second = api.get("/api/v1/units", params={"limit": 1, "cursor": first["next_cursor"]})
    assert second.status_code == 200 and second.json()["items"] != first["items"]


# -- 2 -------------------------------------------------------------------------------------
def test_deeply_nested_json_is_422_in_a_body_and_in_a_signed_webhook(api):
    heads = kit.heads(api)
    deep = b"[" * 5000 + b"]" * 5000
    r = api.session.post(api.base + "/api/v1/cooperatives", data=deep, timeout=30,
                         headers={"Authorization": f"Bearer {api.token()}",
                                  "Content-Type": "application/json"})
    refused(r, 422)
    obj = b'{"type":"CreditGranted","x":' + b'{"a":' * 5000 + b"1" + b"}" * 5001
    with onboarded_partner("E2E Deep Bank") as partner:
        headers = webhooks.headers(partner.secret, f"wh_{uuid.uuid4().hex}", int(time.time()),
                                   obj)
        headers["Content-Type"] = "application/json"
        r = requests.post(f"{api.base}/api/v1/partners/{partner.id}/events", data=obj,
                          headers=headers, timeout=30)
        refused(r, 422)
    assert kit.heads(api) == heads


# -- 3 -------------------------------------------------------------------------------------
def test_a_lone_surrogate_is_422_nothing_stored_nothing_personal_logged(api, world, platform):
    heads = kit.heads(api)
    phone = f"139{uuid.uuid4().int % 10**8:08d}"
    body = {"kind": "league_member", "name": "李\ud800", "ethnicity": "Han",
            "resident_id": make_resident_id("371202", dt.date(2002, 3, 1), "135"),
            "phone": phone, "unit_id": world["a"], "join_date": "2018-05-04"}
    raw = json.dumps(body)  # ensure_ascii: the surrogate travels as \ud800, valid JSON
    r = api.session.post(api.base + "/api/v1/members", data=raw, timeout=30,
                         headers={"Authorization": f"Bearer {api.token()}",
                                  "Content-Type": "application/json"})
    problem = refused(r, 422)
    assert "name" in problem["errors"]
    coop = cooperative_body(chair="王\udfff")
    refused(api.post("/api/v1/cooperatives", coop), 422)
    assert kit.heads(api) == heads
    logs = Path(platform["VAR"]) / "log"
    written = "".join(p.read_text(errors="replace") for p in logs.glob("*.log"))
    assert phone not in written and phone[-6:] not in written


# -- 4, 5 ----------------------------------------------------------------------------------
def test_resident_ids_in_superscript_or_fullwidth_digits_are_422(api, world):
    good = make_resident_id("371202", dt.date(2003, 4, 2), f"{uuid.uuid4().int % 400 + 100}")
    fullwidth = good.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    base = {"kind": "league_member", "name": "王小", "ethnicity": "Han",
            "unit_id": world["a"], "join_date": "2018-05-04"}
    for bad in ("²" + good[1:], fullwidth, good[:-1] + "³"):
        problem = refused(api.post("/api/v1/members", {**base, "resident_id": bad}), 422)
        assert "resident_id" in problem["errors"]
    assert api.post("/api/v1/members", {**base, "resident_id": good}).status_code == 201
    # the fullwidth twin of a registered number does not register a second person
    refused(api.post("/api/v1/members", {**base, "resident_id": fullwidth}), 422)
    committee = {"name": "团工委", "county": "莱芜", "county_code": "３７１２０２",
                 "on": "2024-01-02"}
    refused(api.post("/api/v1/committees", committee), 422)


# -- 8 -------------------------------------------------------------------------------------
def test_an_idempotency_key_is_not_replayed_to_the_same_person_with_another_scope(api, world):
    key = f"idem-{uuid.uuid4().hex}"
    body = {"name": f"branch {uuid.uuid4().hex[:6]}", "kind": "branch",
            "parent_id": world["root"], "on": "2024-02-01", "formation_mode": "standalone"}
    county = api.token("league_committee", "admin", sub="same-person")
    first = api.post("/api/v1/units", body, token=county, headers={"Idempotency-Key": key})
    assert first.status_code == 201, first.text
    again = api.post("/api/v1/units", body, token=county, headers={"Idempotency-Key": key})
    assert again.headers.get("Idempotent-Replayed") == "true"
    scoped = api.token("league_committee", "admin", sub="same-person", unit=world["a"])
    other = api.post("/api/v1/units", body, token=scoped, headers={"Idempotency-Key": key})
    assert other.headers.get("Idempotent-Replayed") is None
    assert other.status_code in (403, 404, 422) and first.json()["id"] not in other.text
    viewer = api.token("league_committee", "editor", sub="same-person")
    third = api.post("/api/v1/units", body, token=viewer, headers={"Idempotency-Key": key})
    assert third.headers.get("Idempotent-Replayed") is None


# -- 9 -------------------------------------------------------------------------------------
def test_integer_fields_refuse_numeric_strings_and_booleans(api):
    heads = kit.heads(api)
    for value in ("40", True, 40.5):
        problem = refused(api.post("/api/v1/cooperatives", cooperative_body(members=value)), 422)
        assert "members" in problem["errors"]
    assert kit.heads(api) == heads


# -- 10 ------------------------------------------------------------------------------------
def test_money_and_dues_entries_are_dated_at_most_today_in_county_time(api):
    unit = known_unit(api)
    county_today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    tomorrow = (county_today + dt.timedelta(days=1)).isoformat()
    receipt = {"receipt_number": f"R-{uuid.uuid4().hex[:6]}", "amount_fen": 10_000,
               "source": "government_allocation", "payer_name": "县财政局"}
    before = api.get(f"/api/v1/funds/{unit}").json()
    for day in ("9999-12-31", tomorrow):
        problem = refused(api.post(f"/api/v1/funds/{unit}/receipts",
                                   {**receipt, "received_on": day}), 422)
        assert "received_on" in problem["errors"]
    assert api.get(f"/api/v1/funds/{unit}").json() == before
    ok = api.post(f"/api/v1/funds/{unit}/receipts",
                  {**receipt, "received_on": county_today.isoformat()})
    assert ok.status_code == 201, ok.text
    pledge = {"source": "enterprise_sponsorship", "payer_name": "某公司", "agreement_ref": "A-1",
              "amount_fen": 5_000, "pledged_on": tomorrow,
              "payer_uscc": cooperative_body()["uscc"]}
    # a planned income is a pledge: it may be dated ahead
    r = api.post(f"/api/v1/funds/{unit}/pledges", pledge)
    assert r.status_code == 201, r.text
    for path, body in ((f"/api/v1/funds/{unit}/expenses",
                        {"approved_by": "x", "invoice_number": "I-1", "amount_fen": 1,
                         "spent_on": tomorrow}),
                       ("/api/v1/dues/accounts/nope/payments",
                        {"from_month": "2024-01", "to_month": "2024-01", "amount_fen": 100,
                         "paid_on": tomorrow})):
        problem = refused(api.post(path, body), 422)
        assert set(problem["errors"]) & {"spent_on", "paid_on"}


# -- 11, 12 --------------------------------------------------------------------------------
def _feed(api, token, **params):
    return api.get("/api/v1/events", token=token, params={"limit": 1000, **params}).json()


def test_the_feed_and_the_audit_trim_a_unified_activitys_units_to_the_scope(api, world):
    units = [world["a"], world["b"]]

    def issued():
        r = api.post("/api/v1/unified-activities", {
            "title": "五四主题团日", "kind": "theme_league_day", "description": "",
            "unit_ids": units, "window_start": "2024-04-20", "window_end": "2024-05-10"})
        return r.json() if r.status_code == 201 else None

    ua = wait_until(issued, timeout=30, message="activities to learn the units")
    stream = f"unified_activity-{ua['id']}"
    scoped = api.token("league_committee", "admin", unit=world["a"], sub="branch-a-admin")

    def seen():
        items = [e for e in _feed(api, scoped, types="UnifiedActivityIssued")["items"]
                 if e["stream_id"] == stream]
        return items

    [event] = wait_until(seen, message="the unified activity in the scoped feed")
    assert event["unit_ids"] == [world["a"]]
    assert event["data"]["unit_ids"] == [world["a"]]
    audit = api.get("/api/v1/audit", token=scoped, params={"unit": world["a"], "limit": 500})
    mine = [e for e in audit.json()["items"] if e["stream_id"] == stream]
    assert mine and all(e["unit_ids"] == [world["a"]] for e in mine)
    [full] = [e for e in _feed(api, api.token(), types="UnifiedActivityIssued")["items"]
              if e["stream_id"] == stream]
    assert sorted(full["unit_ids"]) == sorted(units)


def test_remittance_rules_are_read_under_dues_read_in_the_feed(api):
    month = free_months(api, "/api/v1/dues/remittance-rules", range(2080, 2090), 1)
    version = f"r-{uuid.uuid4().hex[:6]}"
    r = api.post("/api/v1/dues/remittance-rules", {"version": version, "effective_from": month,
                                                   "retained_bp": 3000, "rebate_bp": 2000})
    assert r.status_code == 201, r.text

    def ours(token):
        return [e for e in _feed(api, token, types="RemittanceRuleAdded")["items"]
                if e["data"].get("version") == version]

    organization = api.token("organization", "viewer")
    wait_until(lambda: ours(organization), message="the rule in the organization's feed")
    for department in ("bank", "finance", "supply_coop"):
        token = api.token(department, "viewer")
        assert api.get("/api/v1/dues/remittance-rules", token=token).status_code == 403
        assert ours(token) == []


# -- 13 ------------------------------------------------------------------------------------
def test_partner_administration_is_refused_to_a_unit_scoped_admin(api, world):
    scoped = api.token("league_committee", "admin", unit=world["a"])
    with onboarded_partner("E2E Scope Bank") as partner:
        for path in ("/partners", f"/partners/{partner.id}",
                     f"/partners/{partner.id}/dead-letters", f"/partners/{partner.id}/counters"):
            refused(api.get("/api/v1" + path, token=scoped), 403)
            assert api.get("/api/v1" + path).status_code == 200
    events = _feed(api, scoped)["items"]
    assert all(not e["stream_id"].startswith("partner-") for e in events)


# -- 14 ------------------------------------------------------------------------------------
def test_nosniff_everywhere_and_no_store_on_personal_data(api, world):
    member = world["member_a"]["id"]
    for r in (requests.get(api.base + "/health", timeout=10),
              requests.get(api.base + "/api/v1/openapi.json", timeout=10),
              requests.get(api.base + "/nowhere", timeout=10),
              api.get("/api/v1/units"), api.get("/api/v1/nope"),
              api.get("/api/v1/units", token="")):
        assert r.headers.get("X-Content-Type-Options") == "nosniff", r.url
    for path in (f"/api/v1/members/{member}", "/api/v1/members",
                 f"/api/v1/units/{world['a']}/members", "/api/v1/exports/members.csv"):
        r = api.get(path)
        assert r.status_code == 200, (path, r.text[:200])
        assert r.headers.get("Cache-Control") == "no-store", path


# -- 15 ------------------------------------------------------------------------------------
def test_a_token_that_lives_longer_than_the_maximum_is_401(api):
    now = int(time.time())
    claims = {"sub": "forever", "department": "league_committee", "role": "admin", "iat": now,
              "exp": now + 10 * 365 * 86400}
    token = jwt.encode(claims, api.secret, algorithm="HS256")
    body = refused(api.get("/api/v1/units", token=token), 401)
    assert "maximum" in body["detail"]
    ok = jwt.encode({**claims, "exp": now + 11 * 3600}, api.secret, algorithm="HS256")
    assert api.get("/api/v1/units", token=ok).status_code == 200


# -- 17 ------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [5000, 9000, 70000])
def test_an_oversized_authorization_header_is_a_problem_not_an_empty_body(api, size):
    r = requests.get(api.base + "/api/v1/units", timeout=30,
                     headers={"Authorization": "Bearer " + "a" * size})
    assert r.status_code in (400, 431)
    assert r.headers["Content-Type"].startswith(PROBLEM)
    assert r.json()["status"] == r.status_code
