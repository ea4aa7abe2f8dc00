"""Issue 12, part 1: establishment gates what follows it (through the gateway)."""

from __future__ import annotations

from tests.conftest import wait_until
from tests.e2e.test_org_kit import create_committee, create_unit, establish, member_body, problem


def test_nothing_is_attached_under_a_committee_before_approval(api):
    committee = create_committee(api, established=False)
    cid = committee["id"]
    body = {"name": "苹果专业团委", "kind": "professional_committee", "industry": "fruit",
            "parent_id": cid, "on": "2024-02-01"}
    assert problem(api.post("/api/v1/units", body), 409)["due_step"] == "survey_recorded"
    r = api.post(f"/api/v1/committees/{cid}/survey", {
        "on": "2023-12-01", "cooperatives": 4, "league_members": 20, "young_people": 60,
        "party_organizations": 1, "league_organizations": 0, "report": "调研报告"})
    assert r.status_code == 200, r.text
    gate = problem(api.post("/api/v1/units", body), 409)
    assert gate["due_step"] == "plan_drafted" and gate["rule"] == "committee_not_approved"
    problem(api.post("/api/v1/members", member_body(cid)), 409)
    assert api.get(f"/api/v1/units?parent_id={cid}").json()["items"] == []
    establish(api, cid, founded=False)
    create_unit(api, cid, "professional_committee")


def test_only_the_county_league_committee_approves(api):
    committee = create_committee(api, established=False)
    cid = committee["id"]
    org_admin = api.token("organization", "admin", sub="org-admin")
    r = api.post(f"/api/v1/committees/{cid}/approval",
                 {"on": "2024-01-01", "document_number": "x"}, token=org_admin)
    assert problem(r, 403)
    r = api.post(f"/api/v1/committees/{cid}/secretary",
                 {"name": "王", "from_county_league_committee": True}, token=org_admin)
    assert problem(r, 403)


def test_a_broken_leadership_after_establishment_is_an_open_problem(api):
    committee = create_committee(api)
    cid = committee["id"]
    assert committee["leadership_problem"] is None
    deputy = committee["deputy_secretaries"][0]["person_id"]
    r = api.post(f"/api/v1/committees/{cid}/leadership-removals",
                 {"post": "deputy_secretary", "person_id": deputy, "on": "2024-05-01"})
    assert r.status_code == 200, r.text
    open_ = r.json()["leadership_problem"]
    assert open_ == {"since": "2024-05-01",
                     "problems": ["7-9 deputy secretaries are required, 6 appointed"]}

    def listed():
        dash = api.get("/api/v1/dashboard").json()
        items = dash["sections"]["tree"]["leadership_problems"]
        return [p for p in items if p["committee_id"] == cid]

    assert wait_until(listed, timeout=20, message="dashboard lists the problem")[0]["since"] \
        == "2024-05-01"

    def opened():
        r = api.get("/api/v1/events?types=LeadershipProblemOpened&limit=1000")
        return [e for e in r.json()["items"] if e["stream_id"] == f"committee-{cid}"]

    event = wait_until(opened, timeout=20, message="the feed carries the opening")[0]
    assert event["data"]["on"] == "2024-05-01"
    free = [u["id"] for u in r.json()["member_units"]
            if u["id"] not in {d["member_unit_id"] for d in r.json()["deputy_secretaries"]}]
    r = api.post(f"/api/v1/committees/{cid}/deputy-secretaries", {
        "name": "新副书记", "member_unit_id": free[0], "office": "办公室",
        "is_office_head": True, "on": "2024-06-01"})
    assert r.status_code == 200, r.text
    assert r.json()["leadership_problem"] is None
    wait_until(lambda: not listed(), timeout=20, message="the dashboard drops the problem")
