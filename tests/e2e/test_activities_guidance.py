"""Direct guidance through the gateway: unified activities, the work menu, supervision visits
and WeChat groups, with their errors and scope."""

from __future__ import annotations

import pytest
import requests
from marshmallow import Schema, fields

from services.activities.contract import schemas as s
from tests.e2e.test_activities_kit import activity_body, build_county, problem


@pytest.fixture
def county(api):
    return build_county(api)


def unified_body(units, **overrides):
    body = {"title": "May Fourth theme League day", "kind": "theme_league_day",
            "description": "Every branch holds one", "unit_ids": units,
            "window_start": "2024-04-20", "window_end": "2024-05-10"}
    body.update(overrides)
    return body


def test_unified_activity_and_completion(api, county):
    r = api.post("/api/v1/unified-activities", unified_body([county["b1"], county["b2"]]))
    assert r.status_code == 201, r.text
    ua = r.json()
    path = f"/api/v1/unified-activities/{ua['id']}"
    assert r.headers["Location"] == path
    assert ua["completion"] == {"owed": 2, "held": 0, "rate": 0.0}
    # b1 carries out its part with its own activity
    act = api.post("/api/v1/activities", activity_body(
        [county["b1"]], kind="theme_league_day", unified_activity_id=ua["id"],
        starts_at="2024-05-04T09:00:00+08:00", ends_at="2024-05-04T11:00:00+08:00")).json()
    problem(api.post("/api/v1/activities", activity_body([county["direct"]],
                                                         unified_activity_id=ua["id"])), 409)
    problem(api.post("/api/v1/activities", activity_body([county["b1"]],
                                                         unified_activity_id="nope")), 422)
    r = api.post(f"/api/v1/activities/{act['id']}/hold", {
        "held_on": "2024-05-04", "summary": "ok", "attendee_member_ids": county["members"]})
    assert r.status_code == 200, r.text
    r = api.post(f"{path}/units", {"unit_ids": [county["direct"]]})
    assert r.status_code == 200, r.text
    problem(api.post(f"{path}/units", {"unit_ids": [county["direct"]]}), 409)
    problem(api.post(f"{path}/units", {"unit_ids": ["ghost-unit"]}), 422)
    r = api.post(f"{path}/units/{county['direct']}/excuse", {"reason": "being merged"})
    assert r.status_code == 200, r.text
    problem(api.post(f"{path}/units/ghost/excuse", {"reason": "x"}), 404)
    ua = api.get(path).json()
    parts = {p["unit_id"]: p for p in ua["parts"]}
    assert parts[county["b1"]]["status"] == "held"
    assert parts[county["b1"]]["activity_ids"] == [act["id"]]
    assert parts[county["direct"]]["status"] == "excused"
    assert ua["completion"] == {"owed": 2, "held": 1, "rate": 0.5}
    completion = api.get("/api/v1/unified-activities/completion?year=2024").json()
    assert completion["by_unit"][county["b1"]] == {"owed": 1, "held": 1, "rate": 1.0}
    assert completion["by_unit"][county["b2"]] == {"owed": 1, "held": 0, "rate": 0.0}
    scoped = api.token("league_committee", "editor", unit=county["b2"], sub="b2-sec")
    mine = api.get(path, token=scoped).json()
    assert [p["unit_id"] for p in mine["parts"]] == [county["b2"]]
    problem(api.post(f"{path}/close", token=scoped), 403)
    listed = api.get(f"/api/v1/unified-activities?unit_id={county['b1']}").json()["items"]
    assert [u["id"] for u in listed] == [ua["id"]]
    r = api.post(f"{path}/close")
    assert r.status_code == 200 and r.json()["status"] == "closed"
    problem(api.post(f"{path}/close"), 409)
    problem(api.post("/api/v1/unified-activities", unified_body(
        [county["b1"]], window_end="2024-04-01")), 422)
    problem(api.get("/api/v1/unified-activities/nope"), 404)


