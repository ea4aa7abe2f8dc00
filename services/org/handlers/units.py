"""League units: creation, renames, moves, merges, dissolutions, coverage, branch committee
elections, management and group functions. The structural rules are `domain/tree_rules.py`
and `domain/unit.py`; the handlers load the facts they take (parents, ancestors, the
industries of covered cooperatives, what sits under a unit)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventkit.uow import Tx
from services.org.domain.member import Member
from services.org.domain.tree_rules import (
    check_created_with_committee,
    check_dissolvable,
    check_same_committee,
)
from services.org.domain.unit import Unit
from services.org.handlers.base import (
    Context,
    Facts,
    check_scope,
    cooperative_industries,
    require_committee_approved,
    unit_facts,
    unit_in_scope,
)


def create_unit(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """cmd: the unit's fields (UnitIn) with parent_id and on."""
    data = {k: v for k, v in cmd.items() if k not in ("parent_id", "on")}
    check_created_with_committee(data["kind"])
    facts = ctx.facts(tx)
    parent = unit_in_scope(facts, cmd["parent_id"], ctx, "parent_id")
    require_committee_approved(facts, parent.committee_id)
    industries = cooperative_industries(facts, data["cooperative_ids"])
    unit = tx.add(Unit(ctx.new_id()))
    assert isinstance(unit, Unit)
    unit.create(parent=parent, on=cmd["on"], cooperative_industries=industries, **data)
    return {"id": unit.id}


def _on_unit(tx: Tx, cmd: dict[str, Any], ctx: Context,
             act: Callable[[Unit], Any]) -> dict[str, Any]:
    unit_id = cmd["unit_id"]
    check_scope(ctx.scope, unit_id, "unit", unit_id)
    act(tx.get(Unit, unit_id, "unit"))
    return {"id": unit_id}


def _same_committee(facts: Facts, unit_id: str, other_id: str) -> None:
    unit, other = facts.unit(unit_id), facts.unit(other_id)
    check_same_committee(unit.committee_id if unit else None,
                         other.committee_id if other else None)


def rename_unit(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return _on_unit(tx, cmd, ctx, lambda u: u.rename(cmd["name"], cmd["on"]))


def move_unit(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """cmd: unit_id, parent_id (the new parent, within scope and the same committee), on."""
    def act(unit: Unit) -> None:
        facts = ctx.facts(tx)
        parent = unit_in_scope(facts, cmd["parent_id"], ctx, "parent_id")
        _same_committee(facts, unit.id, parent.id)
        unit.move(parent, facts.ancestor_ids(parent.id), cmd["on"],
                  cooperative_industries(facts, unit.cooperative_ids))

    return _on_unit(tx, cmd, ctx, act)


def merge_unit(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Merge `unit_id` into `target_unit_id`: its active children and members move there."""
    def act(unit: Unit) -> None:
        facts = ctx.facts(tx)
        target_id, on = cmd["target_unit_id"], cmd["on"]
        target = unit_in_scope(facts, target_id, ctx, "target_unit_id")
        _same_committee(facts, unit.id, target.id)
        target_ancestors = facts.ancestor_ids(target_id)
        unit.merge_into(target, target_ancestors, on)
        for child_id in facts.active_children(unit.id):
            child = tx.get(Unit, child_id, "unit")
            child.move(target, [target_id, *target_ancestors], on,
                       cooperative_industries(facts, child.cooperative_ids))
        for member_id in facts.active_members(unit.id):
            tx.get(Member, member_id, "member").reassign(
                target_id, on, f"unit {unit.id} merged into {target_id}")

    return _on_unit(tx, cmd, ctx, act)


def dissolve_unit(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    def act(unit: Unit) -> None:
        check_dissolvable(unit.kind)
        facts = ctx.facts(tx)
        unit.dissolve(cmd["reason"], cmd["on"], len(facts.active_children(unit.id)),
                      len(facts.active_members(unit.id)))

    return _on_unit(tx, cmd, ctx, act)


def change_unit_coverage(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    def act(unit: Unit) -> None:
        facts = ctx.facts(tx)
        parent = unit_facts(facts, unit.parent_id) if unit.parent_id else None
        unit.change_coverage(cmd["cooperative_ids"],
                             cooperative_industries(facts, cmd["cooperative_ids"]), parent,
                             cmd["on"])

    return _on_unit(tx, cmd, ctx, act)


def elect_unit_committee(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """cmd: unit_id, on, term_years (None: the policy's branch term), secretary."""
    years = cmd["term_years"] or ctx.policy.branch_term_years
    return _on_unit(tx, cmd, ctx, lambda u: u.elect_committee(cmd["on"], years,
                                                              cmd["secretary"]))


def change_unit_management(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    changes = {k: v for k, v in cmd.items() if k != "unit_id"}
    return _on_unit(tx, cmd, ctx, lambda u: u.change_management(**changes))


def set_unit_group_functions(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return _on_unit(tx, cmd, ctx, lambda u: u.set_group_functions(cmd["group_functions"],
                                                                  cmd["on"]))
