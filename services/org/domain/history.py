"""The League tree as it stood on a date, rebuilt from the org events (time travel).

Pure: the service layer reads the unit and member events from the store (upcast, in position
order) and passes them in as `(type, aggregate_id, data, position)`. Every unit event carries
`on`, the date it took effect; member events carry theirs (`registered_on` or `on`). Events are
applied in the order of that date, then of position, so a change recorded late with an earlier
date still lands where it belongs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from eventkit.errors import NotFound

UNIT_EVENTS: tuple[str, ...] = (
    "UnitCreated",
    "UnitRenamed",
    "UnitMoved",
    "UnitMergedInto",
    "UnitDissolved",
)
MEMBER_EVENTS: tuple[str, ...] = (
    "MemberRegistered",
    "TransferApproved",
    "MemberReassigned",
    "MemberAgedOut",
    "MemberLeft",
)

HistoryEvent = tuple[str, str, dict[str, Any], int]


def effective_date(event_type: str, data: dict[str, Any]) -> dt.date:
    if event_type == "MemberRegistered":
        return dt.date.fromisoformat(data["registered_on"])
    return dt.date.fromisoformat(data["on"])


def tree_as_of(events: Iterable[HistoryEvent], root_id: str, as_of: dt.date) -> dict[str, Any]:
    """The subtree under `root_id` on `as_of` (inclusive): nested nodes with the number of
    active members of each unit on that day. NotFound when the unit did not exist yet."""
    dated = [
        (effective_date(t, d), pos, t, aid, d)
        for t, aid, d, pos in events
        if t in UNIT_EVENTS or t in MEMBER_EVENTS
    ]
    dated.sort(key=lambda e: (e[0], e[1]))
    units: dict[str, dict[str, Any]] = {}
    member_unit: dict[str, str] = {}
    for when, _pos, event_type, aid, data in dated:
        if when > as_of:
            break
        if event_type == "UnitCreated":
            units[aid] = {
                "id": aid,
                "name": data["name"],
                "kind": data["kind"],
                "status": "active",
                "parent_id": data["parent_id"],
            }
        elif event_type in UNIT_EVENTS:
            unit = units.get(aid)
            if unit is None:
                continue
            if event_type == "UnitRenamed":
                unit["name"] = data["name"]
            elif event_type == "UnitMoved":
                unit["parent_id"] = data["to_parent_id"]
            elif event_type == "UnitMergedInto":
                unit["status"] = "merged"
            else:
                unit["status"] = "dissolved"
        elif event_type == "MemberRegistered":
            member_unit[aid] = data["unit_id"]
        elif event_type in ("TransferApproved", "MemberReassigned"):
            if aid in member_unit:
                member_unit[aid] = data["to_unit_id"]
        else:  # MemberAgedOut, MemberLeft
            member_unit.pop(aid, None)
    if root_id not in units:
        raise NotFound(
            f"unit {root_id} did not exist on {as_of.isoformat()}",
            {"unit_id": root_id, "as_of": as_of.isoformat()},
        )
    counts: dict[str, int] = {}
    for unit_id in member_unit.values():
        counts[unit_id] = counts.get(unit_id, 0) + 1
    children: dict[str, list[str]] = {}
    for unit in units.values():
        if unit["parent_id"] is not None:
            children.setdefault(unit["parent_id"], []).append(unit["id"])

    def node(unit_id: str, seen: frozenset[str]) -> dict[str, Any]:
        unit = units[unit_id]
        kids = sorted(children.get(unit_id, []), key=lambda k: (units[k]["name"], k))
        return {
            **unit,
            "members": counts.get(unit_id, 0),
            "children": [node(k, seen | {k}) for k in kids if k not in seen],
        }

    return node(root_id, frozenset({root_id}))