def test_work_menu_adoption_report(api, county):
    r = api.post("/api/v1/work-menus", {"year": 2024, "title": "2024 work menu"})
    assert r.status_code == 201, r.text
    menu = r.json()
    path = f"/api/v1/work-menus/{menu['id']}"
    problem(api.post(f"{path}/publish"), 409)  # no items yet
    r = api.post(f"{path}/items", {"title": "Spring pruning class", "kind": "skills_training",
                                   "suggested_months": [3, 4]})
    assert r.status_code == 201, r.text
    item = r.json()["items"][0]["item_id"]
    extra = api.post(f"{path}/items", {"title": "Film night", "kind": "sports_culture"}).json()
    film = [i["item_id"] for i in extra["items"] if i["title"] == "Film night"][0]
    problem(api.post(f"{path}/items", {"title": "x", "kind": "nope"}), 422)
    problem(api.post(f"{path}/adoptions", {"unit_id": county["b1"], "item_id": item}), 409)
    assert api.post(f"{path}/publish").json()["status"] == "published"
    r = api.post(f"{path}/items/{film}/withdraw", {"reason": "no projector"})
    assert r.status_code == 200, r.text
    problem(api.post(f"{path}/items/ghost/withdraw", {"reason": "x"}), 404)
    r = api.post(f"{path}/adoptions", {"unit_id": county["b1"], "item_id": item})
    assert r.status_code == 201, r.text
    problem(api.post(f"{path}/adoptions", {"unit_id": county["b1"], "item_id": item}), 409)
    problem(api.post(f"{path}/adoptions", {"unit_id": county["b2"], "item_id": film}), 409)
    problem(api.post(f"{path}/adoptions", {"unit_id": "ghost", "item_id": item}), 422)
    assert api.post(f"{path}/adoptions", {"unit_id": county["b2"],
                                          "item_id": item}).status_code == 201
    r = api.post(f"{path}/adoptions/{county['b2']}/{item}/drop", {"reason": "no trainer"})
    assert r.status_code == 200, r.text
    problem(api.post(f"{path}/adoptions/{county['b2']}/{item}/drop", {"reason": "x"}), 404)
    act = api.post("/api/v1/activities", activity_body([county["b1"]],
                                                       work_menu_item_id=item)).json()
    assert act["work_menu_item_id"] == item
    problem(api.post("/api/v1/activities", activity_body([county["b1"]],
                                                         work_menu_item_id=film)), 422)
    api.post(f"/api/v1/activities/{act['id']}/hold", {
        "held_on": "2024-03-10", "summary": "ok", "attendee_member_ids": county["members"]})
    report = api.get(f"{path}/adoption-report").json()
    rows = {i["item_id"]: i for i in report["items"]}
    assert rows[item]["adopted_by"] == [county["b1"]]
    assert rows[item]["delivered_by"] == [county["b1"]]
    assert rows[film]["withdrawn"] is True
    assert county["b1"] in report["units_adopting"]
    assert county["b2"] in report["units_not_adopting"]
    scoped = api.token("league_committee", "editor", unit=county["b2"], sub="b2-sec")
    problem(api.post("/api/v1/work-menus", {"year": 2024, "title": "mine"}, token=scoped), 403)
    mine = api.get(path, token=scoped).json()
    assert mine["adoptions"] == []  # b1's adoption is outside b2's scope
    listed = api.get("/api/v1/work-menus?year=2024&limit=500").json()["items"]
    assert menu["id"] in [m["id"] for m in listed]
    problem(api.post("/api/v1/work-menus", {"year": 1999, "title": "old"}), 422)
    problem(api.get("/api/v1/work-menus/nope/adoption-report"), 404)


def test_supervision_visits_and_follow_up_closure(api, county):
    r = api.post("/api/v1/supervision-visits", {
        "visitor": "Secretary Zhang", "unit_id": county["b1"], "visited_on": "2024-03-12",
        "findings": ["minutes incomplete", "no WeChat group"],
        "actions": [{"description": "complete the minutes", "due_on": "2024-04-01"},
                    {"description": "open a WeChat group"}]})
    assert r.status_code == 201, r.text
    visit = r.json()
    path = f"/api/v1/supervision-visits/{visit['id']}"
    assert visit["open_actions"] == 2 and visit["fully_closed"] is False
    overdue = [a for a in visit["actions"] if a["due_on"] == "2024-04-01"][0]
    assert overdue["overdue"] is True
    r = api.post(f"{path}/actions", {"description": "report back", "due_on": "2024-03-01"})
    assert r.status_code == 422  # due before the visit
    r = api.post(f"{path}/actions", {"description": "report back"})
    assert r.status_code == 201 and r.json()["open_actions"] == 3
    for action in api.get(path).json()["actions"]:
        r = api.post(f"{path}/actions/{action['action_id']}/close",
                     {"note": "done", "closed_on": "2024-03-20"})
        assert r.status_code == 200, r.text
    closed = api.get(path).json()
    assert closed["fully_closed"] is True and closed["open_actions"] == 0
    first = closed["actions"][0]["action_id"]
    problem(api.post(f"{path}/actions/{first}/close", {"note": "again"}), 409)
    problem(api.post(f"{path}/actions/ghost/close", {"note": "x"}), 404)
    open_list = api.get(f"/api/v1/supervision-visits?unit_id={county['b1']}&open=true").json()
    assert open_list["items"] == []
    done_list = api.get(f"/api/v1/supervision-visits?unit_id={county['b1']}&open=false").json()
    assert [v["id"] for v in done_list["items"]] == [visit["id"]]
    problem(api.post("/api/v1/supervision-visits", {
        "visitor": "Zhang", "unit_id": "ghost", "visited_on": "2024-03-12"}), 422)
    problem(api.post("/api/v1/supervision-visits", {
        "visitor": "Zhang", "unit_id": county["b1"], "visited_on": "2999-03-12"}), 422)
    scoped = api.token("league_committee", "editor", unit=county["b2"], sub="b2-sec")
    problem(api.get(path, token=scoped), 404)


