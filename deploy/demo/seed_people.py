"""Demo county, issue 12 parts 3-5 (runs after seed_rules): the people's rules.

Shows: the working committee's regular meetings attended by the committee's people (in
deploy/demo/activities.py: a deputy secretary chairs, the committee members are office
heads, not League members) and one record without a chair that does not count; a branch's
annual evaluation and two of its League members recommended for Party membership, voted by
their own branch assembly, the one graded excellent listed first (优先), the organization
department recording the Party's decision with its own token; a committee member appointed
without a commitment letter, listed as missing (and the demo's draft letter as unpublished).
Deterministic Idempotency-Keys (with the year): running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from deploy.demo.client import Client, DemoError
from gateway import auth

LOCAL = dt.timezone(dt.timedelta(hours=8))


def _key(*parts: Any) -> str:
    return "demo-i12p-" + "-".join(str(p) for p in parts)


def _branch_with_league_members(client, state: dict) -> tuple[str, list[str]] | None:
    """A branch with 4 or more active League members (one may be excellent under the 30%
    quota), and those members."""
    counts: dict[str, int] = {}
    for m in state.get("members", []):
        if m["kind"] == "league_member":
            counts[m["unit_id"]] = counts.get(m["unit_id"], 0) + 1
    for unit in sorted(state.get("units", []), key=lambda u: u["id"]):
        if unit["kind"] != "branch" or counts.get(unit["id"], 0) < 5:
            continue
        roster = client.get(f"/units/{unit['id']}/members?limit=200")["items"]
        league = sorted(m["id"] for m in roster
                        if m["kind"] == "league_member" and m["status"] == "active")
        if len(league) >= 4:
            return unit["id"], league
    return None


def _recommendations(client, org: Client, cid: str, state: dict, year: int) -> str:
    found = _branch_with_league_members(client, state)
    if found is None:
        return "no branch with 4 League members"
    branch, league = found
    excellent, regular = league[0], league[1]
    try:  # the branch's annual evaluation (团员教育评议): one excellent (30% quota)
        client.post(f"/units/{branch}/evaluations", {
            "year": year, "on": f"{year}-12-15", "grades": [
                {"member_id": m, "grade": "excellent" if m == excellent else "qualified"}
                for m in league]}, _key("evaluation", branch, year), expect=(201, 409))
    except DemoError as exc:  # the roster changed since a first run: the year is graded
        print(f"demo: i12: evaluation kept as first recorded ({str(exc)[:80]})")
    recs = {}
    for member in (regular, excellent):
        rec = client.post("/recommendations", {
            "kind": "party_membership", "member_id": member, "committee_id": cid,
            "reason": "带头发展合作社电商，团员评议" + ("优秀" if member == excellent else "合格"),
            "party_applied_on": f"{year - 1}-10-08", "proposed_on": f"{year}-11-02"},
            _key("rec", member, year))
        recs[member] = rec
        # the candidate's own branch assembly votes (a replayed proposal answers
        # "proposed" again: ask for the status now)
        if client.get(f"/recommendations/{rec['id']}")["status"] == "proposed":
            client.post(f"/recommendations/{rec['id']}/branch-vote", {
                "branch_id": branch, "vote_on": f"{year}-11-20",
                "voting_members": len(league), "in_favour": len(league) - 1, "against": 1,
                "abstain": 0}, _key("vote", member, year))
            client.post(f"/recommendations/{rec['id']}/submit",
                        {"submitted_on": f"{year}-11-25"}, _key("submit", member, year))
    best = recs[excellent]
    if client.get(f"/recommendations/{best['id']}")["status"] != "decided":  # 组织部's token
        org.post(f"/recommendations/{best['id']}/party-decision", {
            "outcome": "accepted", "decided_on": f"{year}-12-28",
            "note": "经党支部研究，确定为入党积极分子"}, _key("party-decision", excellent, year))
    listed = client.get(f"/recommendations?committee_id={cid}&kind=party_membership")["items"]
    return ("party membership list: " + ", ".join(
        f"{x['member_name']}({x['priority_label']})" for x in listed[:3]))


def _letters(client, cid: str, year: int) -> str:
    """A committee member appointed in October without a letter: missing after 30 days."""
    client.post(f"/committees/{cid}/committee-members", {
        "person_id": "demo-member-new-official", "name": "刘晓东",
        "source": "college_graduate_village_official", "on": f"{year}-10-08"},
        _key("new-member", year), expect=(200, 409))
    owed = client.get(f"/commitment-letters/missing?committee_id={cid}")
    states: dict[str, int] = {}
    for item in owed["items"]:
        states[item["state"]] = states.get(item["state"], 0) + 1
    return f"commitment letters owed: {states}"


def load(client, state: dict) -> None:
    cid = state.get("committee_id")
    if not cid:
        print("demo: i12 people: no demo committee; skipped")
        return
    year = dt.datetime.now(LOCAL).year - 1
    org = Client(client.base)
    org.token = auth.issue("demo-organization", "organization", "editor", ttl=6 * 3600)
    print("demo: i12: " + _recommendations(client, org, cid, state, year) + "; "
          + _letters(client, cid, year))
