"""The activities service's RPC methods against real PostgreSQL: facts learnt from an org-like
store, read models, compliance from read-model rows, calendars, scope, rebuild."""

from __future__ import annotations

import datetime as dt

import pytest

from eventkit.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from eventkit.rebuild import rebuild, table_digest
from services.activities.projections import projector

D = dt.date


def plan_body(units, **kw):
    body = {"organizer_unit_ids": units, "kind": "skills_training", "title": "Pruning class",
            "starts_at": "2024-03-10T09:00:00+08:00", "ends_at": "2024-03-10T11:30:00+08:00",
            "venue": "Village hall"}
    body.update(kw)
    return body


def count_events(service) -> int:
    return service.es.read(lambda cur: (cur.execute("SELECT count(*) FROM events"),
                                        cur.fetchone()[0])[1])


@pytest.fixture
def county(org, service):
    wc = org.unit("working_committee")
    # created on the first day of Q1, so its quarterly duty is owed from Q1 (issue 12: a duty
    # starts with the first period that begins on or after the unit came into being)
    fruit = org.unit("professional_committee", wc, on=D(2024, 1, 1))
    b1 = org.unit("branch", fruit, on=D(2024, 2, 1), management="township",
                  township="Dazhuang", joint_mode="village_cooperative")
    b2 = org.unit("branch", fruit, on=D(2024, 1, 5))
    gone = org.unit("branch", wc, on=D(2024, 1, 5))
    members = [org.member(b1) for _ in range(3)]
    stranded = org.member(gone)
    org.dissolve(gone, D(2024, 3, 1))
    service.sync()
    return {"wc": wc, "fruit": fruit, "b1": b1, "b2": b2, "gone": gone, "members": members,
            "stranded": stranded}


def test_attendance_of_unknown_or_dissolved_unit_members_is_refused_nothing_stored(
        service, county):
    activity = service.plan_activity(plan_body([county["b1"]]))
    assert activity["status"] == "planned" and activity["starts_at"].endswith("+08:00")
    before = count_events(service)
    hold = {"held_on": "2024-03-10", "summary": "Done",
            "attendee_member_ids": [county["members"][0], "nobody", county["stranded"]]}
    with pytest.raises(InvalidInput) as err:
        service.hold_activity(activity["id"], hold)
    assert err.value.details["unknown_member_ids"] == sorted(["nobody", county["stranded"]])
    assert count_events(service) == before
    assert service.get_activity(activity["id"])["status"] == "planned"
    held = service.hold_activity(activity["id"], dict(
        hold, attendee_member_ids=county["members"][:2], outcome_figures={"trained": 2}))
    assert held["status"] == "held" and held["attendance"] == 2
    with pytest.raises(RuleViolation):
        service.cancel_activity(activity["id"], {"reason": "too late"})


def test_planning_refuses_unknown_or_dissolved_units(service, county):
    with pytest.raises(InvalidInput) as err:
        service.plan_activity(plan_body([county["b1"], county["gone"], "nope"]))
    assert err.value.details["unknown_unit_ids"] == sorted([county["gone"], "nope"])
    with pytest.raises(InvalidInput):  # outside the caller's scope counts as unknown
        service.plan_activity(plan_body([county["b1"]]), scope=[county["b2"]])


def test_member_units_co_organize_but_do_not_organize(org, service, county):
    committee = org.committee()
    agri = org.member_unit(committee, "agriculture")
    gone = org.member_unit(committee, "tax")
    org.remove_member_unit(committee, gone)
    service.sync()
    act = service.plan_activity(plan_body([county["b1"]], co_organizer_unit_ids=[agri]),
                                scope=[county["b1"]])  # departments sit outside the tree
    assert act["co_organizer_unit_ids"] == [agri]
    with pytest.raises(InvalidInput) as err:
        service.plan_activity(plan_body([agri]))
    assert "organizer_unit_ids" in err.value.details["errors"]
    with pytest.raises(InvalidInput) as err:
        service.plan_activity(plan_body([county["b1"]], co_organizer_unit_ids=[gone]))
    assert err.value.details["unknown_unit_ids"] == [gone]


