"""Issue 12, part 5: the member's year through the gateway (terms, 自行脱团)."""

from __future__ import annotations

from tests.e2e.test_org_kit import create_committee, create_unit, problem


def test_a_branch_whose_term_ended_without_an_election_is_listed(api):
    committee = create_committee(api)
    old = create_unit(api, committee["id"], "branch", on="2023-12-05")
    fresh = create_unit(api, committee["id"], "branch", on="2023-12-05")
    assert api.get(f"/api/v1/units/{old['id']}").json()["term_ends_on"] == "2025-12-05"
    r = api.post(f"/api/v1/units/{fresh['id']}/elections",
                 {"on": "2025-11-20", "secretary": "王芳"})
    assert r.status_code == 200, r.text
    assert r.json()["term_ends_on"] == "2027-11-20" and r.json()["term_years"] == 2
    listed = api.get("/api/v1/units/elections-overdue").json()
    assert listed["default_term_years"] == 2
    ours = {x["unit_id"]: x for x in listed["items"]}
    assert ours[old["id"]]["term_ended_on"] == "2025-12-05"
    assert ours[old["id"]]["status_label"] == "逾期未换届"
    assert fresh["id"] not in ours
    problem(api.post(f"/api/v1/units/{fresh['id']}/elections", {"on": "2025-12-01",
                                                                  "term_years": 3}), 422)
    problem(api.post(f"/api/v1/units/{committee['id']}/elections", {"on": "2025-12-01"}), 422)


def test_six_months_without_dues_or_life_opens_the_self_lapse_procedure(api):
    from tests.e2e.test_activities_kit import sync
    from tests.e2e.test_org_kit import TODAY, register, resident_id, years_ago

    committee = create_committee(api)
    branch = create_unit(api, committee["id"], "branch", on="2024-01-05")
    joined = years_ago(2).isoformat()
    a = register(api, branch["id"], resident_id=resident_id(22), join_date=joined)
    b = register(api, branch["id"], resident_id=resident_id(23), join_date=joined)
    new = register(api, branch["id"], resident_id=resident_id(20), join_date=TODAY.isoformat())
    sync(api)
    r = api.post("/api/v1/meetings", {"meeting_type": "branch_monthly_youth_exchange",
                                      "unit_id": branch["id"], "held_on": TODAY.isoformat(),
                                      "attendee_member_ids": [a["id"]]})
    assert r.status_code == 201, r.text
    scoped = api.token("league_committee", "admin", unit=branch["id"], sub="branch-admin")
    run_body = {"unit_id": branch["id"]}
    assert api.post("/api/v1/members/self-lapse-runs", run_body, token=scoped).status_code \
        == 403
    r = api.post("/api/v1/members/self-lapse-runs", run_body)
    assert r.status_code == 200, r.text
    run = r.json()
    assert run["months"] == 6 and run["checked"] == 3
    problem(api.post("/api/v1/members/self-lapse-runs", {"unit_id": "nope"}), 422)
    assert {a["id"], b["id"]} <= set(run["started"]) and new["id"] not in run["started"]
    assert run["due"] == len(run["started"]) == 2 and run["remaining"] == 0
    listed = {x["member_id"]: x for x in
              api.get("/api/v1/members/self-lapse", token=scoped).json()["items"]}
    assert set(listed) == {a["id"], b["id"]}  # the branch is told, only of its own
    assert listed[a["id"]]["grounds"] == ["dues"]  # it took part today
    assert listed[a["id"]]["last_life_on"] == TODAY.isoformat()
    assert listed[b["id"]]["grounds"] == ["dues", "organizational_life"]
    assert listed[b["id"]]["status_label"] == "自行脱团程序中"
    again = api.post("/api/v1/members/self-lapse-runs", run_body).json()
    assert a["id"] not in again["started"]  # one procedure at a time

    r = api.post(f"/api/v1/members/{a['id']}/self-lapse-decision",
                 {"decision": "good_reason", "note": "外出务工，已补交团费"}, token=scoped)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "active" and r.json()["self_lapse"] is None
    r = api.post(f"/api/v1/members/{b['id']}/self-lapse-decision", {"decision": "lapsed"},
                 token=scoped)
    assert r.status_code == 200 and r.json()["status"] == "left"
    counts = api.get(f"/api/v1/units/{branch['id']}/member-counts").json()
    assert counts["by_status"]["left"] == 1 and counts["by_kind"]["league_member"] == 2
    problem(api.post(f"/api/v1/members/{new['id']}/self-lapse-decision",
                     {"decision": "lapsed"}), 409)
    problem(api.post(f"/api/v1/members/{a['id']}/self-lapse-decision",
                     {"decision": "maybe"}), 422)
    dash = api.get("/api/v1/dashboard").json()["sections"]["members"]
    assert "in_self_lapse_procedure" in dash
    # a figure, not the names (the branch's list has those)
    assert isinstance(dash["in_self_lapse_procedure"], int)


def test_the_annual_evaluation_grades_and_registers_the_branch(api):
    from tests.e2e.test_org_kit import register

    committee = create_committee(api)
    branch = create_unit(api, committee["id"], "branch", on="2024-01-05")
    ids = [register(api, branch["id"])["id"] for _ in range(4)]
    base = f"/api/v1/units/{branch['id']}/evaluations"
    # 2 of 4 excellent is 50%: over the 30% quota
    too_many = {"year": 2025, "on": "2025-12-20", "grades": [
        {"member_id": m, "grade": "excellent" if i < 2 else "qualified"}
        for i, m in enumerate(ids)]}
    assert problem(api.post(base, too_many), 409)["rule"] == "excellent_quota"
    body = {"year": 2025, "on": "2025-12-20", "grades": [
        {"member_id": ids[0], "grade": "excellent"}, {"member_id": ids[1], "grade": "qualified"},
        {"member_id": ids[2], "grade": "basically_qualified"},
        {"member_id": ids[3], "grade": "unqualified"}]}
    problem(api.post(base, {**body, "grades": body["grades"][:3]}), 422)  # one missing
    r = api.post(base, body)
    assert r.status_code == 201, r.text
    assert r.json()["registered"] == 3 and r.json()["by_grade"]["unqualified"] == 1
    problem(api.post(base, body), 409)  # once per branch and year
    roster = {m["id"]: m for m in
              api.get(f"/api/v1/units/{branch['id']}/members").json()["items"]}
    assert roster[ids[3]]["registrations"] == [
        {"year": 2025, "grade": "unqualified", "grade_label": "不合格", "registered": False}]
    assert roster[ids[0]]["registrations"][0]["registered"] is True
    assert api.get(f"{base}/2025").json()["members"][0]["grade_label"]
    problem(api.get(f"{base}/2024"), 404)
