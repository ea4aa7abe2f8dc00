"""Unit fund commands: pledges, receipts, allocations, releases, expenses, reversals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventkit.uow import Tx
from services.funding.domain.ledger import UnitFund
from services.funding.handlers.common import Context


def on_fund(tx: Tx, cmd: dict[str, Any], ctx: Context,
            action: Callable[[UnitFund, str], None]) -> dict[str, Any]:
    """The fund of a unit the caller may see; `action` records one new entry on it."""
    ctx.facts(tx).require_unit(cmd["unit_id"], ctx.scope)
    fund = tx.load(UnitFund, cmd["unit_id"])
    entry_id = ctx.new_id()
    action(fund, entry_id)
    return {"entry_id": entry_id}


def record_pledge(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_fund(tx, cmd, ctx, lambda fund, eid: fund.record_pledge(
        eid, cmd["source"], cmd["payer_name"], cmd["amount_fen"], cmd["pledged_on"],
        agreement_ref=cmd["agreement_ref"], payer_uscc=cmd["payer_uscc"],
        earmark=cmd["earmark"]))


def record_receipt(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_fund(tx, cmd, ctx, lambda fund, eid: fund.record_receipt(
        eid, cmd["receipt_number"], cmd["amount_fen"], cmd["received_on"],
        pledge_id=cmd["pledge_id"], source=cmd["source"], earmark=cmd["earmark"],
        payer_name=cmd["payer_name"]))


def allocate_funds(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_fund(tx, cmd, ctx, lambda fund, eid: fund.allocate(
        eid, cmd["activity_id"], cmd["amount_fen"], cmd["allocated_on"],
        earmark=cmd["earmark"], note=cmd["note"]))


def release_allocation(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_fund(tx, cmd, ctx, lambda fund, eid: fund.release_allocation(
        eid, cmd["allocation_id"], cmd["released_on"]))


def record_expense(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_fund(tx, cmd, ctx, lambda fund, eid: fund.record_expense(
        eid, cmd["approved_by"], cmd["invoice_number"], cmd["amount_fen"], cmd["spent_on"],
        earmark=cmd["earmark"], allocation_id=cmd["allocation_id"],
        description=cmd["description"]))


def reverse_entry(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_fund(tx, cmd, ctx, lambda fund, eid: fund.reverse(
        eid, cmd["reverses_entry_id"], cmd["reason"], cmd["reversed_on"]))
