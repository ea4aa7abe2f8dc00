"""Activities through the gateway: plan, edit, hold, cancel, RSVP, check-in, stats, scope,
errors (problem+json, nothing stored), and the tracked view of org under duplicated and
reordered org events."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from random import Random

import amqp
import pytest

from eventkit import config, db
from eventkit.amqp_uri import connection_args
from tests.conftest import wait_until
from tests.e2e.test_activities_kit import (
    activity_body,
    at,
    build_county,
    caught_up,
    local_today,
    problem,
    sync,
)
from tests.e2e.test_org_kit import create_unit, register


@pytest.fixture
def county(api):
    return build_county(api)


def test_plan_get_edit_list(api, county):
    r = api.post("/api/v1/activities", activity_body([county["b1"]],
                                                     co_organizer_unit_ids=[county["b2"]]))
    assert r.status_code == 201, r.text
    activity = r.json()
    assert r.headers["Location"] == f"/api/v1/activities/{activity['id']}"
    assert activity["status"] == "planned" and activity["version"] == 1
    assert activity["starts_at"] == "2024-03-10T09:00:00+08:00"
    assert activity["budget_fen"] == 150000
    assert api.get(f"/api/v1/activities/{activity['id']}").json() == activity
    r = api.patch(f"/api/v1/activities/{activity['id']}",
                  {"title": "Grafting class", "starts_at": "2024-03-10T01:30:00Z"})
    assert r.status_code == 200, r.text
    edited = r.json()
    assert edited["title"] == "Grafting class" and edited["version"] == 2
    assert edited["starts_at"] == "2024-03-10T09:30:00+08:00"  # shown in county time
    listed = api.get(f"/api/v1/activities?unit_id={county['b2']}&status=planned").json()
    assert [a["id"] for a in listed["items"]] == [activity["id"]]
    assert api.get(f"/api/v1/activities?unit_id={county['direct']}").json()["items"] == []


def test_a_member_unit_co_organizes(api, county):
    r = api.post(f"/api/v1/committees/{county['wc']}/member-units",
                 {"name": f"Agriculture bureau {uuid.uuid4().hex[:4]}",
                  "department_type": "agriculture"})
    assert r.status_code in (200, 201), r.text
    bureau = [u["id"] for u in r.json()["member_units"]][-1]
    sync(api)
    r = api.post("/api/v1/activities", activity_body([county["b1"]],
                                                     co_organizer_unit_ids=[bureau]))
    assert r.status_code == 201, r.text
    assert r.json()["co_organizer_unit_ids"] == [bureau]
    body = problem(api.post("/api/v1/activities", activity_body([bureau])), 422)
    assert "organizer_unit_ids" in body["errors"]


def test_bad_input_is_422_and_nothing_is_stored(api, county):
    before = api.get(f"/api/v1/activities?unit_id={county['b1']}").json()["items"]
    body = problem(api.post("/api/v1/activities", activity_body(
        [county["b1"]], ends_at="2024-03-10T08:00:00+08:00")), 422)
    assert "ends_at" in body["errors"]
    body = problem(api.post("/api/v1/activities", activity_body([county["b1"]], kind="party")),
                   422)
    assert "kind" in body["errors"]
    body = problem(api.post("/api/v1/activities", activity_body([county["b1"]], extra=1)), 422)
    assert "extra" in body["errors"]
    body = problem(api.post("/api/v1/activities", activity_body(
        [county["b1"]], starts_at="2024-03-10T09:00:00")), 422)  # no offset
    assert "starts_at" in body["errors"]
    body = problem(api.post("/api/v1/activities", activity_body([county["b1"], "no-such-unit"])),
                   422)
    assert body["unknown_unit_ids"] == ["no-such-unit"]
    assert api.get(f"/api/v1/activities?unit_id={county['b1']}").json()["items"] == before
    problem(api.get("/api/v1/activities/nope"), 404)
    problem(api.patch("/api/v1/activities/nope", {"title": "x"}), 404)


def test_hold_validates_attendance_against_known_active_members(api, county):
    activity = api.post("/api/v1/activities", activity_body([county["b1"]])).json()
    path = f"/api/v1/activities/{activity['id']}"
    # a member of a unit since dissolved (left, then the unit dissolved) and an unknown id
    gone = create_unit(api, county["wc"], "branch", on="2024-01-20")
    leaver = register(api, gone["id"])["id"]
    assert api.post(f"/api/v1/members/{leaver}/leave", {"reason": "moved away"}).status_code == 200
    r = api.post(f"/api/v1/units/{gone['id']}/dissolve", {"reason": "no members left"})
    assert r.status_code == 200, r.text
    sync(api)
    today = local_today().isoformat()
    hold = {"held_on": today, "summary": "Went well", "outcome_figures": {"trained": 3},
            "attendee_member_ids": [county["members"][0], leaver, "ghost"]}
    body = problem(api.post(f"{path}/hold", hold), 422)
    assert body["unknown_member_ids"] == sorted([leaver, "ghost"])
    assert "attendee_member_ids" in body["errors"]
    unchanged = api.get(path).json()
    assert unchanged["status"] == "planned" and unchanged["version"] == activity["version"]
    problem(api.post(f"{path}/hold", dict(hold, held_on="2999-01-01",
                                          attendee_member_ids=county["members"])), 422)
    r = api.post(f"{path}/hold", dict(hold, attendee_member_ids=county["members"]))
    assert r.status_code == 200, r.text
    held = r.json()
    assert held["status"] == "held" and held["attendance"] == 3 and held["held_on"] == today
    assert held["outcome_figures"] == {"trained": 3}
    problem(api.post(f"{path}/hold", dict(hold, attendee_member_ids=county["members"])), 409)
    problem(api.post(f"{path}/cancel", {"reason": "rain"}), 409)
    problem(api.patch(path, {"title": "late edit"}), 409)


def test_cancel(api, county):
    activity = api.post("/api/v1/activities", activity_body([county["b2"]])).json()
    path = f"/api/v1/activities/{activity['id']}"
    problem(api.post(f"{path}/cancel", {}), 422)
    r = api.post(f"{path}/cancel", {"reason": "heavy rain"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert r.json()["cancel_reason"] == "heavy rain"
    problem(api.post(f"{path}/cancel", {"reason": "again"}), 409)


def test_registrations_and_check_ins(api, county):
    later = local_today() + dt.timedelta(days=10)
    future = api.post("/api/v1/activities", activity_body(
        [county["b1"]], starts_at=at(later, 9), ends_at=at(later, 12))).json()
    path = f"/api/v1/activities/{future['id']}"
    member = county["members"][0]
    r = api.post(f"{path}/registrations", {"member_id": member})
    assert r.status_code == 201, r.text
    assert r.json()["registered_member_ids"] == [member]
    assert r.headers["Location"] == f"{path}/registrations/{member}"
    problem(api.post(f"{path}/registrations", {"member_id": member}), 409)
    problem(api.post(f"{path}/registrations", {"member_id": "ghost"}), 422)
    problem(api.post(f"{path}/check-ins", {"member_id": member}), 409)  # not the day yet
    r = api.delete(f"{path}/registrations/{member}")
    assert r.status_code == 200 and r.json()["registered_member_ids"] == []
    problem(api.delete(f"{path}/registrations/{member}"), 404)

    today = local_today()
    now_event = api.post("/api/v1/activities", activity_body(
        [county["b1"]], starts_at=at(today, 0), ends_at=at(today, 23))).json()
    path = f"/api/v1/activities/{now_event['id']}"
    problem(api.post(f"{path}/registrations", {"member_id": member}), 409)  # started
    r = api.post(f"{path}/check-ins", {"member_id": member})
    assert r.status_code == 201, r.text
    assert r.json()["checked_in_member_ids"] == [member]
    problem(api.post(f"{path}/check-ins", {"member_id": member}), 409)
    problem(api.post(f"{path}/check-ins", {"member_id": "ghost"}), 422)


def test_unit_scope_and_permissions(api, county):
    mine = api.post("/api/v1/activities", activity_body([county["b2"]])).json()
    theirs = api.post("/api/v1/activities", activity_body([county["b1"]])).json()
    scoped = api.token("league_committee", "editor", unit=county["b2"], sub="b2-secretary")
    problem(api.get(f"/api/v1/activities/{theirs['id']}", token=scoped), 404)
    assert api.get(f"/api/v1/activities/{mine['id']}", token=scoped).status_code == 200
    listed = api.get("/api/v1/activities?limit=500", token=scoped).json()["items"]
    assert mine["id"] in [a["id"] for a in listed]
    assert all(county["b2"] in a["organizer_unit_ids"] + a["co_organizer_unit_ids"]
               for a in listed)
    problem(api.post(f"/api/v1/activities/{theirs['id']}/cancel", {"reason": "x"},
                     token=scoped), 404)
    assert api.get(f"/api/v1/activities/{theirs['id']}").json()["status"] == "planned"
    body = problem(api.post("/api/v1/activities", activity_body([county["b1"]]), token=scoped),
                   422)
    assert body["unknown_unit_ids"] == [county["b1"]]
    viewer = api.token("tax", "viewer")
    assert api.get(f"/api/v1/activities/{mine['id']}", token=viewer).status_code == 200
    problem(api.post("/api/v1/activities", activity_body([county["b2"]]), token=viewer), 403)
    problem(api.get("/api/v1/activities", token=""), 401)


def test_idempotency_key_replays_the_plan(api, county):
    key = uuid.uuid4().hex
    body = activity_body([county["b1"]])
    first = api.post("/api/v1/activities", body, headers={"Idempotency-Key": key})
    again = api.post("/api/v1/activities", body, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    listed = api.get(f"/api/v1/activities?unit_id={county['b1']}").json()["items"]
    assert len(listed) == 1


def test_statistics_per_unit_kind_month(api, county):
    for kind, day, people in (("skills_training", "2024-03-10", 3), ("volunteering",
                                                                      "2024-04-02", 2)):
        a = api.post("/api/v1/activities", activity_body(
            [county["b1"]], kind=kind, starts_at=f"{day}T09:00:00+08:00",
            ends_at=f"{day}T10:00:00+08:00")).json()
        r = api.post(f"/api/v1/activities/{a['id']}/hold", {
            "held_on": day, "summary": "ok", "attendee_member_ids": county["members"][:people]})
        assert r.status_code == 200, r.text
    stats = api.get(f"/api/v1/activities/stats?year=2024&unit_id={county['b1']}").json()
    assert stats["from"] == "2024-01-01" and stats["to"] == "2024-12-31"
    assert stats["totals"] == {"held": 2, "participants": 5, "reached": 3}
    assert stats["by_unit"][county["b1"]] == {"held": 2, "participants": 5, "reached": 3}
    assert stats["by_kind"]["volunteering"] == {"held": 1, "participants": 2, "reached": 2}
    # the seed's lines of work: training is entrepreneurship, volunteering public welfare
    assert stats["by_line"] == {
        "culture_public_welfare": {"held": 1, "participants": 2, "reached": 2},
        "entrepreneurship": {"held": 1, "participants": 3, "reached": 3}}
    assert set(stats["by_month"]) == {"2024-03", "2024-04"}
    march = api.get(f"/api/v1/activities/stats?from=2024-03-01&to=2024-03-31"
                    f"&unit_id={county['b1']}").json()
    assert march["totals"]["held"] == 1
    problem(api.get("/api/v1/activities/stats?from=2024-04-01&to=2024-03-01"), 422)


def _org_events(committee_units: set[str]) -> list[dict]:
    conn = db.connect(config.dsn("org"), "org")
    with conn.cursor() as cur:
        cur.execute("SELECT position, event_id, stream_id, version, type, schema_version,"
                    " occurred_at, data, metadata FROM events ORDER BY position")
        rows = cur.fetchall()
    conn.close()
    keys = ("position", "event_id", "stream_id", "version", "type", "schema_version",
            "occurred_at", "data", "metadata")
    envs = [dict(zip(keys, r, strict=True)) for r in rows]
    for env in envs:
        env["event_id"] = str(env["event_id"])
        env["occurred_at"] = env["occurred_at"].isoformat()
    return [e for e in envs if e["stream_id"].split("-", 1)[1] in committee_units
            or e["data"].get("unit_id") in committee_units]


def test_duplicated_and_reordered_org_events_leave_the_same_view(api, county):
    # changes that move facts around: rename, move b2 out of the fruit committee
    r = api.post(f"/api/v1/units/{county['b1']}/rename", {"name": "Apple branch"})
    assert r.status_code == 200, r.text
    r = api.post(f"/api/v1/units/{county['b2']}/move", {"parent_id": county["wc"]})
    assert r.status_code == 200, r.text
    sync(api)

    def view():
        report = api.get("/api/v1/meetings/compliance?period=2024-03").json()
        ours = {county[k] for k in ("wc", "fruit", "b1", "b2", "direct")}
        return sorted((u["unit_id"], u["name"], u["professional_committee_id"], u["township"])
                      for u in report["units"] if u["unit_id"] in ours)

    before = view()
    assert (county["b1"], "Apple branch", county["fruit"], "Dazhuang") in before
    assert (county["b2"], before[[u[0] for u in before].index(county["b2"])][1], None,
            None) in before
    units = {county[k] for k in ("wc", "fruit", "b1", "b2", "direct")}
    events = _org_events(units)
    assert len(events) >= 8
    rng = Random(4)  # a fixed shuffle: the same disorder every run
    messages = events + rng.sample(events, len(events))
    rng.shuffle(messages)
    conn = amqp.Connection(**connection_args(config.amqp_uri()))
    conn.connect()
    ch = conn.channel()
    for env in messages:
        ch.basic_publish(amqp.Message(json.dumps(env), content_type="application/json"),
                         exchange="org.events", routing_key=env["type"])
    conn.close()
    wait_until(lambda: caught_up(api), timeout=30, message="activities caught up")
    assert view() == before
