"""The assessment service (nameko): commitment letters, assessment rounds, recommendations.

A thin entrypoint: each RPC validates its payload with the contract's schema, runs a command
handler (`handlers.py`) in one unit of work or a read (`queries.py`), and answers the
read-model view. Errors are mapped once, by the kernel's `command` decorator. Reads accept
`scope` (unit ids the caller may see, None = all): objects of people outside scope answer
NotFound and lists leave them out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventkit import clock as clocks
from eventkit import pagination
from eventkit.errors import InvalidInput, NotFound
from eventkit.nameko_ext import EventSourcing, FeedMixin, command
from eventkit.uow import Tx
from eventkit.validation import load
from services.assessment import facts, handlers, queries, settings
from services.assessment.contract import schemas
from services.assessment.contract.events import registry
from services.assessment.domain.policy import policy_on
from services.assessment.letters import render_result_letter
from services.assessment.projections import projector
from services.assessment.tracked import TRACKED

Handler = Callable[[Tx, dict[str, Any], handlers.Context], dict[str, Any]]
SCORE_SCHEMAS = {"self": schemas.SelfScoreIn, "peer": schemas.PeerScoreIn,
                 "unit": schemas.UnitScoreIn, "public": schemas.PublicRatingIn}


def _sql_facts(tx: Tx) -> handlers.Facts:
    return queries.SqlFacts(tx.cur)


class AssessmentService(FeedMixin):
    # tables keyed by a person, for their copy (GET /people/{id}/export)
    personal_records = (("member", "known_members", "id"),
                        ("committee_roles", "committee_people", "person_id"),
                        ("letters", "letters", "member_id"),
                        ("scores", "round_scores", "member_id"),
                        ("results", "round_results", "member_id"),
                        ("recommendations", "recommendations", "member_id"))
    name = "assessment"
    es = EventSourcing("assessment", registry, projector, tracked=TRACKED)
    clock: clocks.Clock = clocks.SYSTEM_CLOCK

    def _run(self, handler: Handler, cmd: dict[str, Any], command_id: str | None,
             scope: list[str] | None) -> dict[str, Any]:
        ctx = handlers.Context(facts=_sql_facts, scope=scope, clock=self.clock,
                               actor=self.es.actor)
        return self.es.run(lambda tx: handler(tx, cmd, ctx), command_id)  # type: ignore

    def _read(self, fn: Callable[[Any], Any]) -> Any:
        return self.es.read(fn)

    # -- facts learnt from org -----------------------------------------------------------

    @command
    def known_cooperative(self, coop_id: str) -> dict:
        coop = self._read(lambda cur: facts.known_cooperative(cur, coop_id))
        if coop is None:
            raise NotFound(f"cooperative {coop_id} not known to assessment")
        return coop  # type: ignore[no-any-return]

    @command
    def committee_members(self, committee_id: str, scope: list[str] | None = None) -> dict:
        return self._read(  # type: ignore[no-any-return]
            lambda cur: queries.committee_members(cur, committee_id, scope))

    # -- commitment letters --------------------------------------------------------------

    @command
    def draft_letter(self, payload: dict, command_id: str | None = None,
                     scope: list[str] | None = None) -> dict:
        cmd = load(schemas.LetterIn, payload)
        result = self._run(handlers.draft_letter, cmd, command_id, scope)
        return self.get_letter(result["id"], scope)  # type: ignore[no-any-return]

    def _letter_command(self, handler: Handler, letter_id: str, payload: dict | None,
                        schema: Any, command_id: str | None, scope: list[str] | None,
                        **extra: Any) -> dict[str, Any]:
        cmd = load(schema, payload) if schema is not None else {}
        return self._run(handler, {**cmd, "letter_id": letter_id, **extra}, command_id, scope)

    @command
    def add_letter_item(self, letter_id: str, payload: dict, command_id: str | None = None,
                        scope: list[str] | None = None) -> dict:
        return self._letter_command(handlers.add_letter_item, letter_id, payload,  # type: ignore
                                    schemas.LetterItemIn, command_id, scope)["item"]

    @command
    def revise_letter_item(self, letter_id: str, item_id: str, payload: dict,
                           command_id: str | None = None, scope: list[str] | None = None) -> dict:
        self._letter_command(handlers.revise_letter_item, letter_id, payload,
                             schemas.LetterItemIn, command_id, scope, item_id=item_id)
        return self.get_letter(letter_id, scope)  # type: ignore[no-any-return]

    @command
    def remove_letter_item(self, letter_id: str, item_id: str, command_id: str | None = None,
                           scope: list[str] | None = None) -> dict:
        self._letter_command(handlers.remove_letter_item, letter_id, None, None, command_id,
                             scope, item_id=item_id)
        return self.get_letter(letter_id, scope)  # type: ignore[no-any-return]

    @command
    def submit_letter(self, letter_id: str, payload: dict, command_id: str | None = None,
                      scope: list[str] | None = None) -> dict:
        self._letter_command(handlers.submit_letter, letter_id, payload, schemas.LetterSubmitIn,
                             command_id, scope)
        return self.get_letter(letter_id, scope)  # type: ignore[no-any-return]

    @command
    def publish_letter(self, letter_id: str, payload: dict, command_id: str | None = None,
                       scope: list[str] | None = None) -> dict:
        self._letter_command(handlers.publish_letter, letter_id, payload,
                             schemas.LetterPublishIn, command_id, scope)
        return self.get_letter(letter_id, scope)  # type: ignore[no-any-return]

    @command
    def start_letter(self, letter_id: str, command_id: str | None = None,
                     scope: list[str] | None = None) -> dict:
        self._letter_command(handlers.start_letter, letter_id, None, None, command_id, scope)
        return self.get_letter(letter_id, scope)  # type: ignore[no-any-return]

    @command
    def report_letter_progress(self, letter_id: str, payload: dict,
                               command_id: str | None = None,
                               scope: list[str] | None = None) -> dict:
        """A first report after the notice period also starts the implementation."""
        return self._letter_command(  # type: ignore[no-any-return]
            handlers.report_letter_progress, letter_id, payload, schemas.LetterProgressIn,
            command_id, scope)["report"]

    @command
    def amend_letter(self, letter_id: str, payload: dict, command_id: str | None = None,
                     scope: list[str] | None = None) -> dict:
        self._letter_command(handlers.amend_letter, letter_id, payload,
                             schemas.LetterAmendmentIn, command_id, scope)
        return self.get_letter(letter_id, scope)  # type: ignore[no-any-return]

    @command
    def mark_letter_assessed(self, letter_id: str, payload: dict,
                             command_id: str | None = None,
                             scope: list[str] | None = None) -> dict:
        self._letter_command(handlers.mark_letter_assessed, letter_id, payload,
                             schemas.LetterAssessedIn, command_id, scope)
        return self.get_letter(letter_id, scope)  # type: ignore[no-any-return]

    @command
    def get_letter(self, letter_id: str, scope: list[str] | None = None,
                   public_only: bool = False) -> dict:
        """`public_only`: the caller sees published letters only (not drafts)."""
        return self._read(  # type: ignore[no-any-return]
            lambda cur: queries.load_letter(cur, letter_id, scope, public_only))

    @command
    def list_letters(self, filters: dict | None = None, limit: int = 50,
                     cursor: str | None = None, scope: list[str] | None = None,
                     public_only: bool = False) -> dict:
        limit = pagination.clamp_limit(limit)
        return self._read(  # type: ignore[no-any-return]
            lambda cur: queries.list_letters(cur, filters, limit, cursor, scope, public_only))

    @command
    def letters_missing(self, committee_id: str | None = None,
                        scope: list[str] | None = None) -> dict:
        """People in post on a working committee whose commitment letter for the term is
        missing or unpublished past the notice period (issue 12; policy letter_notice_days)."""
        today = self.clock.today()
        policy = policy_on(today, settings.versions())
        items = self._read(lambda cur: facts.letters_owed(
            cur, committee_id, scope, today, policy.letter_notice_days))
        return {"items": items, "as_of": today.isoformat(),
                "policy": {"version": policy.version,
                           "letter_notice_days": policy.letter_notice_days}}

    # -- public comments and moderation --------------------------------------------------

    @command
    def comment_on_letter(self, letter_id: str, payload: dict, command_id: str | None = None,
                          scope: list[str] | None = None) -> dict:
        comment_id = clocks.new_id()
        self._letter_command(handlers.comment_on_letter, letter_id, payload,
                             schemas.LetterCommentIn, command_id, scope, comment_id=comment_id)
        return self._read(  # type: ignore[no-any-return]
            lambda cur: queries.comment(cur, letter_id, comment_id))

    @command
    def list_letter_comments(self, letter_id: str, status: str = "accepted",
                             scope: list[str] | None = None, public_only: bool = False) -> dict:
        """`accepted`: what the public sees; `pending`: the moderation queue."""
        if status not in ("accepted", "pending", "rejected"):
            raise InvalidInput.field("status", "must be accepted, pending or rejected")
        return self._read(  # type: ignore[no-any-return]
            lambda cur: queries.list_letter_comments(cur, letter_id, status, scope,
                                                     public_only))

    @command
    def accept_comment(self, letter_id: str, comment_id: str, command_id: str | None = None,
                       scope: list[str] | None = None) -> dict:
        self._letter_command(handlers.moderate_comment, letter_id, None, None, command_id,
                             scope, comment_id=comment_id, accept=True)
        return self._read(  # type: ignore[no-any-return]
            lambda cur: queries.comment(cur, letter_id, comment_id))

    @command
    def reject_comment(self, letter_id: str, comment_id: str, payload: dict,
                       command_id: str | None = None, scope: list[str] | None = None) -> dict:
        self._letter_command(handlers.moderate_comment, letter_id, payload,
                             schemas.CommentRejectIn, command_id, scope, comment_id=comment_id,
                             accept=False)
        return self._read(  # type: ignore[no-any-return]
            lambda cur: queries.comment(cur, letter_id, comment_id))

    # -- assessment rounds ---------------------------------------------------------------

    @command
    def open_round(self, payload: dict, command_id: str | None = None,
                   scope: list[str] | None = None) -> dict:
        result = self._run(handlers.open_round, load(schemas.RoundIn, payload), command_id,
                           scope)
        return self.get_round(result["id"], scope)  # type: ignore[no-any-return]

    @command
    def submit_score(self, round_id: str, component: str, payload: dict,
                     command_id: str | None = None, scope: list[str] | None = None) -> dict:
        """component: self / peer / unit / public."""
        schema = SCORE_SCHEMAS.get(component)
        if schema is None:
            raise InvalidInput.field("component", "must be self, peer, unit or public")
        cmd = {"rating_id": None, "scorer_id": None, "unit_id": None,
               **load(schema, payload), "round_id": round_id, "component": component}
        return self._run(handlers.submit_score, cmd, command_id, scope)["score"]  # type: ignore

    @command
    def close_round(self, round_id: str, payload: dict, command_id: str | None = None,
                    scope: list[str] | None = None) -> dict:
        """Gathers each member's evidence from the tracked facts and snapshots it."""
        cmd = {**load(schemas.RoundCloseIn, payload), "round_id": round_id}
        self._run(handlers.close_round, cmd, command_id, scope)
        return self.get_round(round_id, scope)  # type: ignore[no-any-return]

    @command
    def grade_round(self, round_id: str, command_id: str | None = None,
                    scope: list[str] | None = None) -> dict:
        """Grades, then marks the members' letters of the year in progress as assessed."""
        self._run(handlers.grade_round, {"round_id": round_id}, command_id, scope)
        return self.get_round(round_id, scope)  # type: ignore[no-any-return]

    @command
    def report_results(self, round_id: str, payload: dict, command_id: str | None = None,
                       scope: list[str] | None = None) -> dict:
        cmd = {**load(schemas.ResultReportIn, payload), "round_id": round_id}
        result = self._run(handlers.report_results, cmd, command_id, scope)
        return {"reported": result["reported"], "already_reported": result["already_reported"]}

    @command
    def get_round(self, round_id: str, scope: list[str] | None = None) -> dict:
        return self._read(  # type: ignore[no-any-return]
            lambda cur: queries.load_round(cur, round_id, scope))

    @command
    def list_rounds(self, filters: dict | None = None, limit: int = 50,
                    cursor: str | None = None, scope: list[str] | None = None) -> dict:
        limit = pagination.clamp_limit(limit)
        return self._read(  # type: ignore[no-any-return]
            lambda cur: queries.list_rounds(cur, filters, limit, cursor, scope))

    @command
    def list_scores(self, round_id: str, scope: list[str] | None = None) -> dict:
        return self._read(  # type: ignore[no-any-return]
            lambda cur: queries.list_scores(cur, round_id, scope))

    @command
    def round_evidence(self, round_id: str, scope: list[str] | None = None) -> dict:
        """While open: live evidence from the tracked facts (what closing would record now).
        Once closed: the snapshot the grades used."""
        today = self.clock.today()
        return self._read(  # type: ignore[no-any-return]
            lambda cur: queries.round_evidence(cur, round_id, scope, today))

    # -- results -------------------------------------------------------------------------

    @command
    def list_results(self, filters: dict | None = None, limit: int = 50,
                     cursor: str | None = None, scope: list[str] | None = None) -> dict:
        """Graded results (CSV export too): filters round_id, committee_id, year, grade,
        member_id; ordered by round then member."""
        limit = pagination.clamp_limit(limit)
        return self._read(  # type: ignore[no-any-return]
            lambda cur: queries.list_results(cur, filters, limit, cursor, scope))

    @command
    def get_result(self, round_id: str, member_id: str, scope: list[str] | None = None) -> dict:
        return self._read(  # type: ignore[no-any-return]
            lambda cur: queries.get_result(cur, round_id, member_id, scope))

    @command
    def result_letter(self, round_id: str, member_id: str,
                      scope: list[str] | None = None) -> str:
        """The printable result letter (HTML) addressed to the member's own unit."""
        result = self.get_result(round_id, member_id, scope)
        today = self.clock.today()
        names = self._read(lambda cur: queries.result_letter_facts(cur, result, member_id,
                                                                   today))
        return render_result_letter(result=result, **names)

    # -- recommendations -----------------------------------------------------------------

    @command
    def propose_recommendation(self, payload: dict, command_id: str | None = None,
                               scope: list[str] | None = None) -> dict:
        result = self._run(handlers.propose_recommendation,
                           load(schemas.MemberRecommendationIn, payload), command_id, scope)
        return self.get_recommendation(result["id"], scope)  # type: ignore[no-any-return]

    def _recommendation_command(self, handler: Handler, rec_id: str, payload: dict,
                                schema: Any, command_id: str | None,
                                scope: list[str] | None) -> dict:
        self._run(handler, {**load(schema, payload), "rec_id": rec_id}, command_id, scope)
        return self.get_recommendation(rec_id, scope)  # type: ignore[no-any-return]

    @command
    def record_branch_vote(self, rec_id: str, payload: dict, command_id: str | None = None,
                           scope: list[str] | None = None) -> dict:
        return self._recommendation_command(handlers.record_branch_vote, rec_id, payload,
                                            schemas.BranchVoteIn, command_id, scope)

    @command
    def submit_recommendation(self, rec_id: str, payload: dict, command_id: str | None = None,
                              scope: list[str] | None = None) -> dict:
        return self._recommendation_command(handlers.submit_recommendation, rec_id, payload,
                                            schemas.MemberRecommendationSubmitIn, command_id,
                                            scope)

    @command
    def record_recommendation_outcome(self, rec_id: str, payload: dict,
                                      command_id: str | None = None,
                                      scope: list[str] | None = None) -> dict:
        return self._recommendation_command(handlers.record_recommendation_outcome, rec_id,
                                            payload, schemas.MemberRecommendationOutcomeIn,
                                            command_id, scope)

    @command
    def record_party_decision(self, rec_id: str, payload: dict, department: str,
                              command_id: str | None = None,
                              scope: list[str] | None = None) -> dict:
        """The organization department records the Party's decision (issue 12)."""
        cmd = {**load(schemas.PartyDecisionIn, payload), "rec_id": rec_id,
               "department": department}
        self._run(handlers.record_party_decision, cmd, command_id, scope)
        return self.get_recommendation(rec_id, scope)  # type: ignore[no-any-return]

    @command
    def get_recommendation(self, rec_id: str, scope: list[str] | None = None) -> dict:
        return self._read(  # type: ignore[no-any-return]
            lambda cur: queries.get_recommendation(cur, rec_id, scope))

    @command
    def list_recommendations(self, filters: dict | None = None, limit: int = 50,
                             cursor: str | None = None, scope: list[str] | None = None) -> dict:
        limit = pagination.clamp_limit(limit)
        return self._read(  # type: ignore[no-any-return]
            lambda cur: queries.list_recommendations(cur, filters, limit, cursor, scope))

    # -- dashboard -----------------------------------------------------------------------

    @command
    def dashboard_summary(self, scope: list[str] | None = None,
                          year: int | None = None) -> dict:
        year = int(year) if year is not None else self.clock.today().year
        return self._read(  # type: ignore[no-any-return]
            lambda cur: queries.dashboard_summary(cur, scope, year))