def test_wechat_groups(api, county):
    r = api.post("/api/v1/wechat-groups", {"unit_id": county["b1"], "name": "Apple youth",
                                           "admin_name": "Li Na", "member_count": 40,
                                           "as_of": "2024-03-01"})
    assert r.status_code == 201, r.text
    group = r.json()
    path = f"/api/v1/wechat-groups/{group['id']}"
    r = api.patch(path, {"name": "Apple youth 2", "admin_name": "Wang",
                         "admin_member_id": county["members"][0]})
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["admin_name"]) == ("Apple youth 2", "Wang")
    problem(api.patch(path, {}), 422)
    problem(api.patch(path, {"name": "Apple youth 2"}), 422)  # already its name
    r = api.post(f"{path}/member-count", {"member_count": 55, "as_of": "2024-04-01"})
    assert r.status_code == 200 and r.json()["member_count"] == 55
    problem(api.post(f"{path}/member-count", {"member_count": 50, "as_of": "2024-03-15"}), 409)
    problem(api.post(f"{path}/member-count", {"member_count": -1}), 422)
    listed = api.get(f"/api/v1/wechat-groups?unit_id={county['b1']}").json()["items"]
    assert [g["id"] for g in listed] == [group["id"]]
    r = api.post(f"{path}/close", {"reason": "moved to a new group"})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    problem(api.post(f"{path}/close", {"reason": "again"}), 409)
    problem(api.post("/api/v1/wechat-groups", {"unit_id": "ghost", "name": "x",
                                               "admin_name": "y", "member_count": 1}), 422)
    scoped = api.token("league_committee", "editor", unit=county["b2"], sub="b2-sec")
    problem(api.get(path, token=scoped), 404)
    visible = api.get("/api/v1/wechat-groups?limit=500", token=scoped).json()["items"]
    assert all(g["unit_id"] == county["b2"] for g in visible)


def test_answers_match_the_documented_schemas(api, county):
    """What the routes return is what the OpenAPI document says (marshmallow validation of
    the response schemas, unknown fields included)."""
    def page(out):
        return type("Page", (Schema,), {"items": fields.List(fields.Nested(out), required=True),
                                        "next_cursor": fields.Str(allow_none=True,
                                                                  required=True)})

    act = api.post("/api/v1/activities", activity_body([county["b1"]])).json()
    api.post(f"/api/v1/activities/{act['id']}/hold", {
        "held_on": "2024-03-10", "summary": "ok", "attendee_member_ids": county["members"]})
    api.post("/api/v1/unified-activities", unified_body([county["b1"]]))
    menu = api.post("/api/v1/work-menus", {"year": 2024, "title": "m"}).json()
    api.post("/api/v1/supervision-visits", {"visitor": "Zhang", "unit_id": county["b1"],
                                            "visited_on": "2024-03-12",
                                            "actions": [{"description": "x"}]})
    api.post("/api/v1/wechat-groups", {"unit_id": county["b1"], "name": "g", "admin_name": "a",
                                       "member_count": 3})
    api.post("/api/v1/meetings", {"meeting_type": "branch_monthly_youth_exchange",
                                  "unit_id": county["b1"], "held_on": "2024-03-05",
                                  "attendee_member_ids": county["members"][:1]})
    b1 = county["b1"]
    checks = [
        (f"/activities?unit_id={b1}", page(s.ActivityOut)),
        (f"/activities/{act['id']}", s.ActivityOut),
        (f"/activities/stats?unit_id={b1}&year=2024", s.ActivityStatsOut),
        (f"/unified-activities?unit_id={b1}", page(s.UnifiedActivityOut)),
        ("/unified-activities/completion?year=2024", s.UnifiedCompletionOut),
        (f"/work-menus/{menu['id']}", s.WorkMenuOut),
        (f"/work-menus/{menu['id']}/adoption-report", s.AdoptionReportOut),
        (f"/supervision-visits?unit_id={b1}", page(s.SupervisionVisitOut)),
        (f"/wechat-groups?unit_id={b1}", page(s.WeChatGroupOut)),
        (f"/meetings?unit_id={b1}", page(s.MeetingOut)),
        ("/meetings/compliance?period=2024-Q1", s.ComplianceOut),
        (f"/units/{b1}/meeting-duties?from=2024-01&to=2024-03", s.UnitHistoryOut),
    ]
    for path, schema in checks:
        r = api.get("/api/v1" + path)
        assert r.status_code == 200, (path, r.text)
        assert r.json(), path
        assert schema().validate(r.json()) == {}, path
    doc = requests.get(api.base + "/api/v1/openapi.json", timeout=10).json()
    for path in ("/api/v1/activities/{id}/hold", "/api/v1/meetings/compliance",
                 "/api/v1/units/{id}/calendar.ics", "/api/v1/work-menus/{id}/adoption-report"):
        assert path in doc["paths"], path
    ics = doc["paths"]["/api/v1/units/{id}/calendar.ics"]["get"]["responses"]["200"]
    assert "text/calendar" in ics["content"]
