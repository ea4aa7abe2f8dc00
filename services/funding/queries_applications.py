"""Read-model queries of young entrepreneurs and credit applications (funding)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventkit.errors import InvalidInput, NotFound
from eventkit.identifiers import mask
from services.funding.domain.applications import DUE_STEP, age_on
from services.funding.queries import one, scope_clause, today

ENTREPRENEUR_SELECT = (
    "SELECT e.id, e.name, e.id_last4, e.birth_date, e.phone, e.cooperative_id, e.unit_id,"
    " e.registered_on, (SELECT count(*) FROM credit_applications a"
    " WHERE a.entrepreneur_id = e.id) AS applications FROM credit_entrepreneurs e")

APPLICATION_SELECT = (
    "SELECT a.id, a.entrepreneur_id, e.name AS applicant_name, a.partner_id, a.unit_id,"
    " a.cooperative_id, a.amount_fen, a.term_months, a.purpose, a.status, a.submitted_on,"
    " a.precheck_outcome, a.prechecked_on, a.precheck_note, a.recommended_by_unit,"
    " a.recommended_on, a.recommendation_note, a.sent_on, a.grant_key, a.granted_fen,"
    " a.granted_at, a.granted_on, a.refusal_reason, a.refused_at, a.refused_on, a.updated_at,"
    " coalesce((SELECT sum(l.amount_fen) FROM credit_loans l WHERE l.grant_key = a.grant_key),"
    " 0) AS disbursed_fen"
    " FROM credit_applications a LEFT JOIN credit_entrepreneurs e ON e.id = a.entrepreneur_id")


def entrepreneur_row(r: dict[str, Any]) -> dict[str, Any]:
    last4 = r.pop("id_last4")
    birth = r.get("birth_date")
    r["id_number_masked"] = mask("*" * 14 + last4) if last4 and len(last4) == 4 else last4
    r["phone_masked"] = mask(r.pop("phone"))
    r["age"] = age_on(dt.date.fromisoformat(birth), today()) if birth else None
    return r


def application_row(r: dict[str, Any]) -> dict[str, Any]:
    r["due_step"] = DUE_STEP.get(r["status"])
    r["disbursed_fen"] = int(r["disbursed_fen"] or 0)
    return r


def get_entrepreneur(cur, entrepreneur_id: str, scope: list[str] | None) -> dict[str, Any]:
    cur.execute(ENTREPRENEUR_SELECT + " WHERE e.id = %s", (entrepreneur_id,))
    found = one(cur)
    if found is None or (scope is not None and found["unit_id"] not in scope):
        raise NotFound(f"young entrepreneur {entrepreneur_id} not found")
    return entrepreneur_row(found)


def get_application(cur, application_id: str, scope: list[str] | None) -> dict[str, Any]:
    cur.execute(APPLICATION_SELECT + " WHERE a.id = %s", (application_id,))
    found = one(cur)
    if found is None or (scope is not None and found["unit_id"] not in scope):
        raise NotFound(f"credit application {application_id} not found")
    return application_row(found)


def application_filters(filters: dict[str, Any], scope: list[str] | None,
                        after: str) -> tuple[str, list[Any]]:
    where, args = ["a.id > %s"], [after]
    for name in ("status", "partner_id", "unit_id", "entrepreneur_id", "cooperative_id"):
        if filters.get(name):
            where.append(f"a.{name} = %s")
            args.append(filters[name])
    if filters.get("month"):
        where.append("to_char(a.submitted_on, 'YYYY-MM') = %s")
        args.append(filters["month"])
    extra, extra_args = scope_clause("a.unit_id", scope)
    return " WHERE " + " AND ".join(where) + extra, [*args, *extra_args]


_FIGURES = ("applications", "granted", "granted_fen", "refused", "awaiting_answer", "loans",
            "disbursed_fen")


def monthly_figures(cur, month: str, partner_id: str | None,
                    scope: list[str] | None) -> dict[str, Any]:
    """Per bank, for one month (county dates): applications sent to it, granted (count and
    fen, by the grant's date), refused, sent in the month and not answered yet, and the loans
    disbursed in the month under grants that answer an application."""
    try:
        start = dt.date.fromisoformat(month + "-01")
        stop = (start + dt.timedelta(days=32)).replace(day=1)
    except (TypeError, ValueError, OverflowError):
        raise InvalidInput.field("month", "must be a month as YYYY-MM") from None
    params: dict[str, Any] = {"start": start, "stop": stop}
    cond = "true"
    if partner_id:
        cond += " AND a.partner_id = %(partner)s"
        params["partner"] = partner_id
    if scope is not None:
        cond += " AND a.unit_id = ANY(%(scope)s)"
        params["scope"] = list(scope)
    cur.execute(
        f"""
        SELECT a.partner_id,
            count(*) FILTER (WHERE a.sent_on >= %(start)s AND a.sent_on < %(stop)s),
            count(*) FILTER (WHERE a.granted_on >= %(start)s AND a.granted_on < %(stop)s),
            coalesce(sum(a.granted_fen) FILTER (WHERE a.granted_on >= %(start)s
                                                  AND a.granted_on < %(stop)s), 0),
            count(*) FILTER (WHERE a.refused_on >= %(start)s AND a.refused_on < %(stop)s),
            count(*) FILTER (WHERE a.status = 'sent' AND a.sent_on >= %(start)s
                               AND a.sent_on < %(stop)s)
        FROM credit_applications a WHERE a.sent_on IS NOT NULL AND {cond}
        GROUP BY a.partner_id
        """,
        params)
    figures: dict[str, dict[str, int]] = {}
    for partner, *values in cur.fetchall():
        figures[partner] = dict(zip(_FIGURES[:5], (int(v) for v in values), strict=True))
    cur.execute(
        f"""
        SELECT a.partner_id, count(*), coalesce(sum(l.amount_fen), 0)
        FROM credit_loans l JOIN credit_applications a ON a.grant_key = l.grant_key
        WHERE l.disbursed_on >= %(start)s AND l.disbursed_on < %(stop)s
          AND {cond}
        GROUP BY a.partner_id
        """,
        params)
    for partner, loans, disbursed in cur.fetchall():
        row = figures.setdefault(partner, dict.fromkeys(_FIGURES[:5], 0))
        row.update(loans=int(loans), disbursed_fen=int(disbursed))
    names: dict[str, str] = {}
    if figures:
        cur.execute("SELECT id, name FROM partners WHERE id = ANY(%s)", (list(figures),))
        names = dict(cur.fetchall())
    out = []
    for partner in sorted(figures):
        row = {**dict.fromkeys(_FIGURES, 0), **figures[partner]}
        out.append({"partner_id": partner, "partner_name": names.get(partner), **row})
    total = {k: sum(r[k] for r in out) for k in _FIGURES}
    return {"month": month, "rows": out, "total": total}

