"""Recommendation of an outstanding member: for Party membership (推优入党), a League award
or training, tracked to its outcome.

proposed -> (party_membership only: branch vote recorded) -> submitted -> outcome
(pending, possibly several times, then accepted or declined, which is final).

Party membership rules (checked when the branch assembly vote is recorded):
- The Party application is at least 6 calendar months old on the vote date: the earliest
  vote date is the same day of the month 6 months after the application. When that day
  does not exist (applied 31 August -> 31 February) the earliest date is the 1st of the
  following month (1 March): we round towards "more than 6 months", never fewer.
- Ballots: `voting_members` is the number of members with the right to vote; in favour +
  against + abstain (ballots cast) must not exceed it. In favour must be *more than half*
  of the voting members (2 * in_favour > voting_members): exactly half is refused.

Issue 12 safeguards (checked with facts the service layer loads, `Candidate`):
- The vote is recorded by the organization the candidate belongs to: the branch assembly
  of the candidate's own branch for a League member, the working committee (its root unit,
  whose id is the committee's) for one of its people who is not a League member. Another
  unit: 409 `rule: voting_organization`.
- Not dated before the proposal (409 `rule: vote_before_proposal`).
- `voting_members` may not exceed the organization's members (422, `organization_members`).
- A recommended League member is still one on the vote date: not aged out, not left
  (409 `rule: league_member_on_vote_date`); so also on the proposal date.
- 优先: candidates graded excellent in the latest round (the committee's latest graded
  assessment round, or for a League member the latest annual member evaluation) come first.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput, NotFound, RuleViolation
from services.assessment.contract.labels import LABELS

from .values import (
    iso_date,
    optional_text,
    parse_date,
    require_date,
    require_id,
    require_int,
    require_text,
)

PARTY_MEMBERSHIP = "party_membership"
LEAGUE_AWARD = "league_award"
TRAINING = "training"
KINDS: tuple[str, ...] = (PARTY_MEMBERSHIP, LEAGUE_AWARD, TRAINING)

PROPOSED = "proposed"
VOTED = "voted"
SUBMITTED = "submitted"
DECIDED = "decided"

PENDING = "pending"
ACCEPTED = "accepted"
DECLINED = "declined"
OUTCOMES: tuple[str, ...] = (ACCEPTED, DECLINED, PENDING)

APPLICATION_MIN_MONTHS = 6
MAX_BALLOTS = 100_000

LEAGUE_MEMBER = "league_member"
EXCELLENT = "excellent"
# 优先: how a candidate ranks in recommendation lists (codes; labels in the vocabulary)
PRIORITY_EXCELLENT = "excellent_first"
PRIORITY_REGULAR = "regular"
PRIORITIES: tuple[str, ...] = (PRIORITY_EXCELLENT, PRIORITY_REGULAR)
# shown beside the code in each recommendation: the contract's words (contract/labels.py)
PRIORITY_LABELS: dict[str, str] = {code: zh for code, (zh, _en)
                                   in LABELS["recommendation_priorities"].items()}


@dataclass(frozen=True)
class Candidate:
    """What the rules need to know of a person recommended (loaded by the service layer).

    `member_kind` / `member_status` / `status_since` / `unit_id`: the person's org member
    record, if any (a committee person from a government office usually has none);
    `committee_person`: in a post of the committee (secretary, deputy, committee member)."""

    member_id: str
    committee_id: str
    committee_person: bool = False
    member_kind: str | None = None
    member_status: str | None = None
    status_since: dt.date | None = None
    unit_id: str | None = None
    unit_in_committee: bool = False

    @property
    def league_member(self) -> bool:
        return self.member_kind == LEAGUE_MEMBER

    def league_member_on(self, day: dt.date) -> bool:
        """A League member on `day`: active, or aged out / left only after it."""
        if not self.league_member:
            return False
        return self.member_status == "active" or (
            self.status_since is not None and self.status_since > day)

    def voting_unit_id(self) -> str:
        """The organization that votes: the own branch of a League member, the working
        committee (its root unit has the committee's id) for one of its people."""
        if self.league_member and self.unit_id is not None:
            return self.unit_id
        return self.committee_id


def check_candidate(candidate: Candidate, on: dt.date) -> None:
    """推优 is for the committee's people and for League members of its branches; a League
    member must be one on the day (proposal or vote)."""
    if candidate.league_member and candidate.unit_in_committee:
        if not candidate.league_member_on(on):
            raise RuleViolation(
                "a recommended League member must be a League member on that day",
                {"rule": "league_member_on_vote_date", "member_status": candidate.member_status,
                 "status_since": iso_or_none(candidate.status_since), "on": on.isoformat()})
        return
    if not candidate.committee_person:
        raise InvalidInput.field(
            "member_id", "is neither a person of this committee nor a League member of one of "
            "its units known to assessment")


def iso_or_none(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def check_voting_organization(candidate: Candidate, voting_unit_id: str) -> None:
    expected = candidate.voting_unit_id()
    if voting_unit_id != expected:
        raise RuleViolation(
            "the vote is recorded by the organization the candidate belongs to: their branch "
            "assembly for a League member, the working committee for one of its people",
            {"rule": "voting_organization", "expected_unit_id": expected,
             "voting_unit_id": voting_unit_id})


def check_vote_after_proposal(proposed_on: dt.date | None, vote_on: dt.date) -> None:
    if proposed_on is not None and vote_on < proposed_on:
        raise RuleViolation("the vote cannot be dated before the proposal",
                            {"rule": "vote_before_proposal",
                             "proposed_on": proposed_on.isoformat()})


def check_voters(voting_members: int, organization_members: int) -> None:
    if voting_members > organization_members:
        raise InvalidInput(
            "more voting members than the organization has members",
            {"errors": {"voting_members": [
                f"{voting_members} voting members, the organization has "
                f"{organization_members} members"]},
             "organization_members": organization_members})


def priority(latest_grade: str | None) -> str:
    """优先: excellent in the latest round first."""
    return PRIORITY_EXCELLENT if latest_grade == EXCELLENT else PRIORITY_REGULAR


def priority_rank(latest_grade: str | None) -> int:
    return PRIORITIES.index(priority(latest_grade))


def add_months_no_earlier(day: dt.date, months: int) -> dt.date:
    """`day` + `months` calendar months; a day missing in the target month rolls to the 1st
    of the next month (see module docstring)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if day.day <= calendar.monthrange(year, month)[1]:
        return dt.date(year, month, day.day)
    return dt.date(year + month // 12, month % 12 + 1, 1)


def earliest_vote_date(applied_on: dt.date) -> dt.date:
    return add_months_no_earlier(applied_on, APPLICATION_MIN_MONTHS)


def check_party_application_age(applied_on: dt.date, vote_on: dt.date) -> None:
    earliest = earliest_vote_date(applied_on)
    if vote_on < earliest:
        raise RuleViolation(
            f"the Party application must be at least {APPLICATION_MIN_MONTHS} months old "
            f"on the vote date (earliest {earliest.isoformat()})",
            {
                "rule": "party_application_age",
                "applied_on": applied_on.isoformat(),
                "earliest_vote_on": earliest.isoformat(),
            },
        )


def check_ballots(voting_members: int, in_favour: int, against: int, abstain: int) -> None:
    """Shape of the counts (InvalidInput), then the majority rule (RuleViolation)."""
    require_int(voting_members, "voting_members", 1, MAX_BALLOTS)
    require_int(in_favour, "in_favour", 0, MAX_BALLOTS)
    require_int(against, "against", 0, MAX_BALLOTS)
    require_int(abstain, "abstain", 0, MAX_BALLOTS)
    cast = in_favour + against + abstain
    if cast > voting_members:
        raise InvalidInput(
            "more ballots than voting members",
            {"errors": {"ballots": [f"{cast} ballots cast for {voting_members} voting members"]}},
        )
    if 2 * in_favour <= voting_members:
        raise RuleViolation(
            "more than half of the voting members must vote in favour",
            {
                "rule": "majority",
                "in_favour": in_favour,
                "voting_members": voting_members,
                "needed": voting_members // 2 + 1,
            },
        )


class Recommendation(Aggregate):
    stream_prefix = "recommendation"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.status: str | None = None
        self.kind = ""
        self.member_id = ""
        self.committee_id = ""
        self.round_id: str | None = None
        self.party_applied_on: dt.date | None = None
        self.proposed_on: dt.date | None = None
        self.party_decision: dict[str, Any] | None = None
        self.vote: dict[str, Any] | None = None
        self.outcome: str | None = None
        self.outcome_on: dt.date | None = None
        self.history: list[dict[str, Any]] = []

    def _require(self, *states: str) -> None:
        if not self.exists:
            raise NotFound(f"recommendation {self.id} not found")
        if self.status not in states:
            raise RuleViolation(
                f"recommendation is {self.status}; this needs {' or '.join(states)}",
                {"status": self.status, "allowed": list(states)},
            )

    def propose(
        self,
        *,
        kind: str,
        member_id: str,
        committee_id: str,
        reason: str,
        proposed_on: dt.date,
        round_id: str | None = None,
        party_applied_on: dt.date | None = None,
    ) -> None:
        if self.exists:
            raise RuleViolation("recommendation already exists", {"status": self.status})
        if kind not in KINDS:
            raise InvalidInput.field("kind", f"must be one of {', '.join(KINDS)}")
        require_date(proposed_on, "proposed_on")
        applied: str | None = None
        if kind == PARTY_MEMBERSHIP:
            if party_applied_on is None:
                raise InvalidInput.field("party_applied_on", "required for party_membership")
            if require_date(party_applied_on, "party_applied_on") > proposed_on:
                raise InvalidInput.field("party_applied_on", "must not be after proposed_on")
            applied = party_applied_on.isoformat()
        elif party_applied_on is not None:
            raise InvalidInput.field("party_applied_on", "only for party_membership")
        self._record(
            "RecommendationProposed",
            {
                "recommendation_id": self.id,
                "kind": kind,
                "member_id": require_id(member_id, "member_id"),
                "committee_id": require_id(committee_id, "committee_id"),
                "round_id": None if round_id is None else require_id(round_id, "round_id"),
                "reason": require_text(reason, "reason", 2000),
                "proposed_on": proposed_on.isoformat(),
                "party_applied_on": applied,
            },
        )

    def record_branch_vote(
        self,
        *,
        vote_on: dt.date,
        voting_members: int,
        in_favour: int,
        against: int,
        abstain: int,
        branch_id: str,
        candidate: Candidate | None = None,
        organization_members: int | None = None,
    ) -> None:
        """Only a vote that passes every rule is recorded; otherwise RuleViolation (409) or
        InvalidInput (422). `candidate` and `organization_members` (the voting
        organization's members on the vote date) are the issue 12 safeguards' facts."""
        self._require(PROPOSED)
        if self.kind != PARTY_MEMBERSHIP:
            raise RuleViolation("only a party_membership recommendation is voted on",
                                {"kind": self.kind})
        require_date(vote_on, "vote_on")
        if candidate is not None:
            check_voting_organization(candidate, branch_id)
        check_vote_after_proposal(self.proposed_on, vote_on)
        if organization_members is not None:
            require_int(voting_members, "voting_members", 1, MAX_BALLOTS)
            check_voters(voting_members, organization_members)
        check_ballots(voting_members, in_favour, against, abstain)
        assert self.party_applied_on is not None
        check_party_application_age(self.party_applied_on, vote_on)
        if candidate is not None:
            check_candidate(candidate, vote_on)
        self._record(
            "BranchVoteRecorded",
            {
                "branch_id": require_id(branch_id, "branch_id"),
                "vote_on": vote_on.isoformat(),
                "voting_members": voting_members,
                "in_favour": in_favour,
                "against": against,
                "abstain": abstain,
            },
        )

    def submit(self, *, submitted_on: dt.date) -> None:
        if self.kind == PARTY_MEMBERSHIP and self.status == PROPOSED:
            raise RuleViolation(
                "a Party membership recommendation needs the branch assembly vote first",
                {"due_step": "branch_vote"},
            )
        self._require(VOTED if self.kind == PARTY_MEMBERSHIP else PROPOSED)
        self._record(
            "RecommendationSubmitted", {"submitted_on": iso_date(submitted_on, "submitted_on")}
        )

    def record_outcome(self, *, outcome: str, decided_on: dt.date, note: str | None = None) -> None:
        self._require(SUBMITTED)
        if outcome not in OUTCOMES:
            raise InvalidInput.field("outcome", f"must be one of {', '.join(OUTCOMES)}")
        require_date(decided_on, "decided_on")
        if self.outcome_on is not None and decided_on < self.outcome_on:
            raise InvalidInput.field("decided_on", "must not be before the previous outcome")
        self._record(
            "RecommendationOutcomeRecorded",
            {
                "outcome": outcome,
                "decided_on": decided_on.isoformat(),
                "note": optional_text(note, "note", 1000),
            },
        )

    def record_party_decision(self, *, outcome: str, decided_on: dt.date,
                              note: str | None = None, department: str) -> None:
        """The organization department records the Party's decision on a 推优 (issue 12
        part 6): an outcome like any other, by the department, shown as `party_decision`."""
        self._require(SUBMITTED)
        if self.kind != PARTY_MEMBERSHIP:
            raise RuleViolation("the Party decides only a party_membership recommendation",
                                {"kind": self.kind})
        if outcome not in OUTCOMES:
            raise InvalidInput.field("outcome", f"must be one of {', '.join(OUTCOMES)}")
        require_date(decided_on, "decided_on")
        if self.outcome_on is not None and decided_on < self.outcome_on:
            raise InvalidInput.field("decided_on", "must not be before the previous outcome")
        self._record(
            "PartyDecisionRecorded",
            {
                "outcome": outcome,
                "decided_on": decided_on.isoformat(),
                "note": optional_text(note, "note", 1000),
                "department": require_id(department, "department"),
            },
        )

    # -- handlers ------------------------------------------------------------------------

    def _on_recommendation_proposed(self, data: dict[str, Any]) -> None:
        self.status = PROPOSED
        self.kind = data["kind"]
        self.member_id = data["member_id"]
        self.committee_id = data["committee_id"]
        self.round_id = data["round_id"]
        self.proposed_on = parse_date(data["proposed_on"])
        applied = data["party_applied_on"]
        self.party_applied_on = None if applied is None else parse_date(applied)

    def _on_branch_vote_recorded(self, data: dict[str, Any]) -> None:
        self.status = VOTED
        self.vote = dict(data)

    def _on_recommendation_submitted(self, data: dict[str, Any]) -> None:
        self.status = SUBMITTED
        self.outcome = PENDING

    def _on_recommendation_outcome_recorded(self, data: dict[str, Any]) -> None:
        self.outcome = data["outcome"]
        self.outcome_on = parse_date(data["decided_on"])
        self.history.append(dict(data))
        if self.outcome != PENDING:
            self.status = DECIDED

    def _on_party_decision_recorded(self, data: dict[str, Any]) -> None:
        self._on_recommendation_outcome_recorded(data)
        self.party_decision = dict(data)