def test_scope_hides_other_units_activities(service, county):
    a = service.plan_activity(plan_body([county["b1"]]))
    b = service.plan_activity(plan_body([county["b2"]], co_organizer_unit_ids=[county["b1"]]))
    mine = service.list_activities({}, 50, None, scope=[county["b2"]])
    assert [i["id"] for i in mine["items"]] == [b["id"]]
    with pytest.raises(NotFound):
        service.get_activity(a["id"], scope=[county["b2"]])
    with pytest.raises(NotFound):
        service.edit_activity(a["id"], {"title": "x"}, scope=[county["b2"]])
    assert service.get_activity(b["id"], scope=[county["b1"]])["id"] == b["id"]


def test_list_pages_by_start_time(service, county):
    ids = []
    for day in (12, 10, 11):
        ids.append((day, service.plan_activity(plan_body(
            [county["b1"]], starts_at=f"2024-04-{day}T09:00:00+08:00",
            ends_at=f"2024-04-{day}T10:00:00+08:00"))["id"]))
    first = service.list_activities({"year": 2024}, 2, None)
    second = service.list_activities({"year": 2024}, 2, first["next_cursor"])
    got = [i["id"] for i in first["items"] + second["items"]]
    assert got == [i for _, i in sorted(ids)] and second["next_cursor"] is None


def test_unified_activity_parts_follow_the_units_activities(service, county):
    ua = service.issue_unified_activity({
        "title": "May Fourth theme day", "kind": "theme_league_day",
        "unit_ids": [county["b1"], county["b2"]], "window_start": "2024-04-20",
        "window_end": "2024-05-10"})
    assert ua["completion"] == {"owed": 2, "held": 0, "rate": 0.0}
    act = service.plan_activity(plan_body([county["b1"]], unified_activity_id=ua["id"],
                                          starts_at="2024-05-04T09:00:00+08:00",
                                          ends_at="2024-05-04T11:00:00+08:00"))
    with pytest.raises(RuleViolation):  # the working committee does not take part
        service.plan_activity(plan_body([county["wc"]], unified_activity_id=ua["id"]))
    service.hold_activity(act["id"], {"held_on": "2024-05-04", "summary": "ok",
                                      "attendee_member_ids": county["members"]})
    ua = service.get_unified_activity(ua["id"])
    parts = {p["unit_id"]: p for p in ua["parts"]}
    assert parts[county["b1"]]["status"] == "held" and parts[county["b1"]]["late"] is False
    assert ua["completion"] == {"owed": 2, "held": 1, "rate": 0.5}
    done = service.unified_completion(2024)
    assert done["by_unit"][county["b2"]] == {"owed": 1, "held": 0, "rate": 0.0}
    scoped = service.get_unified_activity(ua["id"], scope=[county["b2"]])
    assert [p["unit_id"] for p in scoped["parts"]] == [county["b2"]]
    with pytest.raises(Forbidden):
        service.close_unified_activity(ua["id"], scope=[county["b2"]])


