"""Read-side SQL of the assessment service: read-model rows -> views, and the facts the
command handlers need (`SqlFacts`, the real side of `handlers.Facts`).

Unit scope: `scope` is the list of unit ids a caller may see (None = everything). A committee
person is in scope when one of their units (`person_units`, learnt from org) is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventkit import pagination
from eventkit.errors import InvalidInput, NotFound
from eventkit.jsonable import jsonable
from services.assessment import facts
from services.assessment.contract import schemas
from services.assessment.domain.evidence import Evidence, EvidenceRule, assess_evidence
from services.assessment.domain.recommendation import PRIORITY_LABELS, Candidate, priority


def scope_clause(column: str, scope: list[str] | None) -> tuple[str, list[Any]]:
    if scope is None:
        return "", []
    return (f" AND (EXISTS (SELECT 1 FROM person_units pu WHERE pu.person_id = {column}"
            " AND pu.unit_id = ANY(%s)) OR EXISTS (SELECT 1 FROM known_members km"
            f" WHERE km.id = {column} AND km.unit_id = ANY(%s)))", [list(scope)] * 2)


def round_scope_clause(scope: list[str] | None) -> tuple[str, list[Any]]:
    if scope is None:
        return "", []
    return (" AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(r.member_ids) m(id)"
            " JOIN person_units pu ON pu.person_id = m.id WHERE pu.unit_id = ANY(%s))",
            [list(scope)])


def person_in_scope(cur: Any, person_id: str, scope: list[str] | None) -> bool:
    if scope is None:
        return True
    cur.execute("SELECT 1 FROM person_units WHERE person_id = %s AND unit_id = ANY(%s)"
                " UNION ALL SELECT 1 FROM known_members WHERE id = %s AND unit_id = ANY(%s)"
                " LIMIT 1", (person_id, list(scope), person_id, list(scope)))
    return cur.fetchone() is not None


def require_committee(cur: Any, committee_id: str) -> dict[str, Any]:
    committee = facts.committee_known(cur, committee_id)
    if committee is None:
        raise InvalidInput.field("committee_id", "is not a committee known to assessment")
    return committee


def require_person(cur: Any, committee_id: str, person_id: str, scope: list[str] | None,
                    field: str = "member_id") -> None:
    if person_id not in facts.active_people(cur, committee_id) or not person_in_scope(
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


def letter_view(row: tuple[Any, ...], full: bool) -> dict[str, Any]:
    letter = jsonable(dict(zip(LETTER_COLUMNS, row, strict=True)))
    letter["item_count"] = len(letter["items"])
    if not full:
        for key in ("items", "versions", "progress"):
            letter.pop(key)
    return letter


def comment_view(row: tuple[Any, ...]) -> dict[str, Any]:
    comment = jsonable(dict(zip(COMMENT_COLUMNS, row, strict=True)))
    comment["contact"] = comment.pop("contact_masked")
    return comment


def comments(cur: Any, letter_id: str, status: str) -> list[dict[str, Any]]:
    cur.execute("SELECT " + ", ".join(COMMENT_COLUMNS) + " FROM letter_comments"
                " WHERE letter_id = %s AND status = %s ORDER BY received_at, comment_id",
                (letter_id, status))
    return [comment_view(r) for r in cur.fetchall()]


PUBLIC_STATUSES = ["published", "in_progress", "assessed"]


def load_letter(cur: Any, letter_id: str, scope: list[str] | None,
                 public_only: bool = False) -> dict[str, Any]:
    clause, args = scope_clause("l.member_id", scope)
    if public_only:
        clause += " AND l.status = ANY(%s)"
        args.append(PUBLIC_STATUSES)
    cur.execute(LETTER_SELECT + " WHERE l.id = %s" + clause, (letter_id, *args))
    row = cur.fetchone()
    if row is None:
        raise NotFound(f"letter {letter_id} not found")
    letter = letter_view(row, full=True)
    letter["member_name"] = facts.person_names(cur, [letter["member_id"]]).get(
        letter["member_id"])
    letter["comments"] = comments(cur, letter_id, "accepted")
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


def load_round(cur: Any, round_id: str, scope: list[str] | None) -> dict[str, Any]:
    clause, args = round_scope_clause(scope)
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


def result_views(cur: Any, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
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
    + ", x.party_decision, rr.grade, " + facts.LATEST_GRADE_SQL + " AS latest_grade"
    " FROM recommendations x"
    " LEFT JOIN round_results rr ON rr.round_id = x.round_id AND rr.member_id = x.member_id"
)
# 优先 (issue 12): excellent in the latest round first, then by id
PRIORITY_SORT = "CASE WHEN latest_grade = 'excellent' THEN 0 ELSE 1 END"


def recommendation_views(cur: Any, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    names = facts.person_names(cur, [r[2] for r in rows])
    cur.execute("SELECT id, name FROM known_members WHERE id = ANY(%s)", ([r[2] for r in rows],))
    names = {**dict(cur.fetchall()), **names}
    n = len(RECOMMENDATION_COLUMNS)
    out = []
    for row in rows:
        view = jsonable(dict(zip(RECOMMENDATION_COLUMNS, row[:n], strict=True)))
        view["party_decision"] = jsonable(row[n])
        view["round_grade"] = row[n + 1]
        view["member_name"] = names.get(view["member_id"])
        view["latest_round_grade"] = row[n + 2]
        view["excellent_in_latest_round"] = row[n + 2] == "excellent"
        view["priority"] = priority(row[n + 2])
        view["priority_label"] = PRIORITY_LABELS[view["priority"]]
        out.append(view)
    return out


def unit_known(cur: Any, committee_id: str, unit_id: str) -> bool:
    """A member unit of the committee (a department) or a League unit."""
    cur.execute("SELECT 1 FROM known_member_units WHERE committee_id = %s"
                " AND member_unit_id = %s AND active UNION ALL"
                " SELECT 1 FROM known_units WHERE id = %s AND status = 'active'",
                (committee_id, unit_id, unit_id))
    return cur.fetchone() is not None


class SqlFacts:
    """`handlers.Facts` over the read models, inside the command's transaction."""

    def __init__(self, cur: Any) -> None:
        self.cur = cur

    def committee(self, committee_id: str) -> dict[str, Any] | None:
        return facts.committee_known(self.cur, committee_id)

    def active_people(self, committee_id: str) -> list[str]:
        return facts.active_people(self.cur, committee_id)

    def person_in_scope(self, person_id: str, scope: Any) -> bool:
        return person_in_scope(self.cur, person_id, scope)

    def letters_of(self, member_id: str, year: int) -> list[tuple[str, int]]:
        self.cur.execute("SELECT member_id, year FROM letters WHERE member_id = %s"
                         " AND year = %s", (member_id, year))
        return list(self.cur.fetchall())

    def rounds_of(self, committee_id: str) -> list[tuple[str, int]]:
        self.cur.execute("SELECT committee_id, year FROM rounds WHERE committee_id = %s",
                         (committee_id,))
        return list(self.cur.fetchall())

    def unit_known(self, committee_id: str, unit_id: str) -> bool:
        return unit_known(self.cur, committee_id, unit_id)

    def unit_kind(self, unit_id: str) -> str | None:
        self.cur.execute("SELECT kind FROM known_units WHERE id = %s", (unit_id,))
        row = self.cur.fetchone()
        return None if row is None else str(row[0])

    def home_unit(self, committee_id: str, member_id: str) -> tuple[str, str | None]:
        return facts.home_unit(self.cur, committee_id, member_id)

    def letters_in_progress(self, committee_id: str, year: int,
                            member_ids: list[str]) -> list[str]:
        self.cur.execute("SELECT id FROM letters WHERE committee_id = %s AND year = %s"
                         " AND member_id = ANY(%s) AND status = 'in_progress'",
                         (committee_id, year, list(member_ids)))
        return [r[0] for r in self.cur.fetchall()]

    def evidence_for(self, member_ids: Any, year: int, as_of: dt.date,
                     overrides: Any = None) -> dict[str, Evidence]:
        return facts.evidence_for(self.cur, member_ids, year, as_of, overrides)

    def candidate(self, committee_id: str, member_id: str) -> Candidate:
        return facts.candidate(self.cur, committee_id, member_id)

    def organization_members(self, unit_id: str, committee_id: str, on: dt.date) -> int:
        return facts.organization_members(self.cur, unit_id, committee_id, on)


