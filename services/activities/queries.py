"""Read-side SQL of the activities service: read-model rows -> JSON-safe dicts and domain facts.

Unit scope: `scope` is the list of unit ids a caller may see (None = everything). Objects of
units outside it are filtered out of lists and answer NotFound when asked for directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from eventkit import clock, pagination, validation
from eventkit.errors import InvalidInput, NotFound
from eventkit.nameko_ext import jsonable
from services.activities.domain._common import iso_local
from services.activities.domain.activity import ActivityFacts
from services.activities.domain.meetings import MeetingFacts, chaired
from services.activities.domain.units import UnitInfo
from services.activities.tracked import known_cooperatives

Scope = validation.Scope


in_scope = validation.in_scope


def _rows(cur, columns: Sequence[str]) -> list[dict[str, Any]]:
    return [dict(zip(columns, r, strict=True)) for r in cur.fetchall()]


# the kernel's county clock
today = clock.today
now = clock.now


# keyset pages ordered by (sort key, id): the kernel's one paging helper
fetch_page = pagination.fetch_sorted
page_of = pagination.sorted_page


# -- known units and members (tracked from org) --------------------------------------------

UNIT_COLUMNS = ("id", "name", "kind", "parent_id", "professional_committee_id", "industry",
                "township", "created_on", "dissolved_on", "status", "merged_into", "founded_on")


def unit_info(row: dict[str, Any]) -> UnitInfo:
    return UnitInfo(id=row["id"], kind=row["kind"], name=row["name"],
                    created_on=row["created_on"], dissolved_on=row["dissolved_on"],
                    parent_id=row["parent_id"],
                    professional_committee_id=row["professional_committee_id"],
                    township=row["township"],
                    founding_required=row["kind"] == "working_committee",
                    founded_on=row["founded_on"])


def known_units(cur, scope: Scope = None, ids: Sequence[str] | None = None
                ) -> list[dict[str, Any]]:
    where: list[str] = []
    args: list[Any] = []
    if scope is not None:
        where.append("id = ANY(%s)")
        args.append(list(scope))
    if ids is not None:
        where.append("id = ANY(%s)")
        args.append(list(ids))
    sql = f"SELECT {', '.join(UNIT_COLUMNS)} FROM known_units"
    if where:
        sql += " WHERE " + " AND ".join(where)
    cur.execute(sql + " ORDER BY id", args)
    return _rows(cur, UNIT_COLUMNS)


def known_unit(cur, unit_id: str, scope: Scope = None) -> dict[str, Any]:
    """The unit, or NotFound when unknown or outside the scope."""
    rows = known_units(cur, scope, [unit_id])
    if not rows:
        raise NotFound(f"unit {unit_id} not found")
    return rows[0]


def active_unit_ids(cur, unit_ids: Iterable[str], scope: Scope = None) -> set[str]:
    """Those of `unit_ids` that are known and active (and inside the scope)."""
    ids = [u for u in unit_ids if scope is None or u in scope]
    cur.execute("SELECT id FROM known_units WHERE id = ANY(%s) AND status = 'active'", (ids,))
    return {r[0] for r in cur.fetchall()}


def active_member_unit_ids(cur, unit_ids: Iterable[str]) -> set[str]:
    """Those of `unit_ids` that are member units (departments) still on the committee.
    Departments sit outside the League tree, so no unit scope applies to them."""
    cur.execute("SELECT id FROM known_member_units WHERE id = ANY(%s) AND status = 'active'",
                (list(unit_ids),))
    return {r[0] for r in cur.fetchall()}


def require_active_unit(cur, field: str, unit_id: str, scope: Scope = None) -> dict[str, Any]:
    """A unit named in a body: unknown, ended or outside the scope is 422 on that field."""
    rows = known_units(cur, scope, [unit_id])
    if not rows or rows[0]["status"] != "active":
        raise InvalidInput(f"{field}: unknown or dissolved unit {unit_id}",
                           {"errors": {field: [f"unknown or dissolved unit: {unit_id}"]},
                            "unknown_unit_ids": [unit_id]})
    return rows[0]


def attending_member_ids(cur, member_ids: Iterable[str], on: dt.date) -> set[str]:
    """Those of `member_ids` who could attend on `on`: known to activities, active (or left /
    aged out only after that day), in a unit that had not been dissolved or merged by then."""
    cur.execute(
        "SELECT m.id FROM known_members m JOIN known_units u ON u.id = m.unit_id"
        " WHERE m.id = ANY(%s) AND (m.status = 'active' OR m.status_since > %s)"
        " AND (u.dissolved_on IS NULL OR u.dissolved_on >= %s) AND u.created_on <= %s",
        (list(member_ids), on, on, on))
    return {r[0] for r in cur.fetchall()}


def committee_people_on(cur, person_ids: Iterable[str], unit_id: str, on: dt.date) -> set[str]:
    """Those of `person_ids` in a post of the working committee whose root unit is `unit_id`
    on `on` (issue 12: they attend its meetings though most are not org members)."""
    cur.execute(
        "SELECT DISTINCT person_id FROM known_committee_people WHERE committee_id = %s"
        " AND person_id = ANY(%s) AND appointed_on <= %s"
        " AND (removed_on IS NULL OR removed_on > %s)", (unit_id, list(person_ids), on, on))
    return {r[0] for r in cur.fetchall()}


_COMMITTEE_ROLE_ORDER = ("secretary", "deputy_secretary", "committee_member")
_HEAD_POSTS = ("branch_secretary",)


def attendee_roles(cur, member_ids: Iterable[str], unit_id: str, on: dt.date) -> dict[str, str]:
    """Each attendee's role at a meeting of `unit_id` on `on` (issue 12): the working
    committee's people (its root unit has the committee's id) in their post that day; a
    member holding a branch secretary's post heads a League organization. Members without
    either are left out (they attend as members)."""
    ids = list(member_ids)
    roles: dict[str, str] = {}
    cur.execute(
        "SELECT p.member_id FROM known_member_posts p JOIN known_units u ON u.id = p.unit_id"
        " WHERE p.member_id = ANY(%s) AND p.role = ANY(%s) AND p.start_on <= %s"
        " AND (p.end_on IS NULL OR p.end_on > %s)", (ids, list(_HEAD_POSTS), on, on))
    for (member_id,) in cur.fetchall():
        roles[member_id] = "league_organization_head"
    cur.execute(
        "SELECT person_id, role FROM known_committee_people WHERE committee_id = %s"
        " AND person_id = ANY(%s) AND appointed_on <= %s"
        " AND (removed_on IS NULL OR removed_on > %s)", (unit_id, ids, on, on))
    posts: dict[str, list[str]] = {}
    for person_id, role in cur.fetchall():
        posts.setdefault(person_id, []).append(role)
    for person_id, held in posts.items():
        roles[person_id] = min(held, key=_COMMITTEE_ROLE_ORDER.index)
    return roles


# -- activities ----------------------------------------------------------------------------

ACTIVITY_COLUMNS = (
    "id", "status", "kind", "title", "organizer_unit_ids", "co_organizer_unit_ids",
    "starts_at", "ends_at", "venue", "audience", "expected_attendance", "budget_fen",
    "work_menu_item_id", "unified_activity_id", "registered_member_ids",
    "checked_in_member_ids", "held_on", "attendee_member_ids", "summary", "outcome_figures",
    "cancel_reason", "planned_at", "updated_at", "version",
)
ACTIVITY_SELECT = f"SELECT {', '.join(ACTIVITY_COLUMNS)} FROM activities"


def activity_dict(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["starts_at"] = iso_local(row["starts_at"])
    out["ends_at"] = iso_local(row["ends_at"])
    out["attendance"] = len(row["attendee_member_ids"])
    out["outcome_figures"] = row["outcome_figures"] or {}
    return jsonable(out)  # type: ignore[no-any-return]


def activity_facts(row: dict[str, Any]) -> ActivityFacts:
    return ActivityFacts(
        activity_id=row["id"], status=row["status"], kind=row["kind"], title=row["title"],
        organizer_unit_ids=tuple(row["organizer_unit_ids"]),
        co_organizer_unit_ids=tuple(row["co_organizer_unit_ids"]),
        starts_at=row["starts_at"], ends_at=row["ends_at"], venue=row["venue"],
        held_on=row["held_on"], attendee_member_ids=tuple(row["attendee_member_ids"]),
        work_menu_item_id=row["work_menu_item_id"],
        unified_activity_id=row["unified_activity_id"], summary=row["summary"] or "",
        outcome_figures=row["outcome_figures"] or {},
    )


def activity_row(cur, activity_id: str, scope: Scope = None) -> dict[str, Any]:
    cur.execute(ACTIVITY_SELECT + " WHERE id = %s", (activity_id,))
    rows = _rows(cur, ACTIVITY_COLUMNS)
    if not rows or not in_scope(scope, rows[0]["organizer_unit_ids"]
                                + rows[0]["co_organizer_unit_ids"]):
        raise NotFound(f"activity {activity_id} not found")
    return rows[0]


def activity_rows(cur, filters: dict[str, Any], scope: Scope = None,
                  extra: Sequence[tuple[str, Any]] = ()) -> tuple[list[str], list[Any]]:
    """WHERE clauses and arguments for activity filters."""
    where: list[str] = []
    args: list[Any] = []
    if scope is not None:
        where.append("unit_ids && %s::text[]")
        args.append(list(scope))
    if filters.get("unit_id"):
        where.append("%s = ANY(unit_ids)")
        args.append(filters["unit_id"])
    for key in ("kind", "status", "work_menu_item_id", "unified_activity_id"):
        if filters.get(key):
            where.append(f"{key} = %s")
            args.append(filters[key])
    local_start = "(starts_at AT TIME ZONE 'Asia/Shanghai')::date"
    if filters.get("year"):
        where.append(f"extract(year FROM {local_start}) = %s")
        args.append(int(filters["year"]))
    if filters.get("date_from"):
        where.append(f"{local_start} >= %s")
        args.append(filters["date_from"])
    if filters.get("date_to"):
        where.append(f"{local_start} <= %s")
        args.append(filters["date_to"])
    for clause, arg in extra:
        where.append(clause)
        args.append(arg)
    return where, args


def list_activities(cur, filters: dict[str, Any], limit: int, cursor: str | None,
                    scope: Scope) -> dict[str, Any]:
    where, args = activity_rows(cur, filters, scope)
    rows, keys = fetch_page(
        cur, "activities", ACTIVITY_COLUMNS,
        "to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')",
        where, args, cursor, limit)
    return page_of([activity_dict(r) for r in rows], keys, limit)


def held_activity_facts(cur, date_from: dt.date, date_to: dt.date, scope: Scope,
                        unit_id: str | None = None, kind: str | None = None
                        ) -> list[ActivityFacts]:
    where = ["status = 'held'", "held_on BETWEEN %s AND %s"]
    args: list[Any] = [date_from, date_to]
    if scope is not None:
        where.append("unit_ids && %s::text[]")
        args.append(list(scope))
    if unit_id:
        where.append("%s = ANY(unit_ids)")
        args.append(unit_id)
    if kind:
        where.append("kind = %s")
        args.append(kind)
    cur.execute(ACTIVITY_SELECT + " WHERE " + " AND ".join(where) + " ORDER BY held_on, id",
                args)
    return [activity_facts(r) for r in _rows(cur, ACTIVITY_COLUMNS)]


# -- meetings ------------------------------------------------------------------------------

MEETING_COLUMNS = (
    "id", "meeting_type", "unit_id", "held_on", "held_at", "attendee_member_ids", "absentees",
    "topics", "resolutions", "minutes", "status", "retract_reason", "recorded_at", "updated_at",
    "version", "attendance",
)
MEETING_SELECT = f"SELECT {', '.join(MEETING_COLUMNS)} FROM meetings"


def meeting_dict(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["chaired"] = chaired(a["role"] for a in row["attendance"])
    if row["held_at"] is not None:
        out["held_at"] = iso_local(row["held_at"])
    return jsonable(out)  # type: ignore[no-any-return]


def meeting_row(cur, meeting_id: str, scope: Scope = None) -> dict[str, Any]:
    cur.execute(MEETING_SELECT + " WHERE id = %s", (meeting_id,))
    rows = _rows(cur, MEETING_COLUMNS)
    if not rows or not in_scope(scope, [rows[0]["unit_id"]]):
        raise NotFound(f"meeting {meeting_id} not found")
    return rows[0]


def list_meetings(cur, filters: dict[str, Any], limit: int, cursor: str | None,
                  scope: Scope) -> dict[str, Any]:
    where: list[str] = []
    args: list[Any] = []
    if scope is not None:
        where.append("unit_id = ANY(%s)")
        args.append(list(scope))
    for key in ("unit_id", "meeting_type", "status"):
        if filters.get(key):
            where.append(f"{key} = %s")
            args.append(filters[key])
    if filters.get("date_from"):
        where.append("held_on >= %s")
        args.append(filters["date_from"])
    if filters.get("date_to"):
        where.append("held_on <= %s")
        args.append(filters["date_to"])
    rows, keys = fetch_page(cur, "meetings", MEETING_COLUMNS, "held_on::text", where, args,
                            cursor, limit)
    return page_of([meeting_dict(r) for r in rows], keys, limit)


def meeting_facts(cur, unit_ids: Sequence[str], date_from: dt.date, date_to: dt.date
                  ) -> list[MeetingFacts]:
    """Recorded (not retracted) meetings of `unit_ids` held between the two dates."""
    cur.execute("SELECT id, unit_id, meeting_type, held_on, attendance FROM meetings"
                " WHERE status = 'recorded' AND unit_id = ANY(%s) AND held_on BETWEEN %s AND %s",
                (list(unit_ids), date_from, date_to))
    return [MeetingFacts(r[0], r[1], r[2], r[3], chaired(a["role"] for a in r[4]))
            for r in cur.fetchall()]


# -- unified activities --------------------------------------------------------------------

UNIFIED_COLUMNS = ("id", "title", "kind", "description", "window_start", "window_end",
                   "issued_on", "work_menu_item_id", "status", "closed_on", "version")
PART_COLUMNS = ("unified_activity_id", "unit_id", "status", "activity_ids", "held_on", "excuse")


def completion(parts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    owed = [p for p in parts if p["status"] != "excused"]
    held = sum(1 for p in owed if p["status"] == "held")
    return {"owed": len(owed), "held": held, "rate": held / len(owed) if owed else None}


def unified_dicts(cur, rows: list[dict[str, Any]], scope: Scope) -> list[dict[str, Any]]:
    """Unified activities with their parts (only the parts inside the scope) and completion."""
    if not rows:
        return []
    cur.execute(f"SELECT {', '.join(PART_COLUMNS)} FROM unified_activity_parts"
                " WHERE unified_activity_id = ANY(%s) ORDER BY unit_id",
                ([r["id"] for r in rows],))
    parts: dict[str, list[dict[str, Any]]] = {}
    for part in _rows(cur, PART_COLUMNS):
        if scope is None or part["unit_id"] in scope:
            parts.setdefault(part.pop("unified_activity_id"), []).append(part)
    out = []
    for row in rows:
        mine = parts.get(row["id"], [])
        for part in mine:
            part["late"] = part["held_on"] is not None and part["held_on"] > row["window_end"]
        out.append(jsonable({**row, "parts": mine, "completion": completion(mine)}))
    return out


def unified_row(cur, unified_id: str, scope: Scope = None) -> dict[str, Any]:
    cur.execute(f"SELECT {', '.join(UNIFIED_COLUMNS)} FROM unified_activities WHERE id = %s",
                (unified_id,))
    rows = _rows(cur, UNIFIED_COLUMNS)
    if rows and scope is not None:
        cur.execute("SELECT 1 FROM unified_activity_parts WHERE unified_activity_id = %s"
                    " AND unit_id = ANY(%s)", (unified_id, list(scope)))
        if cur.fetchone() is None:
            rows = []
    if not rows:
        raise NotFound(f"unified activity {unified_id} not found")
    return rows[0]


def list_unified(cur, filters: dict[str, Any], limit: int, cursor: str | None,
                 scope: Scope) -> dict[str, Any]:
    where: list[str] = []
    args: list[Any] = []
    if scope is not None:
        where.append("EXISTS (SELECT 1 FROM unified_activity_parts p WHERE"
                     " p.unified_activity_id = u.id AND p.unit_id = ANY(%s))")
        args.append(list(scope))
    if filters.get("unit_id"):
        where.append("EXISTS (SELECT 1 FROM unified_activity_parts p WHERE"
                     " p.unified_activity_id = u.id AND p.unit_id = %s)")
        args.append(filters["unit_id"])
    if filters.get("year"):
        where.append("extract(year FROM window_start) = %s")
        args.append(int(filters["year"]))
    if filters.get("status"):
        where.append("status = %s")
        args.append(filters["status"])
    rows, keys = fetch_page(cur, "unified_activities u", UNIFIED_COLUMNS, "window_start::text",
                            where, args, cursor, limit)
    return page_of(unified_dicts(cur, rows, scope), keys, limit)


def unified_completion(cur, year: int | None, scope: Scope) -> dict[str, Any]:
    where: list[str] = []
    args: list[Any] = []
    if year:
        where.append("extract(year FROM u.window_start) = %s")
        args.append(year)
    if scope is not None:
        where.append("p.unit_id = ANY(%s)")
        args.append(list(scope))
    cur.execute("SELECT p.unit_id, p.status FROM unified_activity_parts p"
                " JOIN unified_activities u ON u.id = p.unified_activity_id"
                + (" WHERE " + " AND ".join(where) if where else ""), args)
    parts = [{"unit_id": r[0], "status": r[1]} for r in cur.fetchall()]
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for part in parts:
        by_unit.setdefault(part["unit_id"], []).append(part)
    return {
        "year": year,
        "overall": completion(parts),
        "by_unit": {u: completion(ps) for u, ps in sorted(by_unit.items())
                    if completion(ps)["owed"]},
    }


# -- work menus ----------------------------------------------------------------------------

MENU_COLUMNS = ("id", "year", "title", "status", "published_on", "version")
ITEM_COLUMNS = ("item_id", "title", "kind", "description", "suggested_months", "withdrawn",
                "withdraw_reason")


def menu_dict(cur, menu_id: str, scope: Scope = None) -> dict[str, Any]:
    cur.execute(f"SELECT {', '.join(MENU_COLUMNS)} FROM work_menus WHERE id = %s", (menu_id,))
    rows = _rows(cur, MENU_COLUMNS)
    if not rows:
        raise NotFound(f"work menu {menu_id} not found")
    menu = rows[0]
    cur.execute(f"SELECT {', '.join(ITEM_COLUMNS)} FROM work_menu_items WHERE menu_id = %s"
                " ORDER BY title, item_id", (menu_id,))
    menu["items"] = _rows(cur, ITEM_COLUMNS)
    cur.execute("SELECT unit_id, item_id, adopted_on FROM work_menu_adoptions WHERE menu_id = %s"
                + (" AND unit_id = ANY(%s)" if scope is not None else "")
                + " ORDER BY unit_id, item_id",
                (menu_id, list(scope)) if scope is not None else (menu_id,))
    menu["adoptions"] = _rows(cur, ("unit_id", "item_id", "adopted_on"))
    return jsonable(menu)  # type: ignore[no-any-return]


def list_menus(cur, filters: dict[str, Any], limit: int, cursor: str | None,
               scope: Scope) -> dict[str, Any]:
    """Work menus are county-wide: everyone sees them; adoptions are filtered to the scope."""
    where: list[str] = []
    args: list[Any] = []
    if filters.get("year"):
        where.append("year = %s")
        args.append(int(filters["year"]))
    if filters.get("status"):
        where.append("status = %s")
        args.append(filters["status"])
    rows, keys = fetch_page(cur, "work_menus", ("id",), "lpad(year::text, 4, '0')", where, args,
                            cursor, limit)
    return page_of([menu_dict(cur, r["id"], scope) for r in rows], keys, limit)


def item_menu(cur, item_id: str) -> tuple[str, str, bool] | None:
    """(menu id, menu status, withdrawn) of a work-menu item (usable: `item_usable`)."""
    cur.execute("SELECT i.menu_id, m.status, i.withdrawn"
                " FROM work_menu_items i JOIN work_menus m ON m.id = i.menu_id"
                " WHERE i.item_id = %s", (item_id,))
    row = cur.fetchone()
    return (row[0], row[1], bool(row[2])) if row else None


def known_cooperative(cur, coop_id: str) -> dict[str, Any] | None:
    """A cooperative as this service learnt it from org's events (None: not yet)."""
    return known_cooperatives.get(cur, coop_id)


def calendar_activities(cur, unit_id: str, since: dt.datetime) -> list[dict[str, Any]]:
    """A unit's activities not yet held, starting from `since` (its calendar feed)."""
    cur.execute(ACTIVITY_SELECT + " WHERE %s = ANY(unit_ids) AND status <> 'held'"
                " AND starts_at >= %s ORDER BY starts_at, id", (unit_id, since))
    return [dict(zip(ACTIVITY_COLUMNS, r, strict=True)) for r in cur.fetchall()]
