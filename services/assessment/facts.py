"""Queries over the tracked facts (tracked.py tables): committee people, their units, and
the evidence of each member for a year. The rules live in the pure domain
(`domain/evidence.py`, `domain/duties.py`); this module only loads their inputs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from services.assessment.domain.duties import HeldMeeting, UnitLife, meeting_facts
from services.assessment.domain.evidence import (
    ACTIVITY_ORGANIZED,
    CREDIT_FACILITATED,
    FUNDS_RAISED,
    Evidence,
    Fact,
    gather_evidence,
)
from services.assessment.domain.letters_owed import LetterState, Post
from services.assessment.domain.letters_owed import letters_owed as owed
from services.assessment.domain.recommendation import Candidate
from services.assessment.tracked import known_cooperatives

# Receipts that count as "funds raised" by a unit: money it brought in. Dues rebates and
# government allocations are not raised by the unit's own effort.
RAISED_SOURCES = ("enterprise_sponsorship", "aid_unit_support", "cooperative_self_funding")

# Member-unit department types that are also gateway departments (a department integration
# reads `<department>.assessment.result_reported`). Associations and "other" have none.
DEPARTMENT_OF_TYPE = {
    t: t for t in ("organization", "agriculture", "supply_coop", "economic_management",
                   "commerce", "science_technology", "civil_affairs", "tax", "finance", "bank")
}
LEAGUE_DEPARTMENT = "league_committee"


def committee_known(cur: Any, committee_id: str) -> dict[str, Any] | None:
    cur.execute("SELECT id, name, county FROM known_committees WHERE id = %s", (committee_id,))
    row = cur.fetchone()
    return None if row is None else {"id": row[0], "name": row[1], "county": row[2]}


def active_people(cur: Any, committee_id: str) -> list[str]:
    cur.execute("SELECT DISTINCT person_id FROM committee_people"
                " WHERE committee_id = %s AND removed_on IS NULL ORDER BY person_id",
                (committee_id,))
    return [r[0] for r in cur.fetchall()]


def person_names(cur: Any, person_ids: Sequence[str]) -> dict[str, str]:
    cur.execute("SELECT DISTINCT ON (person_id) person_id, name FROM committee_people"
                " WHERE person_id = ANY(%s) ORDER BY person_id, removed_on NULLS FIRST",
                (list(person_ids),))
    return dict(cur.fetchall())


def units_of(cur: Any, person_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """person id -> its units, home unit first (lowest priority, then unit id)."""
    cur.execute("SELECT person_id, unit_id, reason, priority FROM person_units"
                " WHERE person_id = ANY(%s) ORDER BY person_id, priority, unit_id",
                (list(person_ids),))
    out: dict[str, list[dict[str, Any]]] = {p: [] for p in person_ids}
    for person_id, unit_id, reason, priority in cur.fetchall():
        out[person_id].append({"unit_id": unit_id, "reason": reason, "priority": priority})
    return out


def home_unit(cur: Any, committee_id: str, person_id: str) -> tuple[str, str | None]:
    """(unit id, department) the person's result is reported to.

    The home unit is their first unit in `person_units` order; a deputy secretary's home is
    their member unit, whose department type names the department. Everyone else belongs
    to the League side (league_committee). Without any known unit the result goes to the
    working committee itself (its committee id)."""
    units = units_of(cur, [person_id])[person_id]
    if not units:
        return committee_id, LEAGUE_DEPARTMENT
    home = units[0]
    if home["reason"] == "member_unit":
        cur.execute("SELECT department_type FROM known_member_units"
                    " WHERE committee_id = %s AND member_unit_id = %s",
                    (committee_id, home["unit_id"]))
        row = cur.fetchone()
        return home["unit_id"], DEPARTMENT_OF_TYPE.get(row[0]) if row else None
    return home["unit_id"], LEAGUE_DEPARTMENT


def unit_name(cur: Any, committee_id: str, unit_id: str) -> str | None:
    cur.execute("SELECT name FROM known_units WHERE id = %s", (unit_id,))
    row = cur.fetchone()
    if row:
        return str(row[0])
    cur.execute("SELECT name FROM known_member_units WHERE committee_id = %s"
                " AND member_unit_id = %s", (committee_id, unit_id))
    row = cur.fetchone()
    if row:
        return str(row[0])
    cur.execute("SELECT name FROM known_committees WHERE id = %s", (unit_id,))
    row = cur.fetchone()
    return str(row[0]) if row else None


def committee_people(cur: Any, committee_id: str) -> list[dict[str, Any]]:
    cur.execute("SELECT person_id, name, role FROM committee_people"
                " WHERE committee_id = %s AND removed_on IS NULL ORDER BY person_id, role",
                (committee_id,))
    people: dict[str, dict[str, Any]] = {}
    for person_id, name, role in cur.fetchall():
        people.setdefault(person_id, {"person_id": person_id, "name": name, "roles": []})
        people[person_id]["roles"].append(role)
    units = units_of(cur, list(people))
    for person_id, person in people.items():
        person["units"] = units[person_id]
        unit_id, department = home_unit(cur, committee_id, person_id)
        person["home_unit_id"] = unit_id if units[person_id] else None
        person["department"] = department
    return list(people.values())


def evidence_for(
    cur: Any,
    member_ids: Sequence[str],
    year: int,
    as_of: dt.date,
    overrides: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Evidence]:
    """Each member's evidence for the calendar `year`, from the units they belong to (or the
    `overrides`), counting meetings due up to `as_of`."""
    overrides = overrides or {}
    learnt = units_of(cur, [m for m in member_ids if m not in overrides])
    member_units = {
        m: list(dict.fromkeys(overrides[m])) if m in overrides
        else [u["unit_id"] for u in learnt[m]]
        for m in member_ids
    }
    all_units = sorted({u for units in member_units.values() for u in units})
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)

    cur.execute("SELECT id, kind, created_on, ended_on FROM known_units WHERE id = ANY(%s)",
                (all_units,))
    lives = {r[0]: UnitLife(r[0], r[1], r[2], r[3]) for r in cur.fetchall()}
    # issue 12: the regular meeting counts only chaired (the secretary or a deputy attended)
    cur.execute("SELECT unit_id, meeting_type, held_on FROM evidence_meetings"
                " WHERE unit_id = ANY(%s) AND retracted_on IS NULL"
                " AND (chaired OR meeting_type <> 'working_committee_regular')"
                " AND held_on BETWEEN %s AND %s", (all_units, start, end))
    meetings = [HeldMeeting(*r) for r in cur.fetchall()]
    cur.execute("SELECT event_id, unit_id, held_on, participants FROM evidence_activities"
                " WHERE unit_id = ANY(%s) AND held_on BETWEEN %s AND %s"
                " ORDER BY event_id, unit_id", (all_units, start, end))
    activities = cur.fetchall()
    cur.execute("SELECT event_id, unit_id, received_on, amount_fen FROM evidence_receipts"
                " WHERE unit_id = ANY(%s) AND source = ANY(%s) AND reversed_on IS NULL"
                " AND received_on BETWEEN %s AND %s",
                (all_units, list(RAISED_SOURCES), start, end))
    receipts = cur.fetchall()
    cur.execute("SELECT event_id, unit_id, granted_on, amount_fen FROM evidence_credit"
                " WHERE unit_id = ANY(%s) AND revoked_on IS NULL"
                " AND granted_on BETWEEN %s AND %s", (all_units, start, end))
    credits = cur.fetchall()

    out: dict[str, Evidence] = {}
    for member_id, units in member_units.items():
        mine = set(units)
        facts: dict[str, Fact] = {}
        for event_id, unit_id, held_on, participants in activities:
            if unit_id in mine:
                # one fact per event: an activity two of the member's units organized
                # together counts once
                facts.setdefault(event_id, Fact(ACTIVITY_ORGANIZED, unit_id, held_on,
                                                young_people=participants))
        for kind, rows in ((FUNDS_RAISED, receipts), (CREDIT_FACILITATED, credits)):
            for event_id, unit_id, on, amount in rows:
                if unit_id in mine:
                    facts[event_id] = Fact(kind, unit_id, on, amount_fen=int(amount))
        unit_lives = [lives[u] for u in units if u in lives]
        for fact_id, fact in meeting_facts(
                unit_lives, [m for m in meetings if m.unit_id in mine], year, as_of):
            facts[fact_id] = fact
        out[member_id] = gather_evidence(facts, units, start, end)
    return out


def known_cooperative(cur, coop_id: str) -> dict[str, Any] | None:
    """A cooperative as this service learnt it from org's events (None: not yet)."""
    return known_cooperatives.get(cur, coop_id)


