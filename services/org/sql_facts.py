"""`handlers.Facts` over org's read models, inside the command's transaction: the only SQL
the command handlers read (the handler tests give them a fake instead)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.org import queries as q
from services.org.domain.products import cooperative_category
from services.org.domain.tree_rules import UnitFacts


class SqlFacts:
    def __init__(self, cur) -> None:
        self.cur = cur

    def _one(self, sql: str, args: tuple) -> Any:
        self.cur.execute(sql, args)
        row = self.cur.fetchone()
        return None if row is None else row[0]

    def _ids(self, sql: str, args: tuple) -> list[str]:
        self.cur.execute(sql, args)
        return [r[0] for r in self.cur.fetchall()]

    # -- cooperatives ------------------------------------------------------------------
    def cooperative_with_uscc(self, uscc: str, other_than: str | None = None) -> str | None:
        found = self._one("SELECT id FROM cooperatives WHERE uscc = %s"
                          " AND id IS DISTINCT FROM %s", (uscc, other_than))
        return None if found is None else str(found)

    def cooperative_exists(self, coop_id: str) -> bool:
        return self._one("SELECT 1 FROM cooperatives WHERE id = %s", (coop_id,)) is not None

    def cooperative_categories(self, coop_ids: Sequence[str]) -> dict[str, str]:
        """The product category of each cooperative found (issue 12: "similar" is a category
        match; the registered industry when the product has none)."""
        self.cur.execute("SELECT id, product, industry_category FROM cooperatives"
                         " WHERE id = ANY(%s)", (list(coop_ids),))
        return {cid: cooperative_category(product, industry) or industry
                for cid, product, industry in self.cur.fetchall()}

    def scoped_cooperative_ids(self, scope: Sequence[str]) -> list[str]:
        return q.scoped_cooperative_ids(self.cur, list(scope))

    # -- committees and units ----------------------------------------------------------
    def committee_with_county_code(self, county_code: str) -> str | None:
        return self._one("SELECT id FROM committees WHERE county_code = %s",  # type: ignore
                         (county_code,))

    def committee_steps(self, committee_id: str) -> dict[str, Any] | None:
        return self._one("SELECT steps FROM committees WHERE id = %s",  # type: ignore
                         (committee_id,))

    def unit(self, unit_id: str) -> UnitFacts | None:
        self.cur.execute("SELECT id, kind, status, industry, committee_id,"
                         " professional_committee_id FROM units WHERE id = %s", (unit_id,))
        row = self.cur.fetchone()
        return None if row is None else UnitFacts(*row)

    def ancestor_ids(self, unit_id: str) -> list[str]:
        return q.ancestor_ids(self.cur, unit_id)

    def active_children(self, unit_id: str) -> list[str]:
        return self._ids("SELECT id FROM units WHERE parent_id = %s AND status = 'active'"
                         " ORDER BY id", (unit_id,))

    # -- members and people ------------------------------------------------------------
    def active_members(self, unit_id: str) -> list[str]:
        return self._ids("SELECT id FROM members WHERE unit_id = %s AND status = 'active'"
                         " ORDER BY id", (unit_id,))

    def active_league_member_ids(self, unit_id: str) -> list[str]:
        return self._ids("SELECT id FROM members WHERE unit_id = %s AND status = 'active'"
                         " AND kind = 'league_member' ORDER BY id", (unit_id,))

    def member_with_resident_id(self, number: str) -> str | None:
        return self._one("SELECT id FROM members WHERE resident_id = %s",  # type: ignore
                         (number,))

    def transfer(self, transfer_id: str) -> dict[str, Any] | None:
        return q.load_transfer(self.cur, transfer_id)

    def person_known(self, person_id: str) -> bool:
        """A member, someone appointed to a committee (their id is not a member's), a young
        entrepreneur registered in funding (tracked) or named in a service request."""
        return self._one(
            "SELECT 1 FROM members WHERE id = %s UNION ALL SELECT 1 FROM committees"
            " WHERE secretary->>'person_id' = %s OR deputies ? %s OR committee_members ? %s"
            " UNION ALL SELECT 1 FROM known_entrepreneurs WHERE id = %s"
            " UNION ALL SELECT 1 FROM service_requests WHERE entrepreneur_id = %s"
            " LIMIT 1", (person_id,) * 6) is not None
