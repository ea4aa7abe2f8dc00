"""Regular-meeting duties and who is overdue (DOMAIN.md section 3, the operating mechanism).

Duty table (seed 四.2):
- working committee: regular meeting (cadence configurable, monthly by default) and the
  knowledge training / new-technology class (configurable, quarterly by default);
- professional committee: development suggestion meeting quarterly, industry information
  sharing meeting monthly;
- branch (and general / joint branch): young members' exchange meeting monthly.

Windows are calendar-aligned (months, quarters, ...) in county local dates. Which windows a
unit owes (decided here):
- a duty starts when its unit comes into being: the working committee at its founding
  conference (成立大会), any other unit at its creation. Its first window is the first that
  begins on or after that day (issue 12), so nothing is overdue before it; a unit created
  mid-window owes from the next window;
- a dissolved unit owes no window in which it was dissolved nor any later one: it owes a
  window only if it was dissolved after the window's last day.
A window owed is "held" when the unit recorded a meeting of that type with a local date in
the window, else "overdue" if the window ended before `today`, else "due".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ._common import require_date
from .meetings import (
    BRANCH_MONTHLY_YOUTH_EXCHANGE,
    PRO_COMMITTEE_MONTHLY_INDUSTRY_INFO,
    PRO_COMMITTEE_QUARTERLY_SUGGESTION,
    TRAINING_NEW_TECH_CLASS,
    WORKING_COMMITTEE_REGULAR,
    MeetingFacts,
)
from .periods import Span, check_cadence, parse_period, periods_between, windows_overlapping
from .units import DEFAULT_UNIT_KINDS, UnitInfo, UnitKinds

DUE = "due"
HELD = "held"
OVERDUE = "overdue"
STATUSES = (DUE, HELD, OVERDUE)


@dataclass(frozen=True)
class Duty:
    meeting_type: str
    cadence: str
    holder: str  # a UnitKinds attribute: working_committee / professional_committee / branch


@dataclass(frozen=True)
class ComplianceConfig:
    working_committee_regular: str = "monthly"
    training_new_tech_class: str = "quarterly"
    unit_kinds: UnitKinds = DEFAULT_UNIT_KINDS

    def __post_init__(self) -> None:
        check_cadence("working_committee_regular", self.working_committee_regular)
        check_cadence("training_new_tech_class", self.training_new_tech_class)

    def duties(self) -> tuple[Duty, ...]:
        return (
            Duty(WORKING_COMMITTEE_REGULAR, self.working_committee_regular, "working_committee"),
            Duty(TRAINING_NEW_TECH_CLASS, self.training_new_tech_class, "working_committee"),
            Duty(PRO_COMMITTEE_QUARTERLY_SUGGESTION, "quarterly", "professional_committee"),
            Duty(PRO_COMMITTEE_MONTHLY_INDUSTRY_INFO, "monthly", "professional_committee"),
            Duty(BRANCH_MONTHLY_YOUTH_EXCHANGE, "monthly", "branch"),
        )

    def duties_of(self, unit_kind: str) -> tuple[Duty, ...]:
        return tuple(d for d in self.duties() if unit_kind in getattr(self.unit_kinds, d.holder))


DEFAULT_CONFIG = ComplianceConfig()


@dataclass(frozen=True)
class DutyWindow:
    meeting_type: str
    cadence: str
    window: str
    window_start: date
    window_end: date
    status: str
    meeting_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "meeting_type": self.meeting_type,
            "cadence": self.cadence,
            "window": self.window,
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "status": self.status,
            "meeting_ids": list(self.meeting_ids),
        }


@dataclass
class StatusCounts:
    due: int = 0
    held: int = 0
    overdue: int = 0
    units: int = 0
    units_overdue: int = 0

    def add(self, duties: Sequence[DutyWindow]) -> None:
        self.units += 1
        for duty in duties:
            setattr(self, duty.status, getattr(self, duty.status) + 1)
        if any(d.status == OVERDUE for d in duties):
            self.units_overdue += 1

    def to_dict(self) -> dict[str, int]:
        return {
            "due": self.due,
            "held": self.held,
            "overdue": self.overdue,
            "units": self.units,
            "units_overdue": self.units_overdue,
        }


@dataclass(frozen=True)
class UnitCompliance:
    unit_id: str
    name: str
    kind: str
    professional_committee_id: str | None
    township: str | None
    duties: tuple[DutyWindow, ...]

    @property
    def overdue(self) -> bool:
        return any(d.status == OVERDUE for d in self.duties)

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit_id": self.unit_id,
            "name": self.name,
            "kind": self.kind,
            "professional_committee_id": self.professional_committee_id,
            "township": self.township,
            "overdue": self.overdue,
            "duties": [d.to_dict() for d in self.duties],
        }


@dataclass(frozen=True)
class ComplianceReport:
    period: str
    period_start: date
    period_end: date
    today: date
    units: tuple[UnitCompliance, ...]
    totals: StatusCounts
    by_professional_committee: dict[str, StatusCounts] = field(default_factory=dict)
    by_township: dict[str, StatusCounts] = field(default_factory=dict)

    @property
    def overdue_unit_ids(self) -> list[str]:
        return [u.unit_id for u in self.units if u.overdue]

    def unit(self, unit_id: str) -> UnitCompliance:
        for entry in self.units:
            if entry.unit_id == unit_id:
                return entry
        raise KeyError(unit_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "today": self.today.isoformat(),
            "totals": self.totals.to_dict(),
            "overdue_unit_ids": self.overdue_unit_ids,
            "by_professional_committee": {
                k: v.to_dict() for k, v in sorted(self.by_professional_committee.items())
            },
            "by_township": {k: v.to_dict() for k, v in sorted(self.by_township.items())},
            "units": [u.to_dict() for u in self.units],
        }


def owes_window(unit: UnitInfo, window: Span) -> bool:
    start = unit.duties_start
    if start is None or window.start < start:
        return False
    return unit.dissolved_on is None or unit.dissolved_on > window.end


def _index(meetings: Iterable[MeetingFacts]) -> dict[tuple[str, str], list[MeetingFacts]]:
    out: dict[tuple[str, str], list[MeetingFacts]] = {}
    for meeting in meetings:
        if meeting.counts_for_duty():
            out.setdefault((meeting.unit_id, meeting.meeting_type), []).append(meeting)
    return out


def _unit_duties(
    unit: UnitInfo,
    period: Span,
    index: dict[tuple[str, str], list[MeetingFacts]],
    config: ComplianceConfig,
    today: date,
) -> tuple[DutyWindow, ...]:
    out: list[DutyWindow] = []
    for duty in config.duties_of(unit.kind):
        held_here = index.get((unit.id, duty.meeting_type), [])
        for window in windows_overlapping(period, duty.cadence):
            if not owes_window(unit, window):
                continue
            ids = tuple(
                m.meeting_id
                for m in sorted(held_here, key=lambda m: (m.held_on, m.meeting_id))
                if window.contains(m.held_on)
            )
            status = HELD if ids else (OVERDUE if window.end < today else DUE)
            out.append(
                DutyWindow(
                    duty.meeting_type,
                    duty.cadence,
                    window.label,
                    window.start,
                    window.end,
                    status,
                    ids,
                )
            )
    return tuple(out)


def compliance(
    period: str,
    units: Iterable[UnitInfo],
    meetings: Iterable[MeetingFacts],
    config: ComplianceConfig,
    today: date,
) -> ComplianceReport:
    """Per unit, each duty window overlapping `period` that the unit owes: due, held or
    overdue; with counts by professional committee and township. Units owing nothing in
    the period (other kinds, not yet created, dissolved earlier) are left out."""
    span = parse_period(period)
    day = require_date("today", today)
    index = _index(meetings)
    entries: list[UnitCompliance] = []
    totals = StatusCounts()
    by_committee: dict[str, StatusCounts] = {}
    by_township: dict[str, StatusCounts] = {}
    for unit in sorted(units, key=lambda u: (u.name, u.id)):
        duties = _unit_duties(unit, span, index, config, day)
        if not duties:
            continue
        entries.append(
            UnitCompliance(
                unit.id, unit.name, unit.kind, unit.professional_committee_id, unit.township,
                duties,
            )
        )
        totals.add(duties)
        by_committee.setdefault(unit.committee_key, StatusCounts()).add(duties)
        by_township.setdefault(unit.township_key, StatusCounts()).add(duties)
    return ComplianceReport(
        span.label, span.start, span.end, day, tuple(entries), totals, by_committee, by_township
    )


@dataclass(frozen=True)
class UnitHistory:
    unit_id: str
    periods: tuple[tuple[str, tuple[DutyWindow, ...]], ...]
    totals: StatusCounts

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit_id": self.unit_id,
            "totals": self.totals.to_dict(),
            "periods": [
                {"period": label, "duties": [d.to_dict() for d in duties]}
                for label, duties in self.periods
            ],
        }


def unit_history(
    unit: UnitInfo,
    meetings: Iterable[MeetingFacts],
    config: ComplianceConfig,
    from_period: str,
    to_period: str,
    today: date,
) -> UnitHistory:
    """A unit's duty windows period by period. A quarterly window shows under each of its
    months in a monthly history but is counted once in the totals."""
    day = require_date("today", today)
    index = _index(m for m in meetings if m.unit_id == unit.id)
    rows: list[tuple[str, tuple[DutyWindow, ...]]] = []
    unique: dict[tuple[str, date], DutyWindow] = {}
    for span in periods_between(from_period, to_period):
        duties = _unit_duties(unit, span, index, config, day)
        rows.append((span.label, duties))
        for duty in duties:
            unique[(duty.meeting_type, duty.window_start)] = duty
    totals = StatusCounts()
    totals.add(list(unique.values()))
    if not unique:
        totals.units = 0
    return UnitHistory(unit.id, tuple(rows), totals)


def due_windows(report: ComplianceReport, unit_id: str) -> list[DutyWindow]:
    """Windows still to be met (due or overdue) for one unit, for its calendar."""
    try:
        entry = report.unit(unit_id)
    except KeyError:
        return []
    return [d for d in entry.duties if d.status != HELD]
