"""Read-model queries of the funding service (plain functions of a cursor)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventkit import clock, validation
from eventkit.errors import NotFound
from eventkit.nameko_ext import jsonable
from services.funding.contract.enums import CREDIT_GROUPS
from services.funding.domain.ledger import INCOME_SOURCES
from services.funding.tracked import known_cooperatives

# the kernel's county clock
today = clock.today


def this_month() -> str:
    d = today()
    return f"{d.year:04d}-{d.month:02d}"


def rows(cur, keys: list[str] | None = None) -> list[dict[str, Any]]:
    names = keys or [c.name for c in cur.description]
    return [jsonable(dict(zip(names, r, strict=True))) for r in cur.fetchall()]


def one(cur) -> dict[str, Any] | None:
    found = rows(cur)
    return found[0] if found else None


# ---- units and scope ------------------------------------------------------------------------
def require_unit(cur, unit_id: str, scope: list[str] | None) -> dict[str, Any]:
    """A unit funding knows (from org's events) and the caller may see, else 404."""
    validation.require_in_scope(unit_id, scope)
    cur.execute("SELECT id, name, kind, parent_id, township, status FROM known_units"
                " WHERE id = %s", (unit_id,))
    unit = one(cur)
    if unit is None:
        raise NotFound(f"unit {unit_id} not found (or not yet known to funding)",
                       {"unit_id": unit_id})
    return unit


scope_clause = validation.scope_clause


def require_member(cur, member_id: str, scope: list[str] | None) -> dict[str, Any]:
    """A member funding knows (from org's events) and the caller may see, else 404."""
    cur.execute("SELECT id, name, kind, unit_id, status FROM known_members WHERE id = %s",
                (member_id,))
    member = one(cur)
    if member is None or (scope is not None and member["unit_id"] not in scope):
        raise NotFound(f"member {member_id} not found (or not yet known to funding)",
                       {"member_id": member_id})
    return member


# ---- funds ----------------------------------------------------------------------------------
ENTRY_COLUMNS = [
    "entry_id", "unit_id", "type", "on_date", "amount_fen", "source", "earmark",
    "receipt_number", "pledge_id", "allocation_id", "activity_id", "reverses_entry_id",
    "reversed_by", "reason", "payer_name", "payer_uscc", "agreement_ref", "approved_by",
    "invoice_number", "description", "recorded_at",
]


def fund_entry(cur, entry_id: str) -> dict[str, Any]:
    cur.execute(f"SELECT {', '.join(ENTRY_COLUMNS)} FROM fund_entries WHERE entry_id = %s",
                (entry_id,))
    entry = one(cur)
    if entry is None:
        raise NotFound(f"fund entry {entry_id} not found")
    return entry


def fund_view(cur, unit_id: str) -> dict[str, Any]:
    cur.execute("SELECT earmark, coalesce(sum(available_fen), 0), coalesce(sum(cash_fen), 0)"
                " FROM fund_lines WHERE unit_id = %s GROUP BY earmark"
                " ORDER BY earmark NULLS FIRST", (unit_id,))
    earmarks = [{"earmark": r[0], "available_fen": int(r[1]), "cash_fen": int(r[2])}
                for r in cur.fetchall()]
    cur.execute("SELECT count(*) FROM fund_entries WHERE unit_id = %s", (unit_id,))
    entries = cur.fetchone()[0]
    cur.execute("SELECT name FROM known_units WHERE id = %s", (unit_id,))
    name = cur.fetchone()
    balance = sum(e["available_fen"] for e in earmarks)
    cash = sum(e["cash_fen"] for e in earmarks)
    return {"unit_id": unit_id, "unit_name": name[0] if name else None, "balance_fen": balance,
            "cash_fen": cash, "committed_fen": cash - balance, "earmarks": earmarks,
            "entries": entries}


def income_report(cur, filters: dict[str, Any], scope: list[str] | None) -> dict[str, Any]:
    where, args = ["l.kind = 'income'"], []
    if filters.get("year"):
        where.append("extract(year FROM l.on_date) = %s")
        args.append(int(filters["year"]))
    if filters.get("unit_id"):
        where.append("l.unit_id = %s")
        args.append(filters["unit_id"])
    if filters.get("source"):
        where.append("l.source = %s")
        args.append(filters["source"])
    extra, extra_args = scope_clause("l.unit_id", scope)
    cur.execute(
        "SELECT l.unit_id, u.name, extract(year FROM l.on_date)::int, l.source,"
        " sum(l.available_fen) FROM fund_lines l LEFT JOIN known_units u ON u.id = l.unit_id"
        " WHERE " + " AND ".join(where) + extra +
        " GROUP BY 1, 2, 3, 4 ORDER BY 3, 1, 4", (*args, *extra_args))
    out = [{"unit_id": r[0], "unit_name": r[1], "year": r[2], "source": r[3],
            "amount_fen": int(r[4])} for r in cur.fetchall()]
    by_source = dict.fromkeys(INCOME_SOURCES, 0)
    for row in out:
        by_source[row["source"]] = by_source.get(row["source"], 0) + row["amount_fen"]
    return {"rows": out, "total_fen": sum(by_source.values()), "by_source": by_source}


# ---- credit ---------------------------------------------------------------------------------
GRANT_COLUMNS = [
    "id", "partner_id", "grant_id", "status", "beneficiary_kind", "beneficiary_name", "uscc",
    "cooperative_id", "id_last4", "birth_year", "township", "industry", "unit_id",
    "amount_fen", "term_months", "annual_rate_bp", "guarantee", "purpose", "granted_at",
    "granted_on", "recommended_by_unit", "recommended_on", "loans", "disbursed_fen",
    "repaid_fen", "outstanding_fen", "overdue_fen", "held_events", "refused_events",
    "revoked_at", "revoke_reason", "updated_at",
]
GRANT_SELECT = "SELECT " + ", ".join(f"g.{c}" for c in GRANT_COLUMNS) + " FROM credit_grants g"


def beneficiary(row: dict[str, Any]) -> dict[str, Any]:
    last4 = row.pop("id_last4", None)
    return {
        "kind": row.pop("beneficiary_kind", None),
        "name": row.pop("beneficiary_name", None),
        "uscc": row.pop("uscc", None),
        "cooperative_id": row.pop("cooperative_id", None),
        # A resident id is kept only as a keyed hash and its last 4 characters.
        "id_number_masked": "*" * 14 + last4 if last4 else None,
        "birth_year": row.pop("birth_year", None),
    }


def grant_row(raw: dict[str, Any]) -> dict[str, Any]:
    row = dict(raw)
    row["beneficiary"] = beneficiary(row)
    return row


LOAN_COLUMNS = [
    "partner_id", "loan_id", "grant_key", "amount_fen", "disbursed_at", "disbursed_on",
    "maturity_date", "repaid_fen", "outstanding_fen", "overdue_fen", "overdue_as_of", "settled",
]
LOAN_SELECT = (
    "SELECT " + ", ".join(f"l.{c}" for c in LOAN_COLUMNS) +
    ", g.unit_id, g.township, g.beneficiary_kind, g.beneficiary_name, g.uscc,"
    " g.cooperative_id, g.id_last4, g.birth_year"
    " FROM credit_loans l JOIN credit_grants g ON g.id = l.grant_key"
)


def loan_row(raw: dict[str, Any]) -> dict[str, Any]:
    row = dict(raw)
    row["beneficiary"] = beneficiary(row)
    return row


GROUPS = {
    "partner": "g.partner_id",
    "township": "g.township",
    "industry": "g.industry",
    "unit": "g.unit_id",
    "month": "to_char(g.granted_on, 'YYYY-MM')",
    "guarantee": "g.guarantee",
    "beneficiary_kind": "g.beneficiary_kind",
}
assert tuple(GROUPS) == CREDIT_GROUPS  # the contract's codes, each with its SQL here
FIGURES = (
    "count(*), coalesce(sum(g.amount_fen), 0), coalesce(sum(g.loans), 0),"
    " coalesce(sum(g.disbursed_fen), 0), coalesce(sum(g.repaid_fen), 0),"
    " coalesce(sum(g.outstanding_fen), 0), coalesce(sum(g.overdue_fen), 0)"
)
FIGURE_KEYS = ["grants", "granted_fen", "loans", "disbursed_fen", "repaid_fen",
               "outstanding_fen", "overdue_fen"]


def grant_filters(filters: dict[str, Any], scope: list[str] | None) -> tuple[str, list[Any]]:
    where, args = ["g.granted_at IS NOT NULL"], []
    if filters.get("year"):
        where.append("extract(year FROM g.granted_on) = %s")
        args.append(int(filters["year"]))
    for key in ("partner_id", "township", "industry", "unit_id", "status", "guarantee"):
        if filters.get(key):
            where.append(f"g.{key} = %s")
            args.append(filters[key])
    if filters.get("beneficiary_kind"):
        where.append("g.beneficiary_kind = %s")
        args.append(filters["beneficiary_kind"])
    if filters.get("month"):
        where.append("to_char(g.granted_on, 'YYYY-MM') = %s")
        args.append(filters["month"])
    extra, extra_args = scope_clause("g.unit_id", scope)
    return " WHERE " + " AND ".join(where) + extra, [*args, *extra_args]


def credit_stats(cur, group_by: str, filters: dict[str, Any],
                 scope: list[str] | None) -> dict[str, Any]:
    key = GROUPS[group_by]
    where, args = grant_filters(filters, scope)
    cur.execute(f"SELECT {key} AS k, {FIGURES} FROM credit_grants g{where}"
                " GROUP BY k ORDER BY k NULLS LAST", args)
    out = []
    for r in cur.fetchall():
        out.append({"key": r[0], "label": r[0],
                    **{k: int(v) for k, v in zip(FIGURE_KEYS, r[1:], strict=True)}})
    if group_by in ("partner", "unit"):
        table = "partners" if group_by == "partner" else "known_units"
        keys = [r["key"] for r in out if r["key"]]
        if keys:
            cur.execute(f"SELECT id, name FROM {table} WHERE id = ANY(%s)", (keys,))
            names = dict(cur.fetchall())
            for row in out:
                row["label"] = names.get(row["key"], row["key"])
    cur.execute(f"SELECT {FIGURES} FROM credit_grants g{where}", args)
    total = {k: int(v) for k, v in zip(FIGURE_KEYS, cur.fetchone(), strict=True)}
    return {"group_by": group_by, "rows": out, "total": total}


def credit_totals(cur, filters: dict[str, Any], scope: list[str] | None) -> dict[str, Any]:
    where, args = grant_filters(filters, scope)
    cur.execute(f"SELECT {FIGURES} FROM credit_grants g{where}", args)
    return {k: int(v) for k, v in zip(FIGURE_KEYS, cur.fetchone(), strict=True)}


def young_entrepreneurs(cur, year: int | None, max_age: int,
                        scope: list[str] | None) -> dict[str, Any]:
    filters: dict[str, Any] = {"beneficiary_kind": "person"}
    if year:
        filters["year"] = year
    where, args = grant_filters(filters, scope)
    where += (" AND g.birth_year IS NOT NULL"
              " AND extract(year FROM g.granted_on) - g.birth_year <= %s")
    args.append(max_age)
    cur.execute("SELECT count(DISTINCT g.id_key), count(*), coalesce(sum(g.amount_fen), 0),"
                f" coalesce(sum(g.disbursed_fen), 0) FROM credit_grants g{where}", args)
    people, grants, granted, disbursed = cur.fetchone()
    cur.execute(f"SELECT to_char(g.granted_on, 'YYYY-MM'), count(*) FROM credit_grants g{where}"
                " GROUP BY 1 ORDER BY 1", args)
    by_month = {r[0]: int(r[1]) for r in cur.fetchall()}
    return {"year": year, "max_age": max_age, "people": int(people), "grants": int(grants),
            "granted_fen": int(granted), "disbursed_fen": int(disbursed), "by_month": by_month}


def dashboard(cur, scope: list[str] | None, year: int) -> dict[str, Any]:
    extra, extra_args = scope_clause("unit_id", scope)
    cur.execute("SELECT source, coalesce(sum(available_fen), 0) FROM fund_lines"
                " WHERE kind = 'income' AND extract(year FROM on_date) = %s" + extra +
                " GROUP BY source", (year, *extra_args))
    income = dict.fromkeys(INCOME_SOURCES, 0)
    income.update({r[0]: int(r[1]) for r in cur.fetchall()})
    cur.execute("SELECT coalesce(sum(available_fen), 0) FROM fund_lines WHERE true" + extra,
                extra_args)
    balance = int(cur.fetchone()[0])
    g_extra, g_args = scope_clause("g.unit_id", scope)
    cur.execute("SELECT count(*), coalesce(sum(g.amount_fen), 0) FROM credit_grants g"
                " WHERE g.granted_at IS NOT NULL AND extract(year FROM g.granted_on) = %s"
                + g_extra, (year, *g_args))
    grants, granted = cur.fetchone()
    cur.execute("SELECT coalesce(sum(l.amount_fen), 0) FROM credit_loans l"
                " JOIN credit_grants g ON g.id = l.grant_key"
                " WHERE extract(year FROM l.disbursed_on) = %s" + g_extra, (year, *g_args))
    disbursed = cur.fetchone()[0]
    cur.execute("SELECT coalesce(sum(g.outstanding_fen), 0), coalesce(sum(g.overdue_fen), 0)"
                " FROM credit_grants g WHERE true" + g_extra, g_args)
    outstanding, overdue = cur.fetchone()
    return {
        "funds": {"income_by_source_fen": income, "balance_fen": balance},
        "credit": {"grants": int(grants), "granted_fen": int(granted),
                   "disbursed_fen": int(disbursed), "outstanding_fen": int(outstanding),
                   "overdue_fen": int(overdue)},
    }


# ---- partners -------------------------------------------------------------------------------
def partner_view(cur, partner_id: str) -> dict[str, Any]:
    cur.execute("SELECT id, name, kind, active, created_at FROM partners WHERE id = %s",
                (partner_id,))
    partner = one(cur)
    if partner is None:
        raise NotFound(f"partner {partner_id} not found")
    cur.execute("SELECT channel, accepted, held, duplicate, rejected FROM partner_counters"
                " WHERE partner_id = %s ORDER BY channel", (partner_id,))
    by_channel = {r[0]: {"accepted": r[1], "held": r[2], "duplicate": r[3], "rejected": r[4]}
                  for r in cur.fetchall()}
    partner["by_channel"] = by_channel
    partner["counters"] = {k: sum(c[k] for c in by_channel.values())
                           for k in ("accepted", "held", "duplicate", "rejected")}
    cur.execute("SELECT count(*) FROM partner_webhook_secrets WHERE partner_id = %s"
                " AND (expires_at IS NULL OR expires_at > now())", (partner_id,))
    partner["webhook_secrets"] = cur.fetchone()[0]
    return partner


def known_cooperative(cur, coop_id: str) -> dict[str, Any] | None:
    """A cooperative as this service learnt it from org's events (None: not yet)."""
    return known_cooperatives.get(cur, coop_id)


class SqlFacts:
    """`handlers.Facts` over the read models, inside the command's transaction."""

    def __init__(self, cur) -> None:
        self.cur = cur

    def require_unit(self, unit_id: str, scope: Sequence[str] | None) -> dict[str, Any]:
        return require_unit(self.cur, unit_id, None if scope is None else list(scope))

    def venue_unit(self, venue_id: str) -> str | None | bool:
        """The venue's unit (None: a venue of no unit), or False for no such venue."""
        self.cur.execute("SELECT unit_id FROM venues WHERE id = %s", (venue_id,))
        row = self.cur.fetchone()
        return False if row is None else row[0]

    def require_member(self, member_id: str, scope: Sequence[str] | None) -> dict[str, Any]:
        return require_member(self.cur, member_id, None if scope is None else list(scope))

    def dues_collected(self, unit_id: str, period_from: str, period_to: str) -> int:
        self.cur.execute("SELECT coalesce(sum(p.due_fen), 0) FROM dues_paid_months p"
                         " JOIN known_members m ON m.id = p.member_id"
                         " WHERE m.unit_id = %s AND p.month BETWEEN %s AND %s",
                         (unit_id, period_from, period_to))
        return int(self.cur.fetchone()[0])

    def partner(self, partner_id: str) -> tuple[str, bool] | None:
        self.cur.execute("SELECT kind, active FROM partners WHERE id = %s", (partner_id,))
        row = self.cur.fetchone()
        return None if row is None else (row[0], bool(row[1]))

    def known_cooperative(self, coop_id: str) -> dict[str, Any] | None:
        return known_cooperative(self.cur, coop_id)

    def entrepreneur_by_person(self, id_key: str) -> str | None:
        self.cur.execute("SELECT id FROM credit_entrepreneurs WHERE id_key = %s", (id_key,))
        row = self.cur.fetchone()
        return None if row is None else str(row[0])


def rebate_entries(cur: Any, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The latest receipt entry per (unit, receipt number) among `wanted`."""
    if not wanted:
        return {}
    cur.execute("SELECT DISTINCT ON (e.unit_id, e.receipt_number) e.unit_id, e.receipt_number,"
                " e.entry_id FROM fund_entries e"
                " JOIN unnest(%s::text[], %s::text[]) AS w(unit_id, receipt_number)"
                " ON e.unit_id = w.unit_id AND e.receipt_number = w.receipt_number"
                " WHERE e.type = 'receipt'"
                " ORDER BY e.unit_id, e.receipt_number, e.position DESC",
                ([u for u, _ in wanted], [n for _, n in wanted]))
    return {(unit, number): entry for unit, number, entry in cur.fetchall()}
