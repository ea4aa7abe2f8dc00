"""Dues commands: the rule book, member dues accounts and payments, unit remittances."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventkit.errors import NotFound
from eventkit.uow import Tx
from services.funding.domain.common import month_range
from services.funding.domain.dues import MemberDues, ensure_pays_dues, rule_in_force
from services.funding.domain.ledger import UnitFund
from services.funding.domain.remittance import (
    UnitRemittances,
    compute_remittance,
    rebate_number,
    rebate_receipt,
)
from services.funding.domain.rulebook import RULE_BOOK_ID, RuleBook
from services.funding.handlers.common import Context, this_month

# -- the rule book ---------------------------------------------------------------------------


def add_dues_rule(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    rest = {k: v for k, v in cmd.items() if k not in ("version", "effective_from")}
    tx.load(RuleBook, RULE_BOOK_ID).add_dues_rule(cmd["version"], cmd["effective_from"],
                                                  this_month(ctx), **rest)
    return {}


def add_remittance_rule(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    tx.load(RuleBook, RULE_BOOK_ID).add_remittance_rule(
        cmd["version"], cmd["effective_from"], cmd["retained_bp"], cmd["rebate_bp"])
    return {}


# -- member dues accounts --------------------------------------------------------------------


def start_dues(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    member = ctx.facts(tx).require_member(cmd["member_id"], ctx.scope)
    ensure_pays_dues(member["kind"])
    # a first month no rule covers could never be paid
    rule_in_force(tx.load(RuleBook, RULE_BOOK_ID).dues_rules(), cmd["from_month"])
    account = tx.load(MemberDues, cmd["member_id"])
    account.start(cmd["category"], cmd["from_month"], cmd["income_fen"])
    return {}


def on_dues(tx: Tx, cmd: dict[str, Any], ctx: Context,
            action: Callable[[MemberDues], dict[str, Any] | None]) -> dict[str, Any]:
    """The dues account of a member the caller may see; `action` changes it."""
    member_id = cmd["member_id"]
    ctx.facts(tx).require_member(member_id, ctx.scope)
    account = tx.load(MemberDues, member_id)
    if not account.exists:
        raise NotFound(f"no dues account for member {member_id}")
    return action(account) or {}


def change_dues_basis(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_dues(tx, cmd, ctx, lambda account: account.change_basis(
        cmd["category"], cmd["effective_from"], cmd["income_fen"]))


def pay_dues(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    def action(account: MemberDues) -> dict[str, Any]:
        payment_id = ctx.new_id()
        rules = tx.load(RuleBook, RULE_BOOK_ID).dues_rules()
        account.pay(payment_id, month_range(cmd["from_month"], cmd["to_month"]),
                    cmd["amount_fen"], cmd["paid_on"], rules)
        return {"payment_id": payment_id}

    return on_dues(tx, cmd, ctx, action)


def reverse_dues_payment(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_dues(tx, cmd, ctx, lambda account: account.reverse_payment(
        cmd["payment_id"], cmd["reason"], cmd["reversed_on"]))


# -- remittances -----------------------------------------------------------------------------


def record_remittance(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """A unit's remittance of the dues it collected; its rebate becomes income of the unit's
    fund in the same transaction."""
    facts = ctx.facts(tx)
    unit_id = cmd["unit_id"]
    facts.require_unit(unit_id, ctx.scope)
    rules = tx.load(RuleBook, RULE_BOOK_ID).remittance_rules()
    collected = cmd["collected_fen"]
    if collected is None:
        collected = facts.dues_collected(unit_id, cmd["period_from"], cmd["period_to"])
    remittance_id = ctx.new_id()
    remittance = compute_remittance(remittance_id, unit_id, cmd["period_from"],
                                    cmd["period_to"], collected, rules)
    tx.load(UnitRemittances, unit_id).record(remittance)
    entry_id = None
    receipt = rebate_receipt(remittance, ctx.new_id(), rebate_number(remittance),
                             cmd["received_on"])
    if receipt is not None:
        tx.load(UnitFund, unit_id).record_receipt(**receipt)
        entry_id = receipt["entry_id"]
    return {"remittance_id": remittance_id, "rebate_entry_id": entry_id}
