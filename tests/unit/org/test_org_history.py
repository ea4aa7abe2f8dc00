"""Time travel: the tree on a date, rebuilt from events (pure)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from eventkit.errors import NotFound
from services.org.domain.history import tree_as_of


def created(uid: str, name: str, kind: str, parent: str | None, on: str, pos: int
            ) -> tuple[str, str, dict[str, Any], int]:
    return ("UnitCreated", uid, {"name": name, "kind": kind, "parent_id": parent, "on": on}, pos)


EVENTS = [
    created("wc", "Committee", "working_committee", None, "2023-01-01", 1),
    created("a", "Apple", "branch", "wc", "2023-03-01", 2),
    created("g", "General", "general_branch", "wc", "2023-06-01", 3),
    ("UnitRenamed", "a", {"name": "Apple and pear", "on": "2023-09-01"}, 4),
    ("UnitMoved", "a", {"from_parent_id": "wc", "to_parent_id": "g", "on": "2024-01-10"}, 5),
    ("MemberRegistered", "m1", {"unit_id": "a", "registered_on": "2023-04-01"}, 6),
    ("MemberRegistered", "m2", {"unit_id": "g", "registered_on": "2023-07-01"}, 7),
    ("TransferApproved", "m2", {"to_unit_id": "a", "on": "2023-08-01"}, 8),
    ("MemberLeft", "m1", {"on": "2023-10-01"}, 9),
    ("UnitDissolved", "g", {"reason": "r", "on": "2024-06-01"}, 10),
    # recorded late, dated early: it belongs before the rename
    created("late", "Late", "branch", "wc", "2023-02-01", 11),
]


def day(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def test_the_tree_before_and_after_each_change() -> None:
    t = tree_as_of(EVENTS, "wc", day("2023-04-01"))
    assert [(c["id"], c["name"], c["members"]) for c in t["children"]] == [
        ("a", "Apple", 1), ("late", "Late", 0)]
    t = tree_as_of(EVENTS, "wc", day("2023-09-15"))
    kids = {c["id"]: c for c in t["children"]}
    assert kids["a"]["name"] == "Apple and pear"
    assert kids["a"]["members"] == 2 and kids["g"]["members"] == 0  # m2 transferred
    t = tree_as_of(EVENTS, "wc", day("2024-02-01"))
    kids = {c["id"]: c for c in t["children"]}
    assert set(kids) == {"g", "late"}
    assert [c["id"] for c in kids["g"]["children"]] == ["a"]
    assert kids["g"]["children"][0]["members"] == 1  # m1 left
    assert tree_as_of(EVENTS, "g", day("2024-07-01"))["status"] == "dissolved"


def test_a_unit_that_did_not_exist_yet_is_not_found() -> None:
    with pytest.raises(NotFound):
        tree_as_of(EVENTS, "g", day("2023-05-31"))
    assert tree_as_of(EVENTS, "g", day("2023-06-01"))["id"] == "g"


def test_merged_units_keep_their_status_and_a_cycle_cannot_loop() -> None:
    events = [
        created("wc", "W", "working_committee", None, "2023-01-01", 1),
        created("x", "X", "branch", "wc", "2023-01-02", 2),
        ("UnitMergedInto", "x", {"target_unit_id": "wc", "on": "2023-02-01"}, 3),
        # corrupt history: a parent pointing at its child must not recurse forever
        ("UnitMoved", "wc", {"from_parent_id": None, "to_parent_id": "x", "on": "2023-03-01"}, 4),
    ]
    t = tree_as_of(events, "wc", day("2023-03-02"))
    assert t["children"][0]["status"] == "merged"
    assert t["children"][0]["children"] == []
