"""The assessment service (nameko): commitment letters, assessment rounds, recommendations.

Commands validate with the shared schemas, load aggregates in one unit of work and answer
the read-model view. Reads accept `scope` (unit ids the caller may see, None = all): a
committee person is in scope when one of their units (`person_units`, learnt from org) is;
objects of people outside scope answer NotFound and lists leave them out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from eventkit import clock, pagination
from eventkit.errors import InvalidInput, NotFound, RuleViolation
from eventkit.nameko_ext import EventSourcing, FeedMixin, command, jsonable
from eventkit.uow import Tx
from eventkit.validation import load
from services.assessment import facts
from services.assessment.contract import schemas
from services.assessment.contract.events import registry
from services.assessment.domain.commitment import (
    CommitmentItem,
    CommitmentLetter,
    ensure_one_letter_per_member_year,
)
from services.assessment.domain.evidence import EvidenceRule, assess_evidence
from services.assessment.domain.grading import Thresholds, Weights
from services.assessment.domain.recommendation import Recommendation
from services.assessment.domain.round import AssessmentRound, ensure_one_round_per_year
from services.assessment.letters import render_result_letter
from services.assessment.projections import projector
from services.assessment.tracked import TRACKED
from services.common.org_facts import get_known_cooperative

BRANCH_KINDS = ("general_branch", "branch", "joint_branch")

_today = clock.today
_now = clock.now
_new_id = clock.new_id


def _not_future(value: dt.date, field: str) -> dt.date:
    if value > _today():
        raise InvalidInput.field(field, "must not be in the future")
    return value


def _scope_clause(column: str, scope: list[str] | None) -> tuple[str, list[Any]]:
    if scope is None:
        return "", []
    return (f" AND EXISTS (SELECT 1 FROM person_units pu WHERE pu.person_id = {column}"
            " AND pu.unit_id = ANY(%s))", [list(scope)])


def _round_scope_clause(scope: list[str] | None) -> tuple[str, list[Any]]:
    if scope is None:
        return "", []
    return (" AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(r.member_ids) m(id)"
            " JOIN person_units pu ON pu.person_id = m.id WHERE pu.unit_id = ANY(%s))",
            [list(scope)])


def _person_in_scope(cur: Any, person_id: str, scope: list[str] | None) -> bool:
    if scope is None:
        return True
    cur.execute("SELECT 1 FROM person_units WHERE person_id = %s AND unit_id = ANY(%s) LIMIT 1",
                (person_id, list(scope)))
    return cur.fetchone() is not None


def _require_committee(cur: Any, committee_id: str) -> dict[str, Any]:
    committee = facts.committee_known(cur, committee_id)
    if committee is None:
        raise InvalidInput.field("committee_id", "is not a committee known to assessment")
    return committee


def _require_person(cur: Any, committee_id: str, person_id: str, scope: list[str] | None,
                    field: str = "member_id") -> None:
    if person_id not in facts.active_people(cur, committee_id) or not _person_in_scope(
            cur, person_id, scope):
        raise InvalidInput.field(field, "is not a member of this committee known to assessment")


# -- views ---------------------------------------------------------------------------------

LETTER_COLUMNS = (
    "id", "committee_id", "member_id", "year", "status", "drafted_on", "signed_on",
    "published_on", "notice_days", "notice_last_day", "started_on", "current_version", "items",
    "versions", "progress", "assessed_round_id", "assessed_on", "updated_at", "version",
)
LETTER_SELECT = "SELECT " + ", ".join(f"l.{c}" for c in LETTER_COLUMNS) + " FROM letters l"
COMMENT_COLUMNS = ("comment_id", "letter_id", "version", "name", "contact_masked", "text",
                   "received_at", "status", "rejection_reason")


def _letter_view(row: tuple[Any, ...], full: bool) -> dict[str, Any]:
    letter = jsonable(dict(zip(LETTER_COLUMNS, row, strict=True)))
    letter["item_count"] = len(letter["items"])
    if not full:
        for key in ("items", "versions", "progress"):
            letter.pop(key)
    return letter


def _comment_view(row: tuple[Any, ...]) -> dict[str, Any]:
    comment = jsonable(dict(zip(COMMENT_COLUMNS, row, strict=True)))
    comment["contact"] = comment.pop("contact_masked")
    return comment


def _comments(cur: Any, letter_id: str, status: str) -> list[dict[str, Any]]:
    cur.execute("SELECT " + ", ".join(COMMENT_COLUMNS) + " FROM letter_comments"
                " WHERE letter_id = %s AND status = %s ORDER BY received_at, comment_id",
                (letter_id, status))
    return [_comment_view(r) for r in cur.fetchall()]


PUBLIC_STATUSES = ["published", "in_progress", "assessed"]


def _load_letter(cur: Any, letter_id: str, scope: list[str] | None,
                 public_only: bool = False) -> dict[str, Any]:
    clause, args = _scope_clause("l.member_id", scope)
    if public_only:
        clause += " AND l.status = ANY(%s)"
        args.append(PUBLIC_STATUSES)
    cur.execute(LETTER_SELECT + " WHERE l.id = %s" + clause, (letter_id, *args))
    row = cur.fetchone()
    if row is None:
        raise NotFound(f"letter {letter_id} not found")
    letter = _letter_view(row, full=True)
    letter["member_name"] = facts.person_names(cur, [letter["member_id"]]).get(
        letter["member_id"])
    letter["comments"] = _comments(cur, letter_id, "accepted")
    cur.execute("SELECT count(*) FROM letter_comments WHERE letter_id = %s"
                " AND status = 'pending'", (letter_id,))
    letter["pending_comments"] = cur.fetchone()[0]
    return letter


ROUND_COLUMNS = (
    "id", "committee_id", "year", "status", "member_ids", "scorer_ids", "scoring_unit_ids",
    "weights", "thresholds", "evidence_rule", "excellent_quota_bp", "opened_at", "closed_at",
    "graded_at", "updated_at", "version",
)
ROUND_SELECT = "SELECT " + ", ".join(f"r.{c}" for c in ROUND_COLUMNS) + " FROM rounds r"


def _load_round(cur: Any, round_id: str, scope: list[str] | None) -> dict[str, Any]:
    clause, args = _round_scope_clause(scope)
    cur.execute(ROUND_SELECT + " WHERE r.id = %s" + clause, (round_id, *args))
    row = cur.fetchone()
    if row is None:
        raise NotFound(f"assessment round {round_id} not found")
    rnd = jsonable(dict(zip(ROUND_COLUMNS, row, strict=True)))
    cur.execute("SELECT component, count(*) FROM round_scores WHERE round_id = %s"
                " GROUP BY component", (round_id,))
    counts = dict(cur.fetchall())
    rnd["score_counts"] = {c: counts.get(c, 0) for c in ("self", "peer", "unit", "public")}
    return rnd


RESULT_SELECT = (
    "SELECT rr.round_id, rr.member_id, rr.committee_id, rr.year, rr.result, rr.graded_at"
    " FROM round_results rr"
)


def _result_views(cur: Any, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    member_ids = [r[1] for r in rows]
    names = facts.person_names(cur, member_ids)
    reports: dict[tuple[str, str], list[dict[str, Any]]] = {}
    if rows:
        cur.execute("SELECT round_id, member_id, unit_id, department, reported_on"
                    " FROM result_reports WHERE round_id = ANY(%s) AND member_id = ANY(%s)"
                    " ORDER BY position", (list({r[0] for r in rows}), member_ids))
        for round_id, member_id, unit_id, department, reported_on in cur.fetchall():
            reports.setdefault((round_id, member_id), []).append(jsonable(
                {"unit_id": unit_id, "department": department, "reported_on": reported_on}))
    out = []
    for round_id, member_id, committee_id, year, result, graded_at in rows:
        view = {**result, "round_id": round_id, "committee_id": committee_id, "year": year,
                "member_name": names.get(member_id),
                "reported_to": reports.get((round_id, member_id), []),
                "graded_at": jsonable(graded_at)}
        out.append(view)
    return out


REPORT_KEYS = ("round_id", "member_id", "unit_id", "department", "final", "grade",
               "reported_on")

RECOMMENDATION_COLUMNS = (
    "id", "kind", "member_id", "committee_id", "round_id", "reason", "status", "outcome",
    "proposed_on", "party_applied_on", "vote", "submitted_on", "decided_on", "history",
    "updated_at", "version",
)
RECOMMENDATION_SELECT = (
    "SELECT " + ", ".join(f"x.{c}" for c in RECOMMENDATION_COLUMNS)
    + ", rr.grade FROM recommendations x"
    " LEFT JOIN round_results rr ON rr.round_id = x.round_id AND rr.member_id = x.member_id"
)


def _recommendation_views(cur: Any, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    names = facts.person_names(cur, [r[2] for r in rows])
    out = []
    for row in rows:
        view = jsonable(dict(zip(RECOMMENDATION_COLUMNS, row[:-1], strict=True)))
        view["round_grade"] = row[-1]
        view["member_name"] = names.get(view["member_id"])
        out.append(view)
    return out


class AssessmentService(FeedMixin):
    name = "assessment"
    es = EventSourcing("assessment", registry, projector, tracked=TRACKED)

    def _run(self, handle: Callable[[Tx], Any], command_id: str | None) -> Any:
        return self.es.run(handle, command_id)

    # -- facts learnt from org -----------------------------------------------------------

    @command
    def known_cooperative(self, coop_id: str) -> dict:
        coop = self.es.read(lambda cur: get_known_cooperative(cur, coop_id))
        if coop is None:
            raise NotFound(f"cooperative {coop_id} not known to assessment")
        return coop

    @command
    def committee_members(self, committee_id: str, scope: list[str] | None = None) -> dict:
        """The people of a committee as assessment knows them, with their units."""

        def query(cur: Any) -> dict:
            if facts.committee_known(cur, committee_id) is None:
                raise NotFound(f"committee {committee_id} not known to assessment")
            people = facts.committee_people(cur, committee_id)
            if scope is not None:
                people = [p for p in people if _person_in_scope(cur, p["person_id"], scope)]
            return {"items": people, "next_cursor": None}

        return self.es.read(query)  # type: ignore[no-any-return]

    # -- commitment letters --------------------------------------------------------------

    @command
    def draft_letter(self, payload: dict, command_id: str | None = None,
                     scope: list[str] | None = None) -> dict:
        f = load(schemas.LetterIn(), payload)
        drafted_on = _not_future(f["drafted_on"] or _today(), "drafted_on")

        def handle(tx: Tx) -> dict:
            _require_committee(tx.cur, f["committee_id"])
            _require_person(tx.cur, f["committee_id"], f["member_id"], scope)
            tx.cur.execute("SELECT member_id, year FROM letters WHERE member_id = %s"
                           " AND year = %s", (f["member_id"], f["year"]))
            ensure_one_letter_per_member_year(tx.cur.fetchall(), f["member_id"], f["year"])
            letter = tx.add(CommitmentLetter(_new_id()))
            assert isinstance(letter, CommitmentLetter)
            letter.draft(committee_id=f["committee_id"], member_id=f["member_id"],
                         year=f["year"], drafted_on=drafted_on)
            return {"id": letter.id}

        result = self._run(handle, command_id)
        return self.get_letter(result["id"], scope)  # type: ignore[no-any-return]

    def _on_letter(self, letter_id: str, command_id: str | None, scope: list[str] | None,
                   action: Callable[[Tx, CommitmentLetter], dict | None]) -> dict:
        def handle(tx: Tx) -> dict:
            letter = tx.get(CommitmentLetter, letter_id, "letter")
            if not _person_in_scope(tx.cur, letter.member_id, scope):
                raise NotFound(f"letter {letter_id} not found")
            return {"id": letter_id, **(action(tx, letter) or {})}

        return self._run(handle, command_id)  # type: ignore[no-any-return]

    @command
    def add_letter_item(self, letter_id: str, payload: dict, command_id: str | None = None,
                        scope: list[str] | None = None) -> dict:
        f = load(schemas.LetterItemIn(), payload)

        def action(tx: Tx, letter: CommitmentLetter) -> dict:
            item = CommitmentItem(_new_id(), f["category"], f["content"], f["target"],
                                  f["deadline"])
            letter.add_item(item)
            return {"item": letter.items[item.item_id].to_data()}

        return self._on_letter(letter_id, command_id, scope, action)["item"]  # type: ignore

    @command
    def revise_letter_item(self, letter_id: str, item_id: str, payload: dict,
                           command_id: str | None = None, scope: list[str] | None = None) -> dict:
        f = load(schemas.LetterItemIn(), payload)

        def action(tx: Tx, letter: CommitmentLetter) -> None:
            letter.revise_item(CommitmentItem(item_id, f["category"], f["content"], f["target"],
                                              f["deadline"]))

        self._on_letter(letter_id, command_id, scope, action)
        return self.get_letter(letter_id, scope)  # type: ignore[no-any-return]

    @command
    def remove_letter_item(self, letter_id: str, item_id: str, command_id: str | None = None,
                           scope: list[str] | None = None) -> dict:
        self._on_letter(letter_id, command_id, scope,
                        lambda tx, letter: letter.remove_item(item_id))
        return self.get_letter(letter_id, scope)  # type: ignore[no-any-return]

    @command
    def submit_letter(self, letter_id: str, payload: dict, command_id: str | None = None,
                      scope: list[str] | None = None) -> dict:
        f = load(schemas.LetterSubmitIn(), payload)
        signed_on = _not_future(f["signed_on"] or _today(), "signed_on")
        self._on_letter(letter_id, command_id, scope,
                        lambda tx, letter: letter.submit(signed_on=signed_on))
        return self.get_letter(letter_id, scope)  # type: ignore[no-any-return]

    @command
    def publish_letter(self, letter_id: str, payload: dict, command_id: str | None = None,
                       scope: list[str] | None = None) -> dict:
        f = load(schemas.LetterPublishIn(), payload)
        published_on = _not_future(f["published_on"] or _today(), "published_on")
        self._on_letter(letter_id, command_id, scope, lambda tx, letter: letter.publish(
            published_on=published_on, notice_days=f["notice_days"]))
        return self.get_letter(letter_id, scope)  # type: ignore[no-any-return]

    @command
    def start_letter(self, letter_id: str, command_id: str | None = None,
                     scope: list[str] | None = None) -> dict:
        today = _today()
        self._on_letter(letter_id, command_id, scope,
                        lambda tx, letter: letter.start_implementation(today=today))
        return self.get_letter(letter_id, scope)  # type: ignore[no-any-return]

    @command
    def report_letter_progress(self, letter_id: str, payload: dict,
                               command_id: str | None = None,
                               scope: list[str] | None = None) -> dict:
        """A first report after the notice period also starts the implementation."""
        f = load(schemas.LetterProgressIn(), payload)
        today = _today()
        reported_on = _not_future(f["reported_on"] or today, "reported_on")

        def action(tx: Tx, letter: CommitmentLetter) -> dict:
            if letter.status == "published":
                letter.start_implementation(today=today)
            report_id = _new_id()
            letter.report_progress(report_id=report_id, item_id=f["item_id"],
                                   reported_on=reported_on, text=f["text"],
                                   evidence_links=f["evidence_links"])
            return {"report": letter.progress[-1]}

        return self._on_letter(letter_id, command_id, scope, action)["report"]  # type: ignore

    @command
    def amend_letter(self, letter_id: str, payload: dict, command_id: str | None = None,
                     scope: list[str] | None = None) -> dict:
        f = load(schemas.LetterAmendmentIn(), payload)
        amended_on = _not_future(f["amended_on"] or _today(), "amended_on")
        items = [CommitmentItem(i["item_id"] or _new_id(), i["category"], i["content"],
                                i["target"], i["deadline"]) for i in f["items"]]
        self._on_letter(letter_id, command_id, scope, lambda tx, letter: letter.amend(
            reason=f["reason"], items=items, amended_on=amended_on))
        return self.get_letter(letter_id, scope)  # type: ignore[no-any-return]

    @command
    def mark_letter_assessed(self, letter_id: str, payload: dict,
                             command_id: str | None = None,
                             scope: list[str] | None = None) -> dict:
        f = load(schemas.LetterAssessedIn(), payload)
        today = _today()

        def action(tx: Tx, letter: CommitmentLetter) -> None:
            rnd = tx.load(AssessmentRound, f["round_id"])
            if not rnd.exists:
                raise InvalidInput.field("round_id", "no such assessment round")
            if (rnd.committee_id, rnd.year) != (letter.committee_id, letter.year):
                raise InvalidInput.field("round_id", "is a round of another committee or year")
            if rnd.status != "graded" or letter.member_id not in rnd.results:
                raise RuleViolation("the round has not graded this member yet",
                                    {"round_status": rnd.status})
            letter.mark_assessed(round_id=rnd.id, assessed_on=today)

        self._on_letter(letter_id, command_id, scope, action)
        return self.get_letter(letter_id, scope)  # type: ignore[no-any-return]

    @command
    def get_letter(self, letter_id: str, scope: list[str] | None = None,
                   public_only: bool = False) -> dict:
        """`public_only`: the caller sees published letters only (not drafts)."""
        return self.es.read(  # type: ignore[no-any-return]
            lambda cur: _load_letter(cur, letter_id, scope, public_only))

    @command
    def list_letters(self, filters: dict | None = None, limit: int = 50,
                     cursor: str | None = None, scope: list[str] | None = None,
                     public_only: bool = False) -> dict:
        filters = filters or {}
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor)
        where, args = ["true"], []
        for key in ("committee_id", "member_id", "year", "status"):
            if filters.get(key) is not None:
                where.append(f"l.{key} = %s")
                args.append(filters[key])
        if after:
            where.append("l.id > %s")
            args.append(str(after))
        if public_only:
            where.append("l.status = ANY(%s)")
            args.append(PUBLIC_STATUSES)
        clause, scope_args = _scope_clause("l.member_id", scope)
        sql = LETTER_SELECT + " WHERE " + " AND ".join(where) + clause + " ORDER BY l.id LIMIT %s"

        def query(cur: Any) -> list[dict]:
            cur.execute(sql, (*args, *scope_args, limit + 1))
            rows = [_letter_view(r, full=False) for r in cur.fetchall()]
            names = facts.person_names(cur, [r["member_id"] for r in rows])
            for r in rows:
                r["member_name"] = names.get(r["member_id"])
            return rows

        return pagination.page(self.es.read(query), limit, lambda r: r["id"])

    # -- public comments and moderation --------------------------------------------------

    @command
    def comment_on_letter(self, letter_id: str, payload: dict, command_id: str | None = None,
                          scope: list[str] | None = None) -> dict:
        f = load(schemas.LetterCommentIn(), payload)
        comment_id = _new_id()
        self._on_letter(letter_id, command_id, scope, lambda tx, letter: letter.receive_comment(
            comment_id=comment_id, text=f["text"], received_at=_now(), name=f["name"],
            contact=f["contact"]))

        def query(cur: Any) -> dict:
            cur.execute("SELECT " + ", ".join(COMMENT_COLUMNS) + " FROM letter_comments"
                        " WHERE letter_id = %s AND comment_id = %s", (letter_id, comment_id))
            row = cur.fetchone()
            if row is None:  # a replayed command id: answer the letter's newest comment
                cur.execute("SELECT " + ", ".join(COMMENT_COLUMNS) + " FROM letter_comments"
                            " WHERE letter_id = %s ORDER BY received_at DESC LIMIT 1",
                            (letter_id,))
                row = cur.fetchone()
            return _comment_view(row)

        return self.es.read(query)  # type: ignore[no-any-return]

    @command
    def list_letter_comments(self, letter_id: str, status: str = "accepted",
                             scope: list[str] | None = None, public_only: bool = False) -> dict:
        """`accepted`: what the public sees; `pending`: the moderation queue."""
        if status not in ("accepted", "pending", "rejected"):
            raise InvalidInput.field("status", "must be accepted, pending or rejected")

        def query(cur: Any) -> dict:
            _load_letter(cur, letter_id, scope, public_only)
            return {"items": _comments(cur, letter_id, status), "next_cursor": None}

        return self.es.read(query)  # type: ignore[no-any-return]

    def _moderate(self, letter_id: str, comment_id: str, command_id: str | None,
                  scope: list[str] | None, accept: bool, reason: str | None = None) -> dict:
        editor_id = (self.es.actor or "unknown")[:64]

        def action(tx: Tx, letter: CommitmentLetter) -> None:
            if accept:
                letter.accept_comment(comment_id=comment_id, editor_id=editor_id,
                                      moderated_at=_now())
            else:
                assert reason is not None
                letter.reject_comment(comment_id=comment_id, editor_id=editor_id,
                                      reason=reason, moderated_at=_now())

        self._on_letter(letter_id, command_id, scope, action)

        def query(cur: Any) -> dict:
            cur.execute("SELECT " + ", ".join(COMMENT_COLUMNS) + " FROM letter_comments"
                        " WHERE letter_id = %s AND comment_id = %s", (letter_id, comment_id))
            return _comment_view(cur.fetchone())

        return self.es.read(query)  # type: ignore[no-any-return]

    @command
    def accept_comment(self, letter_id: str, comment_id: str, command_id: str | None = None,
                       scope: list[str] | None = None) -> dict:
        return self._moderate(letter_id, comment_id, command_id, scope, accept=True)

    @command
    def reject_comment(self, letter_id: str, comment_id: str, payload: dict,
                       command_id: str | None = None, scope: list[str] | None = None) -> dict:
        f = load(schemas.CommentRejectIn(), payload)
        return self._moderate(letter_id, comment_id, command_id, scope, accept=False,
                              reason=f["reason"])

    # -- assessment rounds ---------------------------------------------------------------

    @command
    def open_round(self, payload: dict, command_id: str | None = None,
                   scope: list[str] | None = None) -> dict:
        f = load(schemas.RoundIn(), payload)
        opened_at = _now()

        def handle(tx: Tx) -> dict:
            cur = tx.cur
            committee_id = f["committee_id"]
            _require_committee(cur, committee_id)
            people = [p for p in facts.active_people(cur, committee_id)
                      if _person_in_scope(cur, p, scope)]
            errors: dict[str, list[str]] = {}
            members = f["member_ids"] if f["member_ids"] is not None else people
            if not members:
                raise RuleViolation("assessment knows no member of this committee yet",
                                    {"committee_id": committee_id})
            scorers = f["scorer_ids"] if f["scorer_ids"] is not None else people
            for field, ids in (("member_ids", members), ("scorer_ids", scorers)):
                unknown = sorted(set(ids) - set(people))
                if unknown:
                    errors[field] = [f"not members of this committee: {', '.join(unknown)}"]
            unknown_units = [u for u in f["scoring_unit_ids"] if not _unit_known(
                cur, committee_id, u)]
            if unknown_units:
                errors["scoring_unit_ids"] = [f"unknown units: {', '.join(unknown_units)}"]
            if errors:
                raise InvalidInput("the round names unknown people or units",
                                   {"errors": errors})
            cur.execute("SELECT committee_id, year FROM rounds WHERE committee_id = %s",
                        (committee_id,))
            ensure_one_round_per_year(cur.fetchall(), committee_id, f["year"])
            rnd = tx.add(AssessmentRound(_new_id()))
            assert isinstance(rnd, AssessmentRound)
            rnd.open(
                year=f["year"], committee_id=committee_id, member_ids=members,
                opened_at=opened_at, scorer_ids=scorers,
                scoring_unit_ids=f["scoring_unit_ids"],
                weights=Weights(**f["weights"]) if f["weights"] else None,
                thresholds=Thresholds(**f["thresholds"]) if f["thresholds"] else None,
                evidence_rule=EvidenceRule(**f["evidence_rule"]) if f["evidence_rule"]
                else None,
                excellent_quota_bp=f["excellent_quota_bp"],
            )
            return {"id": rnd.id}

        result = self._run(handle, command_id)
        return self.get_round(result["id"], scope)  # type: ignore[no-any-return]

    def _on_round(self, round_id: str, command_id: str | None, scope: list[str] | None,
                  action: Callable[[Tx, AssessmentRound], dict | None],
                  member_id: str | None = None) -> dict:
        def handle(tx: Tx) -> dict:
            rnd = tx.get(AssessmentRound, round_id, "assessment round")
            visible = [m for m in rnd.member_ids if _person_in_scope(tx.cur, m, scope)]
            if not visible:
                raise NotFound(f"assessment round {round_id} not found")
            if member_id is not None and member_id in rnd.member_ids and \
                    member_id not in visible:
                raise NotFound(f"member {member_id} is not assessed in this round")
            return {"id": round_id, **(action(tx, rnd) or {})}

        return self._run(handle, command_id)  # type: ignore[no-any-return]

    @command
    def submit_score(self, round_id: str, component: str, payload: dict,
                     command_id: str | None = None, scope: list[str] | None = None) -> dict:
        """component: self / peer / unit / public."""
        schema = {"self": schemas.SelfScoreIn, "peer": schemas.PeerScoreIn,
                  "unit": schemas.UnitScoreIn, "public": schemas.PublicRatingIn}.get(component)
        if schema is None:
            raise InvalidInput.field("component", "must be self, peer, unit or public")
        f = load(schema(), payload)
        at = _now()

        def action(tx: Tx, rnd: AssessmentRound) -> dict:
            member = f["member_id"]
            if component == "self":
                rnd.submit_self_score(member_id=member, score=f["score"], submitted_at=at)
                scorer = ""
            elif component == "peer":
                rnd.submit_peer_score(member_id=member, scorer_id=f["scorer_id"],
                                      score=f["score"], submitted_at=at)
                scorer = f["scorer_id"]
            elif component == "unit":
                if not rnd.scoring_unit_ids and not _unit_known(tx.cur, rnd.committee_id,
                                                                f["unit_id"]):
                    raise InvalidInput.field("unit_id", "is not a unit known to assessment")
                rnd.submit_unit_score(member_id=member, unit_id=f["unit_id"],
                                      score=f["score"], submitted_at=at)
                scorer = f["unit_id"]
            else:
                scorer = f["rating_id"] or _new_id()
                rnd.submit_public_rating(member_id=member, rating_id=scorer,
                                         score=f["score"], submitted_at=at)
            return {"score": {"member_id": member, "component": component, "scorer": scorer,
                              "score": f["score"], "submitted_at": at.isoformat()}}

        return self._on_round(round_id, command_id, scope, action,  # type: ignore
                              member_id=f["member_id"])["score"]

    @command
    def close_round(self, round_id: str, payload: dict, command_id: str | None = None,
                    scope: list[str] | None = None) -> dict:
        """Gathers each member's evidence from the tracked facts and snapshots it."""
        f = load(schemas.RoundCloseIn(), payload)
        closed_at = _now()

        def action(tx: Tx, rnd: AssessmentRound) -> None:
            unknown = sorted(set(f["unit_overrides"]) - set(rnd.member_ids))
            if unknown:
                raise InvalidInput.field("unit_overrides",
                                         f"not members of the round: {', '.join(unknown)}")
            if rnd.status != "open":
                raise RuleViolation(f"round is {rnd.status}; closing needs open",
                                    {"round_status": rnd.status, "allowed": ["open"]})
            as_of = min(_today(), dt.date(rnd.year, 12, 31))
            evidence = facts.evidence_for(tx.cur, rnd.member_ids, rnd.year, as_of,
                                          f["unit_overrides"])
            rnd.close(closed_at=closed_at, evidence=evidence)

        self._on_round(round_id, command_id, scope, action)
        return self.get_round(round_id, scope)  # type: ignore[no-any-return]

    @command
    def grade_round(self, round_id: str, command_id: str | None = None,
                    scope: list[str] | None = None) -> dict:
        """Grades, then marks the members' letters of the year in progress as assessed."""
        today = _today()

        def action(tx: Tx, rnd: AssessmentRound) -> None:
            rnd.grade(graded_at=_now())
            tx.cur.execute("SELECT id FROM letters WHERE committee_id = %s AND year = %s"
                           " AND member_id = ANY(%s) AND status = 'in_progress'",
                           (rnd.committee_id, rnd.year, rnd.member_ids))
            for (letter_id,) in tx.cur.fetchall():
                tx.load(CommitmentLetter, letter_id).mark_assessed(round_id=rnd.id,
                                                                   assessed_on=today)

        self._on_round(round_id, command_id, scope, action)
        return self.get_round(round_id, scope)  # type: ignore[no-any-return]

    @command
    def report_results(self, round_id: str, payload: dict, command_id: str | None = None,
                       scope: list[str] | None = None) -> dict:
        """Each member's result goes to their own (home) unit as `ResultReported`, with the
        department that unit belongs to; a result already reported there is listed, not
        reported again."""
        f = load(schemas.ResultReportIn(), payload)
        today = _today()

        def action(tx: Tx, rnd: AssessmentRound) -> dict:
            if rnd.status != "graded":
                raise RuleViolation(f"round is {rnd.status}; reporting needs graded",
                                    {"round_status": rnd.status, "allowed": ["graded"]})
            wanted = f["member_ids"] if f["member_ids"] is not None else rnd.member_ids
            unknown = sorted(set(wanted) - set(rnd.member_ids))
            if unknown:
                raise InvalidInput.field("member_ids",
                                         f"not members of the round: {', '.join(unknown)}")
            reported, already = [], []
            for member_id in wanted:
                if not _person_in_scope(tx.cur, member_id, scope):
                    continue
                unit_id, department = facts.home_unit(tx.cur, rnd.committee_id, member_id)
                done = [r for r in rnd.reports
                        if r["member_id"] == member_id and r["unit_id"] == unit_id]
                if done:
                    already.append({k: done[0][k] for k in REPORT_KEYS})
                    continue
                rnd.report_result(member_id=member_id, unit_id=unit_id, reported_on=today,
                                  department=department)
                reported.append({k: rnd.reports[-1][k] for k in REPORT_KEYS})
            return {"reported": reported, "already_reported": already}

        result = self._on_round(round_id, command_id, scope, action)
        return {"reported": result["reported"], "already_reported": result["already_reported"]}

    @command
    def get_round(self, round_id: str, scope: list[str] | None = None) -> dict:
        return self.es.read(  # type: ignore[no-any-return]
            lambda cur: _load_round(cur, round_id, scope))

    @command
    def list_rounds(self, filters: dict | None = None, limit: int = 50,
                    cursor: str | None = None, scope: list[str] | None = None) -> dict:
        filters = filters or {}
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor)
        where, args = ["true"], []
        for key in ("committee_id", "year", "status"):
            if filters.get(key) is not None:
                where.append(f"r.{key} = %s")
                args.append(filters[key])
        if after:
            where.append("r.id > %s")
            args.append(str(after))
        clause, scope_args = _round_scope_clause(scope)
        sql = ROUND_SELECT + " WHERE " + " AND ".join(where) + clause + " ORDER BY r.id LIMIT %s"

        def query(cur: Any) -> list[dict]:
            cur.execute(sql, (*args, *scope_args, limit + 1))
            return [jsonable(dict(zip(ROUND_COLUMNS, r, strict=True))) for r in cur.fetchall()]

        return pagination.page(self.es.read(query), limit, lambda r: r["id"])

    @command
    def list_scores(self, round_id: str, scope: list[str] | None = None) -> dict:
        def query(cur: Any) -> dict:
            _load_round(cur, round_id, scope)
            clause, args = _scope_clause("s.member_id", scope)
            cur.execute("SELECT s.member_id, s.component, s.scorer, s.score, s.submitted_at"
                        " FROM round_scores s WHERE s.round_id = %s" + clause
                        + " ORDER BY s.member_id, s.component, s.scorer", (round_id, *args))
            keys = ("member_id", "component", "scorer", "score", "submitted_at")
            items = [jsonable(dict(zip(keys, r, strict=True))) for r in cur.fetchall()]
            return {"items": items, "next_cursor": None}

        return self.es.read(query)  # type: ignore[no-any-return]

    @command
    def round_evidence(self, round_id: str, scope: list[str] | None = None) -> dict:
        """While open: live evidence from the tracked facts (what closing would record now).
        Once closed: the snapshot the grades used."""

        def query(cur: Any) -> dict:
            rnd = _load_round(cur, round_id, scope)
            members = [m for m in rnd["member_ids"] if _person_in_scope(cur, m, scope)]
            if rnd["status"] == "open":
                as_of = min(_today(), dt.date(rnd["year"], 12, 31))
                rule = EvidenceRule.from_data(rnd["evidence_rule"])
                items = []
                for member_id, ev in facts.evidence_for(cur, members, rnd["year"],
                                                        as_of).items():
                    verdict = assess_evidence(ev, rule)
                    items.append({"member_id": member_id, **ev.to_data(),
                                  "flags": list(verdict.flags),
                                  "adjustment": verdict.adjustment})
                return {"round_id": round_id, "snapshot": False, "as_of": as_of.isoformat(),
                        "items": items}
            keys = ("member_id", "unit_ids", "meetings_due", "meetings_held",
                    "activities_organized", "young_people_reached", "funds_raised_fen",
                    "credit_facilitated_fen", "fact_count", "flags", "adjustment")
            cur.execute("SELECT " + ", ".join(keys) + " FROM round_evidence"
                        " WHERE round_id = %s AND member_id = ANY(%s) ORDER BY member_id",
                        (round_id, members))
            items = [jsonable(dict(zip(keys, r, strict=True))) for r in cur.fetchall()]
            return {"round_id": round_id, "snapshot": True, "as_of": None, "items": items}

        return self.es.read(query)  # type: ignore[no-any-return]

    # -- results -------------------------------------------------------------------------

    @command
    def list_results(self, filters: dict | None = None, limit: int = 50,
                     cursor: str | None = None, scope: list[str] | None = None) -> dict:
        """Graded results (CSV export too): filters round_id, committee_id, year, grade,
        member_id; ordered by round then member."""
        filters = filters or {}
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor)
        where, args = ["true"], []
        for key in ("round_id", "committee_id", "year", "grade", "member_id"):
            if filters.get(key) is not None:
                where.append(f"rr.{key} = %s")
                args.append(filters[key])
        if after:
            if not (isinstance(after, list) and len(after) == 2):
                raise InvalidInput.field("cursor", "is not a cursor this API issued")
            where.append("(rr.round_id, rr.member_id) > (%s, %s)")
            args.extend(str(a) for a in after)
        clause, scope_args = _scope_clause("rr.member_id", scope)
        sql = (RESULT_SELECT + " WHERE " + " AND ".join(where) + clause
               + " ORDER BY rr.round_id, rr.member_id LIMIT %s")

        def query(cur: Any) -> list[dict]:
            cur.execute(sql, (*args, *scope_args, limit + 1))
            return _result_views(cur, cur.fetchall())

        return pagination.page(self.es.read(query), limit,
                               lambda r: [r["round_id"], r["member_id"]])

    @command
    def get_result(self, round_id: str, member_id: str, scope: list[str] | None = None) -> dict:
        def query(cur: Any) -> dict:
            clause, args = _scope_clause("rr.member_id", scope)
            cur.execute(RESULT_SELECT + " WHERE rr.round_id = %s AND rr.member_id = %s"
                        + clause, (round_id, member_id, *args))
            rows = cur.fetchall()
            if not rows:
                raise NotFound(f"no result for member {member_id} in round {round_id}")
            return _result_views(cur, rows)[0]

        return self.es.read(query)  # type: ignore[no-any-return]

    @command
    def result_letter(self, round_id: str, member_id: str,
                      scope: list[str] | None = None) -> str:
        """The printable result letter (HTML) addressed to the member's own unit."""

        result = self.get_result(round_id, member_id, scope)

        def query(cur: Any) -> str:
            committee = facts.committee_known(cur, result["committee_id"])
            if result["reported_to"]:
                unit_id = result["reported_to"][0]["unit_id"]
                issued_on = dt.date.fromisoformat(result["reported_to"][0]["reported_on"])
            else:
                unit_id, _ = facts.home_unit(cur, result["committee_id"], member_id)
                issued_on = _today()
            cur.execute("SELECT member_id, unit_ids, meetings_due, meetings_held,"
                        " activities_organized, young_people_reached, funds_raised_fen,"
                        " credit_facilitated_fen FROM round_evidence"
                        " WHERE round_id = %s AND member_id = %s", (round_id, member_id))
            row = cur.fetchone()
            keys = ("member_id", "unit_ids", "meetings_due", "meetings_held",
                    "activities_organized", "young_people_reached", "funds_raised_fen",
                    "credit_facilitated_fen")
            evidence = dict(zip(keys, row, strict=True)) if row else None
            return render_result_letter(
                result=result, member_name=result["member_name"] or member_id,
                committee_name=committee["name"] if committee else result["committee_id"],
                unit_name=facts.unit_name(cur, result["committee_id"], unit_id) or unit_id,
                year=result["year"], issued_on=issued_on, evidence=evidence)

        return self.es.read(query)  # type: ignore[no-any-return]

    # -- recommendations -----------------------------------------------------------------

    @command
    def propose_recommendation(self, payload: dict, command_id: str | None = None,
                               scope: list[str] | None = None) -> dict:
        f = load(schemas.MemberRecommendationIn(), payload)
        proposed_on = _not_future(f["proposed_on"] or _today(), "proposed_on")

        def handle(tx: Tx) -> dict:
            _require_committee(tx.cur, f["committee_id"])
            _require_person(tx.cur, f["committee_id"], f["member_id"], scope)
            if f["round_id"] is not None:
                rnd = tx.load(AssessmentRound, f["round_id"])
                if not rnd.exists or rnd.committee_id != f["committee_id"]:
                    raise InvalidInput.field("round_id", "no such round of this committee")
                if rnd.status != "graded" or f["member_id"] not in rnd.results:
                    raise RuleViolation("the round has no grade for this member yet",
                                        {"round_status": rnd.status})
            rec = tx.add(Recommendation(_new_id()))
            assert isinstance(rec, Recommendation)
            rec.propose(kind=f["kind"], member_id=f["member_id"],
                        committee_id=f["committee_id"], reason=f["reason"],
                        proposed_on=proposed_on, round_id=f["round_id"],
                        party_applied_on=f["party_applied_on"])
            return {"id": rec.id}

        result = self._run(handle, command_id)
        return self.get_recommendation(result["id"], scope)  # type: ignore[no-any-return]

    def _on_recommendation(self, rec_id: str, command_id: str | None, scope: list[str] | None,
                           action: Callable[[Tx, Recommendation], None]) -> dict:
        def handle(tx: Tx) -> dict:
            rec = tx.get(Recommendation, rec_id, "recommendation")
            if not _person_in_scope(tx.cur, rec.member_id, scope):
                raise NotFound(f"recommendation {rec_id} not found")
            action(tx, rec)
            return {"id": rec_id}

        self._run(handle, command_id)
        return self.get_recommendation(rec_id, scope)  # type: ignore[no-any-return]

    @command
    def record_branch_vote(self, rec_id: str, payload: dict, command_id: str | None = None,
                           scope: list[str] | None = None) -> dict:
        f = load(schemas.BranchVoteIn(), payload)
        _not_future(f["vote_on"], "vote_on")

        def action(tx: Tx, rec: Recommendation) -> None:
            tx.cur.execute("SELECT kind, status FROM known_units WHERE id = %s",
                           (f["branch_id"],))
            unit = tx.cur.fetchone()
            if unit is None or unit[0] not in BRANCH_KINDS:
                raise InvalidInput.field("branch_id", "is not a League branch known to "
                                                      "assessment")
            rec.record_branch_vote(vote_on=f["vote_on"], voting_members=f["voting_members"],
                                   in_favour=f["in_favour"], against=f["against"],
                                   abstain=f["abstain"], branch_id=f["branch_id"])

        return self._on_recommendation(rec_id, command_id, scope, action)

    @command
    def submit_recommendation(self, rec_id: str, payload: dict, command_id: str | None = None,
                              scope: list[str] | None = None) -> dict:
        f = load(schemas.MemberRecommendationSubmitIn(), payload)
        submitted_on = _not_future(f["submitted_on"] or _today(), "submitted_on")
        return self._on_recommendation(rec_id, command_id, scope, lambda tx, rec: rec.submit(
            submitted_on=submitted_on))

    @command
    def record_recommendation_outcome(self, rec_id: str, payload: dict,
                                      command_id: str | None = None,
                                      scope: list[str] | None = None) -> dict:
        f = load(schemas.MemberRecommendationOutcomeIn(), payload)
        decided_on = _not_future(f["decided_on"] or _today(), "decided_on")
        return self._on_recommendation(
            rec_id, command_id, scope, lambda tx, rec: rec.record_outcome(
                outcome=f["outcome"], decided_on=decided_on, note=f["note"]))

    @command
    def get_recommendation(self, rec_id: str, scope: list[str] | None = None) -> dict:
        def query(cur: Any) -> dict:
            clause, args = _scope_clause("x.member_id", scope)
            cur.execute(RECOMMENDATION_SELECT + " WHERE x.id = %s" + clause, (rec_id, *args))
            rows = cur.fetchall()
            if not rows:
                raise NotFound(f"recommendation {rec_id} not found")
            return _recommendation_views(cur, rows)[0]

        return self.es.read(query)  # type: ignore[no-any-return]

    @command
    def list_recommendations(self, filters: dict | None = None, limit: int = 50,
                             cursor: str | None = None, scope: list[str] | None = None) -> dict:
        filters = filters or {}
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor)
        where, args = ["true"], []
        for key in ("kind", "status", "outcome", "member_id", "committee_id", "round_id"):
            if filters.get(key) is not None:
                where.append(f"x.{key} = %s")
                args.append(filters[key])
        if after:
            where.append("x.id > %s")
            args.append(str(after))
        clause, scope_args = _scope_clause("x.member_id", scope)
        sql = (RECOMMENDATION_SELECT + " WHERE " + " AND ".join(where) + clause
               + " ORDER BY x.id LIMIT %s")

        def query(cur: Any) -> list[dict]:
            cur.execute(sql, (*args, *scope_args, limit + 1))
            return _recommendation_views(cur, cur.fetchall())

        return pagination.page(self.es.read(query), limit, lambda r: r["id"])

    # -- dashboard -----------------------------------------------------------------------

    @command
    def dashboard_summary(self, scope: list[str] | None = None,
                          year: int | None = None) -> dict:
        year = int(year) if year is not None else _today().year

        def query(cur: Any) -> dict:
            clause, args = _scope_clause("l.member_id", scope)
            cur.execute("SELECT l.status, count(*) FROM letters l WHERE l.year = %s" + clause
                        + " GROUP BY l.status", (year, *args))
            letters = dict(cur.fetchall())
            rclause, rargs = _round_scope_clause(scope)
            cur.execute("SELECT count(*) FROM rounds r WHERE r.year = %s" + rclause,
                        (year, *rargs))
            rounds = cur.fetchone()[0]
            clause, args = _scope_clause("rr.member_id", scope)
            cur.execute("SELECT count(*) FILTER (WHERE rr.grade IS NOT NULL),"
                        " count(*) FILTER (WHERE rr.grade = 'excellent')"
                        " FROM round_results rr WHERE rr.year = %s" + clause, (year, *args))
            graded, excellent = cur.fetchone()
            clause, args = _scope_clause("x.member_id", scope)
            cur.execute("SELECT coalesce(x.outcome, x.status), count(*) FROM recommendations x"
                        " WHERE extract(year FROM x.proposed_on) = %s" + clause
                        + " GROUP BY 1", (year, *args))
            recommendations = dict(cur.fetchall())
            return {"assessment": {
                "year": year,
                "letters_by_status": {s: letters.get(s, 0) for s in schemas.LETTER_STATUSES},
                "rounds": rounds,
                "graded_members": graded,
                "excellent": excellent,
                "recommendations_by_outcome": {
                    s: recommendations.get(s, 0)
                    for s in ("proposed", "voted", "pending", "accepted", "declined")},
            }}

        return self.es.read(query)  # type: ignore[no-any-return]


def _unit_known(cur: Any, committee_id: str, unit_id: str) -> bool:
    """A member unit of the committee (a department) or a League unit."""
    cur.execute("SELECT 1 FROM known_member_units WHERE committee_id = %s"
                " AND member_unit_id = %s AND active UNION ALL"
                " SELECT 1 FROM known_units WHERE id = %s AND status = 'active'",
                (committee_id, unit_id, unit_id))
    return cur.fetchone() is not None
