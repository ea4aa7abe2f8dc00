"""The League tree over HTTP: committees' root units, units, structure rules, scope, time travel."""

from __future__ import annotations

from tests.conftest import wait_until
from tests.e2e.test_org_kit import (
    cooperative,
    create_committee,
    create_unit,
    problem,
    register,
)


def test_a_committee_comes_with_its_working_committee_root_unit(api):
    committee = create_committee(api, established=False)
    assert committee["root_unit_id"] == committee["id"]
    assert committee["due_step"] == "survey_recorded"
    r = api.get(f"/api/v1/units/{committee['id']}")
    assert r.status_code == 200, r.text
    root = r.json()
    assert root["kind"] == "working_committee" and root["parent_id"] is None
    assert root["committee_id"] == committee["id"]
    assert api.get(f"/api/v1/committees/{committee['id']}").json()["name"] == committee["name"]


def test_units_are_created_listed_and_read(api):
    committee = create_committee(api)
    pc = create_unit(api, committee["id"], "professional_committee", industry="fruit")
    branch = create_unit(api, pc["id"], "branch")
    r = api.get(f"/api/v1/units/{branch['id']}")
    assert r.status_code == 200
    unit = r.json()
    assert unit["professional_committee_id"] == pc["id"]
    assert unit["committee_id"] == committee["id"]
    assert unit["warnings"] and "at least 3" in unit["warnings"][0]
    listed = api.get(f"/api/v1/units?committee_id={committee['id']}&limit=2").json()
    assert len(listed["items"]) == 2 and listed["next_cursor"]
    rest = api.get(f"/api/v1/units?committee_id={committee['id']}&limit=2"
                   f"&cursor={listed['next_cursor']}").json()
    ids = {u["id"] for u in listed["items"] + rest["items"]}
    assert ids == {committee["id"], pc["id"], branch["id"]}
    kinds = api.get(f"/api/v1/units?committee_id={committee['id']}&kind=branch").json()
    assert [u["id"] for u in kinds["items"]] == [branch["id"]]


def test_structure_rules_are_409_and_bad_input_422_with_nothing_stored(api):
    committee = create_committee(api)
    root = committee["id"]
    # a League group only under a branch
    r = api.post("/api/v1/units", {"name": "G", "kind": "league_group", "parent_id": root})
    assert problem(r, 409)["rule"] == "parent_kind"
    # the working committee is created with its committee
    r = api.post("/api/v1/units", {"name": "W", "kind": "working_committee", "parent_id": root})
    assert "kind" in problem(r, 422)["errors"]
    # a professional committee only for cooperatives of its industry
    tea = cooperative(api, industry_category="tea", product="green tea")
    r = api.post("/api/v1/units", {"name": "Fruit", "kind": "professional_committee",
                                   "parent_id": root, "industry": "fruit",
                                   "cooperative_ids": [tea["id"]]})
    assert problem(r, 409)["rule"] == "industry_mismatch"
    # unknown parent, unknown field, missing formation mode
    r = api.post("/api/v1/units", {"name": "B", "kind": "branch", "parent_id": "nope",
                                   "formation_mode": "standalone"})
    assert "parent_id" in problem(r, 422)["errors"]
    r = api.post("/api/v1/units", {"name": "B", "kind": "branch", "parent_id": root,
                                   "formation_mode": "standalone", "colour": "red"})
    assert "colour" in problem(r, 422)["errors"]
    r = api.post("/api/v1/units", {"name": "B", "kind": "branch", "parent_id": root})
    assert "formation_mode" in problem(r, 422)["errors"]
    listed = api.get(f"/api/v1/units?committee_id={root}").json()["items"]
    assert [u["id"] for u in listed] == [root]
    problem(api.get("/api/v1/units/does-not-exist"), 404)


def test_rename_move_merge_dissolve(api):
    committee = create_committee(api)
    root = committee["id"]
    a = create_unit(api, root, "general_branch")
    b = create_unit(api, root, "branch")
    c = create_unit(api, root, "branch")
    group = create_unit(api, c["id"], "league_group", group_functions=["marketing"])
    member = register(api, c["id"])
    r = api.post(f"/api/v1/units/{b['id']}/rename", {"name": "Orchard branch"})
    assert r.status_code == 200 and r.json()["name"] == "Orchard branch"
    r = api.post(f"/api/v1/units/{b['id']}/move", {"parent_id": a["id"]})
    assert r.status_code == 200 and r.json()["parent_id"] == a["id"]
    # no cycles
    r = api.post(f"/api/v1/units/{a['id']}/move", {"parent_id": b["id"]})
    assert problem(r, 409)["rule"] in ("cycle", "parent_kind")
    # merge c into b: its members and its group move to b
    r = api.post(f"/api/v1/units/{c['id']}/merge", {"target_unit_id": b["id"]})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "merged" and r.json()["merged_into"] == b["id"]
    assert api.get(f"/api/v1/members/{member['id']}").json()["unit_id"] == b["id"]
    assert api.get(f"/api/v1/units/{group['id']}").json()["parent_id"] == b["id"]
    # a merged unit takes no new members
    r = api.post("/api/v1/members", {"kind": "league_member", "name": "X", "ethnicity": "Han",
                                     "resident_id": "110101200001011234", "unit_id": c["id"],
                                     "join_date": "2016-01-01"})
    assert r.status_code in (409, 422)
    # dissolving a unit with members is refused; an empty one goes
    r = api.post(f"/api/v1/units/{b['id']}/dissolve", {"reason": "no members"})
    assert problem(r, 409)["rule"] == "not_empty"
    empty = create_unit(api, root, "branch")
    r = api.post(f"/api/v1/units/{empty['id']}/dissolve", {"reason": "cooperative closed"})
    assert r.status_code == 200 and r.json()["status"] == "dissolved"
    r = api.post("/api/v1/units", {"name": "B", "kind": "league_group", "parent_id": empty["id"]})
    assert problem(r, 409)["rule"] == "unit_not_active"


