"""assessment's own read models, updated in the command's transaction (and on rebuild).

Handlers read only the event and the rows they maintain, so a rebuild from the store gives
the same tables. A commenter's contact is stored masked: the full value stays in the event
store only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from psycopg2.extras import Json

from eventkit.projection import Projector
from services.assessment.domain.commitment import mask_contact

projector = Projector(
    "assessment",
    tables=["letters", "letter_comments", "rounds", "round_scores", "round_evidence",
            "round_results", "result_reports", "recommendations"],
)


def _id(env: dict[str, Any]) -> str:
    return str(env["stream_id"].split("-", 1)[1])


def _touch(cur: Any, table: str, env: dict[str, Any], sets: dict[str, Any] | None = None) -> None:
    sets = dict(sets or {})
    sets["updated_at"] = env["occurred_at"]
    sets["version"] = env["version"]
    assignments = ", ".join(f"{column} = %s" for column in sets)
    cur.execute(f"UPDATE {table} SET {assignments} WHERE id = %s",
                (*[Json(v) if isinstance(v, list | dict) else v for v in sets.values()],
                 _id(env)))


def _letter_field(cur: Any, env: dict[str, Any], column: str) -> Any:
    cur.execute(f"SELECT {column} FROM letters WHERE id = %s", (_id(env),))
    row = cur.fetchone()
    return row[0] if row else None


# -- commitment letters ---------------------------------------------------------------


@projector.on("LetterDrafted")
def letter_drafted(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO letters (id, committee_id, member_id, year, status, drafted_on,"
        " updated_at, version) VALUES (%s, %s, %s, %s, 'drafted', %s, %s, %s)",
        (_id(env), d["committee_id"], d["member_id"], d["year"], d["drafted_on"],
         env["occurred_at"], env["version"]))


@projector.on("LetterItemAdded")
def letter_item_added(cur: Any, env: dict[str, Any]) -> None:
    items = _letter_field(cur, env, "items") or []
    _touch(cur, "letters", env, {"items": [*items, dict(env["data"])]})


@projector.on("LetterItemRevised")
def letter_item_revised(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    items = [dict(d) if i["item_id"] == d["item_id"] else i
             for i in _letter_field(cur, env, "items") or []]
    _touch(cur, "letters", env, {"items": items})


@projector.on("LetterItemRemoved")
def letter_item_removed(cur: Any, env: dict[str, Any]) -> None:
    items = [i for i in _letter_field(cur, env, "items") or []
             if i["item_id"] != env["data"]["item_id"]]
    _touch(cur, "letters", env, {"items": items})


@projector.on("LetterSubmitted")
def letter_submitted(cur: Any, env: dict[str, Any]) -> None:
    _touch(cur, "letters", env, {"status": "submitted", "signed_on": env["data"]["signed_on"]})


@projector.on("LetterPublished")
def letter_published(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    published = dt.date.fromisoformat(d["published_on"])
    last = published + dt.timedelta(days=d["notice_days"] - 1)
    version = {"version": 1, "reason": None, "effective_on": d["published_on"],
               "items": list(d["items"])}
    _touch(cur, "letters", env, {
        "status": "published", "published_on": d["published_on"],
        "notice_days": d["notice_days"], "notice_last_day": last.isoformat(),
        "current_version": 1, "items": list(d["items"]), "versions": [version]})


@projector.on("LetterImplementationStarted")
def letter_started(cur: Any, env: dict[str, Any]) -> None:
    _touch(cur, "letters", env, {"status": "in_progress",
                                 "started_on": env["data"]["started_on"]})


@projector.on("LetterProgressReported")
def letter_progress(cur: Any, env: dict[str, Any]) -> None:
    progress = _letter_field(cur, env, "progress") or []
    _touch(cur, "letters", env, {"progress": [*progress, dict(env["data"])]})


@projector.on("LetterAmended")
def letter_amended(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    versions = _letter_field(cur, env, "versions") or []
    version = {"version": d["version"], "reason": d["reason"], "effective_on": d["amended_on"],
               "items": list(d["items"])}
    _touch(cur, "letters", env, {"versions": [*versions, version], "items": list(d["items"]),
                                 "current_version": d["version"]})


@projector.on("LetterAssessed")
def letter_assessed(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    _touch(cur, "letters", env, {"status": "assessed", "assessed_round_id": d["round_id"],
                                 "assessed_on": d["assessed_on"]})


@projector.on("LetterCommentReceived")
def comment_received(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO letter_comments (letter_id, comment_id, version, name, contact_masked,"
        " text, received_at, status) VALUES (%s, %s, %s, %s, %s, %s, %s, 'pending')",
        (_id(env), d["comment_id"], d["version"], d["name"], mask_contact(d["contact"]),
         d["text"], d["received_at"]))
    _touch(cur, "letters", env)


@projector.on("LetterCommentAccepted", "LetterCommentRejected")
def comment_moderated(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    accepted = env["type"] == "LetterCommentAccepted"
    cur.execute(
        "UPDATE letter_comments SET status = %s, editor_id = %s, moderated_at = %s,"
        " rejection_reason = %s WHERE letter_id = %s AND comment_id = %s",
        ("accepted" if accepted else "rejected", d["editor_id"], d["moderated_at"],
         None if accepted else d["reason"], _id(env), d["comment_id"]))
    _touch(cur, "letters", env)


# -- assessment rounds ----------------------------------------------------------------


@projector.on("RoundOpened")
def round_opened(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO rounds (id, committee_id, year, status, member_ids, scorer_ids,"
        " scoring_unit_ids, weights, thresholds, evidence_rule, excellent_quota_bp, opened_at,"
        " updated_at, version) VALUES (%s, %s, %s, 'open', %s, %s, %s, %s, %s, %s, %s, %s,"
        " %s, %s)",
        (_id(env), d["committee_id"], d["year"], Json(d["member_ids"]), Json(d["scorer_ids"]),
         Json(d["scoring_unit_ids"]), Json(d["weights"]), Json(d["thresholds"]),
         Json(d["evidence_rule"]), d["excellent_quota_bp"], d["opened_at"],
         env["occurred_at"], env["version"]))


_SCORERS = {
    "SelfScoreSubmitted": ("self", None),
    "PeerScoreSubmitted": ("peer", "scorer_id"),
    "UnitScoreSubmitted": ("unit", "unit_id"),
    "PublicRatingSubmitted": ("public", "rating_id"),
}


@projector.on(*_SCORERS)
def score_submitted(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    component, scorer_key = _SCORERS[env["type"]]
    cur.execute(
        "INSERT INTO round_scores (round_id, member_id, component, scorer, score, submitted_at)"
        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (round_id, member_id, component, scorer)"
        " DO UPDATE SET score = EXCLUDED.score, submitted_at = EXCLUDED.submitted_at",
        (_id(env), d["member_id"], component, d[scorer_key] if scorer_key else "", d["score"],
         d["submitted_at"]))
    _touch(cur, "rounds", env)


@projector.on("RoundClosed")
def round_closed(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    for e in d["evidence"]:
        cur.execute(
            "INSERT INTO round_evidence (round_id, member_id, unit_ids, meetings_due,"
            " meetings_held, activities_organized, young_people_reached, funds_raised_fen,"
            " credit_facilitated_fen, fact_count, flags, adjustment)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (_id(env), e["member_id"], Json(e["unit_ids"]), e["meetings_due"],
             e["meetings_held"], e["activities_organized"], e["young_people_reached"],
             e["funds_raised_fen"], e["credit_facilitated_fen"], e["fact_count"],
             Json(e["flags"]), e["adjustment"]))
    _touch(cur, "rounds", env, {"status": "closed", "closed_at": d["closed_at"]})


@projector.on("RoundGraded")
def round_graded(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute("SELECT committee_id, year FROM rounds WHERE id = %s", (_id(env),))
    committee_id, year = cur.fetchone()
    for r in d["results"]:
        cur.execute(
            "INSERT INTO round_results (round_id, member_id, committee_id, year, final, grade,"
            " excellent_rank, capped_by_quota, result, graded_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (_id(env), r["member_id"], committee_id, year, r["final"], r["grade"],
             r["excellent_rank"], r["capped_by_quota"], Json(r), d["graded_at"]))
    _touch(cur, "rounds", env, {"status": "graded", "graded_at": d["graded_at"]})


@projector.on("ResultReported")
def result_reported(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO result_reports (round_id, member_id, unit_id, department, final, grade,"
        " reported_on, position) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        (d["round_id"], d["member_id"], d["unit_id"], d["department"], d["final"], d["grade"],
         d["reported_on"], env["position"]))
    _touch(cur, "rounds", env)


# -- recommendations ------------------------------------------------------------------


@projector.on("RecommendationProposed")
def recommendation_proposed(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO recommendations (id, kind, member_id, committee_id, round_id, reason,"
        " status, proposed_on, party_applied_on, updated_at, version)"
        " VALUES (%s, %s, %s, %s, %s, %s, 'proposed', %s, %s, %s, %s)",
        (_id(env), d["kind"], d["member_id"], d["committee_id"], d["round_id"], d["reason"],
         d["proposed_on"], d["party_applied_on"], env["occurred_at"], env["version"]))


@projector.on("BranchVoteRecorded")
def branch_vote(cur: Any, env: dict[str, Any]) -> None:
    _touch(cur, "recommendations", env, {"status": "voted", "vote": dict(env["data"])})


@projector.on("RecommendationSubmitted")
def recommendation_submitted(cur: Any, env: dict[str, Any]) -> None:
    _touch(cur, "recommendations", env, {"status": "submitted", "outcome": "pending",
                                         "submitted_on": env["data"]["submitted_on"]})


@projector.on("RecommendationOutcomeRecorded", "PartyDecisionRecorded")
def recommendation_outcome(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute("SELECT history FROM recommendations WHERE id = %s", (_id(env),))
    history = cur.fetchone()[0] or []
    sets: dict[str, Any] = {"outcome": d["outcome"], "decided_on": d["decided_on"],
                            "history": [*history, dict(d)]}
    if d["outcome"] != "pending":
        sets["status"] = "decided"
    if env["type"] == "PartyDecisionRecorded":
        sets["party_decision"] = dict(d)
    _touch(cur, "recommendations", env, sets)
