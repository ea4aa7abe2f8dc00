"""Read-model queries of the member's year (issue 12): elections overdue, 自行脱团,
evaluations and registration."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventkit.identifiers import ERASED
from eventkit.nameko_ext import jsonable
from services.org.domain.evaluation import GRADE_LABELS
from services.org.domain.unit import election_overdue
from services.org.queries import LEAGUE_ORG_KINDS, POLICY, subtree_ids, today


def elections_overdue(cur, scope: list[str] | None) -> list[dict[str, Any]]:
    """Active branches whose committee term ended without an election (issue 12)."""
    where, args = "", [LEAGUE_ORG_KINDS]
    if scope is not None:
        where, args = " AND id = ANY(%s)", [LEAGUE_ORG_KINDS, scope]
    cur.execute("SELECT id, name, kind, founded_on, last_election_on, term_years FROM units"
                " WHERE status = 'active' AND kind = ANY(%s)" + where + " ORDER BY name, id",
                args)
    out = []
    for uid, name, kind, founded, last, years in cur.fetchall():
        ended = election_overdue(kind, founded, last, years, POLICY.branch_term_years, today())
        if ended is not None:
            out.append({"unit_id": uid, "name": name, "kind": kind,
                        "last_election_on": jsonable(last), "term_ended_on": ended.isoformat(),
                        "status_label": "逾期未换届"})
    return out


def self_lapse_candidates(cur, as_of: dt.date, unit_id: str | None = None) -> list[str]:
    """Active League members with no open procedure (the aggregate decides if due), of the
    unit and below (or the whole county)."""
    where, args = "", [as_of]
    if unit_id is not None:
        where, args = " AND unit_id = ANY(%s)", [as_of, subtree_ids(cur, [unit_id])]
    cur.execute("SELECT id FROM members WHERE kind = 'league_member' AND status = 'active'"
                " AND self_lapse IS NULL AND registered_on <= %s" + where + " ORDER BY id",
                args)
    return [r[0] for r in cur.fetchall()]


def join_dates(cur, member_ids: list[str]) -> dict[str, dt.date]:
    cur.execute("SELECT id, join_date FROM members WHERE id = ANY(%s)", (member_ids,))
    return dict(cur.fetchall())


def count_in_self_lapse(cur, scope: list[str] | None) -> int:
    """How many members are in the 自行脱团 procedure (the dashboard's figure; the names are
    the branch's list, `in_self_lapse`, paged by nobody and so kept off the dashboard)."""
    where, args = "", []
    if scope is not None:
        where, args = " AND unit_id = ANY(%s)", [scope]
    cur.execute("SELECT count(*) FROM members WHERE self_lapse IS NOT NULL"
                " AND status = 'active'" + where, args)
    return int(cur.fetchone()[0])


def in_self_lapse(cur, scope: list[str] | None) -> list[dict[str, Any]]:
    """Members in the 自行脱团 procedure (the branch's list and the dashboard's)."""
    where, args = "", []
    if scope is not None:
        where, args = " AND unit_id = ANY(%s)", [scope]
    cur.execute("SELECT id, name, unit_id, self_lapse FROM members WHERE self_lapse IS NOT NULL"
                " AND status = 'active'" + where + " ORDER BY self_lapse->>'started_on', id",
                args)
    return [{"member_id": mid, "name": name, "unit_id": uid, **sl, "status_label": "自行脱团程序中"}
            for mid, name, uid, sl in cur.fetchall()]


def evaluation_view(cur, unit_id: str, year: int) -> dict[str, Any] | None:
    cur.execute("SELECT r.member_id, m.name, r.grade, r.registered, r.evaluated_on"
                " FROM member_registrations r JOIN members m ON m.id = r.member_id"
                " WHERE r.unit_id = %s AND r.year = %s ORDER BY r.grade, m.name, r.member_id",
                (unit_id, year))
    rows = cur.fetchall()
    if not rows:
        return None
    grades = [{"member_id": mid, "name": name, "grade": g, "grade_label": GRADE_LABELS[g],
               "registered": reg} for mid, name, g, reg, _ in rows]
    return {"unit_id": unit_id, "year": year, "evaluated_on": rows[0][4].isoformat(),
            "members": grades,
            "by_grade": {g: sum(1 for x in grades if x["grade"] == g) for g in GRADE_LABELS},
            "registered": sum(1 for x in grades if x["registered"])}


def active_league_member_ids(cur, unit_id: str) -> list[str]:
    cur.execute("SELECT id FROM members WHERE unit_id = %s AND status = 'active'"
                " AND kind = 'league_member' ORDER BY id", (unit_id,))
    return [r[0] for r in cur.fetchall()]


def age_out_candidates(cur, born_by: dt.date) -> list[str]:
    """Active League members born on or before `born_by` (`age_out_candidates_born_by`: the
    domain's pre-filter; `Member.age_out` decides each one)."""
    cur.execute("SELECT id FROM members WHERE kind = 'league_member'"
                " AND status = 'active' AND birth_date <= %s ORDER BY id", (born_by,))
    return [r[0] for r in cur.fetchall()]


def former_members(cur, statuses: list[str]) -> list[tuple[str, str, dt.date]]:
    """(id, status, status_since) of members in `statuses` not yet erased, oldest first (the
    retention run's candidates; `domain/person.erasure_due_on` decides each one)."""
    cur.execute("SELECT id, status, status_since FROM members WHERE status = ANY(%s)"
                " AND name <> %s ORDER BY status_since, id", (statuses, ERASED))
    return list(cur.fetchall())
