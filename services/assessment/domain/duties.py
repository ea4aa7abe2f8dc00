"""Meetings due versus held, as evidence facts (pure).

The duty table is DOMAIN.md section 3 with the activities service's default cadences (the
working-committee regular meeting monthly, the training class quarterly; professional
committees: suggestion meeting quarterly, industry information meeting monthly; branches:
young members' exchange meeting monthly). Windows are calendar-aligned in county local
dates, as in the activities service:

- a unit owes every window that ends on or after its creation date, and none that ends on
  or after the day it was dissolved or merged away;
- for an assessment "as of" a date, a window counts as *due* once it has ended, or earlier
  if a meeting was already held in it (so held can never exceed due);
- a window is *held* when at least one (not retracted) meeting of its type has a date in
  it: two meetings in one month still fulfil one monthly duty.

Each due or held window becomes a `Fact` with a deterministic id
(`due:<unit>:<type>:<window>`), so the evidence aggregation treats them like facts from
events and counting them twice is impossible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .evidence import MEETING_DUE, MEETING_HELD, Fact

WORKING_COMMITTEE_REGULAR = "working_committee_regular"
TRAINING_NEW_TECH_CLASS = "training_new_tech_class"
PRO_COMMITTEE_QUARTERLY_SUGGESTION = "pro_committee_quarterly_suggestion"
PRO_COMMITTEE_MONTHLY_INDUSTRY_INFO = "pro_committee_monthly_industry_info"
BRANCH_MONTHLY_YOUTH_EXCHANGE = "branch_monthly_youth_exchange"

CADENCE_MONTHS = {"monthly": 1, "quarterly": 3}

# unit kind -> (meeting type, cadence)
DUTIES: dict[str, tuple[tuple[str, str], ...]] = {
    "working_committee": (
        (WORKING_COMMITTEE_REGULAR, "monthly"),
        (TRAINING_NEW_TECH_CLASS, "quarterly"),
    ),
    "professional_committee": (
        (PRO_COMMITTEE_QUARTERLY_SUGGESTION, "quarterly"),
        (PRO_COMMITTEE_MONTHLY_INDUSTRY_INFO, "monthly"),
    ),
    "general_branch": ((BRANCH_MONTHLY_YOUTH_EXCHANGE, "monthly"),),
    "branch": ((BRANCH_MONTHLY_YOUTH_EXCHANGE, "monthly"),),
    "joint_branch": ((BRANCH_MONTHLY_YOUTH_EXCHANGE, "monthly"),),
}


@dataclass(frozen=True)
class UnitLife:
    unit_id: str
    kind: str
    created_on: dt.date
    ended_on: dt.date | None = None


@dataclass(frozen=True)
class HeldMeeting:
    unit_id: str
    meeting_type: str
    held_on: dt.date


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date
    label: str


def windows(year: int, cadence: str) -> list[Window]:
    months = CADENCE_MONTHS[cadence]
    out = []
    for first in range(1, 13, months):
        last = first + months - 1
        end = dt.date(year + last // 12, last % 12 + 1, 1) - dt.timedelta(days=1)
        label = f"{year}-{first:02d}" if months == 1 else f"{year}-Q{(first - 1) // 3 + 1}"
        out.append(Window(dt.date(year, first, 1), end, label))
    return out


def owes(unit: UnitLife, window: Window) -> bool:
    if unit.created_on > window.end:
        return False
    return unit.ended_on is None or unit.ended_on > window.end


def meeting_facts(
    units: Iterable[UnitLife], meetings: Iterable[HeldMeeting], year: int, as_of: dt.date
) -> list[tuple[str, Fact]]:
    """(fact id, fact) pairs of the meetings due and held by `units` in `year` up to `as_of`.

    A due fact is dated on its window's last day, a held fact on the first meeting's date,
    both inside the year, so `gather_evidence` over the calendar year keeps them all."""
    held: dict[tuple[str, str], list[dt.date]] = {}
    for m in meetings:
        held.setdefault((m.unit_id, m.meeting_type), []).append(m.held_on)
    out: list[tuple[str, Fact]] = []
    for unit in sorted(units, key=lambda u: u.unit_id):
        for meeting_type, cadence in DUTIES.get(unit.kind, ()):
            dates = held.get((unit.unit_id, meeting_type), [])
            for window in windows(year, cadence):
                if window.start > as_of or not owes(unit, window):
                    continue
                inside = sorted(d for d in dates if window.start <= d <= min(window.end, as_of))
                if window.end > as_of and not inside:
                    continue  # still running and nothing held yet: not due so far
                key = f"{unit.unit_id}:{meeting_type}:{window.label}"
                out.append((f"due:{key}", Fact(MEETING_DUE, unit.unit_id, window.end)))
                if inside:
                    out.append((f"held:{key}", Fact(MEETING_HELD, unit.unit_id, inside[0])))
    return out