# -- reads answered by the RPCs ------------------------------------------------------------


def committee_members(cur: Any, committee_id: str, scope: Any) -> dict[str, Any]:
    """The people of a committee as assessment knows them, with their units."""
    if facts.committee_known(cur, committee_id) is None:
        raise NotFound(f"committee {committee_id} not known to assessment")
    people = facts.committee_people(cur, committee_id)
    if scope is not None:
        people = [p for p in people if person_in_scope(cur, p["person_id"], scope)]
    return {"items": people, "next_cursor": None}


def _filtered(alias: str, keys: tuple[str, ...], filters: dict[str, Any] | None,
              after: Any) -> tuple[list[str], list[Any]]:
    where, args = ["true"], []
    for key in keys:
        if (filters or {}).get(key) is not None:
            where.append(f"{alias}.{key} = %s")
            args.append(filters[key])  # type: ignore[index]
    if after:
        where.append(f"{alias}.id > %s")
        args.append(str(after))
    return where, args


def list_letters(cur: Any, filters: dict[str, Any] | None, limit: int, cursor: str | None,
                 scope: Any, public_only: bool) -> dict[str, Any]:
    where, args = _filtered("l", ("committee_id", "member_id", "year", "status"), filters,
                            pagination.decode(cursor))
    if public_only:
        where.append("l.status = ANY(%s)")
        args.append(PUBLIC_STATUSES)
    clause, scope_args = scope_clause("l.member_id", scope)
    cur.execute(LETTER_SELECT + " WHERE " + " AND ".join(where) + clause
                + " ORDER BY l.id LIMIT %s", (*args, *scope_args, limit + 1))
    rows = [letter_view(r, full=False) for r in cur.fetchall()]
    names = facts.person_names(cur, [r["member_id"] for r in rows])
    for r in rows:
        r["member_name"] = names.get(r["member_id"])
    return pagination.page(rows, limit)