# -- 推优 (issue 12) -------------------------------------------------------------------------


def candidate(cur: Any, committee_id: str, member_id: str) -> Candidate:
    """The person recommended: in a post of the committee, and/or an org member (kind,
    status and since when, unit, whether the unit is in the committee's tree)."""
    cur.execute("SELECT 1 FROM committee_people WHERE committee_id = %s AND person_id = %s"
                " AND removed_on IS NULL LIMIT 1", (committee_id, member_id))
    committee_person = cur.fetchone() is not None
    cur.execute("SELECT m.kind, m.status, m.status_since, m.unit_id, u.root_id"
                " FROM known_members m LEFT JOIN known_units u ON u.id = m.unit_id"
                " WHERE m.id = %s", (member_id,))
    row = cur.fetchone()
    if row is None:
        return Candidate(member_id, committee_id, committee_person)
    kind, status, since, unit_id, root_id = row
    return Candidate(member_id, committee_id, committee_person, kind, status, since, unit_id,
                     root_id == committee_id)


def organization_members(cur: Any, unit_id: str, committee_id: str, on: dt.date) -> int:
    """Members of the voting organization on `on`: the working committee's people not
    removed before that day (its root unit has the committee's id), or a branch's League
    members (active, or aged out / left only after that day)."""
    if unit_id == committee_id:
        cur.execute("SELECT count(DISTINCT person_id) FROM committee_people"
                    " WHERE committee_id = %s AND (removed_on IS NULL OR removed_on > %s)",
                    (committee_id, on))
    else:
        cur.execute("SELECT count(*) FROM known_members WHERE unit_id = %s"
                    " AND kind = 'league_member'"
                    " AND (status = 'active' OR status_since > %s)", (unit_id, on))
    return int(cur.fetchone()[0])


