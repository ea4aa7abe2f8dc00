"""Read-side SQL of members' part in organizational life and the dashboard's yearly counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.activities import queries as q
from services.activities.queries import Scope


def last_attendance(cur, member_ids: Sequence[str]) -> dict[str, str]:
    """The last day each member took part in organizational life: a recorded meeting or a
    held activity (issue 12: 自行脱团 needs it)."""
    cur.execute(
        "SELECT m, max(d)::text FROM ("
        " SELECT unnest(attendee_member_ids) AS m, held_on AS d FROM meetings"
        "  WHERE status = 'recorded' AND attendee_member_ids && %s"
        " UNION ALL SELECT unnest(attendee_member_ids), held_on FROM activities"
        "  WHERE held_on IS NOT NULL AND attendee_member_ids && %s) x"
        " WHERE m = ANY(%s) GROUP BY m", (list(member_ids),) * 3)
    return dict(cur.fetchall())


def activity_year_counts(cur, year: int, scope: Scope) -> dict[str, Any]:
    """The activities of `year` (county-local start date; held ones by held_on): planned,
    held, cancelled and the participants of the held ones."""
    where, args = q.activity_rows(cur, {}, scope)
    local_start = "(starts_at AT TIME ZONE 'Asia/Shanghai')::date"
    cur.execute(
        "SELECT"
        f" count(*) FILTER (WHERE status = 'planned' AND extract(year FROM {local_start})"
        " = %s),"
        " count(*) FILTER (WHERE status = 'held' AND extract(year FROM held_on) = %s),"
        f" count(*) FILTER (WHERE status = 'cancelled'"
        f" AND extract(year FROM {local_start}) = %s),"
        " coalesce(sum(cardinality(attendee_member_ids)) FILTER (WHERE status = 'held'"
        " AND extract(year FROM held_on) = %s), 0)"
        " FROM activities" + (" WHERE " + " AND ".join(where) if where else ""),
        (year, year, year, year, *args))
    planned, held, cancelled, participants = cur.fetchone()
    return {"year": year, "planned": planned, "held": held, "cancelled": cancelled,
            "participants": int(participants)}
