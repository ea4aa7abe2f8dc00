"""Demo county, issue 12: the seed's rules as a county checks them (runs after org).

Shows: a second committee still in preparation (nothing attached under it: 409 naming the
due step); branches not yet constituted (fewer than 3 League members) in the coverage
report; a leadership problem opened and mended after establishment; branch committee
elections, with the branches whose term ended listed as overdue; a 自行脱团 run and the
branch's decisions. Deterministic Idempotency-Keys: running it again changes nothing.
"""

from __future__ import annotations

from typing import Any

from deploy.demo.client import DemoError
from eventkit import clock


def _key(*parts: Any) -> str:
    return "demo-i12-" + "-".join(str(p) for p in parts)


def _committee_in_preparation(client) -> str:
    c = client.post("/committees", {"name": "莱芜区农村合作组织团工委（筹）", "county": "莱芜区",
                                    "county_code": "371203", "on": "2024-03-01"},
                    _key("prep-committee"))
    cid = c["id"]
    client.post(f"/committees/{cid}/survey", {
        "on": "2024-03-10", "cooperatives": 36, "league_members": 210, "young_people": 950,
        "party_organizations": 9, "league_organizations": 2,
        "report": "全区农民专业合作社36家，建团2家，35岁以下青年950人。"}, _key("prep-survey"))
    client.post(f"/committees/{cid}/plan", {
        "on": "2024-03-20", "summary": "团工委—专业团委—团支部三级组织体系",
        "levels": ["working_committee", "professional_committee", "branch"],
        "draft_leadership": "书记由团区委副书记担任，副书记7名由成员单位职能科室负责人担任"},
        _key("prep-plan"))
    try:  # the gate: nothing is attached before the county League committee approves
        client.post("/units", {"name": "苹果专业团委", "kind": "professional_committee",
                               "industry": "水果", "parent_id": cid, "on": "2024-04-01"},
                    _key("prep-unit"), expect=(201,))
    except DemoError as exc:
        print(f"demo: i12: committee in preparation refuses units: {str(exc)[:120]}")
    return cid


def _leadership_problem(client, cid: str) -> None:
    committee = client.get(f"/committees/{cid}")
    deputies = committee["deputy_secretaries"]
    if len(deputies) <= 7:
        return
    # a deputy leaves (the count stays within 7-9: no problem) ...
    client.post(f"/committees/{cid}/leadership-removals", {
        "post": "deputy_secretary", "person_id": deputies[-1]["person_id"], "on": "2025-03-01"},
        _key("deputy-leaves"))
    # ... the secretary is moved to another post: an open problem (dashboard) until the
    # county League committee appoints a successor
    secretary = committee["secretary"]
    if secretary:
        client.post(f"/committees/{cid}/leadership-removals", {
            "post": "secretary", "person_id": secretary["person_id"], "on": "2025-04-01"},
            _key("secretary-leaves"))


def _elections(client, state: dict) -> int:
    branches = [u for u in state["units"] if u["kind"] in ("branch", "joint_branch")]
    for i, unit in enumerate(branches[::2]):  # every other branch held its election
        client.post(f"/units/{unit['id']}/elections", {
            "on": "2025-06-01", "term_years": 2 if i % 3 else 1, "secretary": "支部书记"},
            _key("election", unit["id"]))
    return len(client.get("/units/elections-overdue")["items"])


def _self_lapse(client, state: dict) -> tuple[int, int]:
    # the working committee's check as of today, over its whole tree (a branch's own is the
    # same call with its unit_id; without one, the whole county): members registered before
    # it with neither dues nor organizational life for six months
    today = clock.today().isoformat()
    body = {"as_of": today, "unit_id": state.get("committee_id")}
    run = client.post("/members/self-lapse-runs", body,
                      _key("lapse-run", body["unit_id"] or "county", today))
    started: list[str] = list(run["started"])
    if started:
        client.post(f"/members/{started[0]}/self-lapse-decision", {
            "decision": "good_reason", "on": today,
            "note": "外出务工，已向支部说明并补交团费"}, _key("lapse-good", started[0]))
    if len(started) > 1:
        client.post(f"/members/{started[1]}/self-lapse-decision", {
            "decision": "lapsed", "on": today, "note": "经支部研究，按自行脱团处理"},
            _key("lapse-out", started[1]))
    return len(started), len(client.get("/members/self-lapse")["items"])


def load(client, state: dict) -> None:
    prep = _committee_in_preparation(client)
    cid = state.get("committee_id")
    if cid:
        _leadership_problem(client, cid)
    coverage = client.get("/coverage")
    overdue = _elections(client, state) if state.get("units") else 0
    started, open_ = _self_lapse(client, state)
    print(f"demo: i12: committee in preparation {prep}; "
          f"{len(coverage['branches_not_constituted'])} branches not yet constituted; "
          f"{overdue} branches overdue for election; 自行脱团: {started} started, {open_} open")