def comment(cur: Any, letter_id: str, comment_id: str) -> dict[str, Any]:
    """A comment; for a replayed command id (a new comment id), the letter's newest."""
    cur.execute("SELECT " + ", ".join(COMMENT_COLUMNS) + " FROM letter_comments"
                " WHERE letter_id = %s AND comment_id = %s", (letter_id, comment_id))
    row = cur.fetchone()
    if row is None:
        cur.execute("SELECT " + ", ".join(COMMENT_COLUMNS) + " FROM letter_comments"
                    " WHERE letter_id = %s ORDER BY received_at DESC LIMIT 1", (letter_id,))
        row = cur.fetchone()
    return comment_view(row)


def list_letter_comments(cur: Any, letter_id: str, status: str, scope: Any,
                         public_only: bool) -> dict[str, Any]:
    load_letter(cur, letter_id, scope, public_only)
    return {"items": comments(cur, letter_id, status), "next_cursor": None}


def list_rounds(cur: Any, filters: dict[str, Any] | None, limit: int, cursor: str | None,
                scope: Any) -> dict[str, Any]:
    where, args = _filtered("r", ("committee_id", "year", "status"), filters,
                            pagination.decode(cursor))
    clause, scope_args = round_scope_clause(scope)
    cur.execute(ROUND_SELECT + " WHERE " + " AND ".join(where) + clause
                + " ORDER BY r.id LIMIT %s", (*args, *scope_args, limit + 1))
    rows = [jsonable(dict(zip(ROUND_COLUMNS, r, strict=True))) for r in cur.fetchall()]
    return pagination.page(rows, limit)


