"""Member transfers between units: the sending unit asks (the member's unit within scope),
the receiving unit decides (the target within scope); both units of one committee."""

from __future__ import annotations

from typing import Any

from eventkit.errors import NotFound
from eventkit.uow import Tx
from services.org.domain.member import Member
from services.org.domain.tree_rules import check_accepts_children, check_same_committee
from services.org.handlers.base import Context, check_scope, member_in_scope, unit_facts


def request_transfer(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """cmd: member_id (the member's unit within scope), to_unit_id, on."""
    member = member_in_scope(tx, cmd["member_id"], ctx)
    facts = ctx.facts(tx)
    target = unit_facts(facts, cmd["to_unit_id"], "to_unit_id")
    check_accepts_children(target)
    home = facts.unit(member.unit_id)
    check_same_committee(home.committee_id if home else None, target.committee_id)
    transfer_id = ctx.new_id()
    member.request_transfer(transfer_id, cmd["to_unit_id"], cmd["on"])
    return {"id": transfer_id}


def _transfer_member(tx: Tx, transfer_id: str, ctx: Context) -> Member:
    transfer = ctx.facts(tx).transfer(transfer_id)
    scope = ctx.scope
    if transfer is None or (scope is not None and transfer["from_unit_id"] not in scope
                            and transfer["to_unit_id"] not in scope):
        raise NotFound(f"transfer {transfer_id} not found")
    check_scope(scope, transfer["to_unit_id"], "transfer", transfer_id)  # the receiver decides
    return tx.get(Member, transfer["member_id"], "member")


def approve_transfer(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    transfer_id = cmd["transfer_id"]
    member = _transfer_member(tx, transfer_id, ctx)
    pending = member.pending_transfer or {}
    if pending.get("transfer_id") == transfer_id:
        check_accepts_children(unit_facts(ctx.facts(tx), pending["to_unit_id"]))
    member.approve_transfer(transfer_id, cmd["on"])
    return {"id": transfer_id}


def reject_transfer(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    member = _transfer_member(tx, cmd["transfer_id"], ctx)
    member.reject_transfer(cmd["transfer_id"], cmd["on"], cmd["reason"])
    return {"id": cmd["transfer_id"]}
