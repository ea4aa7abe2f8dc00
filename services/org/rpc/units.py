"""League units: the tree, creation, changes, merges and dissolutions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from eventkit import pagination
from eventkit.errors import InvalidInput, NotFound, RuleViolation
from eventkit.nameko_ext import command
from eventkit.uow import Tx
from eventkit.validation import load
from services.org import queries as q
from services.org import year_queries as yq
from services.org.contract import schemas
from services.org.domain import history
from services.org.domain.member import Member
from services.org.domain.unit import Unit
from services.org.rpc.common import _new_id, _prune


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
        data = load(schemas.UnitIn(), payload)
        on = q.day(data.pop("on"))
        if data["kind"] == "working_committee":
            raise InvalidInput.field(
                "kind", "the working committee is created with its committee (POST /committees)")

        def handle(tx: Tx) -> dict:
            self._scope_of_unit(tx.cur, data["parent_id"], scope, "parent_id")
            parent = q.unit_facts(tx.cur, data.pop("parent_id"), "parent_id")
            q.check_committee_approved(tx.cur, parent.committee_id)
            industries = q.cooperative_industries(tx.cur, data["cooperative_ids"])
            unit = tx.add(Unit(_new_id()))
            unit.create(parent=parent, on=on, cooperative_industries=industries, **data)
            return {"id": unit.id}

        result = self._run(handle, command_id)
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
        filters = filters or {}
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor)
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

        def query(cur) -> list[dict]:
            cur.execute(sql + " ORDER BY id LIMIT %s", (*args, limit + 1))
            return q.unit_views(cur, cur.fetchall())

        return pagination.page(self.es.read(query), limit)

    def _unit_command(self, unit_id: str, command_id: str | None, scope: list[str] | None,
                      act: Callable[[Tx, Unit], None]) -> dict:
        q.check_scope(scope, unit_id, "unit", unit_id)

        def handle(tx: Tx) -> dict:
            act(tx, tx.get(Unit, unit_id, "unit"))
            return {"id": unit_id}

        self._run(handle, command_id)
        return self.get_unit(unit_id)

    @command
    def rename_unit(self, unit_id: str, payload: dict, command_id: str | None = None,
                    scope: list[str] | None = None) -> dict:
        data = load(schemas.RenameIn(), payload)
        on = q.day(data["on"])
        return self._unit_command(unit_id, command_id, scope,
                                  lambda tx, u: u.rename(data["name"], on) and None)

    @command
    def move_unit(self, unit_id: str, payload: dict, command_id: str | None = None,
                  scope: list[str] | None = None) -> dict:
        data = load(schemas.MoveIn(), payload)
        on = q.day(data["on"])

        def act(tx: Tx, unit: Unit) -> None:
            self._scope_of_unit(tx.cur, data["parent_id"], scope, "parent_id")
            parent = q.unit_facts(tx.cur, data["parent_id"], "parent_id")
            self._same_committee(tx.cur, unit.id, parent.id)
            unit.move(parent, q.ancestor_ids(tx.cur, parent.id), on,
                      q.cooperative_industries(tx.cur, unit.cooperative_ids))

        return self._unit_command(unit_id, command_id, scope, act)

    @staticmethod
    def _same_committee(cur, unit_id: str, other_id: str) -> None:
        cur.execute("SELECT count(DISTINCT committee_id) FROM units WHERE id = ANY(%s)",
                    ([unit_id, other_id],))
        if cur.fetchone()[0] != 1:
            raise RuleViolation("the units belong to different committees",
                                {"rule": "other_committee"})

    @command
    def merge_unit(self, unit_id: str, payload: dict, command_id: str | None = None,
                   scope: list[str] | None = None) -> dict:
        """Merge `unit_id` into the target: its active children and members move there."""
        data = load(schemas.MergeIn(), payload)
        on = q.day(data["on"])

        def act(tx: Tx, unit: Unit) -> None:
            target_id = data["target_unit_id"]
            self._scope_of_unit(tx.cur, target_id, scope, "target_unit_id")
            target = q.unit_facts(tx.cur, target_id, "target_unit_id")
            self._same_committee(tx.cur, unit.id, target.id)
            target_ancestors = q.ancestor_ids(tx.cur, target_id)
            unit.merge_into(target, target_ancestors, on)
            tx.cur.execute("SELECT id FROM units WHERE parent_id = %s AND status = 'active'"
                           " ORDER BY id", (unit.id,))
            for (child_id,) in tx.cur.fetchall():
                child = tx.get(Unit, child_id, "unit")
                child.move(target, [target_id, *target_ancestors], on,
                           q.cooperative_industries(tx.cur, child.cooperative_ids))
            tx.cur.execute("SELECT id FROM members WHERE unit_id = %s AND status = 'active'"
                           " ORDER BY id", (unit.id,))
            for (member_id,) in tx.cur.fetchall():
                tx.get(Member, member_id, "member").reassign(
                    target_id, on, f"unit {unit.id} merged into {target_id}")

        return self._unit_command(unit_id, command_id, scope, act)

    @command
    def dissolve_unit(self, unit_id: str, payload: dict, command_id: str | None = None,
                      scope: list[str] | None = None) -> dict:
        data = load(schemas.DissolveIn(), payload)
        on = q.day(data["on"])

        def act(tx: Tx, unit: Unit) -> None:
            if unit.kind == "working_committee":
                raise RuleViolation("the working committee is not dissolved here",
                                    {"rule": "root"})
            tx.cur.execute("SELECT count(*) FROM units WHERE parent_id = %s"
                           " AND status = 'active'", (unit.id,))
            children = tx.cur.fetchone()[0]
            tx.cur.execute("SELECT count(*) FROM members WHERE unit_id = %s"
                           " AND status = 'active'", (unit.id,))
            unit.dissolve(data["reason"], on, children, tx.cur.fetchone()[0])

        return self._unit_command(unit_id, command_id, scope, act)

    @command
    def change_unit_coverage(self, unit_id: str, payload: dict, command_id: str | None = None,
                             scope: list[str] | None = None) -> dict:
        data = load(schemas.CoverageIn(), payload)
        on = q.day(data["on"])

        def act(tx: Tx, unit: Unit) -> None:
            parent = q.unit_facts(tx.cur, unit.parent_id) if unit.parent_id else None
            unit.change_coverage(data["cooperative_ids"],
                                 q.cooperative_industries(tx.cur, data["cooperative_ids"]),
                                 parent, on)

        return self._unit_command(unit_id, command_id, scope, act)

    @command
    def elect_unit_committee(self, unit_id: str, payload: dict, command_id: str | None = None,
                             scope: list[str] | None = None) -> dict:
        data = load(schemas.ElectionIn(), payload)
        on = q.day(data["on"])
        years = data["term_years"] or q.POLICY.branch_term_years
        return self._unit_command(
            unit_id, command_id, scope,
            lambda tx, u: u.elect_committee(on, years, data["secretary"]))

    @command
    def list_elections_overdue(self, scope: list[str] | None = None) -> dict:
        return {"items": self.es.read(lambda cur: yq.elections_overdue(cur, scope)),
                "default_term_years": q.POLICY.branch_term_years}

    @command
    def change_unit_management(self, unit_id: str, payload: dict,
                               command_id: str | None = None, scope: list[str] | None = None
                               ) -> dict:
        data = load(schemas.ManagementIn(), payload)
        on = q.day(data.pop("on"))
        return self._unit_command(unit_id, command_id, scope,
                                  lambda tx, u: u.change_management(on=on, **data))

    @command
    def set_unit_group_functions(self, unit_id: str, payload: dict,
                                 command_id: str | None = None,
                                 scope: list[str] | None = None) -> dict:
        data = load(schemas.GroupFunctionsIn(), payload)
        on = q.day(data["on"])
        return self._unit_command(unit_id, command_id, scope,
                                  lambda tx, u: u.set_group_functions(data["group_functions"],
                                                                      on))

    @command
    def unit_tree(self, unit_id: str, as_of: str | None = None,
                  scope: list[str] | None = None) -> dict:
        """The subtree as it stood at the end of `as_of` (default today), from the events."""
        q.check_scope(scope, unit_id, "unit", unit_id)
        self.get_unit(unit_id)
        try:
            when = dt.date.fromisoformat(as_of) if as_of else q.today()
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
