"""Combined views: the dashboard, a unit's overview, the departments' views."""

from __future__ import annotations

import pytest

from gateway import views
from tests.conftest import wait_until
from tests.e2e import test_gateway_kit as kit

ALL = set(views.SECTION_ACTIONS)


@pytest.fixture(scope="module")
def world(api):
    return kit.tree(api)


def _shown_or_missing(body: dict) -> set[str]:
    missing = {s for part in body["missing"] for s in part["sections"]}
    return set(body["sections"]) | missing


def test_the_dashboard_answers_every_section_or_names_it_missing(api, world):
    r = api.get("/api/v1/dashboard")
    assert r.status_code == 200, r.text
    body = r.json()
    assert _shown_or_missing(body) == ALL
    assert body["withheld"] == []
    assert body["partial"] == bool(body["missing"])
    assert body["scope_unit"] is None
    assert set(body["period"]) == {"year", "month"}
    assert not set(body["sections"]) & {s for p in body["missing"] for s in p["sections"]}


def test_sections_a_department_may_not_read_are_withheld(api, world):
    body = api.get("/api/v1/dashboard", token=api.token("tax", "viewer")).json()
    assert set(body["withheld"]) == {"members", "meetings_compliance", "funds", "credit",
                                     "assessment"}
    assert _shown_or_missing(body) == {"tree", "coverage", "activities"}
    body = api.get("/api/v1/dashboard", token=api.token("bank", "viewer")).json()
    assert "credit" not in body["withheld"] and "members" in body["withheld"]


def test_the_dashboard_follows_new_facts(api, world):
    def active():
        body = api.get("/api/v1/dashboard").json()
        return body["sections"]["members"]["by_status"]["active"]

    before = active()
    kit.member(api, world["b"])
    wait_until(lambda: active() == before + 1, timeout=20, message="the new member counted")


def test_a_scoped_dashboard_counts_its_subtree_only(api, world):
    token = api.token("organization", "viewer", unit=world["a"])
    body = api.get("/api/v1/dashboard", token=token).json()
    assert body["scope_unit"] == world["a"]
    assert body["sections"]["members"]["by_status"]["active"] == 1
    assert sum(body["sections"]["tree"]["units_by_kind"].values()) == 1


def test_a_units_overview_covers_its_subtree_in_the_tokens_scope(api, world):
    r = api.get(f"/api/v1/units/{world['root']}/overview")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["unit_id"] == world["root"] and body["units"] >= 3
    assert body["sections"]["members"]["by_status"]["active"] >= 2
    a = api.get(f"/api/v1/units/{world['a']}/overview").json()
    assert a["units"] == 1 and a["sections"]["members"]["by_status"]["active"] == 1
    scoped = api.token("league_committee", "admin", unit=world["a"])
    assert api.get(f"/api/v1/units/{world['a']}/overview", token=scoped).status_code == 200
    for elsewhere in (world["b"], world["root"]):
        r = api.get(f"/api/v1/units/{elsewhere}/overview", token=scoped)
        assert r.status_code == 404, r.text
    assert api.get("/api/v1/units/nosuchunit/overview").status_code == 404


def test_a_departments_view_has_its_documented_sections(api, world):
    r = api.get("/api/v1/departments/finance/view", token=api.token("finance", "viewer"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["department"] == "finance" and body["follows"] == ["funds", "credit"]
    assert body["withheld"] == [] and _shown_or_missing(body) == {"funds", "credit"}
    body = api.get("/api/v1/departments/finance/view", token=api.token("tax", "viewer")).json()
    assert body["withheld"] == ["funds", "credit"] and body["sections"] == {}
    for department, wanted in views.DEPARTMENT_SECTIONS.items():
        body = api.get(f"/api/v1/departments/{department}/view").json()
        assert _shown_or_missing(body) == set(wanted)
    assert api.get("/api/v1/departments/nosuch/view").status_code == 404


def test_a_service_that_does_not_answer_makes_a_partial_dashboard(api, platform, world):
    kit.stop_process(platform, "assessment")
    try:
        # a year nobody asked for yet: not in the gateway's cache
        r = api.get("/api/v1/dashboard", params={"year": 2031})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["partial"] is True
        [part] = [p for p in body["missing"] if p["service"] == "assessment"]
        assert part["reason"] == "timeout" and part["sections"] == ["assessment"]
        assert "assessment" not in body["sections"]
        assert "tree" in body["sections"] and "members" in body["sections"]
    finally:
        kit.start_missing(platform)

    def complete():
        body = api.get("/api/v1/dashboard", params={"year": 2032}).json()
        return all(p["service"] != "assessment" for p in body["missing"]) and body

    body = wait_until(complete, timeout=30, message="assessment answering again")
    assert "assessment" in body["sections"]
