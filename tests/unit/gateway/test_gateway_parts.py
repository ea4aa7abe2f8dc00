"""The gateway's pure parts: rate limit, scope cache, feed rules, routing table, exports."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from gateway import exports, feed, outbound, policy, ratelimit, scope, views
from gateway.auth import DEPARTMENTS, Principal

ROOT = Path(__file__).resolve().parents[3]  # tests/unit/gateway -> the checkout


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_token_bucket_refills_at_its_rate_up_to_its_burst():
    clock = Clock()
    buckets = ratelimit.TokenBuckets(rate=2, burst=3, clock=clock)
    assert [buckets.take("t") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = buckets.take("t")
    assert wait == pytest.approx(0.5)
    assert ratelimit.retry_after(wait) == "1"
    assert buckets.take("other") == 0.0
    clock.now += 0.5
    assert buckets.take("t") == 0.0
    clock.now += 100
    assert [buckets.take("t") for _ in range(4)][-1] > 0  # never more than the burst


def test_a_refusal_is_reported_once_a_minute_and_idle_buckets_are_dropped():
    clock = Clock()
    buckets = ratelimit.TokenBuckets(rate=1, burst=1, max_buckets=2, clock=clock)
    assert buckets.first_refusal("t") and not buckets.first_refusal("t")
    clock.now += 61
    assert buckets.first_refusal("t")
    for key in ("a", "b"):
        buckets.take(key)
    clock.now += 5
    buckets.take("c")
    assert len(buckets._buckets) <= 2


def test_the_subtree_cache_expires_and_is_dropped_on_invalidation():
    clock = Clock()
    calls = []
    cache = scope.SubtreeCache(ttl=5, clock=clock)

    def load(unit):
        calls.append(unit)
        return [unit, f"{unit}-child{len(calls)}"]

    assert cache.get("u", load) == ["u", "u-child1"]
    assert cache.get("u", load) == ["u", "u-child1"] and len(calls) == 1
    clock.now += 6
    assert cache.get("u", load) == ["u", "u-child2"]
    cache.invalidate()
    assert cache.get("u", load) == ["u", "u-child3"]


def test_an_answer_loaded_across_an_invalidation_is_not_kept():
    cache = scope.SubtreeCache(ttl=5, clock=Clock())

    def load(unit):
        cache.invalidate()  # the tree changed while org answered
        return [unit]

    cache.get("u", load)
    assert cache._entries == {}


def test_units_mentioned_and_masking():
    data = {"organizer_unit_ids": ["a", "b"], "unit_id": "c", "recommended_by_unit": "d",
            "parts": [{"unit_id": "e"}], "member_unit_id": "m", "phone": "13812345678",
            "beneficiary": {"id_number": "110101199003070011"}, "name": "x"}
    assert feed.units_mentioned("unit-z", data) == ["z", "a", "b", "c", "d", "e", "m"]
    assert feed.units_mentioned("member-1", {"name": "x"}) == []
    masked = feed.mask(data)
    assert masked["phone"] == "*******5678"
    assert masked["beneficiary"]["id_number"] == "**************0011"
    assert masked["name"] == "x" and data["phone"] == "13812345678"


def test_events_fall_under_the_read_action_of_their_resource():
    assert policy.event_action("org", "MemberRegistered") == "members.read"
    assert policy.event_action("funding", "CreditGranted") == "credit.read"
    assert policy.event_action("activities", "MeetingRecorded") == "meetings.read"
    assert policy.event_action("activities", "ActivityPlanned") == "activities.read"
    assert policy.event_action("assessment", "RecommendationProposed") == "recommendations.read"
    assert policy.event_action("org", "CommitteeCreated") == "committees.read"
    assert policy.event_action("nosuch", "X") == "audit.read"
    for table in policy.EVENT_ACTIONS.values():
        assert set(table.values()) <= set(policy.POLICY)


def test_the_routing_table_of_departments_outbound():
    table = outbound.RoutingTable.load(ROOT / "deploy" / "outbound_routes.yaml")
    keys = table.routing_keys("assessment", "ResultReported",
                              {"department": "Organization", "unit_id": "u"})
    assert keys == ["organization.assessment.result_reported"]
    assert table.routing_keys("assessment", "ResultReported", {"department": None}) == []
    assert "agriculture.org.cooperative_registered" in table.routing_keys(
        "org", "CooperativeRegistered", {})
    assert table.routing_keys("org", "NoSuchEvent", {}) == []
    for types in table.routes.values():
        for departments in types.values():
            assert set(departments) <= set(DEPARTMENTS)
    assert outbound.snake("UnifiedActivityPartHeld") == "unified_activity_part_held"


def test_the_access_page_is_generated_from_the_policy_table():
    assert (ROOT / "docs" / "access.md").read_text() == policy.markdown(), \
        "docs/access.md is stale: python -m gateway.policy > docs/access.md"


def test_the_policy_ranks_roles_and_lets_league_admins_do_everything():
    assert policy.allowed(Principal("x", "finance", "viewer"), "credit.read")
    assert policy.allowed(Principal("x", "bank", "viewer"), "credit.read")
    assert not policy.allowed(Principal("x", "tax", "admin"), "credit.read")
    # issue 12: only the county League committee (团县委) approves, not the organization dept
    assert not policy.allowed(Principal("x", "organization", "admin"), "committees.approve")
    assert not policy.allowed(Principal("x", "organization", "editor"), "committees.approve")
    assert policy.allowed(Principal("x", "league_committee", "admin"), "committees.approve")
    assert not policy.allowed(Principal("x", "league_committee", "editor"),
                              "committees.approve")
    assert policy.allowed(Principal("x", "organization", "viewer"), "recommendations.read")
    assert policy.allowed(Principal("x", "agriculture", "viewer"), "coverage.read")
    assert policy.allowed(Principal("x", "supply_coop", "viewer"), "cooperatives.read")
    assert not policy.allowed(Principal("x", "league_committee", "editor"), "audit.read")
    assert policy.allowed(Principal("x", "league_committee", "admin"), "partners.admin")
    assert not policy.allowed(Principal("x", "league_committee", "admin"), "no.such")


def test_every_department_follows_documented_sections():
    assert set(views.DEPARTMENT_SECTIONS) == set(DEPARTMENTS)
    for sections in views.DEPARTMENT_SECTIONS.values():
        assert set(sections) <= set(views.SECTION_ACTIONS)
    shown, withheld = views.visible_sections(Principal("x", "bank", "viewer"),
                                             views.DEPARTMENT_SECTIONS["finance"])
    assert shown == ["credit"] and withheld == ["funds"]


def test_an_export_table_flattens_values_and_quotes_formulas():
    columns, data = exports.table(iter([
        {"id": "1", "tags": ["a", "b"], "extra": {"k": 1}, "n": 3},
        {"id": "2", "name": "=cmd()", "n": None},
    ]))
    assert columns == ["id", "tags", "extra", "n", "name"]
    assert data[0] == ["1", "a; b", '{"k": 1}', 3, ""]
    text = exports.to_csv(columns, data).decode("utf-8")
    assert text.startswith("\ufeffid,tags,extra,n,name\r\n") and "'=cmd()" in text
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx("members", columns, data)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == tuple(columns) and rows[2][4] == "'=cmd()"


def test_the_summary_cache_keeps_answers_per_version():
    clock = Clock()
    cache = views.SummaryCache(ttl=10, clock=clock)
    started = []
    reply = cache.reply_for(("org",), (1,), lambda: started.append(1) or "r1")
    assert cache.reply_for(("org",), (1,), lambda: started.append(2) or "r2") == "r1"
    cache.store(("org",), (1,), reply, {"tree": 1})
    assert cache.lookup(("org",), (1,)) == (True, {"tree": 1})
    assert cache.lookup(("org",), (2,)) == (False, None)  # a new event: ask again
    clock.now += 11
    assert cache.lookup(("org",), (1,)) == (False, None)
    assert started == [1]
