"""Recommendations: the 6-month rule, the majority rule, ballot consistency, outcomes."""

from __future__ import annotations

import datetime as dt

import pytest

from eventkit.errors import InvalidInput, RuleViolation
from services.assessment.contract.events import registry
from services.assessment.domain.recommendation import (
    Recommendation,
    add_months_no_earlier,
    check_ballots,
    earliest_vote_date,
)


def party(applied: dt.date = dt.date(2024, 1, 15)) -> Recommendation:
    rec = Recommendation("R1")
    rec.propose(
        kind="party_membership", member_id="M1", committee_id="C1", reason="Excellent 2024",
        proposed_on=applied, round_id="RD1",
        party_applied_on=applied,
    )
    return rec


def vote(rec: Recommendation, on: dt.date, voting: int = 20, yes: int = 11, no: int = 5,
         abstain: int = 4) -> None:
    rec.record_branch_vote(vote_on=on, voting_members=voting, in_favour=yes, against=no,
                           abstain=abstain, branch_id="B1")


@pytest.mark.parametrize(
    ("applied", "earliest"),
    [
        (dt.date(2024, 1, 15), dt.date(2024, 7, 15)),
        (dt.date(2024, 8, 31), dt.date(2025, 3, 1)),  # no 31 Feb -> 1 March
        (dt.date(2023, 8, 29), dt.date(2024, 2, 29)),  # leap year has 29 Feb
        (dt.date(2022, 8, 29), dt.date(2023, 3, 1)),
        (dt.date(2024, 12, 31), dt.date(2025, 7, 1)),  # no 31 June -> 1 July
        (dt.date(2024, 7, 31), dt.date(2025, 1, 31)),
    ],
)
def test_earliest_vote_date(applied: dt.date, earliest: dt.date) -> None:
    assert earliest_vote_date(applied) == earliest


def test_add_months_wraps_year() -> None:
    assert add_months_no_earlier(dt.date(2024, 11, 30), 6) == dt.date(2025, 5, 30)


def test_vote_one_day_before_six_months_is_refused() -> None:
    rec = party()
    with pytest.raises(RuleViolation) as err:
        vote(rec, dt.date(2024, 7, 14))
    assert err.value.details["rule"] == "party_application_age"
    assert err.value.details["earliest_vote_on"] == "2024-07-15"
    assert rec.status == "proposed" and rec.vote is None


def test_vote_on_the_six_month_day_is_accepted() -> None:
    rec = party()
    vote(rec, dt.date(2024, 7, 15))
    assert rec.status == "voted"
    assert rec.vote is not None and rec.vote["in_favour"] == 11


def test_end_of_month_application_waits_until_first_of_next_month() -> None:
    rec = party(dt.date(2024, 8, 31))
    with pytest.raises(RuleViolation):
        vote(rec, dt.date(2025, 2, 28))
    vote(rec, dt.date(2025, 3, 1))


def test_exactly_half_in_favour_is_refused() -> None:
    with pytest.raises(RuleViolation) as err:
        vote(party(), dt.date(2024, 8, 1), voting=20, yes=10, no=10, abstain=0)
    assert err.value.details == {
        "rule": "majority", "in_favour": 10, "voting_members": 20, "needed": 11
    }


def test_majority_counts_against_voting_members_not_ballots_cast() -> None:
    # 6 of 7 ballots cast are in favour, but 6 is not more than half of 13 voting members.
    with pytest.raises(RuleViolation):
        check_ballots(13, 6, 1, 0)
    check_ballots(13, 7, 0, 0)
    check_ballots(1, 1, 0, 0)


@pytest.mark.parametrize(
    "counts",
    [(10, 6, 3, 2), (0, 0, 0, 0), (10, -1, 0, 0), (10, 6, 1, True)],
)
def test_inconsistent_ballots_are_invalid(counts: tuple[int, int, int, int]) -> None:
    with pytest.raises(InvalidInput):
        check_ballots(*counts)


def test_party_recommendation_needs_application_date() -> None:
    with pytest.raises(InvalidInput):
        Recommendation("R1").propose(
            kind="party_membership", member_id="M1", committee_id="C1", reason="r",
            proposed_on=dt.date(2024, 8, 1),
        )


def test_party_recommendation_needs_vote_before_submission() -> None:
    rec = party()
    with pytest.raises(RuleViolation) as err:
        rec.submit(submitted_on=dt.date(2024, 8, 2))
    assert err.value.details == {"due_step": "branch_vote"}


def test_party_full_flow_and_replay() -> None:
    rec = party()
    vote(rec, dt.date(2024, 8, 1))
    rec.submit(submitted_on=dt.date(2024, 8, 2))
    assert rec.outcome == "pending"
    rec.record_outcome(outcome="pending", decided_on=dt.date(2024, 9, 1), note="in review")
    rec.record_outcome(outcome="accepted", decided_on=dt.date(2024, 10, 1))
    assert (rec.status, rec.outcome, rec.outcome_on) == ("decided", "accepted",
                                                        dt.date(2024, 10, 1))
    with pytest.raises(RuleViolation):
        rec.record_outcome(outcome="declined", decided_on=dt.date(2024, 10, 2))
    for e in rec.pending:
        registry.validate(e.type, e.data)
    again = Recommendation.from_history("R1", [(e.type, e.data) for e in rec.pending])
    assert vars(again) | {"version": 0, "pending": []} == vars(rec) | {"version": 0,
                                                                        "pending": []}


@pytest.mark.parametrize("kind", ["league_award", "training"])
def test_award_and_training_need_no_vote(kind: str) -> None:
    rec = Recommendation("R2")
    rec.propose(kind=kind, member_id="M1", committee_id="C1", reason="r",
                proposed_on=dt.date(2024, 8, 1))
    with pytest.raises(RuleViolation):
        vote(rec, dt.date(2024, 8, 1))
    rec.submit(submitted_on=dt.date(2024, 8, 2))
    rec.record_outcome(outcome="declined", decided_on=dt.date(2024, 9, 1), note="quota full")
    assert rec.outcome == "declined"
    for e in rec.pending:
        registry.validate(e.type, e.data)


def test_unknown_kind_and_outcome_are_invalid() -> None:
    with pytest.raises(InvalidInput):
        Recommendation("R3").propose(kind="medal", member_id="M1", committee_id="C1",
                                     reason="r", proposed_on=dt.date(2024, 8, 1))
    rec = Recommendation("R4")
    rec.propose(kind="training", member_id="M1", committee_id="C1", reason="r",
                proposed_on=dt.date(2024, 8, 1))
    rec.submit(submitted_on=dt.date(2024, 8, 2))
    with pytest.raises(InvalidInput):
        rec.record_outcome(outcome="maybe", decided_on=dt.date(2024, 9, 1))
    rec.record_outcome(outcome="pending", decided_on=dt.date(2024, 9, 1))
    with pytest.raises(InvalidInput):
        rec.record_outcome(outcome="accepted", decided_on=dt.date(2024, 8, 31))
