"""The gateway's feed of every service's events: /events, /audit, departments.outbound."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import amqp
import pytest

from eventkit.amqp_uri import connection_args
from tests.conftest import wait_until
from tests.e2e import test_gateway_kit as kit


@pytest.fixture(scope="module")
def world(api):
    return kit.tree(api)


def _events(api, token=None, **params) -> dict:
    r = api.get("/api/v1/events", token=token, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def _find(api, stream_id: str, token=None, types="") -> list[dict]:
    after, found = 0, []
    while True:
        page = _events(api, token, after=after, limit=1000, types=types)
        found += [e for e in page["items"] if e["stream_id"] == stream_id]
        if not page["items"]:
            return found
        after = page["next_after"]


def test_every_event_reaches_the_feed_once_in_order_with_dense_positions(api, world):
    member = world["member_b"]
    events = wait_until(lambda: _find(api, f"member-{member['id']}", types="MemberRegistered"),
                        message="the member's event in the feed")
    [event] = events
    assert event["source"] == "org" and event["unit_ids"] == [world["b"]]
    assert event["actor"] == "league_committee:league_committee-admin"
    assert event["correlation_id"]
    positions = []
    after = 0
    while True:
        page = _events(api, after=after, limit=1000)
        if not page["items"]:
            break
        positions += [e["position"] for e in page["items"]]
        after = page["next_after"]
    assert positions == list(range(1, len(positions) + 1))
    assert len({(e["source"], e["source_position"]) for e in _events(api, limit=1000)["items"]}) \
        == len(_events(api, limit=1000)["items"])


def test_personal_data_is_masked_in_the_feed(api, world):
    member = world["member_a"]
    wait_until(lambda: _find(api, f"member-{member['id']}"), message="the member in the feed")
    r = api.get("/api/v1/events", params={"types": "MemberRegistered", "limit": 1000})
    text = r.text
    assert "13812345678" not in text
    [event] = [e for e in r.json()["items"] if e["stream_id"] == f"member-{member['id']}"]
    assert event["data"]["phone"].endswith("5678") and event["data"]["phone"].startswith("*")
    assert event["data"]["resident_id"].startswith("*")


def test_a_scoped_token_sees_events_of_its_subtree_only(api, world):
    scoped = api.token("organization", "viewer", unit=world["a"])
    wait_until(lambda: _find(api, f"member-{world['member_b']['id']}"), message="member b")
    mine = _find(api, f"member-{world['member_a']['id']}", token=scoped)
    assert mine and all(world["a"] in e["unit_ids"] for e in mine)
    assert _find(api, f"member-{world['member_b']['id']}", token=scoped) == []
    page = _events(api, scoped, limit=1000)
    assert all(world["a"] in e["unit_ids"] for e in page["items"])


def test_the_feed_shows_only_events_of_resources_the_caller_may_read(api, world):
    wait_until(lambda: _find(api, f"member-{world['member_a']['id']}"), message="member a")
    tax = api.token("tax", "viewer")
    assert _find(api, f"member-{world['member_a']['id']}", token=tax) == []
    assert _find(api, f"unit-{world['a']}", token=tax)  # units.read: any department
    types = {e["type"] for e in _events(api, tax, limit=1000, types="UnitCreated")["items"]}
    assert types == {"UnitCreated"}


def test_the_audit_trail_names_who_did_what_and_the_refused_requests(api, world):
    sub = f"clerk-{uuid.uuid4().hex[:6]}"
    correlation = uuid.uuid4().hex
    token = api.token("agriculture", "editor", sub=sub)
    coop = api.post("/api/v1/cooperatives", kit.cooperative_body(), token=token,
                    headers={"X-Correlation-Id": correlation}).json()
    assert api.get("/api/v1/members", token=token).status_code == 403
    assert api.post("/api/v1/cooperatives", {"name": ""}, token=token).status_code == 422
    actor = f"agriculture:{sub}"

    def entries():
        body = api.get("/api/v1/audit", params={"actor": actor}).json()
        kinds = [e["kind"] for e in body["items"]]
        return "event" in kinds and kinds.count("refusal") == 2 and body["items"]

    items = wait_until(entries, message="the clerk's event and refusals in the audit trail")
    [event] = [e for e in items if e["kind"] == "event"]
    assert event["what"] == "CooperativeRegistered" and event["source"] == "org"
    assert event["stream_id"] == f"cooperative-{coop['id']}"
    assert event["correlation_id"] == correlation
    refusals = sorted((e["status"], e["what"]) for e in items if e["kind"] == "refusal")
    assert refusals == [(403, "GET /api/v1/members"), (422, "POST /api/v1/cooperatives")]
    times = [e["at"] for e in items]
    assert times == sorted(times)

    later = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    assert api.get("/api/v1/audit", params={"actor": actor, "from": later}).json()["items"] == []
    earlier = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).isoformat()
    r = api.get("/api/v1/audit", params={"actor": actor, "to": earlier})
    assert r.status_code == 200 and r.json()["items"] == []
    assert api.get("/api/v1/audit", params={"from": later, "to": earlier}).status_code == 422


def test_the_audit_trail_pages_and_filters_by_unit(api, world):
    wait_until(lambda: _find(api, f"member-{world['member_b']['id']}"), message="member b")
    body = api.get("/api/v1/audit", params={"unit": world["b"]}).json()
    assert body["items"] and all(world["b"] in e["unit_ids"] for e in body["items"])
    seen, cursor = [], None
    for _ in range(200):
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get("/api/v1/audit", params=params).json()
        seen += [(e["kind"], e["at"], e["position"], e["what"]) for e in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) and len(seen) > 2
    assert [s[1] for s in seen] == sorted(s[1] for s in seen)


def test_the_audit_trail_is_for_admins_and_scoped_admins_see_no_refusals(api, world):
    assert api.get("/api/v1/audit", token=api.token("organization", "viewer")).status_code == 403
    scoped = api.token("organization", "admin", unit=world["a"])
    body = api.get("/api/v1/audit", token=scoped, params={"limit": 500}).json()
    assert all(e["kind"] == "event" and world["a"] in e["unit_ids"] for e in body["items"])
    r = api.get("/api/v1/audit", token=scoped, params={"unit": world["b"]})
    assert r.status_code == 200 and r.json()["items"] == []


def test_departments_receive_their_events_on_departments_outbound(api, platform):
    conn = amqp.Connection(**connection_args(platform["AMQP_URI"]))
    conn.connect()
    try:
        ch = conn.channel()
        ch.exchange_declare("departments.outbound", "topic", durable=True, auto_delete=False)
        queue, _, _ = ch.queue_declare("", exclusive=True)
        ch.queue_bind(queue, "departments.outbound", "agriculture.org.#")
        coop = kit.cooperative(api)

        def received():
            while True:
                msg = ch.basic_get(queue, no_ack=True)
                if msg is None:
                    return None
                body = json.loads(msg.body)
                if body["stream_id"] == f"cooperative-{coop['id']}":
                    return msg, body

        msg, body = wait_until(received, timeout=30, message="the event on departments.outbound")
        assert msg.delivery_info["routing_key"] == "agriculture.org.cooperative_registered"
        assert msg.properties["message_id"] == f"{body['event_id']}.agriculture"
        assert msg.properties["type"] == "CooperativeRegistered"
        assert body["source"] == "org" and body["data"]["uscc"] == coop["uscc"]
    finally:
        conn.close()
