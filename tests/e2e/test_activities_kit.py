"""Helpers for the activities e2e tests (no tests here): a small county built through org's
routes, and waiting until activities has learnt it from org's events."""

from __future__ import annotations

import datetime as dt
from typing import Any

import requests

from tests.conftest import wait_until
from tests.e2e.test_org_kit import create_committee, create_unit, register

CST = dt.timezone(dt.timedelta(hours=8))


def local_today() -> dt.date:
    return dt.datetime.now(CST).date()


def caught_up(api) -> bool:
    """activities has applied every org event stored so far."""
    services = requests.get(api.base + "/health", timeout=10).json()["services"]
    org_head = services["org"].get("head")  # absent while org does not answer
    tracked = services["activities"].get("tracking", {}).get("org", 0)
    return org_head is not None and tracked >= org_head


def sync(api) -> None:
    wait_until(lambda: caught_up(api), timeout=30, message="activities learns org's events")


def build_county(api) -> dict[str, Any]:
    """Working committee -> fruit committee -> branches b1 (Dazhuang township), b2; a branch
    directly under the working committee; three members in b1, one in b2."""
    committee = create_committee(api)
    wc = committee["root_unit_id"]
    fruit = create_unit(api, wc, "professional_committee", on="2024-01-10")
    b1 = create_unit(api, fruit["id"], "branch", on="2024-02-15", management="township",
                     township="Dazhuang", joint_mode="village_cooperative")
    b2 = create_unit(api, fruit["id"], "branch", on="2024-01-20")
    direct = create_unit(api, wc, "branch", on="2024-01-20")
    members = [register(api, b1["id"])["id"] for _ in range(3)]
    other = register(api, b2["id"])["id"]
    sync(api)
    return {"wc": wc, "fruit": fruit["id"], "b1": b1["id"], "b2": b2["id"],
            "direct": direct["id"], "members": members, "other": other}


def activity_body(units: list[str], **overrides: Any) -> dict[str, Any]:
    body = {"organizer_unit_ids": units, "kind": "skills_training", "title": "Pruning class",
            "starts_at": "2024-03-10T09:00:00+08:00", "ends_at": "2024-03-10T11:30:00+08:00",
            "venue": "Village hall", "expected_attendance": 30, "budget_fen": 150000}
    body.update(overrides)
    return body


def at(day: dt.date, hour: int) -> str:
    return dt.datetime.combine(day, dt.time(hour), CST).isoformat()


def problem(r, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["status"] == status
    return body