def test_size_warnings_follow_the_members(api):
    committee = create_committee(api)
    branch = create_unit(api, committee["id"], "branch")
    assert api.get(f"/api/v1/units/{branch['id']}").json()["warnings"]
    for _ in range(3):
        register(api, branch["id"])
    unit = api.get(f"/api/v1/units/{branch['id']}").json()
    assert unit["counts"]["league_members"] == 3
    assert unit["warnings"] == []


def test_unit_subtree_scope(api):
    committee = create_committee(api)
    root = committee["id"]
    left = create_unit(api, root, "general_branch")
    left_branch = create_unit(api, left["id"], "branch")
    right = create_unit(api, root, "branch")
    m_left = register(api, left_branch["id"])
    m_right = register(api, right["id"])
    token = api.token(unit=left["id"], sub="left-admin")

    def sees_own():
        r = api.get(f"/api/v1/units/{left_branch['id']}", token=token)
        return r.status_code == 200

    wait_until(sees_own, message="the scoped token sees its subtree")
    assert api.get(f"/api/v1/units/{right['id']}", token=token).status_code == 404
    assert api.get(f"/api/v1/units/{root}", token=token).status_code == 404
    assert api.get(f"/api/v1/members/{m_left['id']}", token=token).status_code == 200
    assert api.get(f"/api/v1/members/{m_right['id']}", token=token).status_code == 404
    listed = api.get("/api/v1/units?limit=500", token=token).json()["items"]
    assert {u["id"] for u in listed} == {left["id"], left_branch["id"]}
    members = api.get("/api/v1/members?limit=500", token=token).json()["items"]
    assert {m["id"] for m in members} == {m_left["id"]}
    r = api.post(f"/api/v1/units/{right['id']}/rename", {"name": "x"}, token=token)
    assert r.status_code == 404
    r = api.post("/api/v1/units", {"name": "x", "kind": "branch", "parent_id": right["id"],
                                   "formation_mode": "standalone"}, token=token)
    assert r.status_code == 422
    assert api.get(f"/api/v1/units/{right['id']}/tree", token=token).status_code == 404


def test_the_tree_as_it_stood_on_a_date(api):
    committee = create_committee(api, on="2023-01-01")
    root = committee["id"]
    a = create_unit(api, root, "branch", name="Apple branch", on="2023-03-01")
    b = create_unit(api, root, "general_branch", name="Berry general branch", on="2023-06-01")
    api.post(f"/api/v1/units/{a['id']}/rename", {"name": "Apple and pear", "on": "2023-09-01"})
    r = api.post(f"/api/v1/units/{a['id']}/move", {"parent_id": b["id"], "on": "2024-01-10"})
    assert r.status_code == 200, r.text

    def tree(as_of: str) -> dict:
        r = api.get(f"/api/v1/units/{root}/tree?as_of={as_of}")
        assert r.status_code == 200, r.text
        return r.json()["root"]

    t = tree("2023-04-01")
    assert [(c["id"], c["name"]) for c in t["children"]] == [(a["id"], "Apple branch")]
    t = tree("2023-12-31")
    names = {c["id"]: c["name"] for c in t["children"]}
    assert names == {a["id"]: "Apple and pear", b["id"]: "Berry general branch"}
    t = tree("2024-02-01")
    assert [c["id"] for c in t["children"]] == [b["id"]]
    assert [c["id"] for c in t["children"][0]["children"]] == [a["id"]]
    problem(api.get(f"/api/v1/units/{a['id']}/tree?as_of=2023-02-01"), 404)
    problem(api.get(f"/api/v1/units/{root}/tree?as_of=yesterday"), 422)
    register(api, a["id"])
    today = api.get(f"/api/v1/units/{root}/tree").json()["root"]
    assert today["children"][0]["children"][0]["members"] == 1


def test_dashboard_summary_over_rpc(api):
    from nameko.standalone.rpc import ClusterRpcProxy

    from eventkit import config

    committee = create_committee(api)
    branch = create_unit(api, committee["id"], "branch")
    register(api, branch["id"])
    with ClusterRpcProxy(config.nameko_config()) as rpc:
        whole = rpc.org.dashboard_summary(None)
        scoped = rpc.org.dashboard_summary([committee["id"], branch["id"]])
        assert rpc.org.unit_subtree_ids(committee["id"]) == [committee["id"], branch["id"]]
    assert whole["tree"]["units_by_kind"]["branch"] >= 1
    assert scoped["tree"]["units_by_kind"]["branch"] == 1
    assert scoped["tree"]["units_by_kind"]["working_committee"] == 1
    assert scoped["members"]["by_status"]["active"] == 1
    assert scoped["members"]["by_kind"]["league_member"] == 1
    assert set(scoped["coverage"]) == {"cooperatives", "with_league_org", "without_league_org"}
