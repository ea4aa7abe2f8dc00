"""Cooperatives: registration, updates, lists."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from eventkit import pagination
from eventkit.errors import NotFound
from eventkit.nameko_ext import command
from eventkit.validation import load
from services.org import coverage as cov
from services.org import handlers
from services.org import list_queries as lq
from services.org import queries as q
from services.org.contract import schemas
from services.org.domain.cooperative import league_building_recommendation as recommend


class CooperativesRpc:
    es: Any

    # -- cooperatives ----------------------------------------------------------------
    @command
    def register_cooperative(self, payload: dict, command_id: str | None = None) -> dict:
        cmd = load(schemas.CooperativeIn, payload)
        # the answer is read in the command's transaction (one transaction, not two)
        coop_id, coop = self._run(
            handlers.register_cooperative, cmd, command_id,
            then=lambda cur, result: (result["id"], lq.cooperative(cur, result["id"], None)))
        if coop is None:
            raise NotFound(f"cooperative {coop_id} not found")
        return coop  # type: ignore[no-any-return]

    @command
    def update_cooperative(self, coop_id: str, payload: dict,
                           command_id: str | None = None, scope: list[str] | None = None
                           ) -> dict:
        changes = load(schemas.CooperativeUpdate, payload)
        self.get_cooperative(coop_id, scope)

        cmd = {**changes, "coop_id": coop_id}
        self._run(handlers.update_cooperative, cmd, command_id, scope)
        return self.get_cooperative(coop_id, scope)

    @command
    def get_cooperative(self, coop_id: str, scope: list[str] | None = None) -> dict:
        coop = self.es.read(lambda cur: lq.cooperative(cur, coop_id, scope))
        if coop is None:
            raise NotFound(f"cooperative {coop_id} not found")
        return coop  # type: ignore[no-any-return]

    @command
    def list_cooperatives(self, filters: dict | None = None, limit: int = 50,
                          cursor: str | None = None, scope: list[str] | None = None) -> dict:
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor)
        # one statement (two with a scope, each its own snapshot): no BEGIN and COMMIT
        return pagination.page(self.es.read(
            lambda cur: lq.cooperatives(cur, filters or {}, after, limit, scope),
            autocommit=True), limit)

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
        return self.es.read(lambda cur: cov.coverage(cur, scope))
