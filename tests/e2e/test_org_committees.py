"""The committee's establishment workflow, member units and leadership over HTTP."""

from __future__ import annotations

from tests.e2e.test_org_kit import cooperative, create_committee, problem

DEPARTMENTS = ("organization", "agriculture", "supply_coop", "economic_management", "commerce",
               "science_technology", "civil_affairs", "tax", "finance")

STEPS = [
    ("survey", {"on": "2024-01-10", "cooperatives": 40, "league_members": 310,
                "young_people": 1200, "party_organizations": 12, "league_organizations": 5,
                "report": "40 cooperatives, few League organizations"}),
    ("plan", {"on": "2024-01-20", "summary": "three levels",
              "levels": ["working_committee", "professional_committee", "branch"]}),
    ("coordination", {"on": "2024-02-01", "org_dept_consent": True,
                      "supporting_departments": ["agriculture", "supply_coop"],
                      "meeting_date": "2024-02-01", "meeting_attendees": ["Zhang", "Liu"]}),
    ("preparatory-group", {"on": "2024-02-10",
                           "members": [{"name": "Zhang", "office": "League county committee"}]}),
    ("establishment-request", {"on": "2024-02-20"}),
]
APPROVAL = ("approval", {"on": "2024-03-01", "document_number": "Laiwu League [2024] 7"})
FOUNDING = ("founding-conference", {
    "on": "2024-03-15", "attendees": ["Zhang", "Wang"],
    "agenda_items": [{"kind": "establishment_document_read"}, {"kind": "work_report"},
                     {"kind": "bank_credit_signing", "bank": "Rural Commercial Bank",
                      "credit_amount_fen": 5_000_000_000},
                     {"kind": "superior_leader_speeches"}]})


def _post(api, committee_id: str, step: str, body: dict, **kw):
    return api.post(f"/api/v1/committees/{committee_id}/{step}", body, **kw)


def _leadership(api, committee_id: str, deputies: int = 7) -> dict:
    for dep in DEPARTMENTS:
        r = api.post(f"/api/v1/committees/{committee_id}/member-units",
                     {"name": f"County {dep} bureau", "department_type": dep})
        assert r.status_code == 200, r.text
    committee = r.json()
    units = committee["member_units"]
    assert len(units) == len(DEPARTMENTS)
    r = api.post(f"/api/v1/committees/{committee_id}/secretary",
                 {"name": "Zhang Wei", "from_county_league_committee": True, "on": "2024-01-05"})
    assert r.status_code == 200, r.text
    for unit in units[:deputies]:
        r = api.post(f"/api/v1/committees/{committee_id}/deputy-secretaries",
                     {"name": f"Head of {unit['name']}", "member_unit_id": unit["id"],
                      "office": "general office", "is_office_head": True, "on": "2024-01-05"})
        assert r.status_code == 200, r.text
    return r.json()


def test_the_establishment_runs_in_order_to_the_founding_conference(api):
    committee = create_committee(api, established=False)
    cid = committee["id"]
    # out of order: 409 with the due step
    r = _post(api, cid, *APPROVAL)
    assert problem(r, 409)["due_step"] == "survey_recorded"
    for step, body in STEPS:
        r = _post(api, cid, step, body)
        assert r.status_code == 200, r.text
    assert r.json()["due_step"] == "establishment_approved"
    assert problem(_post(api, cid, *STEPS[0]), 409)["due_step"] == "establishment_approved"
    # approval refused while the leadership breaks the rules, with the reasons
    r = _post(api, cid, *APPROVAL)
    reasons = problem(r, 409)["reasons"]
    assert any("secretary" in x for x in reasons) and any("deputy" in x for x in reasons)
    committee = _leadership(api, cid, deputies=6)
    assert committee["leadership_problems"] == ["7-9 deputy secretaries are required, 6 appointed"]
    problem(_post(api, cid, *APPROVAL), 409)
    units = committee["member_units"]
    r = api.post(f"/api/v1/committees/{cid}/deputy-secretaries",
                 {"name": "Head 7", "member_unit_id": units[6]["id"], "office": "office",
                  "is_office_head": True})
    assert r.json()["leadership_problems"] == []
    # issue 12: approval also needs a committee member (委员) from one of the seed's sources
    reasons = problem(_post(api, cid, *APPROVAL), 409)["reasons"]
    assert reasons == [x for x in reasons if "committee member" in x] and reasons
    r = api.post(f"/api/v1/committees/{cid}/committee-members",
                 {"name": "孙丽", "source": "college_graduate_village_official"})
    assert r.json()["approval_problems"] == []
    # an editor may run the steps but not approve
    editor = api.token("league_committee", "editor", sub="clerk")
    assert _post(api, cid, *APPROVAL, token=editor).status_code == 403
    r = _post(api, cid, *APPROVAL)
    assert r.status_code == 200, r.text
    assert r.json()["established"] is True
    r = _post(api, cid, *FOUNDING)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["founded"] is True and body["due_step"] is None
    assert list(body["steps"]) == [
        "survey_recorded", "plan_drafted", "coordination_recorded", "preparatory_group_formed",
        "establishment_requested", "establishment_approved", "founding_conference_held"]
    assert body["steps"]["founding_conference_held"]["agenda_items"][2]["bank"]
    assert problem(_post(api, cid, *FOUNDING), 409)["due_step"] is None


