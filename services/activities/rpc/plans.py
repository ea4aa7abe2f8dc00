"""Unified activities (county-wide campaigns) and yearly work menus."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventkit import pagination
from eventkit.errors import Forbidden, InvalidInput, NotFound
from eventkit.nameko_ext import command
from eventkit.uow import Tx
from eventkit.validation import Scope, load
from services.activities import queries as q
from services.activities.contract import schemas
from services.activities.domain.unified import UnifiedActivity
from services.activities.domain.work_menu import WorkMenu, adoption_report
from services.activities.rpc.common import _new_id, _require_active_units


class PlansRpc:
    es: Any

    # -- unified activities ----------------------------------------------------------------
    @command
    def issue_unified_activity(self, payload: dict, command_id: str | None = None,
                               scope: Scope = None) -> dict:
        fields = load(schemas.UnifiedActivityIn(), payload)

        def handle(tx: Tx) -> dict:
            _require_active_units(tx.cur, "unit_ids", fields["unit_ids"], scope)
            self._check_menu_item(tx.cur, fields["work_menu_item_id"])
            unified = tx.add(UnifiedActivity(_new_id()))
            assert isinstance(unified, UnifiedActivity)
            unified.issue(**fields, issued_on=q.today())
            return {"id": unified.id}

        result = self.es.run(handle, command_id)
        return self.get_unified_activity(result["id"])

    @command
    def add_unified_units(self, unified_id: str, payload: dict, command_id: str | None = None,
                          scope: Scope = None) -> dict:
        fields = load(schemas.UnitIdsIn(), payload)

        def handle(tx: Tx) -> dict:
            q.unified_row(tx.cur, unified_id, scope)
            _require_active_units(tx.cur, "unit_ids", fields["unit_ids"], scope)
            tx.get(UnifiedActivity, unified_id, "unified activity").add_units(fields["unit_ids"])
            return {"id": unified_id}

        self.es.run(handle, command_id)
        return self.get_unified_activity(unified_id, scope)

    @command
    def excuse_unified_unit(self, unified_id: str, unit_id: str, payload: dict,
                            command_id: str | None = None, scope: Scope = None) -> dict:
        fields = load(schemas.ReasonIn(), payload)

        def handle(tx: Tx) -> dict:
            q.unified_row(tx.cur, unified_id, scope)
            unified = tx.get(UnifiedActivity, unified_id, "unified activity")
            if unit_id not in unified.parts or (scope is not None and unit_id not in scope):
                raise NotFound(f"unit {unit_id} does not take part")
            unified.excuse_unit(unit_id, reason=fields["reason"])
            return {"id": unified_id}

        self.es.run(handle, command_id)
        return self.get_unified_activity(unified_id, scope)

    @command
    def close_unified_activity(self, unified_id: str, command_id: str | None = None,
                               scope: Scope = None) -> dict:
        def handle(tx: Tx) -> dict:
            q.unified_row(tx.cur, unified_id, scope)
            unified = tx.get(UnifiedActivity, unified_id, "unified activity")
            if scope is not None and not set(unified.parts) <= set(scope):
                raise Forbidden("only a token that sees every taking-part unit may close it")
            unified.close(closed_on=q.today())
            return {"id": unified_id}

        self.es.run(handle, command_id)
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
    @staticmethod
    def _county_level(scope: Scope) -> None:
        if scope is not None:
            raise Forbidden("the work menu is the county's: a unit-scoped token may only adopt")

    @command
    def draft_work_menu(self, payload: dict, command_id: str | None = None,
                        scope: Scope = None) -> dict:
        fields = load(schemas.WorkMenuIn(), payload)
        self._county_level(scope)

        def handle(tx: Tx) -> dict:
            menu = tx.add(WorkMenu(_new_id()))
            assert isinstance(menu, WorkMenu)
            menu.draft(**fields)
            return {"id": menu.id}

        result = self.es.run(handle, command_id)
        return self.get_work_menu(result["id"])

    @command
    def add_work_menu_item(self, menu_id: str, payload: dict, command_id: str | None = None,
                           scope: Scope = None) -> dict:
        fields = load(schemas.WorkMenuItemIn(), payload)
        self._county_level(scope)

        def handle(tx: Tx) -> dict:
            tx.get(WorkMenu, menu_id, "work menu").add_item(_new_id(), **fields)
            return {"id": menu_id}

        self.es.run(handle, command_id)
        return self.get_work_menu(menu_id)

    @command
    def withdraw_work_menu_item(self, menu_id: str, item_id: str, payload: dict,
                                command_id: str | None = None, scope: Scope = None) -> dict:
        fields = load(schemas.ReasonIn(), payload)
        self._county_level(scope)

        def handle(tx: Tx) -> dict:
            menu = tx.get(WorkMenu, menu_id, "work menu")
            if item_id not in menu.items:
                raise NotFound(f"item {item_id} is not on the menu")
            menu.withdraw_item(item_id, reason=fields["reason"])
            return {"id": menu_id}

        self.es.run(handle, command_id)
        return self.get_work_menu(menu_id)

    @command
    def publish_work_menu(self, menu_id: str, command_id: str | None = None,
                          scope: Scope = None) -> dict:
        self._county_level(scope)

        def handle(tx: Tx) -> dict:
            tx.get(WorkMenu, menu_id, "work menu").publish(published_on=q.today())
            return {"id": menu_id}

        self.es.run(handle, command_id)
        return self.get_work_menu(menu_id)

    @command
    def adopt_work_menu_item(self, menu_id: str, payload: dict, command_id: str | None = None,
                             scope: Scope = None) -> dict:
        fields = load(schemas.AdoptionIn(), payload)

        def handle(tx: Tx) -> dict:
            menu = tx.get(WorkMenu, menu_id, "work menu")
            q.require_active_unit(tx.cur, "unit_id", fields["unit_id"], scope)
            if fields["item_id"] not in menu.items:
                raise InvalidInput.field("item_id", "is not an item of this menu")
            menu.adopt(fields["unit_id"], fields["item_id"], adopted_on=q.today())
            return {"id": menu_id}

        self.es.run(handle, command_id)
        return self.get_work_menu(menu_id, scope)

    @command
    def drop_work_menu_adoption(self, menu_id: str, unit_id: str, item_id: str, payload: dict,
                                command_id: str | None = None, scope: Scope = None) -> dict:
        fields = load(schemas.ReasonIn(), payload)

        def handle(tx: Tx) -> dict:
            menu = tx.get(WorkMenu, menu_id, "work menu")
            if (scope is not None and unit_id not in scope) or item_id not in menu.adoptions.get(
                    unit_id, []):
                raise NotFound(f"unit {unit_id} has not adopted item {item_id}")
            menu.drop_adoption(unit_id, item_id, reason=fields["reason"])
            return {"id": menu_id}

        self.es.run(handle, command_id)
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