def list_scores(cur: Any, round_id: str, scope: Any) -> dict[str, Any]:
    load_round(cur, round_id, scope)
    clause, args = scope_clause("s.member_id", scope)
    cur.execute("SELECT s.member_id, s.component, s.scorer, s.score, s.submitted_at"
                " FROM round_scores s WHERE s.round_id = %s" + clause
                + " ORDER BY s.member_id, s.component, s.scorer", (round_id, *args))
    keys = ("member_id", "component", "scorer", "score", "submitted_at")
    return {"items": [jsonable(dict(zip(keys, r, strict=True))) for r in cur.fetchall()],
            "next_cursor": None}


EVIDENCE_KEYS = ("member_id", "unit_ids", "meetings_due", "meetings_held",
                 "activities_organized", "young_people_reached", "funds_raised_fen",
                 "credit_facilitated_fen")


def round_evidence(cur: Any, round_id: str, scope: Any, today: dt.date) -> dict[str, Any]:
    """While open: live evidence from the tracked facts (what closing would record now).
    Once closed: the snapshot the grades used."""
    rnd = load_round(cur, round_id, scope)
    members = [m for m in rnd["member_ids"] if person_in_scope(cur, m, scope)]
    if rnd["status"] == "open":
        as_of = min(today, dt.date(rnd["year"], 12, 31))
        rule = EvidenceRule.from_data(rnd["evidence_rule"])
        items = []
        for member_id, ev in facts.evidence_for(cur, members, rnd["year"], as_of).items():
            verdict = assess_evidence(ev, rule)
            items.append({"member_id": member_id, **ev.to_data(), "flags": list(verdict.flags),
                          "adjustment": verdict.adjustment})
        return {"round_id": round_id, "snapshot": False, "as_of": as_of.isoformat(),
                "items": items}
    keys = (*EVIDENCE_KEYS, "fact_count", "flags", "adjustment")
    cur.execute("SELECT " + ", ".join(keys) + " FROM round_evidence"
                " WHERE round_id = %s AND member_id = ANY(%s) ORDER BY member_id",
                (round_id, members))
    items = [jsonable(dict(zip(keys, r, strict=True))) for r in cur.fetchall()]
    return {"round_id": round_id, "snapshot": True, "as_of": None, "items": items}


def list_results(cur: Any, filters: dict[str, Any] | None, limit: int, cursor: str | None,
                 scope: Any) -> dict[str, Any]:
    """Graded results (CSV export too), ordered by round then member."""
    after = pagination.decode(cursor)
    where, args = _filtered("rr", ("round_id", "committee_id", "year", "grade", "member_id"),
                            filters, None)
    if after:
        if not (isinstance(after, list) and len(after) == 2):
            raise InvalidInput.field("cursor", "is not a cursor this API issued")
        where.append("(rr.round_id, rr.member_id) > (%s, %s)")
        args.extend(str(a) for a in after)
    clause, scope_args = scope_clause("rr.member_id", scope)
    cur.execute(RESULT_SELECT + " WHERE " + " AND ".join(where) + clause
                + " ORDER BY rr.round_id, rr.member_id LIMIT %s", (*args, *scope_args, limit + 1))
    return pagination.page(result_views(cur, cur.fetchall()), limit,
                           lambda r: [r["round_id"], r["member_id"]])


def get_result(cur: Any, round_id: str, member_id: str, scope: Any) -> dict[str, Any]:
    clause, args = scope_clause("rr.member_id", scope)
    cur.execute(RESULT_SELECT + " WHERE rr.round_id = %s AND rr.member_id = %s" + clause,
                (round_id, member_id, *args))
    rows = cur.fetchall()
    if not rows:
        raise NotFound(f"no result for member {member_id} in round {round_id}")
    return result_views(cur, rows)[0]


