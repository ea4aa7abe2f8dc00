"""Assessment round: opening config, score rules, close with evidence, grading, reporting,
replay equals state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from eventkit.errors import InvalidInput, NotFound, RuleViolation
from services.assessment.contract.events import registry
from services.assessment.domain.evidence import Evidence, EvidenceRule
from services.assessment.domain.grading import Thresholds, Weights
from services.assessment.domain.round import AssessmentRound, ensure_one_round_per_year

T = dt.datetime(2024, 12, 1, 8, 0, tzinfo=dt.UTC)
MEMBERS = [f"M{i:02d}" for i in range(10)]


def opened(**kwargs: object) -> AssessmentRound:
    rnd = AssessmentRound("RD1")
    params: dict[str, object] = {
        "year": 2024, "committee_id": "C1", "member_ids": MEMBERS, "opened_at": T,
    }
    params.update(kwargs)
    rnd.open(**params)  # type: ignore[arg-type]
    return rnd


def score_everyone(rnd: AssessmentRound, score: int = 95) -> None:
    for m in rnd.member_ids:
        rnd.submit_self_score(member_id=m, score=score, submitted_at=T)
        for p in rnd.member_ids:
            if p != m:
                rnd.submit_peer_score(member_id=m, scorer_id=p, score=score, submitted_at=T)
        rnd.submit_unit_score(member_id=m, unit_id="agri", score=score, submitted_at=T)
        rnd.submit_public_rating(member_id=m, rating_id="pub1", score=score, submitted_at=T)


def replayed(rnd: AssessmentRound) -> AssessmentRound:
    for e in rnd.pending:
        registry.validate(e.type, e.data)
    return AssessmentRound.from_history(rnd.id, [(e.type, e.data) for e in rnd.pending])


def state(rnd: AssessmentRound) -> dict[str, object]:
    return vars(rnd) | {"version": 0, "pending": []}


def test_open_records_defaults() -> None:
    rnd = opened()
    data = rnd.pending[0].data
    assert rnd.pending[0].type == "RoundOpened"
    assert data["weights"] == Weights().to_data()
    assert data["thresholds"] == {"excellent": 90, "competent": 75, "basically_competent": 60}
    assert data["excellent_quota_bp"] == 3000
    assert data["scorer_ids"] == MEMBERS
    assert rnd.status == "open"


def test_open_refuses_bad_weights_and_duplicates() -> None:
    with pytest.raises(InvalidInput):
        opened(weights=Weights(5000, 5000, 5000, 0))
    with pytest.raises(InvalidInput):
        opened(member_ids=["M1", "M1"])
    with pytest.raises(InvalidInput):
        opened(member_ids=[])
    with pytest.raises(InvalidInput):
        opened(thresholds=Thresholds(50, 75, 60))


def test_member_cannot_peer_score_themself() -> None:
    rnd = opened()
    with pytest.raises(RuleViolation):
        rnd.submit_peer_score(member_id="M01", scorer_id="M01", score=100, submitted_at=T)
    assert rnd.peer_scores == {}


def test_peer_scorer_must_be_a_committee_member() -> None:
    rnd = opened(scorer_ids=MEMBERS + ["SEC"])
    rnd.submit_peer_score(member_id="M01", scorer_id="SEC", score=90, submitted_at=T)
    with pytest.raises(RuleViolation):
        rnd.submit_peer_score(member_id="M01", scorer_id="outsider", score=90, submitted_at=T)


def test_unit_scorers_restricted_when_configured() -> None:
    rnd = opened(scoring_unit_ids=["agri", "supply"])
    rnd.submit_unit_score(member_id="M01", unit_id="agri", score=90, submitted_at=T)
    with pytest.raises(RuleViolation):
        rnd.submit_unit_score(member_id="M01", unit_id="bank", score=90, submitted_at=T)


def test_scores_for_unknown_member_or_out_of_range() -> None:
    rnd = opened()
    with pytest.raises(NotFound):
        rnd.submit_self_score(member_id="X", score=90, submitted_at=T)
    with pytest.raises(InvalidInput):
        rnd.submit_self_score(member_id="M01", score=101, submitted_at=T)


def test_resubmission_replaces_score() -> None:
    rnd = opened()
    rnd.submit_peer_score(member_id="M01", scorer_id="M02", score=60, submitted_at=T)
    rnd.submit_peer_score(member_id="M01", scorer_id="M02", score=80, submitted_at=T)
    rnd.submit_public_rating(member_id="M01", rating_id="p", score=10, submitted_at=T)
    rnd.submit_public_rating(member_id="M01", rating_id="p", score=70, submitted_at=T)
    sheet = rnd.sheet("M01")
    assert dict(sheet.peer) == {"M02": 80}
    assert dict(sheet.public) == {"p": 70}


def test_full_round_all_95_gives_three_excellent_and_replays() -> None:
    rnd = opened()
    score_everyone(rnd)
    rnd.close(closed_at=T, evidence={m: Evidence(("U1",), 4, 4, 2) for m in MEMBERS})
    with pytest.raises(RuleViolation):
        rnd.submit_self_score(member_id="M01", score=1, submitted_at=T)
    rnd.grade(graded_at=T)
    grades = {m: r["grade"] for m, r in rnd.results.items()}
    assert [m for m, g in grades.items() if g == "excellent"] == ["M00", "M01", "M02"]
    assert rnd.results["M05"]["capped_by_quota"] is True
    assert rnd.results["M05"]["final"] == "95.00"
    rnd.report_result(member_id="M00", unit_id="U1", reported_on=dt.date(2025, 1, 5),
                      department="agri")
    report = rnd.pending[-1]
    assert report.type == "ResultReported"
    assert report.data["grade"] == "excellent" and report.data["department"] == "agri"
    again = replayed(rnd)
    assert state(again) == state(rnd)
    assert again.version == len(rnd.pending)


def test_close_applies_evidence_rule() -> None:
    rnd = opened(evidence_rule=EvidenceRule(meeting_shortfall_adjustment=-5))
    score_everyone(rnd, 80)
    rnd.close(
        closed_at=T,
        evidence={"M00": Evidence(("U1",), meetings_due=10, meetings_held=5,
                                  activities_organized=1)},
    )
    assert rnd.evidence["M00"]["flags"] == ["meetings_below_ratio"]
    assert rnd.evidence["M01"]["flags"] == ["no_activity"]  # no evidence at all
    rnd.grade(graded_at=T)
    assert rnd.results["M00"]["final"] == "75.00"
    assert rnd.results["M00"]["adjustment"] == -5
    assert rnd.results["M01"]["final"] == "80.00"
    assert rnd.results["M01"]["flags"] == ["no_activity"]
    assert state(replayed(rnd)) == state(rnd)


def test_close_refuses_evidence_for_strangers() -> None:
    with pytest.raises(InvalidInput):
        opened().close(closed_at=T, evidence={"X": Evidence()})


def test_member_without_scores_is_not_graded() -> None:
    rnd = opened(member_ids=["A", "B"])
    rnd.submit_self_score(member_id="A", score=70, submitted_at=T)
    rnd.close(closed_at=T, evidence={})
    rnd.grade(graded_at=T)
    assert rnd.results["B"]["grade"] is None and rnd.results["B"]["final"] is None
    assert Decimal(rnd.results["A"]["final"]) == Decimal(70)
    replayed(rnd)


def test_order_of_steps() -> None:
    rnd = opened()
    with pytest.raises(RuleViolation):
        rnd.grade(graded_at=T)
    with pytest.raises(RuleViolation):
        rnd.report_result(member_id="M00", unit_id="U1", reported_on=dt.date(2025, 1, 1))
    rnd.close(closed_at=T, evidence={})
    with pytest.raises(RuleViolation):
        rnd.close(closed_at=T, evidence={})


def test_result_reported_once_per_unit() -> None:
    rnd = opened()
    score_everyone(rnd, 80)
    rnd.close(closed_at=T, evidence={})
    rnd.grade(graded_at=T)
    rnd.report_result(member_id="M03", unit_id="U1", reported_on=dt.date(2025, 1, 1))
    with pytest.raises(RuleViolation):
        rnd.report_result(member_id="M03", unit_id="U1", reported_on=dt.date(2025, 1, 2))
    rnd.report_result(member_id="M03", unit_id="U2", reported_on=dt.date(2025, 1, 2))
    assert len(rnd.reports) == 2


def test_one_round_per_committee_and_year() -> None:
    ensure_one_round_per_year([("C1", 2023)], "C1", 2024)
    with pytest.raises(RuleViolation):
        ensure_one_round_per_year([("C1", 2024)], "C1", 2024)


def test_missing_round_is_not_found() -> None:
    with pytest.raises(NotFound):
        AssessmentRound("nope").grade(graded_at=T)
