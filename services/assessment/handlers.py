"""Command handlers of the assessment service: plain functions `(tx, cmd, ctx) -> answer`.

`tx` is the unit of work's transaction (it loads and adds aggregates); `cmd` the validated
command (a dict from the contract's schema, plus ids from the path); `ctx` what the caller
brings: the unit scope, the clock, the id generator and the read-model facts (`Facts`, read
through the transaction: `queries.SqlFacts` in the service, a fake in the handler tests).
The rules themselves live in `domain/`; a handler loads, asks the aggregate, and answers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from eventkit import clock as clocks
from eventkit.errors import InvalidInput, NotFound, RuleViolation
from eventkit.uow import Tx
from services.assessment.domain.commitment import (
    CommitmentItem,
    CommitmentLetter,
    ensure_one_letter_per_member_year,
)
from services.assessment.domain.evidence import Evidence, EvidenceRule
from services.assessment.domain.grading import Thresholds, Weights
from services.assessment.domain.recommendation import (
    Candidate,
    Recommendation,
    check_candidate,
)
from services.assessment.domain.round import AssessmentRound, ensure_one_round_per_year

Scope = Sequence[str] | None
REPORT_KEYS = ("round_id", "member_id", "unit_id", "department", "final", "grade",
               "reported_on")


class Facts(Protocol):
    """The read-model facts the handlers need (learnt from org and activities)."""

    def committee(self, committee_id: str) -> dict[str, Any] | None: ...
    def active_people(self, committee_id: str) -> list[str]: ...
    def person_in_scope(self, person_id: str, scope: Scope) -> bool: ...
    def letters_of(self, member_id: str, year: int) -> list[tuple[str, int]]: ...
    def rounds_of(self, committee_id: str) -> list[tuple[str, int]]: ...
    def unit_known(self, committee_id: str, unit_id: str) -> bool: ...
    def unit_kind(self, unit_id: str) -> str | None: ...
    def home_unit(self, committee_id: str, member_id: str) -> tuple[str, str | None]: ...
    def letters_in_progress(self, committee_id: str, year: int,
                            member_ids: Sequence[str]) -> list[str]: ...
    def evidence_for(self, member_ids: Sequence[str], year: int, as_of: dt.date,
                     overrides: Mapping[str, Any] | None = None) -> dict[str, Evidence]: ...
    def candidate(self, committee_id: str, member_id: str) -> Candidate: ...
    def organization_members(self, unit_id: str, committee_id: str, on: dt.date) -> int: ...


@dataclasses.dataclass(frozen=True)
class Context:
    facts: Callable[[Tx], Facts]
    scope: Scope = None
    clock: clocks.Clock = clocks.SYSTEM_CLOCK
    new_id: Callable[[], str] = clocks.new_id
    actor: str | None = None


BRANCH_KINDS = ("general_branch", "branch", "joint_branch")
WORKING_COMMITTEE = "working_committee"


def not_future(value: dt.date | None, field: str, ctx: Context) -> dt.date:
    """A date given in a command (or today); a fact cannot be dated in the future."""
    today = ctx.clock.today()
    if value is None:
        return today
    if value > today:
        raise InvalidInput.field(field, "must not be in the future")
    return value


def _require_person(facts: Facts, committee_id: str, person_id: str, scope: Scope,
                    field: str = "member_id") -> None:
    if person_id not in facts.active_people(committee_id) or not facts.person_in_scope(
            person_id, scope):
        raise InvalidInput.field(field, "is not a member of this committee known to assessment")


def _require_committee(facts: Facts, committee_id: str) -> None:
    if facts.committee(committee_id) is None:
        raise InvalidInput.field("committee_id", "is not a committee known to assessment")


# -- commitment letters --------------------------------------------------------------------


def draft_letter(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    facts = ctx.facts(tx)
    drafted_on = not_future(cmd["drafted_on"], "drafted_on", ctx)
    _require_committee(facts, cmd["committee_id"])
    _require_person(facts, cmd["committee_id"], cmd["member_id"], ctx.scope)
    ensure_one_letter_per_member_year(facts.letters_of(cmd["member_id"], cmd["year"]),
                                      cmd["member_id"], cmd["year"])
    letter = tx.add(CommitmentLetter(ctx.new_id()))
    assert isinstance(letter, CommitmentLetter)
    letter.draft(committee_id=cmd["committee_id"], member_id=cmd["member_id"],
                 year=cmd["year"], drafted_on=drafted_on)
    return {"id": letter.id}


def on_letter(tx: Tx, letter_id: str, ctx: Context,
              action: Callable[[CommitmentLetter], dict[str, Any] | None]) -> dict[str, Any]:
    """Load a letter the caller may see and apply `action` to it."""
    letter = tx.get(CommitmentLetter, letter_id, "letter")
    if not ctx.facts(tx).person_in_scope(letter.member_id, ctx.scope):
        raise NotFound(f"letter {letter_id} not found")
    return {"id": letter_id, **(action(letter) or {})}


def _item(ctx: Context, data: Mapping[str, Any], item_id: str | None = None) -> CommitmentItem:
    return CommitmentItem(item_id or data.get("item_id") or ctx.new_id(), data["category"],
                          data["content"], data["target"], data["deadline"])


def add_letter_item(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    def action(letter: CommitmentLetter) -> dict[str, Any]:
        item = _item(ctx, cmd)
        letter.add_item(item)
        return {"item": letter.items[item.item_id].to_data()}

    return on_letter(tx, cmd["letter_id"], ctx, action)


def revise_letter_item(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_letter(tx, cmd["letter_id"], ctx,
                     lambda letter: letter.revise_item(_item(ctx, cmd, cmd["item_id"])))


def remove_letter_item(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_letter(tx, cmd["letter_id"], ctx,
                     lambda letter: letter.remove_item(cmd["item_id"]))


def submit_letter(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    signed_on = not_future(cmd["signed_on"], "signed_on", ctx)
    return on_letter(tx, cmd["letter_id"], ctx, lambda letter: letter.submit(signed_on=signed_on))


def publish_letter(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    published_on = not_future(cmd["published_on"], "published_on", ctx)
    return on_letter(tx, cmd["letter_id"], ctx, lambda letter: letter.publish(
        published_on=published_on, notice_days=cmd["notice_days"]))


def start_letter(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    today = ctx.clock.today()
    return on_letter(tx, cmd["letter_id"], ctx,
                     lambda letter: letter.start_implementation(today=today))


def report_letter_progress(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """A first report after the notice period also starts the implementation."""
    today = ctx.clock.today()
    reported_on = not_future(cmd["reported_on"], "reported_on", ctx)

    def action(letter: CommitmentLetter) -> dict[str, Any]:
        if letter.status == "published":
            letter.start_implementation(today=today)
        letter.report_progress(report_id=ctx.new_id(), item_id=cmd["item_id"],
                               reported_on=reported_on, text=cmd["text"],
                               evidence_links=cmd["evidence_links"])
        return {"report": letter.progress[-1]}

    return on_letter(tx, cmd["letter_id"], ctx, action)


def amend_letter(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    amended_on = not_future(cmd["amended_on"], "amended_on", ctx)
    items = [_item(ctx, i) for i in cmd["items"]]
    return on_letter(tx, cmd["letter_id"], ctx, lambda letter: letter.amend(
        reason=cmd["reason"], items=items, amended_on=amended_on))


def mark_letter_assessed(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    today = ctx.clock.today()

    def action(letter: CommitmentLetter) -> None:
        rnd = tx.load(AssessmentRound, cmd["round_id"])
        if not rnd.exists:
            raise InvalidInput.field("round_id", "no such assessment round")
        if (rnd.committee_id, rnd.year) != (letter.committee_id, letter.year):
            raise InvalidInput.field("round_id", "is a round of another committee or year")
        if rnd.status != "graded" or letter.member_id not in rnd.results:
            raise RuleViolation("the round has not graded this member yet",
                                {"round_status": rnd.status})
        letter.mark_assessed(round_id=rnd.id, assessed_on=today)

    return on_letter(tx, cmd["letter_id"], ctx, action)


def comment_on_letter(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_letter(tx, cmd["letter_id"], ctx, lambda letter: letter.receive_comment(
        comment_id=cmd["comment_id"], text=cmd["text"], received_at=ctx.clock.now(),
        name=cmd["name"], contact=cmd["contact"]))


def moderate_comment(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """`accept` True accepts the comment; False rejects it with `reason`."""
    editor_id = (ctx.actor or "unknown")[:64]

    def action(letter: CommitmentLetter) -> None:
        if cmd["accept"]:
            letter.accept_comment(comment_id=cmd["comment_id"], editor_id=editor_id,
                                  moderated_at=ctx.clock.now())
        else:
            letter.reject_comment(comment_id=cmd["comment_id"], editor_id=editor_id,
                                  reason=cmd["reason"], moderated_at=ctx.clock.now())

    return on_letter(tx, cmd["letter_id"], ctx, action)


# -- assessment rounds ---------------------------------------------------------------------


def open_round(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    facts = ctx.facts(tx)
    committee_id = cmd["committee_id"]
    _require_committee(facts, committee_id)
    people = [p for p in facts.active_people(committee_id)
              if facts.person_in_scope(p, ctx.scope)]
    errors: dict[str, list[str]] = {}
    members = cmd["member_ids"] if cmd["member_ids"] is not None else people
    if not members:
        raise RuleViolation("assessment knows no member of this committee yet",
                            {"committee_id": committee_id})
    scorers = cmd["scorer_ids"] if cmd["scorer_ids"] is not None else people
    for field, ids in (("member_ids", members), ("scorer_ids", scorers)):
        unknown = sorted(set(ids) - set(people))
        if unknown:
            errors[field] = [f"not members of this committee: {', '.join(unknown)}"]
    unknown_units = [u for u in cmd["scoring_unit_ids"]
                     if not facts.unit_known(committee_id, u)]
    if unknown_units:
        errors["scoring_unit_ids"] = [f"unknown units: {', '.join(unknown_units)}"]
    if errors:
        raise InvalidInput("the round names unknown people or units", {"errors": errors})
    ensure_one_round_per_year(facts.rounds_of(committee_id), committee_id, cmd["year"])
    rnd = tx.add(AssessmentRound(ctx.new_id()))
    assert isinstance(rnd, AssessmentRound)
    rnd.open(
        year=cmd["year"], committee_id=committee_id, member_ids=members,
        opened_at=ctx.clock.now(), scorer_ids=scorers, scoring_unit_ids=cmd["scoring_unit_ids"],
        weights=Weights(**cmd["weights"]) if cmd["weights"] else None,
        thresholds=Thresholds(**cmd["thresholds"]) if cmd["thresholds"] else None,
        evidence_rule=EvidenceRule(**cmd["evidence_rule"]) if cmd["evidence_rule"] else None,
        excellent_quota_bp=cmd["excellent_quota_bp"],
    )
    return {"id": rnd.id}


def on_round(tx: Tx, round_id: str, ctx: Context,
             action: Callable[[AssessmentRound], dict[str, Any] | None],
             member_id: str | None = None) -> dict[str, Any]:
    """Load a round with at least one member the caller may see and apply `action`."""
    facts = ctx.facts(tx)
    rnd = tx.get(AssessmentRound, round_id, "assessment round")
    visible = [m for m in rnd.member_ids if facts.person_in_scope(m, ctx.scope)]
    if not visible:
        raise NotFound(f"assessment round {round_id} not found")
    if member_id is not None and member_id in rnd.member_ids and member_id not in visible:
        raise NotFound(f"member {member_id} is not assessed in this round")
    return {"id": round_id, **(action(rnd) or {})}


def submit_score(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """`component`: self / peer / unit / public."""
    at = ctx.clock.now()
    component, member = cmd["component"], cmd["member_id"]

    def action(rnd: AssessmentRound) -> dict[str, Any]:
        if component == "self":
            rnd.submit_self_score(member_id=member, score=cmd["score"], submitted_at=at)
            scorer = ""
        elif component == "peer":
            rnd.submit_peer_score(member_id=member, scorer_id=cmd["scorer_id"],
                                  score=cmd["score"], submitted_at=at)
            scorer = cmd["scorer_id"]
        elif component == "unit":
            if not rnd.scoring_unit_ids and not ctx.facts(tx).unit_known(rnd.committee_id,
                                                                         cmd["unit_id"]):
                raise InvalidInput.field("unit_id", "is not a unit known to assessment")
            rnd.submit_unit_score(member_id=member, unit_id=cmd["unit_id"],
                                  score=cmd["score"], submitted_at=at)
            scorer = cmd["unit_id"]
        else:
            scorer = cmd["rating_id"] or ctx.new_id()
            rnd.submit_public_rating(member_id=member, rating_id=scorer,
                                     score=cmd["score"], submitted_at=at)
        return {"score": {"member_id": member, "component": component, "scorer": scorer,
                          "score": cmd["score"], "submitted_at": at.isoformat()}}

    return on_round(tx, cmd["round_id"], ctx, action, member_id=member)


def close_round(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Gathers each member's evidence from the tracked facts and snapshots it."""
    closed_at = ctx.clock.now()

    def action(rnd: AssessmentRound) -> None:
        unknown = sorted(set(cmd["unit_overrides"]) - set(rnd.member_ids))
        if unknown:
            raise InvalidInput.field("unit_overrides",
                                     f"not members of the round: {', '.join(unknown)}")
        if rnd.status != "open":
            raise RuleViolation(f"round is {rnd.status}; closing needs open",
                                {"round_status": rnd.status, "allowed": ["open"]})
        as_of = min(ctx.clock.today(), dt.date(rnd.year, 12, 31))
        evidence = ctx.facts(tx).evidence_for(rnd.member_ids, rnd.year, as_of,
                                              cmd["unit_overrides"])
        rnd.close(closed_at=closed_at, evidence=evidence)

    return on_round(tx, cmd["round_id"], ctx, action)


