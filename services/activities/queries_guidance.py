"""Read-side SQL of supervision visits and WeChat groups (the channels of guidance)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventkit.errors import NotFound
from eventkit.nameko_ext import jsonable
from services.activities.queries import (
    Scope,
    _rows,
    fetch_page,
    in_scope,
    page_of,
)

# -- supervision visits --------------------------------------------------------------------

VISIT_COLUMNS = ("id", "visitor", "unit_id", "visited_on", "findings", "version")
ACTION_COLUMNS = ("visit_id", "action_id", "description", "due_on", "closed_on", "note")


def visit_dicts(cur, rows: list[dict[str, Any]], day: dt.date) -> list[dict[str, Any]]:
    if not rows:
        return []
    cur.execute(f"SELECT {', '.join(ACTION_COLUMNS)} FROM supervision_actions"
                " WHERE visit_id = ANY(%s) ORDER BY due_on NULLS LAST, action_id",
                ([r["id"] for r in rows],))
    actions: dict[str, list[dict[str, Any]]] = {}
    for action in _rows(cur, ACTION_COLUMNS):
        action["overdue"] = (action["closed_on"] is None and action["due_on"] is not None
                             and action["due_on"] < day)
        actions.setdefault(action.pop("visit_id"), []).append(action)
    out = []
    for row in rows:
        mine = actions.get(row["id"], [])
        still_open = sum(1 for a in mine if a["closed_on"] is None)
        out.append(jsonable({**row, "actions": mine, "open_actions": still_open,
                             "fully_closed": still_open == 0}))
    return out


def visit_row(cur, visit_id: str, scope: Scope = None) -> dict[str, Any]:
    cur.execute(f"SELECT {', '.join(VISIT_COLUMNS)} FROM supervision_visits WHERE id = %s",
                (visit_id,))
    rows = _rows(cur, VISIT_COLUMNS)
    if not rows or not in_scope(scope, [rows[0]["unit_id"]]):
        raise NotFound(f"supervision visit {visit_id} not found")
    return rows[0]


def list_visits(cur, filters: dict[str, Any], limit: int, cursor: str | None, scope: Scope,
                day: dt.date) -> dict[str, Any]:
    where: list[str] = []
    args: list[Any] = []
    if scope is not None:
        where.append("unit_id = ANY(%s)")
        args.append(list(scope))
    if filters.get("unit_id"):
        where.append("unit_id = %s")
        args.append(filters["unit_id"])
    if filters.get("open") is not None:
        exists = ("EXISTS (SELECT 1 FROM supervision_actions a WHERE a.visit_id = v.id"
                  " AND a.closed_on IS NULL)")
        where.append(exists if filters["open"] else "NOT " + exists)
    rows, keys = fetch_page(cur, "supervision_visits v", VISIT_COLUMNS, "visited_on::text",
                            where, args, cursor, limit)
    return page_of(visit_dicts(cur, rows, day), keys, limit)


# -- WeChat groups -------------------------------------------------------------------------

GROUP_COLUMNS = ("id", "unit_id", "name", "admin_name", "admin_member_id", "member_count",
                 "member_count_as_of", "status", "closed_on", "close_reason", "registered_at",
                 "updated_at", "version")
GROUP_SELECT = f"SELECT {', '.join(GROUP_COLUMNS)} FROM wechat_groups"


def group_row(cur, group_id: str, scope: Scope = None) -> dict[str, Any]:
    cur.execute(GROUP_SELECT + " WHERE id = %s", (group_id,))
    rows = _rows(cur, GROUP_COLUMNS)
    if not rows or not in_scope(scope, [rows[0]["unit_id"]]):
        raise NotFound(f"WeChat group {group_id} not found")
    return jsonable(rows[0])  # type: ignore[no-any-return]


def list_groups(cur, filters: dict[str, Any], limit: int, cursor: str | None,
                scope: Scope) -> dict[str, Any]:
    where: list[str] = []
    args: list[Any] = []
    if scope is not None:
        where.append("unit_id = ANY(%s)")
        args.append(list(scope))
    for key in ("unit_id", "status"):
        if filters.get(key):
            where.append(f"{key} = %s")
            args.append(filters[key])
    rows, keys = fetch_page(cur, "wechat_groups", GROUP_COLUMNS, "unit_id", where, args, cursor,
                            limit)
    return page_of([jsonable(r) for r in rows], keys, limit)

