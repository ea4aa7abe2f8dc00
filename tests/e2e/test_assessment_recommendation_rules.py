"""Issue 12 part 4 (推优 safeguards) and part 6's last sentence, through HTTP: the vote is the
candidate's own organization's (their branch assembly for a League member, the working
committee for one of its people), never dated before the proposal, with no more voters than
the organization's members; a recommended League member is one on the vote date; League
members of the cooperatives' branches may be recommended; excellent in the latest round
first (lists and the organization department's view); the organization department records
the Party's decision through its own token."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import requests

from tests.conftest import wait_until
from tests.e2e.test_org_kit import create_committee, create_unit, problem, register

LOCAL = dt.timezone(dt.timedelta(hours=8))
YEAR = dt.datetime.now(LOCAL).year - 1
RECS = "/api/v1/recommendations"


def day(month: int, d: int) -> str:
    return dt.date(YEAR, month, d).isoformat()


def assessment_caught_up(api) -> bool:
    services = requests.get(api.base + "/health", timeout=10).json()["services"]
    head = services["org"].get("head")
    return head is not None and services["assessment"].get("tracking", {}).get("org", 0) >= head


def sync(api) -> None:
    wait_until(lambda: assessment_caught_up(api), timeout=60,
               message="assessment learns org's events")


@pytest.fixture(scope="module")
def county(api) -> dict[str, Any]:
    committee = create_committee(api)  # 9 people in post since 2023-12-01
    cid = committee["id"]
    branch = create_unit(api, cid, "branch", on="2024-01-05")
    other = create_unit(api, cid, "branch", on="2024-01-05")
    members = [register(api, branch["id"])["id"] for _ in range(5)]
    leaver = register(api, branch["id"])["id"]
    r = api.post(f"/api/v1/members/{leaver}/leave", {"reason": "外出务工", "on": day(8, 5)})
    assert r.status_code == 200, r.text
    grades = [{"member_id": m, "grade": "excellent" if i == 4 else "qualified"}
              for i, m in enumerate(members)]
    r = api.post(f"/api/v1/units/{branch['id']}/evaluations",
                 {"year": YEAR, "on": day(12, 20), "grades": grades})
    assert r.status_code == 201, r.text
    sync(api)
    return {"cid": cid, "branch": branch["id"], "other": other["id"], "members": members,
            "leaver": leaver, "excellent": members[4],
            "deputy": committee["deputy_secretaries"][0]["person_id"]}


def propose(api, county, member_id: str, on: str = day(8, 1)) -> dict[str, Any]:
    r = api.post(RECS, {"kind": "party_membership", "member_id": member_id,
                        "committee_id": county["cid"], "reason": "带头发展合作社电商",
                        "party_applied_on": day(1, 10), "proposed_on": on})
    assert r.status_code == 201, r.text  # before issue 12: 422 for a League member
    return r.json()  # type: ignore[no-any-return]


def vote(unit: str, on: str = day(8, 10), voting: int = 5, yes: int = 4) -> dict[str, Any]:
    return {"branch_id": unit, "vote_on": on, "voting_members": voting, "in_favour": yes,
            "against": voting - yes, "abstain": 0}


def test_a_league_member_is_voted_by_their_own_branch_assembly(api, county) -> None:
    rec = propose(api, county, county["members"][0])
    path = f"{RECS}/{rec['id']}/branch-vote"
    body = problem(api.post(path, vote(county["other"])), 409)
    assert body["rule"] == "voting_organization"
    assert body["expected_unit_id"] == county["branch"]
    assert problem(api.post(path, vote(county["cid"])), 409)["rule"] == "voting_organization"
    body = problem(api.post(path, vote(county["branch"], on=day(7, 31))), 409)
    assert body["rule"] == "vote_before_proposal"
    # five League members on the vote date (the sixth left on August 5th)
    body = problem(api.post(path, vote(county["branch"], voting=6, yes=5)), 422)
    assert body["organization_members"] == 5 and "voting_members" in body["errors"]
    assert api.get(f"{RECS}/{rec['id']}").json()["status"] == "proposed"  # nothing stored
    voted = api.post(path, vote(county["branch"]))
    assert voted.status_code == 200, voted.text
    assert voted.json()["vote"]["branch_id"] == county["branch"]


def test_a_committee_person_is_voted_by_the_working_committee(api, county) -> None:
    rec = propose(api, county, county["deputy"])
    path = f"{RECS}/{rec['id']}/branch-vote"
    assert problem(api.post(path, vote(county["branch"])), 409)["rule"] == "voting_organization"
    body = problem(api.post(path, vote(county["cid"], voting=10, yes=8)), 422)
    assert body["organization_members"] == 9
    r = api.post(path, vote(county["cid"], voting=9, yes=7))
    assert r.status_code == 200, r.text


def test_a_recommended_league_member_must_be_one_on_the_vote_date(api, county) -> None:
    rec = propose(api, county, county["leaver"])  # proposed before leaving on August 5th
    body = problem(api.post(f"{RECS}/{rec['id']}/branch-vote", vote(county["branch"])), 409)
    assert body["rule"] == "league_member_on_vote_date"
    problem(api.post(RECS, {"kind": "party_membership", "member_id": county["leaver"],
                            "committee_id": county["cid"], "reason": "x",
                            "party_applied_on": day(1, 10), "proposed_on": day(9, 1)}), 409)


def test_excellent_in_the_latest_round_comes_first(api, county) -> None:
    regular = propose(api, county, county["members"][1])
    excellent = propose(api, county, county["excellent"])
    assert excellent["excellent_in_latest_round"] is True
    assert excellent["priority"] == "excellent_first" and excellent["priority_label"]
    assert regular["excellent_in_latest_round"] is False and regular["priority"] == "regular"
    items = api.get(f"{RECS}?committee_id={county['cid']}").json()["items"]
    ranks = [x["excellent_in_latest_round"] for x in items]
    assert ranks == sorted(ranks, reverse=True) and ranks[0] is True
    assert items[0]["member_id"] == county["excellent"]
    # pages keep the order
    first = api.get(f"{RECS}?committee_id={county['cid']}&limit=1").json()
    assert first["items"][0]["member_id"] == county["excellent"] and first["next_cursor"]
    rest = api.get(f"{RECS}?committee_id={county['cid']}&limit=50",
                   params={"cursor": first["next_cursor"]}).json()["items"]
    assert [x["id"] for x in rest] == [x["id"] for x in items[1:]]
    view = api.get("/api/v1/departments/organization/view",
                   token=api.token("organization", "viewer"))
    assert view.status_code == 200, view.text
    candidates = view.json()["sections"]["assessment"]["party_membership_candidates"]
    flags = [c["excellent_in_latest_round"] for c in candidates]
    assert flags == sorted(flags, reverse=True) and flags[0] is True


def test_the_organization_department_records_the_partys_decision(api, county) -> None:
    rec = propose(api, county, county["members"][2])
    assert api.post(f"{RECS}/{rec['id']}/branch-vote",
                    vote(county["branch"])).status_code == 200
    assert api.post(f"{RECS}/{rec['id']}/submit", {"submitted_on": day(8, 20)}).status_code == 200
    path = f"{RECS}/{rec['id']}/party-decision"
    decision = {"outcome": "accepted", "decided_on": day(9, 15), "note": "确定为发展对象"}
    problem(api.post(path, decision), 403)  # the League committee's token may not
    problem(api.post(path, decision, token=api.token("organization", "viewer")), 403)
    org = api.token("organization", "editor")
    r = api.post(path, decision, token=org)
    assert r.status_code == 200, r.text
    shown = api.get(f"{RECS}/{rec['id']}").json()
    assert shown["party_decision"] == {"outcome": "accepted", "decided_on": day(9, 15),
                                       "note": "确定为发展对象", "department": "organization"}
    assert shown["status"] == "decided" and shown["outcome"] == "accepted"
    problem(api.post(path, decision, token=org), 409)  # final
