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
