"""Read-model queries of the org service (cursor in, JSON-safe dicts out).

Everything personal is masked here, on the way out: `resident_id` and `phone` never leave
the service whole.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventkit import clock
from eventkit.errors import InvalidInput, NotFound
from eventkit.identifiers import ERASED, mask
from eventkit.nameko_ext import jsonable
from services.org.domain.committee import (
    WORKFLOW,
    approval_problems_of,
    leadership_problems_of,
)
from services.org.domain.evaluation import GRADE_LABELS
from services.org.domain.tree_rules import BRANCH_KINDS, UnitFacts, size_warnings
from services.org.domain.unit import term_end
from services.org.settings import current_policy

POLICY = current_policy()
LEAGUE_ORG_KINDS = sorted(BRANCH_KINDS)  # what counts as a cooperative's League organization


# the kernel's county clock (DOMAIN: dates are local dates of the county)
today = clock.today


def day(value: Any, name: str = "on", on: dt.date | None = None) -> dt.date:
    """A date given in a command (or today: `on`, the service's clock's, else the county's);
    a fact cannot be dated in the future."""
    current = on if on is not None else today()
    if value is None:
        return current
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError as exc:
            raise InvalidInput.field(name, "must be a date (YYYY-MM-DD)") from exc
    if value > current:
        raise InvalidInput.field(name, "may not be in the future")
    return value  # type: ignore[no-any-return]


def check_scope(scope: list[str] | None, unit_id: str | None, what: str, obj_id: str) -> None:
    if scope is not None and unit_id not in scope:
        raise NotFound(f"{what} {obj_id} not found")


# ---- units -----------------------------------------------------------------------------

UNIT_COLUMNS = (
    "id", "committee_id", "name", "kind", "parent_id", "professional_committee_id",
    "formation_mode", "industry", "cooperative_ids", "management", "township", "joint_mode",
    "group_functions", "founded_on", "status", "merged_into", "ended_on", "dissolution_reason",
    "created_at", "updated_at", "version", "last_election_on", "term_years",
)
UNIT_SELECT = "SELECT " + ", ".join(UNIT_COLUMNS) + " FROM units"


def subtree_ids(cur, unit_ids: list[str]) -> list[str]:
    """The units and everything below them (any status), the given ones first."""
    cur.execute(
        "WITH RECURSIVE sub(id, depth) AS (SELECT id, 0 FROM units WHERE id = ANY(%s)"
        " UNION SELECT u.id, sub.depth + 1 FROM units u JOIN sub ON u.parent_id = sub.id)"
        " SELECT id FROM sub GROUP BY id ORDER BY min(depth), id",
        (unit_ids,),
    )
    return [r[0] for r in cur.fetchall()]


def ancestor_ids(cur, unit_id: str) -> list[str]:
    """From the unit's parent up to the root."""
    cur.execute(
        "WITH RECURSIVE up(id, parent_id, depth) AS ("
        " SELECT id, parent_id, 0 FROM units WHERE id = %s"
        " UNION ALL SELECT u.id, u.parent_id, up.depth + 1 FROM units u"
        " JOIN up ON u.id = up.parent_id WHERE up.depth < 100)"
        " SELECT id FROM up WHERE depth > 0 ORDER BY depth",
        (unit_id,),
    )
    return [r[0] for r in cur.fetchall()]


def unit_facts(cur, unit_id: str, field: str | None = None) -> UnitFacts:
    """Facts of a unit another command refers to; 422 on `field` (or 404) when unknown."""
    cur.execute("SELECT id, kind, status, industry, committee_id, professional_committee_id"
                " FROM units WHERE id = %s", (unit_id,))
    row = cur.fetchone()
    if row is None:
        if field:
            raise InvalidInput.field(field, f"unknown unit {unit_id}")
        raise NotFound(f"unit {unit_id} not found")
    return UnitFacts(*row)


def subtree_member_counts(cur, unit_ids: list[str]) -> dict[str, dict[str, int]]:
    """Active members of each unit and below, and directly in it."""
    if not unit_ids:
        return {}
    cur.execute(
        "WITH RECURSIVE sub(root, id) AS (SELECT id, id FROM units WHERE id = ANY(%s)"
        " UNION SELECT sub.root, u.id FROM units u JOIN sub ON u.parent_id = sub.id)"
        " SELECT sub.root,"
        " count(*) FILTER (WHERE m.kind = 'league_member'),"
        " count(*) FILTER (WHERE m.kind = 'young_person'),"
        " count(*) FILTER (WHERE m.unit_id = sub.root)"
        " FROM sub JOIN members m ON m.unit_id = sub.id AND m.status = 'active'"
        " GROUP BY sub.root",
        (unit_ids,),
    )
    counts = {uid: {"league_members": 0, "young_people": 0, "direct_members": 0}
              for uid in unit_ids}
    for root, league, youth, direct in cur.fetchall():
        counts[root] = {"league_members": league, "young_people": youth,
                        "direct_members": direct}
    return counts


def unit_views(cur, rows: list[tuple]) -> list[dict[str, Any]]:
    units = [jsonable(dict(zip(UNIT_COLUMNS, r, strict=True))) for r in rows]
    counts = subtree_member_counts(cur, [u["id"] for u in units])
    for unit in units:
        unit["counts"] = counts[unit["id"]]
        unit["warnings"] = (
            size_warnings(unit["kind"], unit["counts"]["league_members"])
            if unit["status"] == "active" else []
        )
        if unit["kind"] in BRANCH_KINDS:
            unit["constituted"] = (unit["counts"]["league_members"]
                                   >= POLICY.branch_min_league_members)
            start = unit["last_election_on"] or unit["founded_on"]
            unit["term_ends_on"] = term_end(
                dt.date.fromisoformat(start), unit["term_years"] or POLICY.branch_term_years
            ).isoformat()
        else:
            unit["constituted"] = None
        if unit["kind"] == "professional_committee" and unit["status"] == "active":
            spanned = _spanned_cooperatives(cur, unit["id"])
            least = POLICY.professional_committee_min_cooperatives
            if spanned < least:
                unit["warnings"].append(
                    f"a professional committee spans at least {least} cooperatives of similar "
                    f"products ({spanned})")
    return units


def _spanned_cooperatives(cur, unit_id: str) -> int:
    cur.execute("SELECT count(DISTINCT c) FROM units u,"
                " jsonb_array_elements_text(u.cooperative_ids) AS c"
                " WHERE u.status = 'active' AND u.id = ANY(%s)", (subtree_ids(cur, [unit_id]),))
    return int(cur.fetchone()[0])


def unit_view(cur, unit_id: str) -> dict[str, Any] | None:
    cur.execute(UNIT_SELECT + " WHERE id = %s", (unit_id,))
    row = cur.fetchone()
    return unit_views(cur, [row])[0] if row else None


# ---- committees ------------------------------------------------------------------------

COMMITTEE_COLUMNS = (
    "id", "name", "county", "county_code", "steps", "member_units", "secretary", "deputies",
    "committee_members", "leadership_problem", "created_at", "updated_at", "version",
)
COMMITTEE_SELECT = "SELECT " + ", ".join(COMMITTEE_COLUMNS) + " FROM committees"


def committee_view(row: tuple) -> dict[str, Any]:
    c = jsonable(dict(zip(COMMITTEE_COLUMNS, row, strict=True)))
    steps = c["steps"]
    due = next((s for s in WORKFLOW if s not in steps), None)
    deputies = sorted(c.pop("deputies").values(), key=lambda d: (d["on"], d["person_id"]))
    members = sorted(c.pop("committee_members").values(), key=lambda d: (d["on"], d["person_id"]))
    units = c["member_units"]
    c.update({
        "root_unit_id": c["id"],
        "due_step": due,
        "established": "establishment_approved" in steps,
        "founded": "founding_conference_held" in steps,
        "steps": {s: steps[s] for s in WORKFLOW if s in steps},
        "member_units": [{"id": k, **v} for k, v in sorted(units.items())],
        "deputy_secretaries": deputies,
        "committee_members": members,
        "leadership_problems": leadership_problems_of(
            1 if c["secretary"] else 0, [d["member_unit_id"] for d in deputies], set(units)),
        "approval_problems": approval_problems_of(
            1 if c["secretary"] else 0, [d["member_unit_id"] for d in deputies], set(units),
            [m["source"] for m in members]),
    })
    return c


def load_committee(cur, committee_id: str) -> dict[str, Any] | None:
    cur.execute(COMMITTEE_SELECT + " WHERE id = %s", (committee_id,))
    row = cur.fetchone()
    return committee_view(row) if row else None


def open_leadership_problems(cur, scope: list[str] | None) -> list[dict[str, Any]]:
    """Committees whose leadership breaks the rules after establishment (dashboard list)."""
    where, args = "", []
    if scope is not None:
        where, args = " AND id = ANY(%s)", [scope]
    cur.execute("SELECT id, name, leadership_problem FROM committees"
                " WHERE leadership_problem IS NOT NULL" + where + " ORDER BY id", args)
    return [{"committee_id": cid, "name": name, "since": p["since"],
             "problems": p["problems"]} for cid, name, p in cur.fetchall()]


# ---- members ---------------------------------------------------------------------------

MEMBER_COLUMNS = (
    "id", "kind", "name", "sex", "ethnicity", "resident_id", "birth_date", "phone", "education",
    "occupation", "cooperative_id", "unit_id", "join_date", "registered_on", "status",
    "status_since", "pending_transfer_id", "created_at", "updated_at", "version", "self_lapse",
)
MEMBER_SELECT = "SELECT " + ", ".join(f"m.{c}" for c in MEMBER_COLUMNS) + " FROM members m"


def member_views(cur, rows: list[tuple]) -> list[dict[str, Any]]:
    members = []
    for row in rows:
        m = jsonable(dict(zip(MEMBER_COLUMNS, row, strict=True)))
        m["resident_id"] = mask(m["resident_id"])
        m["phone"] = mask(m["phone"])
        if m["name"] == ERASED:  # erased (eventkit/people.py): the birth date is gone too
            m["birth_date"] = ERASED
        m["roles"] = []
        members.append(m)
    if members:
        by_id = {m["id"]: m for m in members}
        cur.execute(
            "SELECT member_id, role_id, role, unit_id, start_on, end_on FROM member_roles"
            " WHERE member_id = ANY(%s) ORDER BY start_on, role_id", (list(by_id),))
        for member_id, role_id, role, unit_id, start, end in cur.fetchall():
            by_id[member_id]["roles"].append(jsonable({
                "role_id": role_id, "role": role, "unit_id": unit_id, "start": start,
                "end": end}))
        for m in members:
            m["registrations"] = []
        cur.execute("SELECT member_id, year, grade, registered FROM member_registrations"
                    " WHERE member_id = ANY(%s) ORDER BY year", (list(by_id),))
        for member_id, year, grade, registered in cur.fetchall():
            by_id[member_id]["registrations"].append(
                {"year": year, "grade": grade, "grade_label": GRADE_LABELS[grade],
                 "registered": registered})
    return members


def member_view(cur, member_id: str) -> dict[str, Any] | None:
    cur.execute(MEMBER_SELECT + " WHERE m.id = %s", (member_id,))
    row = cur.fetchone()
    return member_views(cur, [row])[0] if row else None


def member_unit(cur, member_id: str) -> str:
    cur.execute("SELECT unit_id FROM members WHERE id = %s", (member_id,))
    row = cur.fetchone()
    if row is None:
        raise NotFound(f"member {member_id} not found")
    return row[0]  # type: ignore[no-any-return]


def counts_by(cur, unit_ids: list[str] | None) -> dict[str, dict[str, int]]:
    where, args = "", []
    if unit_ids is not None:
        where = " WHERE unit_id = ANY(%s)"
        args = [unit_ids]
    cur.execute("SELECT status, count(*) FROM members" + where + " GROUP BY status", args)
    by_status = {"active": 0, "aged_out": 0, "left": 0, **dict(cur.fetchall())}
    cur.execute("SELECT kind, count(*) FROM members" + (where or " WHERE true")
                + " AND status = 'active' GROUP BY kind", args)
    by_kind = {"league_member": 0, "young_person": 0, **dict(cur.fetchall())}
    return {"by_status": by_status, "by_kind": by_kind}


# ---- transfers -------------------------------------------------------------------------

TRANSFER_COLUMNS = (
    "id", "member_id", "from_unit_id", "to_unit_id", "status", "requested_on", "decided_on",
    "reason", "created_at", "updated_at",
)
TRANSFER_SELECT = "SELECT " + ", ".join(TRANSFER_COLUMNS) + " FROM transfers"


def transfer_view(row: tuple) -> dict[str, Any]:
    return jsonable(dict(zip(TRANSFER_COLUMNS, row, strict=True)))  # type: ignore[no-any-return]


def load_transfer(cur, transfer_id: str) -> dict[str, Any] | None:
    cur.execute(TRANSFER_SELECT + " WHERE id = %s", (transfer_id,))
    row = cur.fetchone()
    return transfer_view(row) if row else None


# ---- League organizations constituted (a cooperative's coverage: coverage.py) ---------

def league_members_under_sql(unit: str = "u") -> str:
    """SQL: active League members of unit `unit` and the two levels below it (a general
    branch's branches and their League groups: the deepest a League organization goes)."""
    # the three levels' ids first, then the members by their unit (index members_unit):
    # an IN over the units let the planner walk every League member once per unit
    return ("(SELECT count(*) FROM members m WHERE m.unit_id = ANY(ARRAY("
            f"SELECT {unit}.id UNION ALL SELECT s.id FROM units s WHERE s.parent_id = {unit}.id"
            " UNION ALL SELECT g.id FROM units s JOIN units g ON g.parent_id = s.id"
            f" WHERE s.parent_id = {unit}.id))"
            " AND m.status = 'active' AND m.kind = 'league_member')")


def constituted_sql(unit: str = "u") -> str:
    """SQL: the League organization `unit` is constituted (issue 12: a branch counts as its
    cooperatives' League organization only with the constitution's floor of members)."""
    floor = int(POLICY.branch_min_league_members)
    return f"{league_members_under_sql(unit)} >= {floor}"


def branches_not_constituted(cur, scope: list[str] | None) -> list[dict[str, Any]]:
    """Active branches below the constitution's floor (未达组建条件): they keep their
    warning and do not count for their cooperatives' coverage."""
    where, args = "", [LEAGUE_ORG_KINDS]
    if scope is not None:
        where, args = " AND u.id = ANY(%s)", [LEAGUE_ORG_KINDS, scope]
    cur.execute(f"SELECT u.id, u.name, u.kind, u.cooperative_ids, {league_members_under_sql('u')}"
                " FROM units u WHERE u.status = 'active' AND u.kind = ANY(%s)"
                f" AND NOT ({constituted_sql('u')})" + where + " ORDER BY u.name, u.id", args)
    return [{"unit_id": uid, "name": name, "kind": kind, "cooperative_ids": coops,
             "league_members": n, "status": "not_constituted", "status_label": "未达组建条件"}
            for uid, name, kind, coops, n in cur.fetchall()]


def scoped_cooperative_ids(cur, scope: list[str]) -> list[str]:
    """Cooperatives covered by a unit the caller may see."""
    cur.execute("SELECT DISTINCT jsonb_array_elements_text(cooperative_ids) FROM units"
                " WHERE id = ANY(%s)", (scope,))
    return [r[0] for r in cur.fetchall()]
