"""Org's lists and views read by its entrypoints (cursor in, JSON-safe dicts out): one page
of committees, units, members, transfers or cooperatives, a cooperative's view and the
dashboard. Paging is `eventkit.pagination`'s; the rpc/ mixins only call these."""

from __future__ import annotations

from typing import Any

from eventkit.jsonable import jsonable_row
from services.org import coverage as cov
from services.org import queries as q
from services.org import year_queries as yq
from services.org.contract import enums
from services.org.domain.cooperative import figure_warnings
from services.org.projections import COOP_COLUMNS

Filters = dict[str, Any]
Scope = list[str] | None

# ---- committees ------------------------------------------------------------------------


def committees(cur, after: str | None, limit: int, scope: Scope) -> list[dict]:
    if scope is None:
        cur.execute(q.COMMITTEE_SELECT + " WHERE id > %s ORDER BY id LIMIT %s",
                    (after or "", limit + 1))
    else:
        cur.execute(q.COMMITTEE_SELECT + " WHERE id > %s AND id = ANY(%s)"
                    " ORDER BY id LIMIT %s", (after or "", list(scope), limit + 1))
    return [q.committee_view(r) for r in cur.fetchall()]


# ---- units -----------------------------------------------------------------------------


def units(cur, filters: Filters, after: str | None, limit: int, scope: Scope) -> list[dict]:
    where, args = [], []
    for key in ("kind", "parent_id", "committee_id", "township", "status", "industry",
                "professional_committee_id", "management"):
        if filters.get(key):
            where.append(f"{key} = %s")
            args.append(filters[key])
    if filters.get("cooperative_id"):
        where.append("cooperative_ids ? %s")
        args.append(filters["cooperative_id"])
    if scope is not None:
        where.append("id = ANY(%s)")
        args.append(scope)
    if after:
        where.append("id > %s")
        args.append(after)
    sql = q.UNIT_SELECT + (" WHERE " + " AND ".join(where) if where else "")
    cur.execute(sql + " ORDER BY id LIMIT %s", (*args, limit + 1))
    return q.unit_views(cur, cur.fetchall())


# ---- members ---------------------------------------------------------------------------


def members(cur, filters: Filters, after: str | None, limit: int, scope: Scope) -> list[dict]:
    where, args = [], []
    for key in ("status", "kind", "cooperative_id", "sex"):
        if filters.get(key):
            where.append(f"m.{key} = %s")
            args.append(filters[key])
    unit_id = filters.get("unit_id")
    if unit_id:
        q.check_scope(scope, unit_id, "unit", unit_id)
        q.unit_facts(cur, unit_id)
        unit_ids = (q.subtree_ids(cur, [unit_id]) if filters.get("descendants")
                    else [unit_id])
        where.append("m.unit_id = ANY(%s)")
        args.append(unit_ids)
    if scope is not None:
        where.append("m.unit_id = ANY(%s)")
        args.append(scope)
    if after:
        where.append("m.id > %s")
        args.append(after)
    sql = q.MEMBER_SELECT + (" WHERE " + " AND ".join(where) if where else "")
    cur.execute(sql + " ORDER BY m.id LIMIT %s", (*args, limit + 1))
    return q.member_views(cur, cur.fetchall())


# ---- transfers -------------------------------------------------------------------------


def transfers(cur, filters: Filters, after: str | None, limit: int, scope: Scope
              ) -> list[dict]:
    where, args = [], []
    for key in ("status", "member_id", "from_unit_id", "to_unit_id"):
        if filters.get(key):
            where.append(f"{key} = %s")
            args.append(filters[key])
    if filters.get("unit_id"):
        where.append("(from_unit_id = %s OR to_unit_id = %s)")
        args += [filters["unit_id"], filters["unit_id"]]
    if scope is not None:
        where.append("(from_unit_id = ANY(%s) OR to_unit_id = ANY(%s))")
        args += [scope, scope]
    if after:
        where.append("id > %s")
        args.append(after)
    sql = q.TRANSFER_SELECT + (" WHERE " + " AND ".join(where) if where else "")
    cur.execute(sql + " ORDER BY id LIMIT %s", (*args, limit + 1))
    return [q.transfer_view(r) for r in cur.fetchall()]


# ---- cooperatives ----------------------------------------------------------------------

COOP_KEYS = ["id", *COOP_COLUMNS, "registered_at", "updated_at", "version"]


def _coop_select() -> str:
    # the coverage from the cooperative's own row (coverage.py), the policy's floor applied now
    return ("SELECT " + ", ".join(COOP_KEYS) + ", " + cov.covering_select()
            + " FROM cooperatives")


def _coop_row(row) -> dict[str, Any]:
    *values, covering_unit_ids, has_league_org = row
    coop = jsonable_row(COOP_KEYS, values)
    coop["warnings"] = figure_warnings(coop)
    coop["covering_unit_ids"] = covering_unit_ids
    coop["has_league_org"] = has_league_org
    return coop


def cooperative(cur, coop_id: str, scope: Scope) -> dict[str, Any] | None:
    """The cooperative's view (None when unknown or covered by no unit in scope)."""
    if scope is not None and coop_id not in q.scoped_cooperative_ids(cur, scope):
        return None
    cur.execute(_coop_select() + " WHERE id = %s", (coop_id,))
    row = cur.fetchone()
    return None if row is None else _coop_row(row)


def cooperatives(cur, filters: Filters, after: str | None, limit: int, scope: Scope
                 ) -> list[dict]:
    where, args = [], []
    for key in ("industry_category", "township"):
        if filters.get(key):
            where.append(f"{key} = %s")
            args.append(filters[key])
    if filters.get("league_org_present") is not None:
        where.append("league_org_present = %s")
        args.append(bool(filters["league_org_present"]))
    if after:
        where.append("id > %s")
        args.append(after)
    if filters.get("has_league_org") is not None:
        where.append(cov.has_league_org_sql() + " = %s")
        args.append(bool(filters["has_league_org"]))
    if scope is not None:
        where.append("id = ANY(%s)")
        args.append(q.scoped_cooperative_ids(cur, scope))
    sql = _coop_select() + (" WHERE " + " AND ".join(where) if where else "")
    cur.execute(sql + " ORDER BY id LIMIT %s", (*args, limit + 1))
    return [_coop_row(r) for r in cur.fetchall()]


# ---- dashboard -------------------------------------------------------------------------


def dashboard(cur, scope: Scope) -> dict[str, Any]:
    where, args = "", []
    if scope is not None:
        where, args = " AND id = ANY(%s)", [scope]
    cur.execute("SELECT kind, count(*) FROM units WHERE status = 'active'" + where
                + " GROUP BY kind", args)
    by_kind = {k: 0 for k in enums.UNIT_KINDS}
    by_kind.update(dict(cur.fetchall()))
    cur.execute("SELECT count(*) FROM units WHERE status = 'dissolved'" + where, args)
    dissolved = cur.fetchone()[0]
    report = cov.coverage(cur, scope)
    counts = q.counts_by(cur, scope)
    counts["in_self_lapse_procedure"] = yq.count_in_self_lapse(cur, scope)
    return {
        "tree": {"units_by_kind": by_kind, "dissolved": dissolved,
                 "leadership_problems": q.open_leadership_problems(cur, scope)},
        "coverage": {k: report[k] for k in
                     ("cooperatives", "with_league_org", "without_league_org")},
        "members": counts,
    }
