"""Evidence: dedup by source event id, late facts, per-member units, the configurable rule."""

from __future__ import annotations

import datetime as dt

import pytest

from eventkit.errors import InvalidInput
from services.assessment.domain.evidence import (
    Evidence,
    EvidenceRule,
    Fact,
    assess_evidence,
    collect_facts,
    evidence_by_member,
    gather_evidence,
    validate_evidence_rule,
)

D = dt.date(2024, 5, 1)


def test_duplicated_event_is_counted_once() -> None:
    pairs = [
        ("e1", Fact("meeting_held", "U1", D)),
        ("e2", Fact("funds_raised", "U1", D, amount_fen=150_000)),
        ("e1", Fact("meeting_held", "U1", D)),
        ("e2", Fact("funds_raised", "U1", D, amount_fen=150_000)),
    ]
    facts = collect_facts(pairs)
    assert sorted(facts) == ["e1", "e2"]
    ev = gather_evidence(facts, ["U1"], dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert ev.meetings_held == 1
    assert ev.funds_raised_fen == 150_000
    assert ev.fact_count == 2


def test_same_event_id_with_different_content_is_refused() -> None:
    with pytest.raises(InvalidInput):
        collect_facts([
            ("e1", Fact("funds_raised", "U1", D, amount_fen=1)),
            ("e1", Fact("funds_raised", "U1", D, amount_fen=2)),
        ])


def test_late_fact_counts_in_the_year_it_happened() -> None:
    facts = collect_facts([
        ("e1", Fact("activity_organized", "U1", dt.date(2023, 12, 30), young_people=40)),
        ("e2", Fact("activity_organized", "U1", dt.date(2024, 1, 2), young_people=25)),
    ])
    by_member = evidence_by_member(facts, {"M1": ["U1"]}, 2024)
    assert by_member["M1"].activities_organized == 1
    assert by_member["M1"].young_people_reached == 25


def test_member_with_several_units_and_other_units_ignored() -> None:
    facts = collect_facts([
        ("e1", Fact("meeting_due", "U1", D)),
        ("e2", Fact("meeting_due", "U2", D)),
        ("e3", Fact("meeting_held", "U2", D)),
        ("e4", Fact("credit_facilitated", "U2", D, amount_fen=5_000_000)),
        ("e5", Fact("credit_facilitated", "U9", D, amount_fen=9_999)),
    ])
    ev = evidence_by_member(facts, {"M1": ["U1", "U2", "U2"]}, 2024)["M1"]
    assert ev.unit_ids == ("U1", "U2")
    assert (ev.meetings_due, ev.meetings_held) == (2, 1)
    assert ev.credit_facilitated_fen == 5_000_000
    assert ev.meeting_ratio_bp == 5000


def test_fact_validation() -> None:
    with pytest.raises(InvalidInput):
        Fact("party", "U1", D)
    with pytest.raises(InvalidInput):
        Fact("funds_raised", "U1", D, amount_fen=-1)


def test_rule_flags_meetings_below_80_percent() -> None:
    rule = EvidenceRule()
    low = Evidence(meetings_due=10, meetings_held=7, activities_organized=1)
    ok = Evidence(meetings_due=10, meetings_held=8, activities_organized=1)
    assert assess_evidence(low, rule).flags == ("meetings_below_ratio",)
    assert assess_evidence(ok, rule).flags == ()
    assert assess_evidence(low, rule).adjustment == 0


def test_rule_ratio_is_exact_not_floored() -> None:
    # 7/9 = 77.78% < 78%, although floor(7*10000/9) = 7777 bp
    rule = EvidenceRule(min_meeting_ratio_bp=7778)
    assert assess_evidence(Evidence(meetings_due=9, meetings_held=7, activities_organized=1),
                           rule).flags == ("meetings_below_ratio",)


def test_rule_no_due_meeting_is_not_a_shortfall() -> None:
    assert assess_evidence(Evidence(activities_organized=2), EvidenceRule()).flags == ()


def test_rule_adjustments_and_no_activity_flag() -> None:
    rule = EvidenceRule(meeting_shortfall_adjustment=-3, no_activity_adjustment=-2)
    verdict = assess_evidence(Evidence(meetings_due=4, meetings_held=1), rule)
    assert verdict.flags == ("meetings_below_ratio", "no_activity")
    assert verdict.adjustment == -5
    quiet = EvidenceRule(flag_no_activity=False)
    assert assess_evidence(Evidence(), quiet).flags == ()


def test_rule_validation() -> None:
    with pytest.raises(InvalidInput):
        validate_evidence_rule(EvidenceRule(min_meeting_ratio_bp=12_000))
    with pytest.raises(InvalidInput):
        validate_evidence_rule(EvidenceRule(meeting_shortfall_adjustment=-50))
    assert EvidenceRule.from_data(EvidenceRule(7000, -1).to_data()) == EvidenceRule(7000, -1)


def test_evidence_roundtrip() -> None:
    ev = Evidence(("U1",), 3, 2, 1, 10, 500, 600, 7)
    assert Evidence.from_data(ev.to_data()) == ev
