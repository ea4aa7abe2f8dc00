"""The cooperatives' coverage (issue 16): the active units covering each cooperative and
whether one of them is a constituted League organization (`has_league_org`).

It is kept on the cooperative's row (migration 009), so a list page, a cooperative's view, the
`has_league_org` filter and the coverage report read it with their one SELECT instead of
walking the tree per page:
- `covering_units`: the active units covering it, by unit id, each {id, kind,
  league_members}; `league_members` counts the active League members of a League
  organization (general branch, branch, joint branch) and the two levels below it, null
  for other kinds;
- `covering_league_members`: the largest of those counts (NULL: no League organization
  covers it).
Counts rather than "constituted": the floor that makes a branch constituted is policy
(`POLICY`, versioned, read at start), so it is applied here, when reading; a new floor needs
no rewrite of the rows, and replicas started with different policies each answer by theirs.

`coverage_projections.py` refreshes the rows an event can change, in the command's
transaction, through `refresh_unit` / `refresh_counts`: one statement naming those
cooperatives and recomputing their whole rows with migration 009's `refresh_coverage`, the one
definition of "covering" (its backfill calls it too; a change of it is a migration replacing
the function and calling it for every cooperative).
"""

from __future__ import annotations

from typing import Any

from services.org import queries as q

# ---- reading ---------------------------------------------------------------------------


def has_league_org_sql(alias: str = "cooperatives") -> str:
    """SQL: the cooperative `alias` has a League organization: its own flag, or a League
    organization covering it with the policy's floor of members (issue 12: constituted)."""
    floor = int(q.POLICY.branch_min_league_members)
    return (f"({alias}.league_org_present"
            f" OR coalesce({alias}.covering_league_members >= {floor}, false))")


def covering_select(alias: str = "cooperatives") -> str:
    """SQL: the two values every view of a cooperative adds, `covering_unit_ids` (a jsonb
    array of ids, by id) and `has_league_org`."""
    return (f"jsonb_path_query_array({alias}.covering_units, '$[*].id'),"
            f" {has_league_org_sql(alias)}")


def coverage(cur, scope: list[str] | None) -> dict[str, Any]:
    """The coverage report: cooperatives with and without a League organization, in total,
    by industry and by township, and the branches below the floor."""
    where, args = "", []
    if scope is not None:
        where = " WHERE c.id = ANY(%s)"
        args.append(q.scoped_cooperative_ids(cur, scope))
    cur.execute(f"SELECT c.industry_category, c.township, {has_league_org_sql('c')}"
                " FROM cooperatives c" + where, args)
    rows = cur.fetchall()

    def group(index: int) -> list[dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for row in rows:
            g = out.setdefault(row[index], {"key": row[index], "cooperatives": 0,
                                            "with_league_org": 0, "without_league_org": 0})
            g["cooperatives"] += 1
            g["with_league_org" if row[2] else "without_league_org"] += 1
        return [out[k] for k in sorted(out)]

    with_org = sum(1 for r in rows if r[2])
    return {"cooperatives": len(rows), "with_league_org": with_org,
            "without_league_org": len(rows) - with_org,
            "by_industry": group(0), "by_township": group(1),
            "branches_not_constituted": q.branches_not_constituted(cur, scope),
            "min_league_members": q.POLICY.branch_min_league_members,
            "policy_version": q.POLICY.version}


# ---- maintaining -----------------------------------------------------------------------

# Refreshes are serialised per schema (a rebuild's fresh tables have a key of their own): a
# refresh recomputes whole rows from what it sees, so two commands refreshing one
# cooperative at once would each miss the other's uncommitted member and the later write
# would keep a stale count. Taken in a statement before the refresh, so the refresh's
# snapshot sees every earlier holder's commit; held to the commit.
LOCK_CLASS = 0x636F76  # "cov": the two-key advisory locks' first key
_LOCK = f"pg_advisory_xact_lock({LOCK_CLASS}, hashtext(current_schema()))"


def lock(cur) -> None:
    cur.execute(f"SELECT {_LOCK}")


def lock_for_league_member(cur, member_id: str) -> str | None:
    """The member's unit, the lock taken, when the member is a League member (the only kind
    counted); None, no lock, for a young person."""
    cur.execute(f"SELECT unit_id, {_LOCK} FROM members"
                " WHERE id = %s AND kind = 'league_member'", (member_id,))
    row = cur.fetchone()
    return None if row is None else str(row[0])


# The refreshes are migration 009's functions (refresh_coverage: the one definition of
# "covering"), for the plans PostgreSQL keeps per connection: planning the statements cost
# more than running them (issue 16).


def refresh_unit(cur, unit_id: str, listed: bool = False) -> None:
    """Recompute the cooperatives the unit covers (whatever its status: a dissolved or merged
    unit no longer covers them), and with `listed` those whose row still lists it (its
    cooperatives before a coverage change)."""
    cur.execute("SELECT refresh_coverage_of_unit(%s, %s)", (unit_id, listed))


def refresh_counts(cur, origins: list[str], levels: int) -> None:
    """Recompute the cooperatives covered by a League organization whose count changes when
    the members directly in `origins` change: the origins and up to `levels` (1 or 2) units
    above them (a unit counts its own members, its children's and its grandchildren's)."""
    cur.execute("SELECT refresh_coverage_under(%s, %s)", (sorted(set(origins)), levels))
