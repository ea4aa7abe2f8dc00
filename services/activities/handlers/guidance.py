"""Supervision visits and WeChat groups (the channels of guidance): command handlers."""

from __future__ import annotations

from eventkit.errors import InvalidInput, NotFound
from eventkit.uow import Tx
from services.activities.domain.channel import WeChatGroup
from services.activities.domain.supervision import FollowUp, SupervisionVisit

from .context import Answer, Command, Context

# -- supervision visits --------------------------------------------------------------------


def record_supervision_visit(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    if ctx.facts(tx).unit(cmd["unit_id"], ctx.scope) is None:
        raise InvalidInput.field("unit_id", f"unknown unit: {cmd['unit_id']}")
    visit = tx.add(SupervisionVisit(ctx.new_id()))
    assert isinstance(visit, SupervisionVisit)
    actions = [FollowUp(ctx.new_id(), a["description"], a["due_on"]) for a in cmd["actions"]]
    visit.record(visitor=cmd["visitor"], unit_id=cmd["unit_id"], visited_on=cmd["visited_on"],
                 findings=cmd["findings"], today=ctx.clock.today(), actions=actions)
    return {"id": visit.id}


def _visit(tx: Tx, visit_id: str, ctx: Context) -> SupervisionVisit:
    ctx.facts(tx).require_visit_visible(visit_id, ctx.scope)
    return tx.get(SupervisionVisit, visit_id, "supervision visit")


def add_supervision_action(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    _visit(tx, cmd["visit_id"], ctx).add_action(
        FollowUp(ctx.new_id(), cmd["description"], cmd["due_on"]))
    return {"id": cmd["visit_id"]}


def close_supervision_action(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    visit = _visit(tx, cmd["visit_id"], ctx)
    if cmd["action_id"] not in visit.actions:
        raise NotFound(f"action {cmd['action_id']} not found")
    today = ctx.clock.today()
    visit.close_action(cmd["action_id"], closed_on=cmd["closed_on"] or today, note=cmd["note"],
                       today=today)
    return {"id": cmd["visit_id"]}


# -- WeChat groups -------------------------------------------------------------------------


def register_wechat_group(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    ctx.facts(tx).require_active_unit("unit_id", cmd["unit_id"], ctx.scope)
    group = tx.add(WeChatGroup(ctx.new_id()))
    assert isinstance(group, WeChatGroup)
    group.register(**{**cmd, "as_of": cmd["as_of"] or ctx.clock.today()})
    return {"id": group.id}


def _group(tx: Tx, group_id: str, ctx: Context) -> WeChatGroup:
    ctx.facts(tx).require_group_visible(group_id, ctx.scope)
    return tx.get(WeChatGroup, group_id, "WeChat group")


def edit_wechat_group(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    group = _group(tx, cmd["group_id"], ctx)
    if "name" in cmd:
        group.rename(name=cmd["name"])
    if "admin_name" in cmd:
        group.change_admin(admin_name=cmd["admin_name"],
                           admin_member_id=cmd.get("admin_member_id"))
    return {"id": cmd["group_id"]}


def report_wechat_member_count(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    _group(tx, cmd["group_id"], ctx).report_member_count(
        member_count=cmd["member_count"], as_of=cmd["as_of"] or ctx.clock.today())
    return {"id": cmd["group_id"]}


def close_wechat_group(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    _group(tx, cmd["group_id"], ctx).close(closed_on=cmd["closed_on"] or ctx.clock.today(),
                                           reason=cmd["reason"])
    return {"id": cmd["group_id"]}