def grade_round(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Grades, then marks the members' letters of the year in progress as assessed."""
    today = ctx.clock.today()

    def action(rnd: AssessmentRound) -> None:
        rnd.grade(graded_at=ctx.clock.now())
        for letter_id in ctx.facts(tx).letters_in_progress(rnd.committee_id, rnd.year,
                                                           rnd.member_ids):
            tx.load(CommitmentLetter, letter_id).mark_assessed(round_id=rnd.id,
                                                               assessed_on=today)

    return on_round(tx, cmd["round_id"], ctx, action)


def report_results(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Each member's result goes to their own (home) unit as `ResultReported`, with the
    department that unit belongs to; a result already reported there is listed, not
    reported again."""
    today = ctx.clock.today()
    facts = ctx.facts(tx)

    def action(rnd: AssessmentRound) -> dict[str, Any]:
        if rnd.status != "graded":
            raise RuleViolation(f"round is {rnd.status}; reporting needs graded",
                                {"round_status": rnd.status, "allowed": ["graded"]})
        wanted = cmd["member_ids"] if cmd["member_ids"] is not None else rnd.member_ids
        unknown = sorted(set(wanted) - set(rnd.member_ids))
        if unknown:
            raise InvalidInput.field("member_ids",
                                     f"not members of the round: {', '.join(unknown)}")
        reported, already = [], []
        for member_id in wanted:
            if not facts.person_in_scope(member_id, ctx.scope):
                continue
            unit_id, department = facts.home_unit(rnd.committee_id, member_id)
            done = [r for r in rnd.reports
                    if r["member_id"] == member_id and r["unit_id"] == unit_id]
            if done:
                already.append({k: done[0][k] for k in REPORT_KEYS})
                continue
            rnd.report_result(member_id=member_id, unit_id=unit_id, reported_on=today,
                              department=department)
            reported.append({k: rnd.reports[-1][k] for k in REPORT_KEYS})
        return {"reported": reported, "already_reported": already}

    return on_round(tx, cmd["round_id"], ctx, action)


# -- recommendations -----------------------------------------------------------------------


def propose_recommendation(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """推优 of a committee person or (issue 12) a League member of one of its branches."""
    facts = ctx.facts(tx)
    proposed_on = not_future(cmd["proposed_on"], "proposed_on", ctx)
    _require_committee(facts, cmd["committee_id"])
    if not facts.person_in_scope(cmd["member_id"], ctx.scope):
        raise InvalidInput.field("member_id", "is not a person known to assessment")
    check_candidate(facts.candidate(cmd["committee_id"], cmd["member_id"]), proposed_on)
    if cmd["round_id"] is not None:
        rnd = tx.load(AssessmentRound, cmd["round_id"])
        if not rnd.exists or rnd.committee_id != cmd["committee_id"]:
            raise InvalidInput.field("round_id", "no such round of this committee")
        if rnd.status != "graded" or cmd["member_id"] not in rnd.results:
            raise RuleViolation("the round has no grade for this member yet",
                                {"round_status": rnd.status})
    rec = tx.add(Recommendation(ctx.new_id()))
    assert isinstance(rec, Recommendation)
    rec.propose(kind=cmd["kind"], member_id=cmd["member_id"], committee_id=cmd["committee_id"],
                reason=cmd["reason"], proposed_on=proposed_on, round_id=cmd["round_id"],
                party_applied_on=cmd["party_applied_on"])
    return {"id": rec.id}


def on_recommendation(tx: Tx, rec_id: str, ctx: Context,
                      action: Callable[[Recommendation], None]) -> dict[str, Any]:
    rec = tx.get(Recommendation, rec_id, "recommendation")
    if not ctx.facts(tx).person_in_scope(rec.member_id, ctx.scope):
        raise NotFound(f"recommendation {rec_id} not found")
    action(rec)
    return {"id": rec_id}


def record_branch_vote(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    not_future(cmd["vote_on"], "vote_on", ctx)

    def action(rec: Recommendation) -> None:
        facts = ctx.facts(tx)
        unit_id = cmd["branch_id"]
        if facts.unit_kind(unit_id) not in (*BRANCH_KINDS, WORKING_COMMITTEE):
            raise InvalidInput.field("branch_id", "is not a League branch or working committee "
                                                  "known to assessment")
        rec.record_branch_vote(vote_on=cmd["vote_on"], voting_members=cmd["voting_members"],
                               in_favour=cmd["in_favour"], against=cmd["against"],
                               abstain=cmd["abstain"], branch_id=unit_id,
                               candidate=facts.candidate(rec.committee_id, rec.member_id),
                               organization_members=facts.organization_members(
                                   unit_id, rec.committee_id, cmd["vote_on"]))

    return on_recommendation(tx, cmd["rec_id"], ctx, action)


def submit_recommendation(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    submitted_on = not_future(cmd["submitted_on"], "submitted_on", ctx)
    return on_recommendation(tx, cmd["rec_id"], ctx,
                             lambda rec: rec.submit(submitted_on=submitted_on))


def record_recommendation_outcome(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    decided_on = not_future(cmd["decided_on"], "decided_on", ctx)
    return on_recommendation(tx, cmd["rec_id"], ctx, lambda rec: rec.record_outcome(
        outcome=cmd["outcome"], decided_on=decided_on, note=cmd["note"]))


def record_party_decision(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """The organization department's record of the Party's decision (issue 12 part 6)."""
    decided_on = not_future(cmd["decided_on"], "decided_on", ctx)
    return on_recommendation(tx, cmd["rec_id"], ctx, lambda rec: rec.record_party_decision(
        outcome=cmd["outcome"], decided_on=decided_on, note=cmd["note"],
        department=cmd["department"]))
