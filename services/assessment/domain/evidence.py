"""Evidence for a member's unit(s), aggregated from other services' facts (pure).

The service layer projects activities and funding events into `Fact`s keyed by the source
event id. Keying by event id is what makes a redelivered event harmless: `collect_facts`
keeps one fact per id, and the aggregation reads only the mapping. Facts are counted by the
date they happened (`occurred_on`), not by arrival, so a late event lands in its own year.

`young_people_reached` sums the participants of each activity: it counts attendances, not
distinct persons (the source events carry no person ids).

An `EvidenceRule` turns evidence into flags shown beside the scores and an optional integer
adjustment of the final score (0 by default: the rule flags, people decide).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eventkit.errors import InvalidInput

from .grading import BP_TOTAL, MAX_ADJUSTMENT
from .values import require_int

MEETING_DUE = "meeting_due"
MEETING_HELD = "meeting_held"
ACTIVITY_ORGANIZED = "activity_organized"
FUNDS_RAISED = "funds_raised"
CREDIT_FACILITATED = "credit_facilitated"
FACT_KINDS: tuple[str, ...] = (
    MEETING_DUE, MEETING_HELD, ACTIVITY_ORGANIZED, FUNDS_RAISED, CREDIT_FACILITATED
)

FLAG_MEETINGS_BELOW_RATIO = "meetings_below_ratio"
FLAG_NO_ACTIVITY = "no_activity"


@dataclass(frozen=True)
class Fact:
    kind: str
    unit_id: str
    occurred_on: dt.date
    young_people: int = 0
    amount_fen: int = 0

    def __post_init__(self) -> None:
        if self.kind not in FACT_KINDS:
            raise InvalidInput.field("kind", f"must be one of {', '.join(FACT_KINDS)}")
        if self.young_people < 0 or self.amount_fen < 0:
            raise InvalidInput.field("fact", "counts and amounts must not be negative")


def collect_facts(pairs: Iterable[tuple[str, Fact]]) -> dict[str, Fact]:
    """One fact per source event id. A repeated id with the same fact is a redelivery and is
    dropped; the same id with a different fact means corrupt input and is refused."""
    facts: dict[str, Fact] = {}
    for event_id, fact in pairs:
        known = facts.get(event_id)
        if known is None:
            facts[event_id] = fact
        elif known != fact:
            raise InvalidInput(
                f"event {event_id} delivered twice with different content",
                {"event_id": event_id},
            )
    return facts


@dataclass(frozen=True)
class Evidence:
    unit_ids: tuple[str, ...] = ()
    meetings_due: int = 0
    meetings_held: int = 0
    activities_organized: int = 0
    young_people_reached: int = 0
    funds_raised_fen: int = 0
    credit_facilitated_fen: int = 0
    fact_count: int = 0

    @property
    def meeting_ratio_bp(self) -> int | None:
        """Meetings held per meeting due, in basis points (floor); None when none was due."""
        if self.meetings_due == 0:
            return None
        return self.meetings_held * BP_TOTAL // self.meetings_due

    def to_data(self) -> dict[str, Any]:
        return {
            "unit_ids": list(self.unit_ids),
            "meetings_due": self.meetings_due,
            "meetings_held": self.meetings_held,
            "activities_organized": self.activities_organized,
            "young_people_reached": self.young_people_reached,
            "funds_raised_fen": self.funds_raised_fen,
            "credit_facilitated_fen": self.credit_facilitated_fen,
            "fact_count": self.fact_count,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Evidence:
        return cls(
            unit_ids=tuple(data["unit_ids"]),
            meetings_due=data["meetings_due"],
            meetings_held=data["meetings_held"],
            activities_organized=data["activities_organized"],
            young_people_reached=data["young_people_reached"],
            funds_raised_fen=data["funds_raised_fen"],
            credit_facilitated_fen=data["credit_facilitated_fen"],
            fact_count=data["fact_count"],
        )


def gather_evidence(
    facts: Mapping[str, Fact], unit_ids: Iterable[str], start: dt.date, end: dt.date
) -> Evidence:
    """Evidence of the units from facts that happened in [start, end] (inclusive)."""
    units = tuple(sorted(set(unit_ids)))
    wanted = set(units)
    totals = dict.fromkeys(FACT_KINDS, 0)
    young = funds = credit = count = 0
    for fact in facts.values():
        if fact.unit_id not in wanted or not start <= fact.occurred_on <= end:
            continue
        count += 1
        totals[fact.kind] += 1
        if fact.kind == ACTIVITY_ORGANIZED:
            young += fact.young_people
        elif fact.kind == FUNDS_RAISED:
            funds += fact.amount_fen
        elif fact.kind == CREDIT_FACILITATED:
            credit += fact.amount_fen
    return Evidence(
        unit_ids=units,
        meetings_due=totals[MEETING_DUE],
        meetings_held=totals[MEETING_HELD],
        activities_organized=totals[ACTIVITY_ORGANIZED],
        young_people_reached=young,
        funds_raised_fen=funds,
        credit_facilitated_fen=credit,
        fact_count=count,
    )


def evidence_by_member(
    facts: Mapping[str, Fact], member_units: Mapping[str, Sequence[str]], year: int
) -> dict[str, Evidence]:
    """Calendar-year evidence for each member from the units they belong to."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return {m: gather_evidence(facts, units, start, end) for m, units in member_units.items()}


