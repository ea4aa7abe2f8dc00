"""Meetings through the gateway: record, amend, retract, compliance per period (months and
quarters, counts by professional committee and township), a unit's history, the unit's
iCalendar feed, scope and errors."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.test_activities_kit import (
    activity_body,
    at,
    build_county,
    local_today,
    problem,
    sync,
)
from tests.e2e.test_org_kit import create_unit


@pytest.fixture
def county(api):
    county = build_county(api)
    gone = create_unit(api, county["wc"], "branch", on="2024-01-20")
    r = api.post(f"/api/v1/units/{gone['id']}/dissolve", {"reason": "merged into b1 informally",
                                                          "on": "2024-03-01"})
    assert r.status_code == 200, r.text
    county["gone"] = gone["id"]
    sync(api)
    return county


def meeting(county, **overrides):
    body = {"meeting_type": "branch_monthly_youth_exchange", "unit_id": county["b1"],
            "held_on": "2024-03-05", "attendee_member_ids": county["members"][:2],
            "absentees": [{"member_id": county["members"][2], "reason": "harvest"}],
            "topics": ["apple prices"], "resolutions": ["share a truck"],
            "minutes": "Met in the packing shed."}
    body.update(overrides)
    return body


def units_of(report, county):
    ours = {county[k] for k in ("wc", "fruit", "b1", "b2", "direct", "gone")}
    return {u["unit_id"]: u for u in report["units"] if u["unit_id"] in ours}


def test_record_amend_list_retract(api, county):
    r = api.post("/api/v1/meetings", meeting(county))
    assert r.status_code == 201, r.text
    m = r.json()
    assert r.headers["Location"] == f"/api/v1/meetings/{m['id']}"
    assert m["held_on"] == "2024-03-05" and m["status"] == "recorded"
    assert m["absentees"] == [{"member_id": county["members"][2], "reason": "harvest"}]
    r = api.patch(f"/api/v1/meetings/{m['id']}", {"minutes": "Corrected minutes.",
                                                   "resolutions": ["rent a truck"]})
    assert r.status_code == 200 and r.json()["resolutions"] == ["rent a truck"]
    listed = api.get(f"/api/v1/meetings?unit_id={county['b1']}&from=2024-03-01&to=2024-03-31")
    assert [x["id"] for x in listed.json()["items"]] == [m["id"]]
    at_night = api.post("/api/v1/meetings", meeting(
        county, held_on=None, held_at="2024-03-31T23:30:00+08:00")).json()
    assert at_night["held_on"] == "2024-03-31"  # the county-local day, not UTC's
    assert at_night["held_at"] == "2024-03-31T23:30:00+08:00"
    r = api.post(f"/api/v1/meetings/{m['id']}/retract", {"reason": "duplicate record"})
    assert r.status_code == 200 and r.json()["status"] == "retracted"
    problem(api.post(f"/api/v1/meetings/{m['id']}/retract", {"reason": "again"}), 409)
    problem(api.patch(f"/api/v1/meetings/{m['id']}", {"minutes": "x"}), 409)
    problem(api.get("/api/v1/meetings/nope"), 404)


def test_meeting_errors_store_nothing(api, county):
    before = api.get(f"/api/v1/meetings?unit_id={county['b1']}").json()["items"]
    body = problem(api.post("/api/v1/meetings", meeting(county, unit_id="nope")), 422)
    assert "unit_id" in body["errors"]
    body = problem(api.post("/api/v1/meetings", meeting(county, attendee_member_ids=["ghost"])),
                   422)
    assert body["unknown_member_ids"] == ["ghost"]
    problem(api.post("/api/v1/meetings", meeting(county, held_at="2024-03-05T10:00:00+08:00")),
            422)  # both held_on and held_at
    problem(api.post("/api/v1/meetings", meeting(county, held_on=None)), 422)  # neither
    body = problem(api.post("/api/v1/meetings", meeting(
        county, meeting_type="pro_committee_quarterly_suggestion")), 422)
    assert "meeting_type" in body["errors"]  # a branch does not hold it
    problem(api.post("/api/v1/meetings", meeting(county, held_on="2999-01-01")), 422)
    problem(api.post("/api/v1/meetings", meeting(county, held_on="2024-02-01")), 409)  # not yet
    problem(api.post("/api/v1/meetings", meeting(county, attendee_member_ids=[])), 422)
    assert api.get(f"/api/v1/meetings?unit_id={county['b1']}").json()["items"] == before
    problem(api.get("/api/v1/meetings/compliance?period=2024-13"), 422)
    problem(api.get("/api/v1/meetings/compliance"), 422)


def test_compliance_month_and_quarter(api, county):
    assert api.post("/api/v1/meetings", meeting(county)).status_code == 201
    r = api.post("/api/v1/meetings", {
        "meeting_type": "pro_committee_monthly_industry_info", "unit_id": county["fruit"],
        "held_on": "2024-03-20", "attendee_member_ids": county["members"][:1]})
    assert r.status_code == 201, r.text
    r = api.get("/api/v1/meetings/compliance?period=2024-03")
    assert r.status_code == 200, r.text
    report = r.json()
    assert (report["period"], report["period_start"], report["period_end"]) == (
        "2024-03", "2024-03-01", "2024-03-31")
    units = units_of(report, county)
    assert units[county["b1"]]["duties"][0]["status"] == "held"
    assert units[county["b2"]]["duties"][0]["status"] == "overdue"
    assert county["gone"] not in units  # dissolved on March 1st: owes nothing for March
    fruit = {d["meeting_type"]: (d["window"], d["status"])
             for d in units[county["fruit"]]["duties"]}
    # created January 10th: its first quarter is Q2 (issue 12), its first month February
    assert fruit == {"pro_committee_monthly_industry_info": ("2024-03", "held")}
    wc = {d["meeting_type"] for d in units[county["wc"]]["duties"]}
    assert wc == {"working_committee_regular", "training_new_tech_class"}
    assert county["b2"] in report["overdue_unit_ids"]
    assert county["b1"] not in report["overdue_unit_ids"]
    by_committee = report["by_professional_committee"][county["fruit"]]
    assert by_committee["units"] == 3 and by_committee["held"] == 2
    assert report["by_township"]["Dazhuang"]["held"] >= 1

    quarter = api.get("/api/v1/meetings/compliance?period=2024-Q1").json()
    units = units_of(quarter, county)
    b1 = [(d["window"], d["status"]) for d in units[county["b1"]]["duties"]]
    assert b1 == [("2024-03", "held")]  # created Feb 15th: owes from March (issue 12)
    gone = [(d["window"], d["status"]) for d in units[county["gone"]]["duties"]]
    assert gone == [("2024-02", "overdue")]  # created Jan 20th, dissolved March 1st

    history = api.get(f"/api/v1/units/{county['b1']}/meeting-duties?from=2024-01&to=2024-04")
    assert history.status_code == 200, history.text
    body = history.json()
    assert [p["period"] for p in body["periods"]] == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert body["periods"][0]["duties"] == [] and body["periods"][1]["duties"] == []
    assert body["totals"]["held"] == 1 and body["totals"]["overdue"] == 1
    problem(api.get("/api/v1/units/nope/meeting-duties"), 404)
    problem(api.get(f"/api/v1/units/{county['b1']}/meeting-duties?from=2024-05&to=2024-01"),
            422)


def test_compliance_scope_and_permissions(api, county):
    scoped = api.token("league_committee", "viewer", unit=county["fruit"], sub="fruit-viewer")
    report = api.get("/api/v1/meetings/compliance?period=2024-03", token=scoped).json()
    assert {u["unit_id"] for u in report["units"]} == {county["fruit"], county["b1"],
                                                       county["b2"]}
    m = api.post("/api/v1/meetings", meeting(county, unit_id=county["direct"],
                                             attendee_member_ids=[county["other"]])).json()
    problem(api.get(f"/api/v1/meetings/{m['id']}", token=scoped), 404)
    problem(api.get(f"/api/v1/units/{county['direct']}/meeting-duties", token=scoped), 404)
    problem(api.get("/api/v1/meetings/compliance?period=2024-03",
                    token=api.token("tax", "viewer")), 403)
    problem(api.post("/api/v1/meetings", meeting(county),
                     token=api.token("organization", "viewer")), 403)


def test_unit_calendar_is_icalendar(api, county):
    day = local_today() + dt.timedelta(days=3)
    planned = api.post("/api/v1/activities", activity_body(
        [county["b1"]], title="Orchard visit, pruning; grafting",
        starts_at=at(day, 9), ends_at=at(day, 11))).json()
    r = api.get(f"/api/v1/units/{county['b1']}/calendar.ics")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/calendar")
    text = r.content.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\nPRODID:") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert f"UID:activity-{planned['id']}@coopleague" in unfolded
    assert "SUMMARY:Orchard visit\\, pruning\\; grafting" in unfolded
    assert f"DTSTART;TZID=Asia/Shanghai:{day:%Y%m%d}T090000" in unfolded
    assert "BEGIN:VTIMEZONE" in unfolded
    assert "团支部青年社员沟通交流会" in unfolded  # the monthly meeting it owes
    problem(api.get("/api/v1/units/nope/calendar.ics"), 404)
    scoped = api.token("league_committee", "viewer", unit=county["b2"], sub="b2-viewer")
    problem(api.get(f"/api/v1/units/{county['b1']}/calendar.ics", token=scoped), 404)
    problem(api.get(f"/api/v1/units/{county['b1']}/calendar.ics", token=""), 401)


def test_a_phone_subscribes_to_the_calendar_with_a_feed_token_not_a_bearer_token(api, county):
    """Calendar apps cannot send headers: the feed takes a calendar feed token of its unit
    (read-only, calendar-only, revocable); a bearer token in the URL is refused everywhere."""
    viewer = api.token("league_committee", "viewer", unit=county["b1"], sub="b1-phone")
    path = f"/api/v1/units/{county['b1']}/calendar.ics"
    problem(api.get(path, token="", params={"access_token": viewer}), 422)
    created = api.post(f"/api/v1/units/{county['b1']}/calendar-tokens", token=viewer)
    assert created.status_code == 201, created.text
    feed_token = created.json()["token"]
    assert created.json()["url"].endswith(f"calendar.ics?feed_token={feed_token}")
    r = api.get(path, token="", params={"feed_token": feed_token})
    assert r.status_code == 200, r.text
    assert r.content.startswith(b"BEGIN:VCALENDAR")
    problem(api.get(path, token="", params={"feed_token": "cal_not-a-token"}), 401)
    # calendar-only: another unit's calendar, another route, a write: all refused
    problem(api.get(f"/api/v1/units/{county['b2']}/calendar.ics", token="",
                    params={"feed_token": feed_token}), 401)
    problem(api.get(f"/api/v1/units/{county['b1']}", token="",
                    params={"feed_token": feed_token}), 401)
    problem(api.get(f"/api/v1/units/{county['b1']}", token=feed_token), 401)
    # a token of another person for a unit outside the scope: 404, as for the bearer token
    other = api.token("league_committee", "viewer", unit=county["b2"], sub="b2-phone")
    problem(api.post(f"/api/v1/units/{county['b1']}/calendar-tokens", token=other), 404)
    # per person: listed for its owner only; revocable, and then refused
    mine = api.get("/api/v1/calendar-tokens", token=viewer).json()["items"]
    assert created.json()["id"] in [t["id"] for t in mine] and "token" not in mine[0]
    problem(api.delete(f"/api/v1/calendar-tokens/{created.json()['id']}", token=other), 404)
    revoked = api.delete(f"/api/v1/calendar-tokens/{created.json()['id']}", token=viewer)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    problem(api.get(path, token="", params={"feed_token": feed_token}), 401)
