"""Issue 12 part 4: 推优 safeguards (the voting organization, dates, voters, membership on the
vote date), excellent first, and the organization department's record of the decision."""

from __future__ import annotations

import datetime as dt

import pytest

from eventkit.errors import InvalidInput, RuleViolation
from services.assessment.contract.events import registry
from services.assessment.domain.recommendation import (
    Candidate,
    Recommendation,
    check_candidate,
    priority,
    priority_rank,
)

LEAGUE = Candidate("M1", "C1", member_kind="league_member", member_status="active",
                   unit_id="B1", unit_in_committee=True)
OFFICE_HEAD = Candidate("P1", "C1", committee_person=True)


def proposed(member: str = "M1", on: dt.date = dt.date(2024, 8, 1)) -> Recommendation:
    rec = Recommendation("R1")
    rec.propose(kind="party_membership", member_id=member, committee_id="C1", reason="优秀",
                proposed_on=on, party_applied_on=dt.date(2024, 1, 15))
    return rec


def vote(rec: Recommendation, candidate: Candidate, unit: str, on: dt.date = dt.date(2024, 8, 5),
         voting: int = 10, members: int = 12) -> None:
    rec.record_branch_vote(vote_on=on, voting_members=voting, in_favour=8, against=1, abstain=1,
                           branch_id=unit, candidate=candidate, organization_members=members)


def test_a_league_member_is_voted_by_their_own_branch_assembly() -> None:
    with pytest.raises(RuleViolation) as err:
        vote(proposed(), LEAGUE, "B2")
    assert err.value.details == {"rule": "voting_organization", "expected_unit_id": "B1",
                                 "voting_unit_id": "B2"}
    with pytest.raises(RuleViolation):
        vote(proposed(), LEAGUE, "C1")  # not the working committee either
    rec = proposed()
    vote(rec, LEAGUE, "B1")
    assert rec.status == "voted"


def test_a_committee_person_is_voted_by_the_working_committee() -> None:
    with pytest.raises(RuleViolation) as err:
        vote(proposed("P1"), OFFICE_HEAD, "B1")
    assert err.value.details["expected_unit_id"] == "C1"
    rec = proposed("P1")
    vote(rec, OFFICE_HEAD, "C1", voting=10, members=10)
    assert rec.vote is not None and rec.vote["branch_id"] == "C1"


def test_a_vote_dated_before_the_proposal_is_refused() -> None:
    with pytest.raises(RuleViolation) as err:
        vote(proposed(on=dt.date(2024, 8, 1)), LEAGUE, "B1", on=dt.date(2024, 7, 31))
    assert err.value.details["rule"] == "vote_before_proposal"


def test_more_voters_than_the_organization_has_members_is_refused() -> None:
    rec = proposed()
    with pytest.raises(InvalidInput) as err:
        vote(rec, LEAGUE, "B1", voting=13, members=12)
    assert err.value.details["organization_members"] == 12
    assert "voting_members" in err.value.details["errors"]
    assert rec.vote is None


def test_a_league_member_must_still_be_one_on_the_vote_date() -> None:
    aged_out = Candidate("M1", "C1", member_kind="league_member", member_status="aged_out",
                         status_since=dt.date(2024, 8, 3), unit_id="B1", unit_in_committee=True)
    with pytest.raises(RuleViolation) as err:
        vote(proposed(), aged_out, "B1", on=dt.date(2024, 8, 5))
    assert err.value.details["rule"] == "league_member_on_vote_date"
    rec = proposed()
    vote(rec, aged_out, "B1", on=dt.date(2024, 8, 2))  # still a member that day
    assert rec.status == "voted"
    left = Candidate("M1", "C1", member_kind="league_member", member_status="left",
                     status_since=dt.date(2024, 1, 1), unit_id="B1", unit_in_committee=True)
    with pytest.raises(RuleViolation):
        check_candidate(left, dt.date(2024, 8, 1))


def test_league_members_of_the_committees_branches_and_committee_people_may_be_recommended(
) -> None:
    check_candidate(LEAGUE, dt.date(2024, 8, 1))
    check_candidate(OFFICE_HEAD, dt.date(2024, 8, 1))
    young = Candidate("Y1", "C1", member_kind="young_person", member_status="active",
                      unit_id="B1", unit_in_committee=True)
    elsewhere = Candidate("M9", "C1", member_kind="league_member", member_status="active",
                          unit_id="X1", unit_in_committee=False)
    for person in (young, elsewhere):
        with pytest.raises(InvalidInput):
            check_candidate(person, dt.date(2024, 8, 1))


def test_excellent_in_the_latest_round_comes_first() -> None:
    assert priority("excellent") == "excellent_first"
    assert priority("competent") == priority(None) == "regular"
    grades = ["competent", None, "excellent", "qualified", "excellent"]
    ordered = sorted(range(len(grades)), key=lambda i: (priority_rank(grades[i]), i))
    assert ordered == [2, 4, 0, 1, 3]


def test_the_organization_department_records_the_partys_decision() -> None:
    rec = proposed()
    vote(rec, LEAGUE, "B1")
    with pytest.raises(RuleViolation):  # not submitted yet
        rec.record_party_decision(outcome="accepted", decided_on=dt.date(2024, 9, 1),
                                  department="organization")
    rec.submit(submitted_on=dt.date(2024, 8, 10))
    rec.record_party_decision(outcome="accepted", decided_on=dt.date(2024, 9, 1),
                              note="列为发展对象", department="organization")
    event = rec.pending[-1]
    assert event.type == "PartyDecisionRecorded"
    assert registry.validate(event.type, event.data) == 1
    assert rec.status == "decided" and rec.outcome == "accepted"
    assert rec.party_decision is not None and rec.party_decision["department"] == "organization"
    award = Recommendation("R2")
    award.propose(kind="league_award", member_id="M1", committee_id="C1", reason="x",
                  proposed_on=dt.date(2024, 8, 1))
    award.submit(submitted_on=dt.date(2024, 8, 2))
    with pytest.raises(RuleViolation):
        award.record_party_decision(outcome="accepted", decided_on=dt.date(2024, 9, 1),
                                    department="organization")
