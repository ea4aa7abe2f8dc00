"""Helpers for the org e2e tests (no tests here): committees, units and members over HTTP."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from eventkit.identifiers import make_resident_id, resident_id_birth_date
from tests.e2e.conftest import cooperative_body
from tests.e2e.conftest import rng as random
from tests.support.org_bodies import unit_body

# the service's "today": the county's date, a day ahead of UTC from 16:00 UTC
TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def county_code() -> str:
    return f"{random.randint(110000, 659999)}"


def resident_id(age_years: int = 22, days: int = 40, female: bool = False) -> str:
    """A valid, (practically) unique resident id of someone `age_years` old (+ `days`)."""
    born = years_ago(age_years) - dt.timedelta(days=days)
    region = f"{random.randint(110000, 659999)}"
    seq = random.randint(0, 99) * 10 + random.choice([0, 2, 4, 6, 8] if female else [1, 3, 5, 7, 9])
    return make_resident_id(region, born, f"{seq:03d}")


def years_ago(years: int, today: dt.date | None = None) -> dt.date:
    today = today or TODAY
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return dt.date(today.year - years, 3, 1)


DEPUTY_DEPARTMENTS = ("organization", "agriculture", "supply_coop", "economic_management",
                      "commerce", "science_technology", "civil_affairs", "tax", "finance")
FOUNDING_AGENDA = [{"kind": "establishment_document_read"}, {"kind": "work_report"},
                   {"kind": "superior_leader_speeches"}]


def establish(api, cid: str, founded: bool = True, on: str = "2023-12-01",
              founded_on: str = "2023-12-28") -> dict[str, Any]:
    """Take a committee through its establishment (issue 12: nothing is attached under it
    before approval): fill the leadership up to the rules (member units, secretary, 7
    deputies, a committee member), then every step; the founding conference when `founded`."""
    base = f"/api/v1/committees/{cid}"
    c = api.get(base).json()
    units = {u["id"] for u in c["member_units"]}
    taken = {d["member_unit_id"] for d in c["deputy_secretaries"]}
    deputies = len(c["deputy_secretaries"])
    for dep in DEPUTY_DEPARTMENTS:
        if deputies >= 7:
            break
        r = api.post(f"{base}/member-units", {"name": f"县{dep}局 {uuid.uuid4().hex[:4]}",
                                              "department_type": dep})
        assert r.status_code == 200, r.text
        new = [u["id"] for u in r.json()["member_units"] if u["id"] not in units]
        units.update(new)
        free = [u for u in new if u not in taken]
        r = api.post(f"{base}/deputy-secretaries", {
            "name": f"副书记{deputies}", "member_unit_id": free[0], "office": "办公室",
            "is_office_head": True, "on": on})
        assert r.status_code == 200, r.text
        taken.add(free[0])
        deputies += 1
    if c["secretary"] is None:
        r = api.post(f"{base}/secretary", {"name": "张伟", "from_county_league_committee": True,
                                           "on": on})
        assert r.status_code == 200, r.text
    if not c["committee_members"]:
        r = api.post(f"{base}/committee-members", {
            "name": "孙丽", "source": "township_league_secretary", "township": "大庄镇", "on": on})
        assert r.status_code == 200, r.text
    steps = [
        ("survey", {"cooperatives": 40, "league_members": 310, "young_people": 1200,
                    "party_organizations": 12, "league_organizations": 5, "report": "调研报告"}),
        ("plan", {"summary": "三级组织", "levels": ["working_committee", "branch"]}),
        ("coordination", {"org_dept_consent": True, "supporting_departments": ["agriculture"]}),
        ("preparatory-group", {"members": [{"name": "张伟", "office": "团县委"}]}),
        ("establishment-request", {}),
        ("approval", {"document_number": "团县委〔2023〕7号"}),
    ]
    if founded:
        steps.append(("founding-conference", {"attendees": ["张伟"],
                                              "agenda_items": FOUNDING_AGENDA}))
    names = {"survey": "survey_recorded", "plan": "plan_drafted",
             "coordination": "coordination_recorded",
             "preparatory-group": "preparatory_group_formed",
             "establishment-request": "establishment_requested",
             "approval": "establishment_approved",
             "founding-conference": "founding_conference_held"}
    for step, body in steps:
        if names[step] in c["steps"]:
            continue
        when = founded_on if step == "founding-conference" else on
        r = api.post(f"{base}/{step}", {"on": when, **body})
        assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def create_committee(api, established: bool = True, founded: bool = True,
                     **overrides: Any) -> dict[str, Any]:
    """A committee; by default approved and founded (so units can be attached under it)."""
    body = {"name": f"Working committee {uuid.uuid4().hex[:6]}", "county": "Laiwu",
            "county_code": county_code(), "on": "2023-11-01"}
    body.update(overrides)
    r = api.post("/api/v1/committees", body)
    assert r.status_code == 201, r.text
    if not established:
        return r.json()  # type: ignore[no-any-return]
    return establish(api, r.json()["id"], founded=founded)


def create_unit(api, parent_id: str, kind: str = "branch", token: str | None = None,
                **overrides: Any) -> dict[str, Any]:
    r = api.post("/api/v1/units", unit_body(parent_id, kind, **overrides), token=token)
    assert r.status_code == 201, r.text
    return r.json()


def member_body(unit_id: str, **overrides: Any) -> dict[str, Any]:
    body = {"kind": "league_member", "name": f"Li {uuid.uuid4().hex[:4]}", "ethnicity": "Han",
            "resident_id": resident_id(), "phone": "13812345678", "unit_id": unit_id}
    body.update(overrides)
    if "join_date" not in body:
        born = resident_id_birth_date(body["resident_id"])
        body["join_date"] = min(years_ago(-15, born), TODAY).isoformat()
    return body


def register(api, unit_id: str, **overrides: Any) -> dict[str, Any]:
    r = api.post("/api/v1/members", member_body(unit_id, **overrides))
    assert r.status_code == 201, r.text
    return r.json()


def cooperative(api, **overrides: Any) -> dict[str, Any]:
    r = api.post("/api/v1/cooperatives", cooperative_body(**overrides))
    assert r.status_code == 201, r.text
    return r.json()


def problem(r, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status
    return body  # type: ignore[no-any-return]
