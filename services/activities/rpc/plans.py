"""Unified activities (county-wide campaigns) and yearly work menus."""

from __future__ import annotations

import datetime as dt

from eventkit import pagination
from eventkit.nameko_ext import command
from eventkit.validation import Scope, load
from services.activities import handlers
from services.activities import queries as q
from services.activities.contract import schemas
from services.activities.domain.work_menu import WorkMenu, adoption_report
from services.activities.rpc.common import Commands


class PlansRpc(Commands):
    # -- unified activities ----------------------------------------------------------------
    @command
    def issue_unified_activity(self, payload: dict, command_id: str | None = None,
                               scope: Scope = None) -> dict:
        result = self._run(handlers.issue_unified_activity,
                           load(schemas.UnifiedActivityIn, payload), command_id, scope)
        return self.get_unified_activity(result["id"])

    @command
    def add_unified_units(self, unified_id: str, payload: dict, command_id: str | None = None,
                          scope: Scope = None) -> dict:
        cmd = {**load(schemas.UnitIdsIn, payload), "unified_id": unified_id}
        self._run(handlers.add_unified_units, cmd, command_id, scope)
        return self.get_unified_activity(unified_id, scope)

    @command
    def excuse_unified_unit(self, unified_id: str, unit_id: str, payload: dict,
                            command_id: str | None = None, scope: Scope = None) -> dict:
        cmd = {**load(schemas.ReasonIn, payload), "unified_id": unified_id, "unit_id": unit_id}
        self._run(handlers.excuse_unified_unit, cmd, command_id, scope)
        return self.get_unified_activity(unified_id, scope)

    @command
    def close_unified_activity(self, unified_id: str, command_id: str | None = None,
                               scope: Scope = None) -> dict:
        self._run(handlers.close_unified_activity, {"unified_id": unified_id}, command_id, scope)
        return self.get_unified_activity(unified_id, scope)

    @command
    def get_unified_activity(self, unified_id: str, scope: Scope = None) -> dict:
        def query(cur) -> dict:
            return q.unified_dicts(cur, [q.unified_row(cur, unified_id, scope)], scope)[0]

        return self.es.read(query)

    @command
    def list_unified_activities(self, filters: dict | None = None, limit: int = 50,
                                cursor: str | None = None, scope: Scope = None) -> dict:
        limit = pagination.clamp_limit(limit)
        return self.es.read(lambda cur: q.list_unified(cur, filters or {}, limit, cursor, scope))

    @command
    def unified_completion(self, year: int | None = None, scope: Scope = None) -> dict:
        return self.es.read(lambda cur: q.unified_completion(cur, year, scope))

    # -- work menus ------------------------------------------------------------------------
    @command
    def draft_work_menu(self, payload: dict, command_id: str | None = None,
                        scope: Scope = None) -> dict:
        result = self._run(handlers.draft_work_menu, load(schemas.WorkMenuIn, payload),
                           command_id, scope)
        return self.get_work_menu(result["id"])

    @command
    def add_work_menu_item(self, menu_id: str, payload: dict, command_id: str | None = None,
                           scope: Scope = None) -> dict:
        cmd = {**load(schemas.WorkMenuItemIn, payload), "menu_id": menu_id}
        self._run(handlers.add_work_menu_item, cmd, command_id, scope)
        return self.get_work_menu(menu_id)

    @command
    def withdraw_work_menu_item(self, menu_id: str, item_id: str, payload: dict,
                                command_id: str | None = None, scope: Scope = None) -> dict:
        cmd = {**load(schemas.ReasonIn, payload), "menu_id": menu_id, "item_id": item_id}
        self._run(handlers.withdraw_work_menu_item, cmd, command_id, scope)
        return self.get_work_menu(menu_id)

    @command
    def publish_work_menu(self, menu_id: str, command_id: str | None = None,
                          scope: Scope = None) -> dict:
        self._run(handlers.publish_work_menu, {"menu_id": menu_id}, command_id, scope)
        return self.get_work_menu(menu_id)

    @command
    def adopt_work_menu_item(self, menu_id: str, payload: dict, command_id: str | None = None,
                             scope: Scope = None) -> dict:
        cmd = {**load(schemas.AdoptionIn, payload), "menu_id": menu_id}
        self._run(handlers.adopt_work_menu_item, cmd, command_id, scope)
        return self.get_work_menu(menu_id, scope)

    @command
    def drop_work_menu_adoption(self, menu_id: str, unit_id: str, item_id: str, payload: dict,
                                command_id: str | None = None, scope: Scope = None) -> dict:
        cmd = {**load(schemas.ReasonIn, payload), "menu_id": menu_id, "unit_id": unit_id,
               "item_id": item_id}
        self._run(handlers.drop_work_menu_adoption, cmd, command_id, scope)
        return self.get_work_menu(menu_id, scope)

    @command
    def get_work_menu(self, menu_id: str, scope: Scope = None) -> dict:
        return self.es.read(lambda cur: q.menu_dict(cur, menu_id, scope))

    @command
    def list_work_menus(self, filters: dict | None = None, limit: int = 50,
                        cursor: str | None = None, scope: Scope = None) -> dict:
        limit = pagination.clamp_limit(limit)
        return self.es.read(lambda cur: q.list_menus(cur, filters or {}, limit, cursor, scope))

    @command
    def work_menu_adoption_report(self, menu_id: str, scope: Scope = None) -> dict:
        """Adoption and delivery per item over the active units (those in scope)."""

        def query(cur) -> dict:
            q.menu_dict(cur, menu_id)  # NotFound before reading the stream
            history = self.es.store.read_stream(cur, WorkMenu.stream_id_for(menu_id))
            menu = WorkMenu.from_history(menu_id, [(e["type"], e["data"]) for e in history])
            units = [u["id"] for u in q.known_units(cur, scope) if u["status"] == "active"]
            first, last = dt.date(menu.year, 1, 1), dt.date(menu.year, 12, 31)
            facts = q.held_activity_facts(cur, first, last, scope)
            if scope is not None:
                menu.adoptions = {u: ids for u, ids in menu.adoptions.items() if u in scope}
            return {"menu_id": menu_id, **adoption_report(menu, units, facts).to_dict()}

        return self.es.read(query)