def result_letter_facts(cur: Any, result: dict[str, Any], member_id: str,
                        today: dt.date) -> dict[str, Any]:
    """What the printable letter names: committee, addressed unit, issue date, evidence."""
    committee = facts.committee_known(cur, result["committee_id"])
    if result["reported_to"]:
        unit_id = result["reported_to"][0]["unit_id"]
        issued_on = dt.date.fromisoformat(result["reported_to"][0]["reported_on"])
    else:
        unit_id, _ = facts.home_unit(cur, result["committee_id"], member_id)
        issued_on = today
    cur.execute("SELECT " + ", ".join(EVIDENCE_KEYS) + " FROM round_evidence"
                " WHERE round_id = %s AND member_id = %s", (result["round_id"], member_id))
    row = cur.fetchone()
    return {
        "member_name": result["member_name"] or member_id,
        "committee_name": committee["name"] if committee else result["committee_id"],
        "unit_name": facts.unit_name(cur, result["committee_id"], unit_id) or unit_id,
        "year": result["year"], "issued_on": issued_on,
        "evidence": dict(zip(EVIDENCE_KEYS, row, strict=True)) if row else None,
    }


def get_recommendation(cur: Any, rec_id: str, scope: Any) -> dict[str, Any]:
    clause, args = scope_clause("x.member_id", scope)
    cur.execute(RECOMMENDATION_SELECT + " WHERE x.id = %s" + clause, (rec_id, *args))
    rows = cur.fetchall()
    if not rows:
        raise NotFound(f"recommendation {rec_id} not found")
    return recommendation_views(cur, rows)[0]


def list_recommendations(cur: Any, filters: dict[str, Any] | None, limit: int,
                         cursor: str | None, scope: Any) -> dict[str, Any]:
    """Excellent in the latest round first (优先), then by id; cursors are (rank, id)."""
    where, args = _filtered(
        "x", ("kind", "status", "outcome", "member_id", "committee_id", "round_id"), filters,
        None)
    clause, scope_args = scope_clause("x.member_id", scope)
    cond, cargs = pagination.keyset(cursor)
    cur.execute("SELECT * FROM (SELECT y.*, " + PRIORITY_SORT + " AS sort_key FROM ("
                + RECOMMENDATION_SELECT + " WHERE " + " AND ".join(where) + clause
                + ") y) z" + (" WHERE " + cond if cond else "")
                + " ORDER BY sort_key, id LIMIT %s", (*args, *scope_args, *cargs, limit + 1))
    rows = cur.fetchall()
    keys = {r[0]: r[-1] for r in rows}
    views = recommendation_views(cur, [r[:-1] for r in rows])
    return pagination.sorted_page(views, keys, limit)


def dashboard_summary(cur: Any, scope: Any, year: int) -> dict[str, Any]:
    clause, args = scope_clause("l.member_id", scope)
    cur.execute("SELECT l.status, count(*) FROM letters l WHERE l.year = %s" + clause
                + " GROUP BY l.status", (year, *args))
    letters = dict(cur.fetchall())
    rclause, rargs = round_scope_clause(scope)
    cur.execute("SELECT count(*) FROM rounds r WHERE r.year = %s" + rclause, (year, *rargs))
    rounds = cur.fetchone()[0]
    clause, args = scope_clause("rr.member_id", scope)
    cur.execute("SELECT count(*) FILTER (WHERE rr.grade IS NOT NULL),"
                " count(*) FILTER (WHERE rr.grade = 'excellent')"
                " FROM round_results rr WHERE rr.year = %s" + clause, (year, *args))
    graded, excellent = cur.fetchone()
    clause, args = scope_clause("x.member_id", scope)
    cur.execute("SELECT coalesce(x.outcome, x.status), count(*) FROM recommendations x"
                " WHERE extract(year FROM x.proposed_on) = %s" + clause + " GROUP BY 1",
                (year, *args))
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
        # 推优 candidates, excellent in the latest round first (优先, issue 12)
        "party_membership_candidates": [
            {k: r[k] for k in CANDIDATE_KEYS} for r in list_recommendations(
                cur, {"kind": "party_membership"}, 10, None, scope)["items"]],
    }}


CANDIDATE_KEYS = ("id", "member_id", "member_name", "status", "outcome", "latest_round_grade",
                  "excellent_in_latest_round", "priority", "priority_label")
