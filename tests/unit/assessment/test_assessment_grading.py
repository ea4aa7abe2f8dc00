"""Grading: weights, thresholds, missing components, exact rounding and the 30% quota."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from eventkit.errors import InvalidInput
from services.assessment.domain.grading import (
    ScoreSheet,
    Thresholds,
    Weights,
    excellent_quota,
    grade_for,
    grade_members,
    round2,
    validate_thresholds,
    validate_weights,
    weighted_score,
)

EQUAL = Weights(2500, 2500, 2500, 2500)


def sheet(score: int, peer: int | None = None, unit: int | None = None) -> ScoreSheet:
    return ScoreSheet(
        self_score=score,
        peer={"P": score if peer is None else peer},
        unit={"U": score if unit is None else unit},
        public={"r1": score},
    )


def by_id(results: list) -> dict:  # type: ignore[type-arg]
    return {r.member_id: r for r in results}


def test_default_weights_are_valid() -> None:
    assert validate_weights(Weights()) == Weights()


@pytest.mark.parametrize(
    "weights",
    [
        Weights(1000, 3000, 3000, 2999),
        Weights(1000, 3000, 3000, 3001),
        Weights(-1000, 5000, 3000, 3000),
        Weights(10, 30, 30, 30),  # percent where basis points are expected
    ],
)
def test_weights_must_sum_to_10000_bp(weights: Weights) -> None:
    with pytest.raises(InvalidInput):
        validate_weights(weights)


def test_weights_refuse_non_integers() -> None:
    with pytest.raises(InvalidInput) as err:
        validate_weights(Weights(1000.0, 3000, 3000, 3000))  # type: ignore[arg-type]
    assert "self_bp" in err.value.details["errors"]


def test_thresholds_must_decrease() -> None:
    validate_thresholds(Thresholds(85, 70, 55))
    with pytest.raises(InvalidInput):
        validate_thresholds(Thresholds(75, 75, 60))
    with pytest.raises(InvalidInput):
        validate_thresholds(Thresholds(90, 60, 75))


@pytest.mark.parametrize(
    ("final", "grade"),
    [
        ("90.00", "excellent"),
        ("89.99", "competent"),
        ("75.00", "competent"),
        ("74.99", "basically_competent"),
        ("60.00", "basically_competent"),
        ("59.99", "incompetent"),
    ],
)
def test_default_threshold_boundaries(final: str, grade: str) -> None:
    assert grade_for(Decimal(final), Thresholds()) == grade


def test_configurable_thresholds() -> None:
    assert grade_for(Decimal("86"), Thresholds(85, 70, 55)) == "excellent"
    assert grade_for(Decimal("56"), Thresholds(85, 70, 55)) == "basically_competent"


def test_round2_half_up_exact() -> None:
    assert round2(Fraction(1, 8) * 100) == Decimal("12.50")
    assert round2(Fraction(2, 3)) == Decimal("0.67")
    assert round2(Fraction(1005, 1000)) == Decimal("1.01")  # float would give 1.00
    assert round2(Fraction(0)) == Decimal("0.00")


def test_weighted_mean_of_components() -> None:
    means = {"self": Fraction(100), "peer": Fraction(80), "unit": Fraction(70),
             "public": Fraction(60)}
    # 0.1*100 + 0.3*80 + 0.3*70 + 0.3*60 = 73
    assert weighted_score(means, Weights()) == 73


def test_missing_component_renormalises_remaining_weights() -> None:
    results = by_id(grade_members(
        {"M1": ScoreSheet(self_score=100, peer={"M2": 80}, unit={"U": 70})},
        Weights(), Thresholds(), excellent_quota_bp=3000,
    ))
    m1 = results["M1"]
    # (1000*100 + 3000*80 + 3000*70) / 7000 = 78.571...
    assert m1.weighted == Decimal("78.57")
    assert m1.final == Decimal("78.57")
    assert m1.missing == ("public",)
    assert m1.means["public"] is None
    assert m1.counts == {"self": 1, "peer": 1, "unit": 1, "public": 0}


def test_member_without_any_score_is_not_graded_and_not_counted() -> None:
    sheets = {f"M{i}": sheet(95) for i in range(4)} | {"M9": ScoreSheet()}
    results = by_id(grade_members(sheets, EQUAL, Thresholds()))
    assert results["M9"].final is None and results["M9"].grade is None
    # quota base is 4 assessed members -> floor(1.2) = 1 excellent
    assert sum(r.grade == "excellent" for r in results.values()) == 1


def test_zero_weight_component_is_ignored() -> None:
    weights = Weights(0, 5000, 5000, 0)
    results = by_id(grade_members(
        {"M1": ScoreSheet(self_score=0, peer={"M2": 80}, unit={"U": 60}, public={"r": 0})},
        weights, Thresholds(),
    ))
    assert results["M1"].final == Decimal("70.00")


def test_peer_means_average_all_scorers() -> None:
    results = by_id(grade_members(
        {"M1": ScoreSheet(peer={"M2": 80, "M3": 85, "M4": 90})}, Weights(), Thresholds()
    ))
    assert results["M1"].means["peer"] == Decimal("85.00")
    assert results["M1"].final == Decimal("85.00")


def test_self_scoring_as_peer_is_refused() -> None:
    with pytest.raises(InvalidInput):
        grade_members({"M1": ScoreSheet(peer={"M1": 100})}, Weights(), Thresholds())


@pytest.mark.parametrize("bad", [101, -1, True])
def test_scores_must_be_0_to_100(bad: int) -> None:
    with pytest.raises(InvalidInput):
        grade_members({"M1": ScoreSheet(self_score=bad)}, Weights(), Thresholds())


def test_quota_ten_members_all_95_gives_exactly_three_excellent_by_member_id() -> None:
    sheets = {f"M{i:02d}": sheet(95) for i in range(10)}
    results = grade_members(sheets, Weights(), Thresholds())
    excellent = [r.member_id for r in results if r.grade == "excellent"]
    assert excellent == ["M00", "M01", "M02"]
    capped = [r for r in results if r.capped_by_quota]
    assert len(capped) == 7 and all(r.grade == "competent" for r in capped)
    assert [r.excellent_rank for r in results] == list(range(1, 11))


def test_quota_tie_broken_by_peer_mean_then_unit_mean() -> None:
    # Same final (95.00 with equal weights) but different component mix.
    sheets = {
        "A": ScoreSheet(self_score=100, peer={"P": 90}, unit={"U": 95}, public={"r": 95}),
        "B": ScoreSheet(self_score=90, peer={"P": 100}, unit={"U": 95}, public={"r": 95}),
        "C": ScoreSheet(self_score=90, peer={"P": 95}, unit={"U": 100}, public={"r": 95}),
        "D": ScoreSheet(self_score=95, peer={"P": 95}, unit={"U": 95}, public={"r": 95}),
    }
    sheets |= {f"Z{i}": sheet(50) for i in range(6)}  # 10 assessed -> 3 excellent
    results = by_id(grade_members(sheets, EQUAL, Thresholds()))
    assert {m: results[m].final for m in "ABCD"} == dict.fromkeys("ABCD", Decimal("95.00"))
    ranks = {m: results[m].excellent_rank for m in "ABCD"}
    # B (peer 100) > C (peer 95, unit 100) > D (peer 95, unit 95, id D) > A (peer 90)
    assert ranks == {"B": 1, "C": 2, "D": 3, "A": 4}
    assert results["A"].grade == "competent" and results["A"].capped_by_quota


def test_quota_ranks_by_final_score_first() -> None:
    sheets = {f"M{i}": sheet(90 + i) for i in range(10)}  # 90..99, all candidates
    results = by_id(grade_members(sheets, Weights(), Thresholds()))
    assert sorted(m for m, r in results.items() if r.grade == "excellent") == ["M7", "M8", "M9"]


def test_quota_uses_floor() -> None:
    assert excellent_quota(10) == 3
    assert excellent_quota(9) == 2
    assert excellent_quota(3) == 0
    assert excellent_quota(4) == 1
    sheets = {f"M{i}": sheet(95) for i in range(3)}
    assert all(r.grade == "competent" for r in grade_members(sheets, Weights(), Thresholds()))


def test_quota_does_not_touch_lower_grades() -> None:
    sheets = {"A": sheet(95), "B": sheet(80), "C": sheet(65), "D": sheet(10)}
    results = by_id(grade_members(sheets, Weights(), Thresholds()))
    assert [results[m].grade for m in "ABCD"] == [
        "excellent", "competent", "basically_competent", "incompetent"
    ]
    assert results["B"].excellent_rank is None


def test_configurable_quota() -> None:
    sheets = {f"M{i}": sheet(95) for i in range(10)}
    results = grade_members(sheets, Weights(), Thresholds(), excellent_quota_bp=5000)
    assert sum(r.grade == "excellent" for r in results) == 5


def test_adjustment_applies_and_clamps() -> None:
    sheets = {"A": sheet(62), "B": sheet(98), "C": sheet(3)}
    results = by_id(grade_members(
        sheets, Weights(), Thresholds(), adjustments={"A": -5, "B": 5, "C": -5},
        flags={"A": ("meetings_below_ratio",)},
    ))
    assert results["A"].final == Decimal("57.00")
    assert results["A"].grade == "incompetent"
    assert results["A"].flags == ("meetings_below_ratio",)
    assert results["B"].final == Decimal("100.00")
    assert results["C"].final == Decimal("0.00")


def test_result_to_data_uses_decimal_strings() -> None:
    data = grade_members({"M1": sheet(95)}, Weights(), Thresholds())[0].to_data()
    assert data["final"] == "95.00" and data["peer_mean"] == "95.00"
    assert isinstance(data["adjustment"], int)
