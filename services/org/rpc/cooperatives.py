"""Cooperatives: registration, updates, lists."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from eventkit import pagination
from eventkit.errors import NotFound
from eventkit.nameko_ext import command
from eventkit.validation import load
from services.org import handlers
from services.org import queries as q
from services.org.contract import schemas
from services.org.domain.cooperative import league_building_recommendation as recommend
from services.org.rpc.common import COOP_SELECT, _coop_row, _load_coop


class CooperativesRpc:
    es: Any

    # -- cooperatives ----------------------------------------------------------------
    @command
    def register_cooperative(self, payload: dict, command_id: str | None = None) -> dict:
        cmd = load(schemas.CooperativeIn(), payload)
        result = self._run(handlers.register_cooperative, cmd, command_id)
        return self.get_cooperative(result["id"])

    @command
    def update_cooperative(self, coop_id: str, payload: dict,
                           command_id: str | None = None, scope: list[str] | None = None
                           ) -> dict:
        changes = load(schemas.CooperativeUpdate(), payload)
        self.get_cooperative(coop_id, scope)

        cmd = {**changes, "coop_id": coop_id}
        self._run(handlers.update_cooperative, cmd, command_id, scope)
        return self.get_cooperative(coop_id, scope)

    @command
    def get_cooperative(self, coop_id: str, scope: list[str] | None = None) -> dict:
        def query(cur) -> dict[str, Any] | None:
            if scope is not None and coop_id not in q.scoped_cooperative_ids(cur, scope):
                return None
            return _load_coop(cur, coop_id)

        coop = self.es.read(query)
        if coop is None:
            raise NotFound(f"cooperative {coop_id} not found")
        return coop

    @command
    def list_cooperatives(self, filters: dict | None = None, limit: int = 50,
                          cursor: str | None = None, scope: list[str] | None = None) -> dict:
        filters = filters or {}
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor)
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

        def query(cur) -> list[dict]:
            conds, params = list(where), list(args)
            if filters.get("has_league_org") is not None:
                conds.append(q.has_league_org_sql("cooperatives") + " = %s")
                params += [q.LEAGUE_ORG_KINDS, bool(filters["has_league_org"])]
            if scope is not None:
                conds.append("id = ANY(%s)")
                params.append(q.scoped_cooperative_ids(cur, scope))
            sql = COOP_SELECT + (" WHERE " + " AND ".join(conds) if conds else "")
            cur.execute(sql + " ORDER BY id LIMIT %s", (*params, limit + 1))
            rows = [_coop_row(r) for r in cur.fetchall()]
            covering = q.covering_units_of(cur, [c["id"] for c in rows])
            for coop in rows:
                units = covering[coop["id"]]
                coop["covering_unit_ids"] = [unit_id for unit_id, _, _ in units]
                coop["has_league_org"] = coop["league_org_present"] or any(
                    kind in q.LEAGUE_ORG_KINDS and constituted for _, kind, constituted in units)
            return rows

        return pagination.page(self.es.read(query), limit)

    @command
    def league_building(self, coop_id: str, scope: list[str] | None = None) -> dict:
        coop = self.get_cooperative(coop_id, scope)
        facts = SimpleNamespace(
            members=coop["members"], young_people_under_35=coop["young_people_under_35"],
            league_members=coop["league_members"], league_org_present=coop["has_league_org"])
        return {"cooperative_id": coop_id, **recommend(facts, q.POLICY),
                "policy_version": q.POLICY.version,
                "has_league_org": coop["has_league_org"],
                "covering_unit_ids": coop["covering_unit_ids"]}

    @command
    def coverage_report(self, scope: list[str] | None = None) -> dict:
        return self.es.read(lambda cur: q.coverage(cur, scope))
