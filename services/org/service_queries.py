"""Read-model queries of the service requests (issue 12 part 6)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventkit import pagination
from eventkit.errors import InvalidInput
from eventkit.nameko_ext import jsonable
from services.org.domain.service_request import (
    DEPARTMENT_LABELS,
    KIND_LABELS,
    OPEN_STATUSES,
    OUTCOME_LABELS,
    STATUS_LABELS,
    days_overdue,
    is_overdue,
)
from services.org.queries import scoped_cooperative_ids

COLUMNS = ("id", "unit_id", "kind", "department", "cooperative_id", "entrepreneur_id",
           "entrepreneur_name", "title", "description", "status", "submitted_on", "due_on",
           "accepted_on", "answered_on", "answer", "outcome", "answered_late", "activity_id",
           "closed_on", "close_note", "policy_version", "version")
SELECT = ("SELECT " + ", ".join(f"r.{c}" for c in COLUMNS) + ", c.name AS cooperative_name"
          " FROM service_requests r LEFT JOIN cooperatives c ON c.id = r.cooperative_id")


def view(row: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    """A request as the API shows it: codes with their zh-CN labels, overdue as of a day."""
    overdue = is_overdue(row["status"], row["due_on"], as_of)
    out = jsonable(row)
    out.update(kind_label=KIND_LABELS[row["kind"]],
               department_label=DEPARTMENT_LABELS[row["department"]],
               status_label=STATUS_LABELS[row["status"]] + ("（逾期）" if overdue else ""),
               outcome_label=OUTCOME_LABELS.get(row["outcome"] or ""), overdue=overdue)
    return out


def _rows(cur) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def scope_condition(cur, scope: list[str] | None) -> tuple[str, list[Any]]:
    """Requests a scoped caller sees: asked by a unit in scope, or for a cooperative a unit
    in scope covers."""
    if scope is None:
        return "TRUE", []
    return ("(r.unit_id = ANY(%s) OR r.cooperative_id = ANY(%s))",
            [scope, scoped_cooperative_ids(cur, scope)])


def load(cur, request_id: str, scope: list[str] | None, as_of: dt.date) -> dict | None:
    cond, args = scope_condition(cur, scope)
    cur.execute(SELECT + f" WHERE r.id = %s AND {cond}", (request_id, *args))
    rows = _rows(cur)
    return view(rows[0], as_of) if rows else None


def list_page(cur, filters: dict[str, Any], limit: int, cursor: str | None,
              scope: list[str] | None, as_of: dt.date) -> dict[str, Any]:
    """Ordered by due day (the most urgent first), then id."""
    cond, args = scope_condition(cur, scope)
    where, params = [cond], list(args)
    for key in ("status", "kind", "department", "unit_id", "cooperative_id"):
        if filters.get(key):
            where.append(f"r.{key} = %s")
            params.append(filters[key])
    if filters.get("overdue") is not None:
        where.append("(r.status = ANY(%s) AND r.due_on < %s)" if filters["overdue"]
                     else "NOT (r.status = ANY(%s) AND r.due_on < %s)")
        params += [sorted(OPEN_STATUSES), as_of]
    table = f"({SELECT}) r"
    # fetch_sorted selects from `table` with its own column list
    rows, keys = pagination.fetch_sorted(
        cur, table, (*COLUMNS, "cooperative_name"), "due_on::text",
        [w for w in where], params, cursor, limit)
    return pagination.sorted_page([view(r, as_of) for r in rows], keys, limit)


def overdue(cur, as_of: dt.date, department: str | None,
            scope: list[str] | None) -> list[dict[str, Any]]:
    """Requests not answered by their due day, per department (most overdue first)."""
    cond, args = scope_condition(cur, scope)
    sql = (SELECT + f" WHERE {cond} AND r.status = ANY(%s) AND r.due_on < %s")
    params = [*args, sorted(OPEN_STATUSES), as_of]
    if department:
        sql += " AND r.department = %s"
        params.append(department)
    cur.execute(sql + " ORDER BY r.department, r.due_on, r.id", params)
    by_department: dict[str, list[dict[str, Any]]] = {}
    for row in _rows(cur):
        by_department.setdefault(row["department"], []).append({
            "id": row["id"], "title": row["title"], "kind": row["kind"],
            "status": row["status"], "unit_id": row["unit_id"],
            "cooperative_id": row["cooperative_id"],
            "submitted_on": row["submitted_on"].isoformat(),
            "due_on": row["due_on"].isoformat(),
            "working_days_overdue": days_overdue(row["due_on"], as_of)})
    return [{"department": d, "department_label": DEPARTMENT_LABELS[d], "count": len(items),
             "items": items} for d, items in sorted(by_department.items())]


def summary(cur, column: str, value: str, scope: list[str] | None, as_of: dt.date,
            latest: int = 10) -> dict[str, Any]:
    """Counts by status, overdue, and the latest requests of a cooperative or department."""
    if column not in ("cooperative_id", "department"):
        raise InvalidInput.field("column", "cooperative_id or department")
    cond, args = scope_condition(cur, scope)
    cur.execute(f"SELECT r.status, count(*), count(*) FILTER (WHERE r.status = ANY(%s)"
                f" AND r.due_on < %s) FROM service_requests r WHERE r.{column} = %s AND {cond}"
                " GROUP BY r.status", (sorted(OPEN_STATUSES), as_of, value, *args))
    by_status = {s: 0 for s in STATUS_LABELS}
    overdue_count = 0
    for status, count, late in cur.fetchall():
        by_status[status] = count
        overdue_count += late
    cur.execute(SELECT + f" WHERE r.{column} = %s AND {cond}"
                " ORDER BY r.submitted_on DESC, r.id LIMIT %s", (value, *args, latest))
    return {"total": sum(by_status.values()), "by_status": by_status,
            "overdue": overdue_count, "latest": [view(r, as_of) for r in _rows(cur)]}


