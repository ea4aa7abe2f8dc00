"""County-wide unified activities (统一活动): the committee issues one activity to many
units; each unit's part is tracked (assigned -> linked -> held, or excused)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput, RuleViolation

from ._common import (
    clean_id,
    clean_ids,
    clean_optional_id,
    clean_text,
    parse_date,
    require_date,
)
from .activity import ACTIVITY_KINDS

ASSIGNED = "assigned"
LINKED = "linked"
PART_HELD = "held"
EXCUSED = "excused"

ISSUED = "issued"
CLOSED = "closed"


@dataclass
class UnitPart:
    unit_id: str
    status: str = ASSIGNED
    activity_ids: list[str] | None = None
    held_on: date | None = None
    excuse: str = ""


@dataclass(frozen=True)
class Completion:
    """`owed` excludes excused parts; `rate` is None when nothing is owed."""

    owed: int
    held: int

    @property
    def rate(self) -> float | None:
        return None if self.owed == 0 else self.held / self.owed

    def to_dict(self) -> dict[str, Any]:
        return {"owed": self.owed, "held": self.held, "rate": self.rate}


class UnifiedActivity(Aggregate):
    stream_prefix = "unified_activity"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.status = ""
        self.title = ""
        self.kind = ""
        self.description = ""
        self.window_start: date | None = None
        self.window_end: date | None = None
        self.issued_on: date | None = None
        self.work_menu_item_id: str | None = None
        self.parts: dict[str, UnitPart] = {}

    def issue(
        self,
        *,
        title: str,
        kind: str,
        unit_ids: Sequence[str],
        window_start: date,
        window_end: date,
        issued_on: date,
        description: str = "",
        work_menu_item_id: str | None = None,
    ) -> None:
        if self.exists:
            raise RuleViolation("unified activity already issued", {})
        if kind not in ACTIVITY_KINDS:
            raise InvalidInput.field("kind", "must be one of " + ", ".join(ACTIVITY_KINDS))
        start = require_date("window_start", window_start)
        end = require_date("window_end", window_end)
        if end < start:
            raise InvalidInput.field("window_end", "must not be before window_start")
        self._record(
            "UnifiedActivityIssued",
            {
                "title": clean_text("title", title),
                "kind": kind,
                "description": clean_text("description", description, max_len=5000,
                                          required=False),
                "unit_ids": clean_ids("unit_ids", unit_ids, allow_empty=False),
                "window_start": start.isoformat(),
                "window_end": end.isoformat(),
                "issued_on": require_date("issued_on", issued_on).isoformat(),
                "work_menu_item_id": clean_optional_id("work_menu_item_id", work_menu_item_id),
            },
        )

    def add_units(self, unit_ids: Sequence[str]) -> None:
        self._require_open("add units")
        ids = clean_ids("unit_ids", unit_ids, allow_empty=False)
        already = sorted(set(ids) & set(self.parts))
        if already:
            raise RuleViolation("units already take part", {"unit_ids": already})
        self._record("UnifiedActivityUnitsAdded", {"unit_ids": ids})

    def excuse_unit(self, unit_id: str, *, reason: str) -> None:
        """Release a unit (e.g. dissolved): its part no longer counts as owed."""
        self._require_open("excuse a unit")
        part = self._part(unit_id)
        if part.status == PART_HELD:
            raise RuleViolation("the unit has already held its part", {"unit_id": part.unit_id})
        if part.status == EXCUSED:
            raise RuleViolation("the unit is already excused", {"unit_id": part.unit_id})
        self._record(
            "UnifiedActivityUnitExcused",
            {"unit_id": part.unit_id, "reason": clean_text("reason", reason)},
        )

    def link_activity(self, unit_id: str, activity_id: str) -> None:
        """The unit's own Activity carries out its part."""
        self._require_open("link an activity")
        part = self._part(unit_id)
        if part.status == EXCUSED:
            raise RuleViolation("the unit is excused", {"unit_id": part.unit_id})
        activity = clean_id("activity_id", activity_id)
        for other in self.parts.values():
            if activity in (other.activity_ids or []):
                raise RuleViolation(
                    "activity already linked", {"activity_id": activity, "unit_id": other.unit_id}
                )
        self._record(
            "UnifiedActivityPartLinked", {"unit_id": part.unit_id, "activity_id": activity}
        )

    def link_organizer_activity(self, organizer_unit_ids: Sequence[str],
                                activity_id: str) -> str:
        """An activity carries out the part of its first organizer taking part (not
        excused); none taking part is a RuleViolation. Answers the unit linked."""
        for unit_id in organizer_unit_ids:
            part = self.parts.get(unit_id)
            if part is not None and part.status != EXCUSED:
                self.link_activity(unit_id, activity_id)
                return unit_id
        raise RuleViolation("none of the organizers takes part in the unified activity",
                            {"rule": "not_a_participant", "unified_activity_id": self.id,
                             "unit_ids": sorted(self.parts)})

    def mark_part_held(self, unit_id: str, activity_id: str, *, held_on: date) -> None:
        """The linked activity was held (the service calls this on ActivityHeld). A late
        part still counts as held; `late` in the report tells it apart."""
        part = self._part(unit_id)
        activity = clean_id("activity_id", activity_id)
        if activity not in (part.activity_ids or []):
            raise RuleViolation(
                "activity not linked to this unit's part",
                {"unit_id": part.unit_id, "activity_id": activity},
            )
        if part.status == PART_HELD:
            raise RuleViolation("part already held", {"unit_id": part.unit_id})
        self._record(
            "UnifiedActivityPartHeld",
            {
                "unit_id": part.unit_id,
                "activity_id": activity,
                "held_on": require_date("held_on", held_on).isoformat(),
            },
        )

    def activity_held(self, activity_id: str, *, held_on: date) -> None:
        """A linked activity was held: every part it carries out that is not yet held
        counts as held (an activity held twice changes nothing the second time)."""
        for part in self.parts.values():
            if activity_id in (part.activity_ids or []) and part.status != PART_HELD:
                self.mark_part_held(part.unit_id, activity_id, held_on=held_on)

    def close(self, *, closed_on: date) -> None:
        self._require_open("close")
        self._record(
            "UnifiedActivityClosed", {"closed_on": require_date("closed_on", closed_on).isoformat()}
        )

    # -- queries ----------------------------------------------------------------------

    def completion(self) -> Completion:
        owed = [p for p in self.parts.values() if p.status != EXCUSED]
        return Completion(len(owed), sum(p.status == PART_HELD for p in owed))

    def is_late(self, unit_id: str) -> bool:
        part = self._part(unit_id)
        assert self.window_end is not None
        return part.held_on is not None and part.held_on > self.window_end

    def _part(self, unit_id: str) -> UnitPart:
        ident = clean_id("unit_id", unit_id)
        if ident not in self.parts:
            raise RuleViolation("unit does not take part", {"unit_id": ident})
        return self.parts[ident]

    def _require_open(self, action: str) -> None:
        if self.status != ISSUED:
            raise RuleViolation(
                f"cannot {action}: unified activity is {self.status or 'not issued'}",
                {"current_status": self.status or None},
            )

    # -- state changes ----------------------------------------------------------------

    def _on_unified_activity_issued(self, data: dict[str, Any]) -> None:
        self.status = ISSUED
        self.title = data["title"]
        self.kind = data["kind"]
        self.description = data["description"]
        self.window_start = parse_date(data["window_start"])
        self.window_end = parse_date(data["window_end"])
        self.issued_on = parse_date(data["issued_on"])
        self.work_menu_item_id = data.get("work_menu_item_id")
        self.parts = {u: UnitPart(u, activity_ids=[]) for u in data["unit_ids"]}

    def _on_unified_activity_units_added(self, data: dict[str, Any]) -> None:
        for unit_id in data["unit_ids"]:
            self.parts[unit_id] = UnitPart(unit_id, activity_ids=[])

    def _on_unified_activity_unit_excused(self, data: dict[str, Any]) -> None:
        part = self.parts[data["unit_id"]]
        part.status = EXCUSED
        part.excuse = data["reason"]

    def _on_unified_activity_part_linked(self, data: dict[str, Any]) -> None:
        part = self.parts[data["unit_id"]]
        part.activity_ids = [*(part.activity_ids or []), data["activity_id"]]
        if part.status == ASSIGNED:
            part.status = LINKED

    def _on_unified_activity_part_held(self, data: dict[str, Any]) -> None:
        part = self.parts[data["unit_id"]]
        part.status = PART_HELD
        part.held_on = parse_date(data["held_on"])

    def _on_unified_activity_closed(self, data: dict[str, Any]) -> None:
        self.status = CLOSED


def completion_by_unit(unified: Iterable[UnifiedActivity]) -> dict[str, Completion]:
    """Per unit, over all unified activities issued to it: parts owed and held."""
    owed: dict[str, int] = {}
    held: dict[str, int] = {}
    for activity in unified:
        for part in activity.parts.values():
            if part.status == EXCUSED:
                continue
            owed[part.unit_id] = owed.get(part.unit_id, 0) + 1
            held[part.unit_id] = held.get(part.unit_id, 0) + (part.status == PART_HELD)
    return {unit: Completion(owed[unit], held[unit]) for unit in sorted(owed)}


def overall_completion(unified: Iterable[UnifiedActivity]) -> Completion:
    owed = held = 0
    for activity in unified:
        result = activity.completion()
        owed += result.owed
        held += result.held
    return Completion(owed, held)
