"""League units: the tree, creation, changes, merges and dissolutions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventkit import pagination
from eventkit.errors import InvalidInput, NotFound
from eventkit.nameko_ext import command
from eventkit.validation import load
from services.org import handlers
from services.org import list_queries as lq
from services.org import queries as q
from services.org import year_queries as yq
from services.org.contract import schemas
from services.org.domain import history
from services.org.rpc.common import _prune


class UnitsRpc:
    es: Any

    # -- units -----------------------------------------------------------------------
    @command
    def unit_subtree_ids(self, unit_id: str) -> list[str]:
        def query(cur) -> list[str]:
            q.unit_facts(cur, unit_id)
            return q.subtree_ids(cur, [unit_id])

        return self.es.read(query)

    @command
    def create_unit(self, payload: dict, command_id: str | None = None,
                    scope: list[str] | None = None) -> dict:
        cmd = load(schemas.UnitIn, payload)
        cmd["on"] = self._day(cmd["on"])
        result = self._run(handlers.create_unit, cmd, command_id, scope)
        return self.get_unit(result["id"])

    @command
    def get_unit(self, unit_id: str, scope: list[str] | None = None) -> dict:
        q.check_scope(scope, unit_id, "unit", unit_id)
        unit = self.es.read(lambda cur: q.unit_view(cur, unit_id))
        if unit is None:
            raise NotFound(f"unit {unit_id} not found")
        return unit

    @command
    def list_units(self, filters: dict | None = None, limit: int = 50,
                   cursor: str | None = None, scope: list[str] | None = None) -> dict:
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor)
        return pagination.page(self.es.read(
            lambda cur: lq.units(cur, filters or {}, after, limit, scope)), limit)

    def _unit_command(self, handler: Any, unit_id: str, cmd: dict, command_id: str | None,
                      scope: list[str] | None) -> dict:
        """A dated command on one unit: `cmd["on"]` checked (not in the future) here."""
        if "on" in cmd:
            cmd["on"] = self._day(cmd["on"])
        self._run(handler, {**cmd, "unit_id": unit_id}, command_id, scope)
        return self.get_unit(unit_id)

    @command
    def rename_unit(self, unit_id: str, payload: dict, command_id: str | None = None,
                    scope: list[str] | None = None) -> dict:
        return self._unit_command(handlers.rename_unit, unit_id,
                                  load(schemas.RenameIn, payload), command_id, scope)

    @command
    def move_unit(self, unit_id: str, payload: dict, command_id: str | None = None,
                  scope: list[str] | None = None) -> dict:
        return self._unit_command(handlers.move_unit, unit_id, load(schemas.MoveIn, payload),
                                  command_id, scope)

    @command
    def merge_unit(self, unit_id: str, payload: dict, command_id: str | None = None,
                   scope: list[str] | None = None) -> dict:
        """Merge `unit_id` into the target: its active children and members move there."""
        return self._unit_command(handlers.merge_unit, unit_id,
                                  load(schemas.MergeIn, payload), command_id, scope)

    @command
    def dissolve_unit(self, unit_id: str, payload: dict, command_id: str | None = None,
                      scope: list[str] | None = None) -> dict:
        return self._unit_command(handlers.dissolve_unit, unit_id,
                                  load(schemas.DissolveIn, payload), command_id, scope)

    @command
    def change_unit_coverage(self, unit_id: str, payload: dict, command_id: str | None = None,
                             scope: list[str] | None = None) -> dict:
        return self._unit_command(handlers.change_unit_coverage, unit_id,
                                  load(schemas.CoverageIn, payload), command_id, scope)

    @command
    def elect_unit_committee(self, unit_id: str, payload: dict, command_id: str | None = None,
                             scope: list[str] | None = None) -> dict:
        return self._unit_command(handlers.elect_unit_committee, unit_id,
                                  load(schemas.ElectionIn, payload), command_id, scope)

    @command
    def list_elections_overdue(self, scope: list[str] | None = None) -> dict:
        return {"items": self.es.read(lambda cur: yq.elections_overdue(cur, scope)),
                "default_term_years": q.POLICY.branch_term_years}

    @command
    def change_unit_management(self, unit_id: str, payload: dict,
                               command_id: str | None = None, scope: list[str] | None = None
                               ) -> dict:
        return self._unit_command(handlers.change_unit_management, unit_id,
                                  load(schemas.ManagementIn, payload), command_id, scope)

    @command
    def set_unit_group_functions(self, unit_id: str, payload: dict,
                                 command_id: str | None = None,
                                 scope: list[str] | None = None) -> dict:
        return self._unit_command(handlers.set_unit_group_functions, unit_id,
                                  load(schemas.GroupFunctionsIn, payload), command_id, scope)

    @command
    def unit_tree(self, unit_id: str, as_of: str | None = None,
                  scope: list[str] | None = None) -> dict:
        """The subtree as it stood at the end of `as_of` (default today), from the events."""
        q.check_scope(scope, unit_id, "unit", unit_id)
        self.get_unit(unit_id)
        try:
            when = dt.date.fromisoformat(as_of) if as_of else self.clock.today()
        except ValueError as exc:
            raise InvalidInput.field("as_of", "must be a date (YYYY-MM-DD)") from exc
        types = [*history.UNIT_EVENTS, *history.MEMBER_EVENTS]
        events: list[history.HistoryEvent] = []
        after = 0
        while True:
            batch = self.es.read_feed(after, 5000, types)
            events += [(e["type"], e["stream_id"].split("-", 1)[1], e["data"], e["position"])
                       for e in batch]
            if len(batch) < 5000:
                break
            after = batch[-1]["position"]
        root = history.tree_as_of(events, unit_id, when)
        if scope is not None:
            _prune(root, set(scope))
        return {"as_of": when.isoformat(), "root": root}
