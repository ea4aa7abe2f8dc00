"""Assessment round of one committee for one year.

open -> scores submitted (self / peer / unit / public) -> closed (evidence snapshot) ->
graded (results from `grading.grade_members`) -> results reported, member by member, to
each member's own unit (and department, for the outbound integration).

A score submitted again by the same scorer replaces the earlier one while the round is
open. Grading results are stored in the `RoundGraded` event and not recomputed on replay,
so a later change of the grading code never rewrites a past round.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput, NotFound, RuleViolation

from .evidence import (
    Evidence,
    EvidenceRule,
    assess_evidence,
    validate_evidence_rule,
)
from .grading import (
    DEFAULT_EXCELLENT_QUOTA_BP,
    ScoreSheet,
    Thresholds,
    Weights,
    grade_members,
    validate_quota,
    validate_thresholds,
    validate_weights,
)
from .values import iso_date, iso_utc, optional_text, require_id, require_score, require_year

OPEN = "open"
CLOSED = "closed"
GRADED = "graded"

MAX_MEMBERS = 200


def _unique_ids(values: Sequence[str], field: str) -> list[str]:
    ids = [require_id(v, field) for v in values]
    if len(set(ids)) != len(ids):
        raise InvalidInput.field(field, "must not repeat an id")
    return ids


class AssessmentRound(Aggregate):
    stream_prefix = "round"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.status: str | None = None
        self.year = 0
        self.committee_id = ""
        self.member_ids: list[str] = []
        self.scorer_ids: list[str] = []
        self.scoring_unit_ids: list[str] = []
        self.weights = Weights()
        self.thresholds = Thresholds()
        self.evidence_rule = EvidenceRule()
        self.excellent_quota_bp = DEFAULT_EXCELLENT_QUOTA_BP
        self.self_scores: dict[str, int] = {}
        self.peer_scores: dict[str, dict[str, int]] = {}
        self.unit_scores: dict[str, dict[str, int]] = {}
        self.public_ratings: dict[str, dict[str, int]] = {}
        self.evidence: dict[str, dict[str, Any]] = {}
        self.results: dict[str, dict[str, Any]] = {}
        self.reports: list[dict[str, Any]] = []

    def _require(self, *states: str) -> None:
        if not self.exists:
            raise NotFound(f"round {self.id} not found")
        if self.status not in states:
            raise RuleViolation(
                f"round is {self.status}; this needs {' or '.join(states)}",
                {"status": self.status, "allowed": list(states)},
            )

    def _require_member(self, member_id: str) -> None:
        if member_id not in self.member_ids:
            raise NotFound(f"member {member_id} is not assessed in this round")

    def sheet(self, member_id: str) -> ScoreSheet:
        return ScoreSheet(
            self_score=self.self_scores.get(member_id),
            peer=dict(self.peer_scores.get(member_id, {})),
            unit=dict(self.unit_scores.get(member_id, {})),
            public=dict(self.public_ratings.get(member_id, {})),
        )

    # -- commands ------------------------------------------------------------------------

    def open(
        self,
        *,
        year: int,
        committee_id: str,
        member_ids: Sequence[str],
        opened_at: dt.datetime,
        weights: Weights | None = None,
        thresholds: Thresholds | None = None,
        evidence_rule: EvidenceRule | None = None,
        excellent_quota_bp: int = DEFAULT_EXCELLENT_QUOTA_BP,
        scorer_ids: Sequence[str] | None = None,
        scoring_unit_ids: Sequence[str] = (),
    ) -> None:
        """`scorer_ids`: committee members allowed to give peer scores (default: the
        assessed members). `scoring_unit_ids`: member units allowed to score (empty: any)."""
        if self.exists:
            raise RuleViolation("round already exists", {"status": self.status})
        members = _unique_ids(member_ids, "member_ids")
        if not members or len(members) > MAX_MEMBERS:
            raise InvalidInput.field("member_ids", f"must list 1 to {MAX_MEMBERS} members")
        scorers = _unique_ids(scorer_ids if scorer_ids is not None else members, "scorer_ids")
        units = _unique_ids(scoring_unit_ids, "scoring_unit_ids")
        self._record(
            "RoundOpened",
            {
                "round_id": self.id,
                "year": require_year(year),
                "committee_id": require_id(committee_id, "committee_id"),
                "member_ids": members,
                "scorer_ids": scorers,
                "scoring_unit_ids": units,
                "weights": validate_weights(weights or Weights()).to_data(),
                "thresholds": validate_thresholds(thresholds or Thresholds()).to_data(),
                "evidence_rule": validate_evidence_rule(evidence_rule or EvidenceRule()).to_data(),
                "excellent_quota_bp": validate_quota(excellent_quota_bp),
                "opened_at": iso_utc(opened_at, "opened_at"),
            },
        )

    def submit_self_score(self, *, member_id: str, score: int, submitted_at: dt.datetime) -> None:
        self._require(OPEN)
        self._require_member(member_id)
        self._record(
            "SelfScoreSubmitted",
            {
                "member_id": member_id,
                "score": require_score(score),
                "submitted_at": iso_utc(submitted_at, "submitted_at"),
            },
        )

    def submit_peer_score(
        self, *, member_id: str, scorer_id: str, score: int, submitted_at: dt.datetime
    ) -> None:
        self._require(OPEN)
        self._require_member(member_id)
        if scorer_id == member_id:
            raise RuleViolation(
                "a member cannot give themself a peer score", {"member_id": member_id}
            )
        if scorer_id not in self.scorer_ids:
            raise RuleViolation(
                "only committee members of the round give peer scores", {"scorer_id": scorer_id}
            )
        self._record(
            "PeerScoreSubmitted",
            {
                "member_id": member_id,
                "scorer_id": scorer_id,
                "score": require_score(score),
                "submitted_at": iso_utc(submitted_at, "submitted_at"),
            },
        )

    def submit_unit_score(
        self, *, member_id: str, unit_id: str, score: int, submitted_at: dt.datetime
    ) -> None:
        self._require(OPEN)
        self._require_member(member_id)
        require_id(unit_id, "unit_id")
        if self.scoring_unit_ids and unit_id not in self.scoring_unit_ids:
            raise RuleViolation(
                "this unit is not a scoring member unit of the round", {"unit_id": unit_id}
            )
        self._record(
            "UnitScoreSubmitted",
            {
                "member_id": member_id,
                "unit_id": unit_id,
                "score": require_score(score),
                "submitted_at": iso_utc(submitted_at, "submitted_at"),
            },
        )

    def submit_public_rating(
        self, *, member_id: str, rating_id: str, score: int, submitted_at: dt.datetime
    ) -> None:
        """`rating_id` identifies the rater's ballot (the service decides how, e.g. one per
        verified phone); a repeated id replaces the earlier rating."""
        self._require(OPEN)
        self._require_member(member_id)
        self._record(
            "PublicRatingSubmitted",
            {
                "member_id": member_id,
                "rating_id": require_id(rating_id, "rating_id"),
                "score": require_score(score),
                "submitted_at": iso_utc(submitted_at, "submitted_at"),
            },
        )

    def close(self, *, closed_at: dt.datetime, evidence: Mapping[str, Evidence]) -> None:
        """Snapshot the evidence beside the scores; a member without evidence gets empty
        evidence (and therefore the rule's flags)."""
        self._require(OPEN)
        unknown = sorted(set(evidence) - set(self.member_ids))
        if unknown:
            raise InvalidInput.field("evidence", f"unknown members: {', '.join(unknown)}")
        rows = []
        for member_id in self.member_ids:
            ev = evidence.get(member_id, Evidence())
            verdict = assess_evidence(ev, self.evidence_rule)
            rows.append(
                {
                    "member_id": member_id,
                    **ev.to_data(),
                    "flags": list(verdict.flags),
                    "adjustment": verdict.adjustment,
                }
            )
        self._record(
            "RoundClosed", {"closed_at": iso_utc(closed_at, "closed_at"), "evidence": rows}
        )

    def grade(self, *, graded_at: dt.datetime) -> None:
        self._require(CLOSED)
        results = grade_members(
            {m: self.sheet(m) for m in self.member_ids},
            self.weights,
            self.thresholds,
            excellent_quota_bp=self.excellent_quota_bp,
            adjustments={m: e["adjustment"] for m, e in self.evidence.items()},
            flags={m: tuple(e["flags"]) for m, e in self.evidence.items()},
        )
        self._record(
            "RoundGraded",
            {
                "graded_at": iso_utc(graded_at, "graded_at"),
                "results": [r.to_data() for r in results],
            },
        )

    def report_result(
        self,
        *,
        member_id: str,
        unit_id: str,
        reported_on: dt.date,
        department: str | None = None,
    ) -> None:
        """Report one member's result to their own unit (the service knows which unit)."""
        self._require(GRADED)
        self._require_member(member_id)
        require_id(unit_id, "unit_id")
        if any(r["member_id"] == member_id and r["unit_id"] == unit_id for r in self.reports):
            raise RuleViolation(
                "result already reported to this unit",
                {"member_id": member_id, "unit_id": unit_id},
            )
        result = self.results[member_id]
        self._record(
            "ResultReported",
            {
                "round_id": self.id,
                "committee_id": self.committee_id,
                "year": self.year,
                "member_id": member_id,
                "unit_id": unit_id,
                "department": optional_text(department, "department", 64),
                "final": result["final"],
                "grade": result["grade"],
                "reported_on": iso_date(reported_on, "reported_on"),
            },
        )

    # -- handlers ------------------------------------------------------------------------

    def _on_round_opened(self, data: dict[str, Any]) -> None:
        self.status = OPEN
        self.year = data["year"]
        self.committee_id = data["committee_id"]
        self.member_ids = list(data["member_ids"])
        self.scorer_ids = list(data["scorer_ids"])
        self.scoring_unit_ids = list(data["scoring_unit_ids"])
        self.weights = Weights.from_data(data["weights"])
        self.thresholds = Thresholds.from_data(data["thresholds"])
        self.evidence_rule = EvidenceRule.from_data(data["evidence_rule"])
        self.excellent_quota_bp = data["excellent_quota_bp"]

    def _on_self_score_submitted(self, data: dict[str, Any]) -> None:
        self.self_scores[data["member_id"]] = data["score"]

    def _on_peer_score_submitted(self, data: dict[str, Any]) -> None:
        self.peer_scores.setdefault(data["member_id"], {})[data["scorer_id"]] = data["score"]

    def _on_unit_score_submitted(self, data: dict[str, Any]) -> None:
        self.unit_scores.setdefault(data["member_id"], {})[data["unit_id"]] = data["score"]

    def _on_public_rating_submitted(self, data: dict[str, Any]) -> None:
        self.public_ratings.setdefault(data["member_id"], {})[data["rating_id"]] = data["score"]

    def _on_round_closed(self, data: dict[str, Any]) -> None:
        self.status = CLOSED
        self.evidence = {
            row["member_id"]: {**row, "flags": list(row["flags"])} for row in data["evidence"]
        }

    def _on_round_graded(self, data: dict[str, Any]) -> None:
        self.status = GRADED
        self.results = {
            r["member_id"]: {**r, "missing": list(r["missing"]), "flags": list(r["flags"])}
            for r in data["results"]
        }

    def _on_result_reported(self, data: dict[str, Any]) -> None:
        self.reports.append(dict(data))


def ensure_one_round_per_year(
    existing: Iterable[tuple[str, int]], committee_id: str, year: int
) -> None:
    """`existing` are the (committee_id, year) pairs of rounds already opened."""
    if (committee_id, year) in set(existing):
        raise RuleViolation(
            "this committee already has a round for the year",
            {"committee_id": committee_id, "year": year},
        )
