"""Cooperatives beyond the walking skeleton: update, filters, League building, coverage."""

from __future__ import annotations

import uuid

from tests.e2e.test_org_kit import cooperative, create_committee, create_unit, problem, register


def test_update_and_a_duplicate_uscc_on_update(api):
    a, b = cooperative(api), cooperative(api)
    r = api.patch(f"/api/v1/cooperatives/{a['id']}", {"league_members": 7, "members": 120})
    assert r.status_code == 200, r.text
    assert r.json()["league_members"] == 7 and r.json()["version"] == 2
    problem(api.patch(f"/api/v1/cooperatives/{a['id']}", {"uscc": b["uscc"]}), 409)
    problem(api.patch(f"/api/v1/cooperatives/{a['id']}", {"members": 2}), 422)
    problem(api.patch(f"/api/v1/cooperatives/{a['id']}", {"colour": "red"}), 422)
    problem(api.patch("/api/v1/cooperatives/nope", {"members": 20}), 404)
    assert api.get(f"/api/v1/cooperatives/{a['id']}").json()["uscc"] == a["uscc"]


def test_list_filters_and_cursor(api):
    township = f"Town-{uuid.uuid4().hex[:6]}"
    with_org = cooperative(api, township=township, league_org_present=True)
    without = [cooperative(api, township=township, industry_category="tea") for _ in range(3)]
    r = api.get(f"/api/v1/cooperatives?township={township}&league_org_present=true")
    assert [c["id"] for c in r.json()["items"]] == [with_org["id"]]
    r = api.get(f"/api/v1/cooperatives?township={township}&league_org_present=false&limit=2")
    page = r.json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = api.get(f"/api/v1/cooperatives?township={township}&league_org_present=false&limit=2"
                   f"&cursor={page['next_cursor']}").json()
    assert {c["id"] for c in page["items"] + rest["items"]} == {c["id"] for c in without}
    r = api.get(f"/api/v1/cooperatives?township={township}&industry_category=tea")
    assert len(r.json()["items"]) == 3
    problem(api.get("/api/v1/cooperatives?cursor=!!!"), 422)
    problem(api.get("/api/v1/cooperatives?limit=0"), 422)


def test_league_building_recommendation(api):
    cases = [
        ({"members": 150, "farmer_members": 140, "league_members": 6,
          "young_people_under_35": 30}, "standalone_direct"),
        ({"members": 40, "league_members": 2, "young_people_under_35": 10}, "joint_township"),
        ({"members": 40, "league_members": 0, "young_people_under_35": 9}, "youth_organization"),
        ({"league_org_present": True}, "existing"),
    ]
    for overrides, mode in cases:
        coop = cooperative(api, **overrides)
        r = api.get(f"/api/v1/cooperatives/{coop['id']}/league-building")
        assert r.status_code == 200, r.text
        assert r.json()["mode"] == mode and r.json()["reason"]
    problem(api.get("/api/v1/cooperatives/nope/league-building"), 404)


def test_a_branch_covering_a_cooperative_counts_as_its_league_organization(api):
    township = f"Cov-{uuid.uuid4().hex[:6]}"
    industry = f"ind-{uuid.uuid4().hex[:6]}"
    covered = cooperative(api, township=township, industry_category=industry, league_members=5)
    bare = cooperative(api, township=township, industry_category=industry, league_members=0)
    committee = create_committee(api)
    branch = create_unit(api, committee["id"], "branch", cooperative_ids=[covered["id"]])
    for _ in range(3):  # issue 12: a branch counts from the constitution's 3 League members
        register(api, branch["id"])
    r = api.get(f"/api/v1/cooperatives/{covered['id']}/league-building").json()
    assert r["mode"] == "existing" and r["covering_unit_ids"] == [branch["id"]]
    report = api.get("/api/v1/coverage").json()
    by_township = {row["key"]: row for row in report["by_township"]}
    assert by_township[township] == {"key": township, "cooperatives": 2, "with_league_org": 1,
                                     "without_league_org": 1}
    by_industry = {row["key"]: row for row in report["by_industry"]}
    assert by_industry[industry]["with_league_org"] == 1
    assert report["cooperatives"] == report["with_league_org"] + report["without_league_org"]
    listed = api.get(f"/api/v1/cooperatives?township={township}&has_league_org=false").json()
    assert [c["id"] for c in listed["items"]] == [bare["id"]]
    # a token scoped to the branch sees the cooperative its unit covers, not the others
    token = api.token(unit=branch["id"], sub="branch-admin")
    assert api.get(f"/api/v1/cooperatives/{covered['id']}", token=token).status_code == 200
    assert api.get(f"/api/v1/cooperatives/{bare['id']}", token=token).status_code == 404
    bank = api.token("bank", "viewer")
    assert api.get("/api/v1/coverage", token=bank).status_code == 403