def test_compliance_is_computed_from_the_read_models(service, county):
    members = county["members"]
    service.record_meeting({"meeting_type": "branch_monthly_youth_exchange",
                            "unit_id": county["b1"], "held_on": "2024-03-05",
                            "attendee_member_ids": members[:2],
                            "absentees": [{"member_id": members[2], "reason": "sick"}]})
    late_evening = service.record_meeting({
        "meeting_type": "pro_committee_monthly_industry_info", "unit_id": county["fruit"],
        "held_at": "2024-03-31T23:30:00+08:00", "attendee_member_ids": members[:1]})
    assert late_evening["held_on"] == "2024-03-31"  # counts for the county-local day
    report = service.meeting_compliance("2024-03")
    units = {u["unit_id"]: u for u in report["units"]}
    assert units[county["b1"]]["duties"][0]["status"] == "held"
    assert units[county["b2"]]["overdue"] is True
    assert county["gone"] not in units  # dissolved on March 1st: owes nothing for March
    fruit = {d["meeting_type"]: d["status"] for d in units[county["fruit"]]["duties"]}
    assert fruit == {"pro_committee_quarterly_suggestion": "overdue",
                     "pro_committee_monthly_industry_info": "held"}
    assert report["by_township"]["Dazhuang"]["held"] == 1
    assert report["by_professional_committee"][county["fruit"]]["units"] == 3
    february = service.meeting_compliance("2024-02")
    b1 = [u for u in february["units"] if u["unit_id"] == county["b1"]][0]
    assert b1["duties"][0]["status"] == "overdue"  # created on Feb 1st, owes February
    service.retract_meeting(late_evening["id"], {"reason": "wrong unit"})
    again = service.meeting_compliance("2024-03")
    fruit = [u for u in again["units"] if u["unit_id"] == county["fruit"]][0]
    assert all(d["status"] == "overdue" for d in fruit["duties"])
    scoped = service.meeting_compliance("2024-Q1", scope=[county["b1"]])
    assert [u["unit_id"] for u in scoped["units"]] == [county["b1"]]
    history = service.unit_compliance_history(county["b1"], "2024-01", "2024-04")
    assert [p["period"] for p in history["periods"]] == ["2024-01", "2024-02", "2024-03",
                                                         "2024-04"]
    assert history["periods"][0]["duties"] == []  # not yet created
    assert history["totals"]["held"] == 1 and history["totals"]["overdue"] == 2
    with pytest.raises(NotFound):
        service.unit_compliance_history(county["b1"], scope=[county["b2"]])


def test_meeting_of_an_unknown_unit_or_member_is_refused(service, county):
    with pytest.raises(InvalidInput):
        service.record_meeting({"meeting_type": "league_lecture", "unit_id": "nope",
                                "held_on": "2024-03-05", "attendee_member_ids": ["x"]})
    with pytest.raises(InvalidInput) as err:
        service.record_meeting({"meeting_type": "league_lecture", "unit_id": county["b1"],
                                "held_on": "2024-03-05", "attendee_member_ids": ["x"]})
    assert err.value.details["unknown_member_ids"] == ["x"]
    with pytest.raises(RuleViolation):  # the unit did not exist yet
        service.record_meeting({"meeting_type": "league_lecture", "unit_id": county["b1"],
                                "held_on": "2024-01-05",
                                "attendee_member_ids": county["members"][:1]})


def test_calendar_lists_planned_activities_and_meetings_due(service, county):
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    start = dt.datetime.combine(today + dt.timedelta(days=7), dt.time(9),
                                dt.timezone(dt.timedelta(hours=8)))
    service.plan_activity(plan_body([county["b1"]], title="Orchard visit; pruning, grafting",
                                    starts_at=start.isoformat(),
                                    ends_at=(start + dt.timedelta(hours=2)).isoformat()))
    text = service.unit_calendar(county["b1"])
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "SUMMARY:Orchard visit\\; pruning\\, grafting" in text
    assert f"DTSTART;TZID=Asia/Shanghai:{start:%Y%m%dT%H%M%S}" in text
    assert "团支部青年社员沟通交流会" in text.replace("\r\n ", "")
    with pytest.raises(NotFound):
        service.unit_calendar(county["b1"], scope=[county["b2"]])


def test_dashboard_summary_and_stats(service, county):
    a = service.plan_activity(plan_body([county["b1"]]))
    service.hold_activity(a["id"], {"held_on": "2024-03-10", "summary": "ok",
                                    "attendee_member_ids": county["members"]})
    b = service.plan_activity(plan_body([county["b2"]]))
    service.cancel_activity(b["id"], {"reason": "rain"})
    service.plan_activity(plan_body([county["b2"]]))
    summary = service.dashboard_summary(None, 2024, "2024-03")
    assert summary["activities"] == {"year": 2024, "planned": 1, "held": 1, "cancelled": 1,
                                     "participants": 3}
    assert summary["meetings_compliance"]["period"] == "2024-03"
    assert summary["meetings_compliance"]["overdue"] > 0
    scoped = service.dashboard_summary([county["b2"]], 2024, "2024-03")
    assert scoped["activities"]["held"] == 0 and scoped["activities"]["cancelled"] == 1
    stats = service.activity_stats({"year": 2024})
    assert stats["totals"] == {"held": 1, "participants": 3, "reached": 3}
    assert stats["by_month"] == {"2024-03": {"held": 1, "participants": 3, "reached": 3}}
    assert stats["by_kind"]["skills_training"]["held"] == 1


