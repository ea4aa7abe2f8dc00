"""Issue 12 part 3: the working committee's regular meeting (工作例会) is attended by the
committee's people (secretary, deputy secretaries, committee members: government office
heads who are not League members), heads of the cooperatives' League organizations and
township representatives; attendance keeps each person's role; the meeting counts as held
only with the secretary or a deputy secretary present."""

from __future__ import annotations

import pytest

from tests.e2e.test_activities_kit import problem, sync
from tests.e2e.test_org_kit import create_committee, create_unit, register


@pytest.fixture
def committee_county(api):
    committee = create_committee(api)
    wc = committee["root_unit_id"]
    branch = create_unit(api, wc, "branch", on="2024-01-05")
    head = register(api, branch["id"])["id"]
    r = api.post(f"/api/v1/members/{head}/roles", {"role": "branch_secretary",
                                                   "start": "2024-01-10"})
    assert r.status_code in (200, 201), r.text
    member = register(api, branch["id"])["id"]
    # a committee member appointed later, then removed: attends only while in post
    r = api.post(f"/api/v1/committees/{committee['id']}/committee-members", {
        "name": "王村官", "source": "college_graduate_village_official", "on": "2024-02-01"})
    assert r.status_code == 200, r.text
    village = [p["person_id"] for p in r.json()["committee_members"] if p["name"] == "王村官"][0]
    r = api.post(f"/api/v1/committees/{committee['id']}/leadership-removals", {
        "post": "committee_member", "person_id": village, "on": "2024-05-01"})
    assert r.status_code == 200, r.text
    sync(api)
    return {"wc": wc, "committee": committee, "head": head, "member": member,
            "village": village, "secretary": committee["secretary"]["person_id"],
            "deputy": committee["deputy_secretaries"][0]["person_id"],
            "township": committee["committee_members"][0]["person_id"]}


def regular(c, held_on, attendees, **extra):
    return {"meeting_type": "working_committee_regular", "unit_id": c["wc"],
            "held_on": held_on, "attendee_member_ids": attendees,
            "topics": ["春季生产"], "minutes": "工作例会纪要", **extra}


def test_committee_people_attend_the_regular_meeting_with_their_roles(api, committee_county):
    c = committee_county
    r = api.post("/api/v1/meetings", regular(c, "2024-03-05", [
        c["deputy"], c["township"], c["village"], c["head"], c["member"]],
        absentees=[{"member_id": c["secretary"], "reason": "县里开会"}]))
    assert r.status_code == 201, r.text  # before issue 12: 422 "unknown members"
    m = r.json()
    roles = {a["member_id"]: a["role"] for a in m["attendance"]}
    assert roles == {c["deputy"]: "deputy_secretary", c["township"]: "committee_member",
                     c["village"]: "committee_member", c["head"]: "league_organization_head",
                     c["member"]: "member"}
    assert m["chaired"] is True
    again = api.get(f"/api/v1/meetings/{m['id']}").json()
    assert again["attendance"] == m["attendance"]
    # a committee member removed on May 1st no longer attends as one; a stranger never does
    body = problem(api.post("/api/v1/meetings", regular(c, "2024-05-10", [
        c["secretary"], c["village"], "nobody-at-all"])), 422)
    assert body["unknown_member_ids"] == sorted([c["village"], "nobody-at-all"])
    # committee people attend their committee's meetings, not a branch's exchange meeting
    other = create_unit(api, c["wc"], "branch", on="2024-01-05")
    sync(api)
    body = problem(api.post("/api/v1/meetings", {
        "meeting_type": "branch_monthly_youth_exchange", "unit_id": other["id"],
        "held_on": "2024-03-06", "attendee_member_ids": [c["deputy"]]}), 422)
    assert body["unknown_member_ids"] == [c["deputy"]]


def test_regular_meeting_counts_only_with_the_secretary_or_a_deputy(api, committee_county):
    c = committee_county
    r = api.post("/api/v1/meetings", regular(c, "2024-04-08", [c["township"], c["head"]]))
    assert r.status_code == 201, r.text
    assert r.json()["chaired"] is False
    report = api.get("/api/v1/meetings/compliance?period=2024-04").json()
    wc = next(u for u in report["units"] if u["unit_id"] == c["wc"])
    duty = next(d for d in wc["duties"] if d["meeting_type"] == "working_committee_regular")
    assert duty["status"] == "overdue" and duty["meeting_ids"] == []
    chaired = api.post("/api/v1/meetings", regular(c, "2024-04-20", [c["secretary"],
                                                                      c["township"]]))
    assert chaired.status_code == 201, chaired.text
    report = api.get("/api/v1/meetings/compliance?period=2024-04").json()
    wc = next(u for u in report["units"] if u["unit_id"] == c["wc"])
    duty = next(d for d in wc["duties"] if d["meeting_type"] == "working_committee_regular")
    assert duty["status"] == "held" and duty["meeting_ids"] == [chaired.json()["id"]]
