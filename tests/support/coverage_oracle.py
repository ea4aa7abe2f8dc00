"""The cooperatives' coverage as org computed it before its read model (issue 16): the
queries of services/org/queries.py at commit 8d8d8e5, kept here verbatim as the tests' oracle.
The read model (services/org/coverage.py) must answer exactly what these answer.

`old_answers(cur, floor)` gives, per cooperative, (covering_unit_ids, has_league_org) by
both old paths: the list page's (`covering_units_of` and the Python merge) and the
cooperative's view (`covering_units` and the correlated `HAS_LEAGUE_ORG`); they must agree.
"""

from __future__ import annotations

from typing import Any

LEAGUE_ORG_KINDS = ["branch", "general_branch", "joint_branch"]


def league_members_under_sql(unit: str = "u") -> str:
    return ("(SELECT count(*) FROM members m WHERE m.unit_id = ANY(ARRAY("
            f"SELECT {unit}.id UNION ALL SELECT s.id FROM units s WHERE s.parent_id = {unit}.id"
            " UNION ALL SELECT g.id FROM units s JOIN units g ON g.parent_id = s.id"
            f" WHERE s.parent_id = {unit}.id))"
            " AND m.status = 'active' AND m.kind = 'league_member')")


def constituted_sql(floor: int, unit: str = "u") -> str:
    return f"{league_members_under_sql(unit)} >= {floor}"


def has_league_org_sql(floor: int, alias: str = "c") -> str:
    return (f"({alias}.league_org_present OR EXISTS (SELECT 1 FROM units u"
            f" WHERE u.status = 'active' AND u.kind = ANY(%s) AND u.cooperative_ids ? {alias}.id"
            f" AND {constituted_sql(floor, 'u')}))")


def covering_units(cur, coop_id: str) -> list[str]:
    cur.execute("SELECT id FROM units WHERE status = 'active' AND cooperative_ids ? %s"
                " ORDER BY id", (coop_id,))
    return [r[0] for r in cur.fetchall()]


def covering_units_of(cur, coop_ids: list[str], floor: int
                      ) -> dict[str, list[tuple[str, str, bool]]]:
    out: dict[str, list[tuple[str, str, bool]]] = {c: [] for c in coop_ids}
    if not coop_ids:
        return out
    cur.execute(
        "WITH cov AS (SELECT c.coop_id, u.id, u.kind FROM units u,"
        "    jsonb_array_elements_text(u.cooperative_ids) AS c(coop_id)"
        "    WHERE u.status = 'active' AND c.coop_id = ANY(%s)),"
        " tops AS (SELECT DISTINCT id FROM cov),"
        " tree AS (SELECT t.id AS top, t.id AS unit_id FROM tops t"
        "    UNION ALL SELECT t.id, s.id FROM tops t JOIN units s ON s.parent_id = t.id"
        "    UNION ALL SELECT t.id, g.id FROM tops t JOIN units s ON s.parent_id = t.id"
        "      JOIN units g ON g.parent_id = s.id),"
        " counts AS (SELECT tree.top, count(*) AS n FROM tree"
        "    JOIN members m ON m.unit_id = tree.unit_id"
        "    WHERE m.status = 'active' AND m.kind = 'league_member' GROUP BY tree.top)"
        f" SELECT cov.coop_id, cov.id, cov.kind, coalesce(counts.n, 0) >= {floor}"
        " FROM cov LEFT JOIN counts ON counts.top = cov.id ORDER BY cov.id",
        (list(coop_ids),))
    for coop_id, unit_id, kind, constituted in cur.fetchall():
        out[coop_id].append((unit_id, kind, constituted))
    return out


def old_answers(cur, floor: int = 3, coop_ids: list[str] | None = None
                ) -> dict[str, tuple[list[str], bool]]:
    """{coop_id: (covering_unit_ids, has_league_org)} for every cooperative (or those given),
    checking that the old list page and the old cooperative view agree."""
    if coop_ids is None:
        cur.execute("SELECT id FROM cooperatives ORDER BY id")
        coop_ids = [r[0] for r in cur.fetchall()]
    cur.execute("SELECT id, league_org_present FROM cooperatives WHERE id = ANY(%s)",
                (coop_ids,))
    present = dict(cur.fetchall())
    covering = covering_units_of(cur, coop_ids, floor)
    out: dict[str, tuple[list[str], bool]] = {}
    for coop_id in coop_ids:
        found = covering[coop_id]
        listed = ([unit_id for unit_id, _, _ in found],
                  present[coop_id] or any(kind in LEAGUE_ORG_KINDS and constituted
                                          for _, kind, constituted in found))
        cur.execute(f"SELECT {has_league_org_sql(floor)} FROM cooperatives c WHERE c.id = %s",
                    (LEAGUE_ORG_KINDS, coop_id))
        has_league_org = cur.fetchone()[0]
        viewed = (covering_units(cur, coop_id), has_league_org)
        assert listed == viewed, (coop_id, listed, viewed)
        out[coop_id] = listed
    return out


def old_has_league_org_ids(cur, floor: int, value: bool) -> list[str]:
    """The old `has_league_org` filter (its correlated subquery), every page at once."""
    cur.execute(f"SELECT c.id FROM cooperatives c WHERE {has_league_org_sql(floor)} = %s"
                " ORDER BY c.id", (LEAGUE_ORG_KINDS, value))
    return [r[0] for r in cur.fetchall()]


def as_answers(coops: list[dict[str, Any]]) -> dict[str, tuple[list[str], bool]]:
    """The same shape from views of the service (list items or cooperative views)."""
    return {c["id"]: (c["covering_unit_ids"], c["has_league_org"]) for c in coops}
