"""Grading of an assessment round (pure, exact arithmetic).

Scores are integers 0-100. Four components per member: self score, peer scores (from
committee members), member-unit scores and public ratings. Each component's mean is an
exact `Fraction`.

Weights are basis points (1 bp = 0.01%) and must sum to exactly 10,000.

Final score:
- weighted = sum(w_c * mean_c) / sum(w_c) over the components that have at least one score
  and a weight above zero. A missing component is *left out and the remaining weights are
  re-normalised* (it is neither a zero nor an average); which components were missing is
  reported in `MemberResult.missing`. A member with no weighted component at all gets no
  final score and no grade (not assessed) and does not count towards the quota base.
- weighted is rounded half up to 2 decimals; the evidence adjustment (integer points) is
  added and the result clamped to 0-100. The rounded final score is the one compared with
  the thresholds and ranked, so what is shown is what decided.

Grades: final >= excellent threshold -> excellent candidate; >= competent -> competent;
>= basically competent -> basically_competent; else incompetent.

Quota: at most floor(assessed * quota_bp / 10,000) excellent (default 30%), where
`assessed` counts members with a final score. Candidates are ranked by
1. higher final score, 2. higher exact peer mean, 3. higher exact unit mean (a missing mean
ranks below any present one), 4. member id ascending. Candidates beyond the quota become
competent (`capped_by_quota`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from eventkit.errors import InvalidInput

from .values import require_int, require_score

BP_TOTAL = 10_000
DEFAULT_EXCELLENT_QUOTA_BP = 3_000

SELF = "self"
PEER = "peer"
UNIT = "unit"
PUBLIC = "public"
COMPONENTS: tuple[str, ...] = (SELF, PEER, UNIT, PUBLIC)

EXCELLENT = "excellent"
COMPETENT = "competent"
BASICALLY_COMPETENT = "basically_competent"
INCOMPETENT = "incompetent"
GRADES: tuple[str, ...] = (EXCELLENT, COMPETENT, BASICALLY_COMPETENT, INCOMPETENT)

MAX_ADJUSTMENT = 20


@dataclass(frozen=True)
class Weights:
    """Component weights in basis points; validated by `validate_weights`."""

    self_bp: int = 1_000
    peer_bp: int = 3_000
    unit_bp: int = 3_000
    public_bp: int = 3_000

    def of(self, component: str) -> int:
        return {
            SELF: self.self_bp, PEER: self.peer_bp, UNIT: self.unit_bp, PUBLIC: self.public_bp
        }[component]

    def to_data(self) -> dict[str, int]:
        return {
            "self_bp": self.self_bp,
            "peer_bp": self.peer_bp,
            "unit_bp": self.unit_bp,
            "public_bp": self.public_bp,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Weights:
        return cls(data["self_bp"], data["peer_bp"], data["unit_bp"], data["public_bp"])


def validate_weights(weights: Weights) -> Weights:
    errors: dict[str, list[str]] = {}
    for name in ("self_bp", "peer_bp", "unit_bp", "public_bp"):
        value = getattr(weights, name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= BP_TOTAL:
            errors[name] = [f"must be an integer from 0 to {BP_TOTAL} basis points"]
    if errors:
        raise InvalidInput("weights are invalid", {"errors": errors})
    total = weights.self_bp + weights.peer_bp + weights.unit_bp + weights.public_bp
    if total != BP_TOTAL:
        raise InvalidInput(
            f"weights must sum to {BP_TOTAL} basis points (100%), not {total}",
            {"errors": {"weights": [f"sum is {total}, must be {BP_TOTAL}"]}},
        )
    return weights


@dataclass(frozen=True)
class Thresholds:
    """Lowest final score (inclusive) of each grade above incompetent."""

    excellent: int = 90
    competent: int = 75
    basically_competent: int = 60

    def to_data(self) -> dict[str, int]:
        return {
            "excellent": self.excellent,
            "competent": self.competent,
            "basically_competent": self.basically_competent,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Thresholds:
        return cls(data["excellent"], data["competent"], data["basically_competent"])


def validate_thresholds(thresholds: Thresholds) -> Thresholds:
    for name in ("excellent", "competent", "basically_competent"):
        require_int(getattr(thresholds, name), f"thresholds.{name}", 1, 100)
    if not thresholds.excellent > thresholds.competent > thresholds.basically_competent:
        raise InvalidInput.field(
            "thresholds", "must decrease strictly: excellent > competent > basically_competent"
        )
    return thresholds


def validate_quota(quota_bp: int) -> int:
    return require_int(quota_bp, "excellent_quota_bp", 0, BP_TOTAL)


@dataclass(frozen=True)
class ScoreSheet:
    """All scores one member received. Keys of the mappings are the scorers (peer member
    id, unit id, public rating id), so a re-submission replaces rather than adds."""

    self_score: int | None = None
    peer: Mapping[str, int] = field(default_factory=dict)
    unit: Mapping[str, int] = field(default_factory=dict)
    public: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class MemberResult:
    member_id: str
    means: dict[str, Decimal | None]
    counts: dict[str, int]
    missing: tuple[str, ...]
    weighted: Decimal | None
    adjustment: int
    final: Decimal | None
    grade: str | None
    excellent_rank: int | None = None
    capped_by_quota: bool = False
    flags: tuple[str, ...] = ()

    def to_data(self) -> dict[str, Any]:
        def s(v: Decimal | None) -> str | None:
            return None if v is None else str(v)

        return {
            "member_id": self.member_id,
            "self_mean": s(self.means[SELF]),
            "peer_mean": s(self.means[PEER]),
            "unit_mean": s(self.means[UNIT]),
            "public_mean": s(self.means[PUBLIC]),
            "self_count": self.counts[SELF],
            "peer_count": self.counts[PEER],
            "unit_count": self.counts[UNIT],
            "public_count": self.counts[PUBLIC],
            "missing": list(self.missing),
            "weighted": s(self.weighted),
            "adjustment": self.adjustment,
            "final": s(self.final),
            "grade": self.grade,
            "excellent_rank": self.excellent_rank,
            "capped_by_quota": self.capped_by_quota,
            "flags": list(self.flags),
        }


def mean(values: Mapping[str, int] | list[int]) -> Fraction | None:
    scores = list(values.values()) if isinstance(values, Mapping) else list(values)
    if not scores:
        return None
    return Fraction(sum(scores), len(scores))


def round2(value: Fraction) -> Decimal:
    """Round half up to 2 decimals, exactly (no float, no Decimal context precision)."""
    scaled = value * 100
    sign = -1 if scaled < 0 else 1
    whole = (abs(scaled) * 2 + 1) // 2
    return Decimal(sign * whole).scaleb(-2)


def component_means(sheet: ScoreSheet) -> dict[str, Fraction | None]:
    return {
        SELF: None if sheet.self_score is None else Fraction(sheet.self_score),
        PEER: mean(sheet.peer),
        UNIT: mean(sheet.unit),
        PUBLIC: mean(sheet.public),
    }


def _check_sheet(member_id: str, sheet: ScoreSheet) -> None:
    if sheet.self_score is not None:
        require_score(sheet.self_score, "self_score")
    if member_id in sheet.peer:
        raise InvalidInput.field("peer", "a member cannot score themself")
    for name, scores in ((PEER, sheet.peer), (UNIT, sheet.unit), (PUBLIC, sheet.public)):
        for score in scores.values():
            require_score(score, name)


def weighted_score(means: Mapping[str, Fraction | None], weights: Weights) -> Fraction | None:
    """Weighted mean of the available components (missing ones re-normalised away)."""
    used = [(weights.of(c), m) for c in COMPONENTS if (m := means[c]) is not None]
    used = [(w, m) for w, m in used if w > 0]
    total = sum(w for w, _ in used)
    if total == 0:
        return None
    return sum((w * m for w, m in used), Fraction(0)) / total


def grade_for(final: Decimal, thresholds: Thresholds) -> str:
    if final >= thresholds.excellent:
        return EXCELLENT
    if final >= thresholds.competent:
        return COMPETENT
    if final >= thresholds.basically_competent:
        return BASICALLY_COMPETENT
    return INCOMPETENT


def excellent_quota(assessed: int, quota_bp: int = DEFAULT_EXCELLENT_QUOTA_BP) -> int:
    return assessed * quota_bp // BP_TOTAL


def grade_members(
    sheets: Mapping[str, ScoreSheet],
    weights: Weights,
    thresholds: Thresholds,
    *,
    excellent_quota_bp: int = DEFAULT_EXCELLENT_QUOTA_BP,
    adjustments: Mapping[str, int] | None = None,
    flags: Mapping[str, tuple[str, ...]] | None = None,
) -> list[MemberResult]:
    """Results for every member in `sheets`, ordered by member id."""
    validate_weights(weights)
    validate_thresholds(thresholds)
    validate_quota(excellent_quota_bp)
    adjustments = adjustments or {}
    flags = flags or {}

    exact: dict[str, dict[str, Fraction | None]] = {}
    results: dict[str, MemberResult] = {}
    for member_id in sorted(sheets):
        sheet = sheets[member_id]
        _check_sheet(member_id, sheet)
        means = component_means(sheet)
        exact[member_id] = means
        adjustment = require_int(
            adjustments.get(member_id, 0), "adjustment", -MAX_ADJUSTMENT, MAX_ADJUSTMENT
        )
        raw = weighted_score(means, weights)
        weighted = None if raw is None else round2(raw)
        final = None
        if weighted is not None:
            final = min(Decimal(100), max(Decimal(0), weighted + adjustment)).quantize(
                Decimal("0.01")
            )
        results[member_id] = MemberResult(
            member_id=member_id,
            means={c: None if m is None else round2(m) for c, m in means.items()},
            counts={
                SELF: 0 if sheet.self_score is None else 1,
                PEER: len(sheet.peer),
                UNIT: len(sheet.unit),
                PUBLIC: len(sheet.public),
            },
            missing=tuple(c for c in COMPONENTS if means[c] is None),
            weighted=weighted,
            adjustment=adjustment,
            final=final,
            grade=None if final is None else grade_for(final, thresholds),
            flags=tuple(flags.get(member_id, ())),
        )

    assessed = sum(1 for r in results.values() if r.final is not None)
    quota = excellent_quota(assessed, excellent_quota_bp)
    candidates = [r for r in results.values() if r.grade == EXCELLENT]
    candidates.sort(key=lambda r: _rank_key(r, exact[r.member_id]))
    for rank, candidate in enumerate(candidates, start=1):
        capped = rank > quota
        results[candidate.member_id] = replace(
            candidate,
            excellent_rank=rank,
            capped_by_quota=capped,
            grade=COMPETENT if capped else EXCELLENT,
        )
    return [results[m] for m in sorted(results)]


def _rank_key(result: MemberResult, means: Mapping[str, Fraction | None]) -> tuple[Any, ...]:
    def desc(value: Fraction | None) -> tuple[int, Fraction]:
        # Present means before missing ones, then higher first.
        return (0, -value) if value is not None else (1, Fraction(0))

    assert result.final is not None
    return (-result.final, desc(means[PEER]), desc(means[UNIT]), result.member_id)
