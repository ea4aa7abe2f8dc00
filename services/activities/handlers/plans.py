"""Unified activities (county-wide campaigns) and yearly work menus: command handlers."""

from __future__ import annotations

from collections.abc import Sequence

from eventkit import validation
from eventkit.errors import Forbidden, InvalidInput, NotFound
from eventkit.uow import Tx
from services.activities.domain.unified import UnifiedActivity
from services.activities.domain.work_menu import WorkMenu

from .activities import check_menu_item
from .context import Answer, Command, Context, Facts

# -- unified activities --------------------------------------------------------------------


def _require_active_units(facts: Facts, field: str, unit_ids: Sequence[str],
                          ctx: Context) -> None:
    validation.unknown_units(field, set(unit_ids) - facts.active_unit_ids(unit_ids, ctx.scope))


def issue_unified_activity(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    facts = ctx.facts(tx)
    _require_active_units(facts, "unit_ids", cmd["unit_ids"], ctx)
    check_menu_item(facts, cmd["work_menu_item_id"])
    unified = tx.add(UnifiedActivity(ctx.new_id()))
    assert isinstance(unified, UnifiedActivity)
    unified.issue(**cmd, issued_on=ctx.clock.today())
    return {"id": unified.id}


def _unified(tx: Tx, unified_id: str, ctx: Context) -> UnifiedActivity:
    ctx.facts(tx).require_unified_visible(unified_id, ctx.scope)
    return tx.get(UnifiedActivity, unified_id, "unified activity")


def add_unified_units(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    unified = _unified(tx, cmd["unified_id"], ctx)
    _require_active_units(ctx.facts(tx), "unit_ids", cmd["unit_ids"], ctx)
    unified.add_units(cmd["unit_ids"])
    return {"id": cmd["unified_id"]}


def excuse_unified_unit(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    unified = _unified(tx, cmd["unified_id"], ctx)
    unit_id = cmd["unit_id"]
    if unit_id not in unified.parts or (ctx.scope is not None and unit_id not in ctx.scope):
        raise NotFound(f"unit {unit_id} does not take part")
    unified.excuse_unit(unit_id, reason=cmd["reason"])
    return {"id": cmd["unified_id"]}


def close_unified_activity(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    unified = _unified(tx, cmd["unified_id"], ctx)
    if ctx.scope is not None and not set(unified.parts) <= set(ctx.scope):
        raise Forbidden("only a token that sees every taking-part unit may close it")
    unified.close(closed_on=ctx.clock.today())
    return {"id": cmd["unified_id"]}


# -- work menus ----------------------------------------------------------------------------


def _county_level(ctx: Context) -> None:
    if ctx.scope is not None:
        raise Forbidden("the work menu is the county's: a unit-scoped token may only adopt")


def draft_work_menu(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    _county_level(ctx)
    menu = tx.add(WorkMenu(ctx.new_id()))
    assert isinstance(menu, WorkMenu)
    menu.draft(**cmd)
    return {"id": menu.id}


def add_work_menu_item(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    _county_level(ctx)
    fields = dict(cmd)
    menu_id = fields.pop("menu_id")
    tx.get(WorkMenu, menu_id, "work menu").add_item(ctx.new_id(), **fields)
    return {"id": menu_id}


def withdraw_work_menu_item(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    _county_level(ctx)
    menu = tx.get(WorkMenu, cmd["menu_id"], "work menu")
    if cmd["item_id"] not in menu.items:
        raise NotFound(f"item {cmd['item_id']} is not on the menu")
    menu.withdraw_item(cmd["item_id"], reason=cmd["reason"])
    return {"id": cmd["menu_id"]}


def publish_work_menu(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    _county_level(ctx)
    tx.get(WorkMenu, cmd["menu_id"], "work menu").publish(published_on=ctx.clock.today())
    return {"id": cmd["menu_id"]}


def adopt_work_menu_item(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    menu = tx.get(WorkMenu, cmd["menu_id"], "work menu")
    ctx.facts(tx).require_active_unit("unit_id", cmd["unit_id"], ctx.scope)
    if cmd["item_id"] not in menu.items:
        raise InvalidInput.field("item_id", "is not an item of this menu")
    menu.adopt(cmd["unit_id"], cmd["item_id"], adopted_on=ctx.clock.today())
    return {"id": cmd["menu_id"]}


def drop_work_menu_adoption(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    menu = tx.get(WorkMenu, cmd["menu_id"], "work menu")
    unit_id, item_id = cmd["unit_id"], cmd["item_id"]
    if (ctx.scope is not None and unit_id not in ctx.scope) or item_id not in menu.adoptions.get(
            unit_id, []):
        raise NotFound(f"unit {unit_id} has not adopted item {item_id}")
    menu.drop_adoption(unit_id, item_id, reason=cmd["reason"])
    return {"id": cmd["menu_id"]}