def test_step_input_errors_are_422_and_change_nothing(api):
    committee = create_committee(api, established=False)
    cid = committee["id"]
    r = _post(api, cid, "survey", {**STEPS[0][1], "cooperatives": -1})
    assert "cooperatives" in problem(r, 422)["errors"]
    r = _post(api, cid, "survey", {**STEPS[0][1], "surprise": 1})
    assert "surprise" in problem(r, 422)["errors"]
    assert api.get(f"/api/v1/committees/{cid}").json()["due_step"] == "survey_recorded"
    _post(api, cid, *STEPS[0])
    r = _post(api, cid, "plan", {**STEPS[1][1], "on": "2023-12-01"})  # before the survey
    assert "on" in problem(r, 422)["errors"]
    r = _post(api, cid, "plan", {**STEPS[1][1], "on": "2999-01-01"})
    assert "on" in problem(r, 422)["errors"]
    _post(api, cid, *STEPS[1])
    r = _post(api, cid, "coordination", {**STEPS[2][1], "org_dept_consent": False})
    assert "org_dept_consent" in problem(r, 422)["errors"]
    problem(_post(api, "no-such-committee", *STEPS[0]), 404)
    problem(api.get("/api/v1/committees/no-such-committee"), 404)


def test_member_units_and_leadership_changes(api):
    committee = create_committee(api, established=False)
    cid = committee["id"]
    r = api.post(f"/api/v1/committees/{cid}/member-units",
                 {"name": "County bank", "department_type": "bank"})
    unit = r.json()["member_units"][0]
    assert unit["department_type"] == "bank"
    r = api.post(f"/api/v1/committees/{cid}/member-units",
                 {"name": "County bank", "department_type": "bank"})
    problem(r, 409)
    r = api.post(f"/api/v1/committees/{cid}/member-units",
                 {"name": "Something", "department_type": "weather"})
    problem(r, 422)
    r = api.post(f"/api/v1/committees/{cid}/secretary",
                 {"name": "Li", "from_county_league_committee": False})
    problem(r, 422)
    r = api.post(f"/api/v1/committees/{cid}/secretary",
                 {"person_id": "p-li", "name": "Li", "from_county_league_committee": True})
    assert r.json()["secretary"]["person_id"] == "p-li"
    r = api.post(f"/api/v1/committees/{cid}/secretary",
                 {"name": "Wang", "from_county_league_committee": True})
    problem(r, 409)
    r = api.post(f"/api/v1/committees/{cid}/deputy-secretaries",
                 {"person_id": "p-d", "name": "Deputy", "member_unit_id": unit["id"],
                  "office": "credit office", "is_office_head": True})
    assert r.json()["deputy_secretaries"][0]["member_unit_id"] == unit["id"]
    r = api.post(f"/api/v1/committees/{cid}/deputy-secretaries",
                 {"name": "Other", "member_unit_id": unit["id"], "office": "x",
                  "is_office_head": True})
    problem(r, 409)  # one deputy per member unit
    # removing the member unit of a deputy is refused until the deputy goes
    problem(api.delete(f"/api/v1/committees/{cid}/member-units/{unit['id']}"), 409)
    coop = cooperative(api)
    r = api.post(f"/api/v1/committees/{cid}/committee-members",
                 {"person_id": "p-c", "name": "Coop leader",
                  "source": "large_cooperative_league_leader", "cooperative_id": coop["id"]})
    assert r.json()["committee_members"][0]["cooperative_id"] == coop["id"]
    r = api.post(f"/api/v1/committees/{cid}/committee-members",
                 {"name": "Nobody", "source": "township_league_secretary"})
    assert "township" in problem(r, 422)["errors"]
    r = api.post(f"/api/v1/committees/{cid}/committee-members",
                 {"name": "Somebody", "source": "large_cooperative_league_leader",
                  "cooperative_id": "unknown"})
    assert "cooperative_id" in problem(r, 422)["errors"]
    for post, pid in (("deputy_secretary", "p-d"), ("committee_member", "p-c"),
                      ("secretary", "p-li")):
        r = api.post(f"/api/v1/committees/{cid}/leadership-removals",
                     {"post": post, "person_id": pid})
        assert r.status_code == 200, r.text
    body = r.json()
    assert body["secretary"] is None and body["deputy_secretaries"] == []
    assert body["committee_members"] == []
    r = api.delete(f"/api/v1/committees/{cid}/member-units/{unit['id']}")
    assert r.status_code == 200 and r.json()["member_units"] == []
    problem(api.post(f"/api/v1/committees/{cid}/leadership-removals",
                     {"post": "secretary", "person_id": "p-li"}), 422)


def test_committees_are_listed_and_a_county_has_one(api):
    committee = create_committee(api, established=False)
    r = api.post("/api/v1/committees", {"name": "Again", "county": "X",
                                        "county_code": committee["county_code"]})
    assert problem(r, 409)["existing_id"] == committee["id"]
    r = api.post("/api/v1/committees", {"name": "Bad", "county": "X", "county_code": "12"})
    assert "county_code" in problem(r, 422)["errors"]
    seen, cursor = set(), None
    while True:
        page = api.get("/api/v1/committees?limit=5" + (f"&cursor={cursor}" if cursor else ""))
        assert page.status_code == 200
        seen |= {c["id"] for c in page.json()["items"]}
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    assert committee["id"] in seen
