"""Helpers for the org e2e tests (no tests here): committees, units and members over HTTP."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from eventkit.identifiers import make_resident_id, resident_id_birth_date
from tests.e2e.conftest import cooperative_body
from tests.e2e.conftest import rng as random

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


def create_committee(api, **overrides: Any) -> dict[str, Any]:
    body = {"name": f"Working committee {uuid.uuid4().hex[:6]}", "county": "Laiwu",
            "county_code": county_code(), "on": "2024-01-02"}
    body.update(overrides)
    r = api.post("/api/v1/committees", body)
    assert r.status_code == 201, r.text
    return r.json()


def create_unit(api, parent_id: str, kind: str = "branch", token: str | None = None,
                **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"name": f"{kind} {uuid.uuid4().hex[:6]}", "kind": kind,
                            "parent_id": parent_id, "on": "2024-02-01"}
    if kind in ("branch", "general_branch"):
        body["formation_mode"] = "standalone"
    if kind == "joint_branch":
        body["formation_mode"] = "joint"
    if kind == "professional_committee":
        body["industry"] = "fruit"
    body.update(overrides)
    r = api.post("/api/v1/units", body, token=token)
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