def test_work_menu_adoption_report(service, county):
    menu = service.draft_work_menu({"year": 2024, "title": "2024 work menu"})
    menu = service.add_work_menu_item(menu["id"], {"title": "Spring pruning class",
                                                   "kind": "skills_training",
                                                   "suggested_months": [3]})
    item = menu["items"][0]["item_id"]
    with pytest.raises(InvalidInput):  # not published yet
        service.plan_activity(plan_body([county["b1"]], work_menu_item_id=item))
    with pytest.raises(Forbidden):
        service.publish_work_menu(menu["id"], scope=[county["b1"]])
    service.publish_work_menu(menu["id"])
    service.adopt_work_menu_item(menu["id"], {"unit_id": county["b1"], "item_id": item},
                                 scope=[county["b1"]])
    act = service.plan_activity(plan_body([county["b1"]], work_menu_item_id=item))
    service.hold_activity(act["id"], {"held_on": "2024-03-10", "summary": "ok",
                                      "attendee_member_ids": county["members"][:1]})
    report = service.work_menu_adoption_report(menu["id"])
    assert report["items"][0]["adopted_by"] == [county["b1"]]
    assert report["items"][0]["delivered_by"] == [county["b1"]]
    assert county["b2"] in report["units_not_adopting"]
    assert county["gone"] not in report["units_not_adopting"]


def test_rebuild_gives_the_same_read_models(service, county, dsn):
    act = service.plan_activity(plan_body([county["b1"]]))
    service.edit_activity(act["id"], {"title": "Grafting class", "co_organizer_unit_ids":
                                      [county["b2"]]})
    service.register_for_activity(service.plan_activity(plan_body(
        [county["b2"]], starts_at="2099-01-01T09:00:00+08:00",
        ends_at="2099-01-01T10:00:00+08:00"))["id"], {"member_id": county["members"][0]})
    service.hold_activity(act["id"], {"held_on": "2024-03-10", "summary": "ok",
                                      "attendee_member_ids": county["members"][:1]})
    visit = service.record_supervision_visit({
        "visitor": "Secretary Zhang", "unit_id": county["b1"], "visited_on": "2024-03-12",
        "findings": ["minutes incomplete"], "actions": [{"description": "complete minutes",
                                                         "due_on": "2024-04-01"}]})
    service.close_supervision_action(visit["id"], visit["actions"][0]["action_id"],
                                     {"note": "done", "closed_on": "2024-03-20"})
    group = service.register_wechat_group({"unit_id": county["b1"], "name": "Apple youth",
                                           "admin_name": "Li", "member_count": 40})
    service.report_wechat_member_count(group["id"], {"member_count": 55})
    service.record_meeting({"meeting_type": "branch_monthly_youth_exchange",
                            "unit_id": county["b1"], "held_on": "2024-03-05",
                            "attendee_member_ids": county["members"][:1]})
    menu = service.draft_work_menu({"year": 2024, "title": "menu"})
    service.add_work_menu_item(menu["id"], {"title": "x", "kind": "other"})
    service.issue_unified_activity({"title": "u", "kind": "other", "unit_ids": [county["b1"]],
                                    "window_start": "2024-04-01", "window_end": "2024-04-30"})
    schema = service.schema

    def digests():
        with service.es.pool.transaction() as cur:
            return {t: table_digest(cur, schema, t) for t in projector.tables}

    before = digests()
    rebuild(dsn, schema, service.es.store, [projector])
    assert digests() == before
