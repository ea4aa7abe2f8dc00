"""Activity statistics for the dashboard: per unit, kind and month."""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from typing import Any

from services.activities.contract.enums import LINE_OF_KIND, NO_LINE

from .activity import HELD, ActivityFacts


@dataclass
class Tally:
    held: int = 0
    participants: int = 0  # attendances: one person at two activities counts twice
    reached_ids: set[str] = field(default_factory=set)

    @property
    def reached(self) -> int:
        """Unique young people reached."""
        return len(self.reached_ids)

    def add(self, attendees: tuple[str, ...], young: Set[str] | None) -> None:
        self.held += 1
        self.participants += len(attendees)
        self.reached_ids.update(a for a in attendees if young is None or a in young)

    def to_dict(self) -> dict[str, int]:
        return {"held": self.held, "participants": self.participants, "reached": self.reached}


@dataclass
class ActivityStats:
    totals: Tally = field(default_factory=Tally)
    by_unit: dict[str, Tally] = field(default_factory=dict)
    by_kind: dict[str, Tally] = field(default_factory=dict)
    by_line: dict[str, Tally] = field(default_factory=dict)  # line of work (LINES_OF_WORK)
    by_month: dict[str, Tally] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        def table(rows: dict[str, Tally]) -> dict[str, dict[str, int]]:
            return {k: v.to_dict() for k, v in sorted(rows.items())}

        return {
            "totals": self.totals.to_dict(),
            "by_unit": table(self.by_unit),
            "by_kind": table(self.by_kind),
            "by_line": table(self.by_line),
            "by_month": table(self.by_month),
        }


def activity_stats(
    activities: Iterable[ActivityFacts],
    *,
    young_member_ids: Set[str] | None = None,
    include_co_organizers: bool = True,
) -> ActivityStats:
    """Held activities only; the month is that of the local `held_on` date. An activity
    counts for every organizing (and, by default, co-organizing) unit, so the per-unit
    rows may add up to more than the totals. `young_member_ids`, when given, limits
    "reached" to those people (e.g. members aged 14-35); otherwise every attendee counts."""
    stats = ActivityStats()
    for fact in activities:
        if fact.status != HELD or fact.held_on is None:
            continue
        attendees = fact.attendee_member_ids
        units = fact.unit_ids if include_co_organizers else fact.organizer_unit_ids
        stats.totals.add(attendees, young_member_ids)
        for unit in dict.fromkeys(units):
            stats.by_unit.setdefault(unit, Tally()).add(attendees, young_member_ids)
        stats.by_kind.setdefault(fact.kind, Tally()).add(attendees, young_member_ids)
        line = LINE_OF_KIND.get(fact.kind, NO_LINE)
        stats.by_line.setdefault(line, Tally()).add(attendees, young_member_ids)
        month = fact.held_on.strftime("%Y-%m")
        stats.by_month.setdefault(month, Tally()).add(attendees, young_member_ids)
    return stats