# The grade of the latest round (优先): the committee's latest graded assessment round for its
# people, else the member's latest annual evaluation (团员教育评议). SQL over `x`, a
# recommendations row.
LATEST_GRADE_SQL = (
    "coalesce((SELECT lr.grade FROM round_results lr WHERE lr.member_id = x.member_id"
    " AND lr.round_id = (SELECT r.id FROM rounds r WHERE r.committee_id = x.committee_id"
    " AND r.status = 'graded' ORDER BY r.year DESC, r.id LIMIT 1)),"
    " (SELECT g.grade FROM known_member_grades g WHERE g.member_id = x.member_id"
    " ORDER BY g.year DESC LIMIT 1))"
)


# -- letters owed by appointment (issue 12 part 5) --------------------------------------------


def letters_owed(cur: Any, committee_id: str | None, scope: Sequence[str] | None,
                 today: dt.date, notice_days: int) -> list[dict[str, Any]]:
    """People in post (not removed) whose term's letter is missing or unpublished past the
    notice period (`domain/letters_owed.py`); a scoped caller sees people of its units."""
    where, args = ["p.removed_on IS NULL"], []
    if committee_id is not None:
        where.append("p.committee_id = %s")
        args.append(committee_id)
    if scope is not None:
        where.append("EXISTS (SELECT 1 FROM person_units pu WHERE pu.person_id = p.person_id"
                     " AND pu.unit_id = ANY(%s))")
        args.append(list(scope))
    cur.execute("SELECT p.committee_id, p.person_id, p.name, p.role, p.appointed_on"
                " FROM committee_people p WHERE " + " AND ".join(where), args)
    posts = [Post(*row) for row in cur.fetchall()]
    cur.execute("SELECT member_id, id, year, status FROM letters WHERE member_id = ANY(%s)",
                ([p.person_id for p in posts],))
    letters: dict[str, list[LetterState]] = {}
    for member_id, letter_id, year, status in cur.fetchall():
        letters.setdefault(member_id, []).append(LetterState(letter_id, year, status))
    return owed(posts, letters, today, notice_days)