@dataclass(frozen=True)
class EvidenceRule:
    """Flag when meetings held < `min_meeting_ratio_bp` of those due (default 80%), and when
    no activity was organized (if `flag_no_activity`). Each flag may carry an integer
    adjustment of the final score (0 = flag only)."""

    min_meeting_ratio_bp: int = 8_000
    meeting_shortfall_adjustment: int = 0
    flag_no_activity: bool = True
    no_activity_adjustment: int = 0

    def to_data(self) -> dict[str, Any]:
        return {
            "min_meeting_ratio_bp": self.min_meeting_ratio_bp,
            "meeting_shortfall_adjustment": self.meeting_shortfall_adjustment,
            "flag_no_activity": self.flag_no_activity,
            "no_activity_adjustment": self.no_activity_adjustment,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> EvidenceRule:
        return cls(
            data["min_meeting_ratio_bp"],
            data["meeting_shortfall_adjustment"],
            data["flag_no_activity"],
            data["no_activity_adjustment"],
        )


def validate_evidence_rule(rule: EvidenceRule) -> EvidenceRule:
    require_int(rule.min_meeting_ratio_bp, "evidence_rule.min_meeting_ratio_bp", 0, BP_TOTAL)
    for name in ("meeting_shortfall_adjustment", "no_activity_adjustment"):
        require_int(getattr(rule, name), f"evidence_rule.{name}", -MAX_ADJUSTMENT, MAX_ADJUSTMENT)
    if not isinstance(rule.flag_no_activity, bool):
        raise InvalidInput.field("evidence_rule.flag_no_activity", "must be true or false")
    return rule


@dataclass(frozen=True)
class EvidenceAssessment:
    flags: tuple[str, ...]
    adjustment: int


def assess_evidence(evidence: Evidence, rule: EvidenceRule) -> EvidenceAssessment:
    flags: list[str] = []
    adjustment = 0
    ratio = evidence.meeting_ratio_bp
    # Integer cross-multiplication: 7 of 9 due is 77.7...% and must flag at 78%.
    if ratio is not None and (
        evidence.meetings_held * BP_TOTAL < evidence.meetings_due * rule.min_meeting_ratio_bp
    ):
        flags.append(FLAG_MEETINGS_BELOW_RATIO)
        adjustment += rule.meeting_shortfall_adjustment
    if rule.flag_no_activity and evidence.activities_organized == 0:
        flags.append(FLAG_NO_ACTIVITY)
        adjustment += rule.no_activity_adjustment
    adjustment = max(-MAX_ADJUSTMENT, min(MAX_ADJUSTMENT, adjustment))
    return EvidenceAssessment(tuple(flags), adjustment)
