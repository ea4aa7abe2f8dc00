"""Issue 12, part 2: coverage the county can report (through the gateway)."""

from __future__ import annotations

import uuid

from tests.e2e.test_org_kit import cooperative, create_committee, create_unit, problem, register


def test_a_branch_counts_for_coverage_only_from_three_league_members(api):
    township = f"覆盖-{uuid.uuid4().hex[:6]}"
    coop = cooperative(api, township=township, league_members=2, league_org_present=False)
    committee = create_committee(api)
    branch = create_unit(api, committee["id"], "branch", cooperative_ids=[coop["id"]])
    for _ in range(2):
        register(api, branch["id"])
    unit = api.get(f"/api/v1/units/{branch['id']}").json()
    assert unit["constituted"] is False and unit["warnings"]
    assert api.get(f"/api/v1/cooperatives/{coop['id']}").json()["has_league_org"] is False
    report = api.get("/api/v1/coverage").json()
    row = {r["key"]: r for r in report["by_township"]}[township]
    assert row["with_league_org"] == 0
    listed = [b for b in report["branches_not_constituted"] if b["unit_id"] == branch["id"]]
    assert listed == [{"unit_id": branch["id"], "name": branch["name"], "kind": "branch",
                       "cooperative_ids": [coop["id"]], "league_members": 2,
                       "status": "not_constituted", "status_label": "未达组建条件"}]
    r = api.get(f"/api/v1/cooperatives?township={township}&has_league_org=true").json()
    assert r["items"] == []
    assert api.get(f"/api/v1/cooperatives/{coop['id']}/league-building").json()["mode"] \
        == "joint_township"

    register(api, branch["id"])
    assert api.get(f"/api/v1/units/{branch['id']}").json()["constituted"] is True
    assert api.get(f"/api/v1/cooperatives/{coop['id']}").json()["has_league_org"] is True
    report = api.get("/api/v1/coverage").json()
    assert {r["key"]: r for r in report["by_township"]}[township]["with_league_org"] == 1
    assert branch["id"] not in {b["unit_id"] for b in report["branches_not_constituted"]}
    r = api.get(f"/api/v1/cooperatives?township={township}&has_league_org=true").json()
    assert [c["id"] for c in r["items"]] == [coop["id"]]


def test_the_league_building_advice_follows_the_seed_and_the_constitution(api):
    cases = [
        ({"members": 99, "league_members": 20, "young_people_under_35": 40}, "standalone_direct",
         "独立建团"),
        ({"members": 300, "league_members": 2, "young_people_under_35": 40}, "joint_township",
         "联合建团"),
        ({"members": 30, "league_members": 0, "young_people_under_35": 5}, "youth_organization",
         "成立学习小组"),
        ({"members": 30, "league_members": 0, "young_people_under_35": 4}, "none", "暂不具备"),
    ]
    for figures, mode, label in cases:
        coop = cooperative(api, farmer_members=figures["members"], league_org_present=False,
                           **figures)
        advice = api.get(f"/api/v1/cooperatives/{coop['id']}/league-building").json()
        assert (advice["mode"], advice["label"][:len(label)]) == (mode, label), figures
        if mode == "joint_township":
            assert "party_building_leads" in advice["joint_modes"]


def test_a_professional_committee_spans_cooperatives_of_similar_products(api):
    apple = cooperative(api, industry_category="种植业", product="苹果")
    pear = cooperative(api, industry_category="种植业", product="梨")
    ginger = cooperative(api, industry_category="种植业", product="大姜")
    committee = create_committee(api)
    pc = create_unit(api, committee["id"], "professional_committee", industry="水果",
                     cooperative_ids=[apple["id"]])
    assert any("at least 2 cooperatives" in w for w in
               api.get(f"/api/v1/units/{pc['id']}").json()["warnings"])
    r = api.post(f"/api/v1/units/{pc['id']}/coverage",
                 {"cooperative_ids": [apple["id"], pear["id"]]})
    assert r.status_code == 200, r.text
    assert not any("at least 2" in w for w in r.json()["warnings"])
    body = problem(api.post(f"/api/v1/units/{pc['id']}/coverage",
                            {"cooperative_ids": [apple["id"], ginger["id"]]}), 409)
    assert body["rule"] == "industry_mismatch"
