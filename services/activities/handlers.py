"""Command handlers of the activities service: plain functions `(tx, cmd, ctx) -> answer`.

Same shape as assessment's (docs/conventions.md). The WeChat groups' commands live here;
the other resources still run their closures in `rpc/`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from eventkit import clock as clocks
from eventkit.uow import Tx
from services.activities.domain.channel import WeChatGroup

Scope = Sequence[str] | None


class Facts(Protocol):
    def require_active_unit(self, field: str, unit_id: str, scope: Scope) -> Any: ...
    def require_group_visible(self, group_id: str, scope: Scope) -> Any: ...


@dataclasses.dataclass(frozen=True)
class Context:
    facts: Callable[[Tx], Facts]
    scope: Scope = None
    clock: clocks.Clock = clocks.SYSTEM_CLOCK
    new_id: Callable[[], str] = clocks.new_id


def register_wechat_group(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    ctx.facts(tx).require_active_unit("unit_id", cmd["unit_id"], ctx.scope)
    group = tx.add(WeChatGroup(ctx.new_id()))
    assert isinstance(group, WeChatGroup)
    group.register(**{**cmd, "as_of": cmd["as_of"] or ctx.clock.today()})
    return {"id": group.id}


def _group(tx: Tx, group_id: str, ctx: Context) -> WeChatGroup:
    ctx.facts(tx).require_group_visible(group_id, ctx.scope)
    return tx.get(WeChatGroup, group_id, "WeChat group")


def edit_wechat_group(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    group = _group(tx, cmd["group_id"], ctx)
    if "name" in cmd:
        group.rename(name=cmd["name"])
    if "admin_name" in cmd:
        group.change_admin(admin_name=cmd["admin_name"],
                           admin_member_id=cmd.get("admin_member_id"))
    return {"id": cmd["group_id"]}


def report_wechat_member_count(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    _group(tx, cmd["group_id"], ctx).report_member_count(
        member_count=cmd["member_count"], as_of=cmd["as_of"] or ctx.clock.today())
    return {"id": cmd["group_id"]}


def close_wechat_group(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    _group(tx, cmd["group_id"], ctx).close(closed_on=cmd["closed_on"] or ctx.clock.today(),
                                           reason=cmd["reason"])
    return {"id": cmd["group_id"]}
