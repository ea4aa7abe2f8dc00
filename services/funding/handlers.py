"""Command handlers of the funding service: plain functions `(tx, cmd, ctx) -> answer`.

Same shape as assessment's (docs/conventions.md): `tx` the unit of work's transaction, `cmd`
the validated command, `ctx` the scope, the id generator and the read-model facts (`Facts`,
`queries.SqlFacts` in the service, a fake in tests/unit/funding/test_funding_handlers.py).
The venues' and the unit funds' commands live here; dues and credit still run their closures
in `rpc/`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from eventkit import clock as clocks
from eventkit.errors import NotFound
from eventkit.uow import Tx
from services.funding.domain.ledger import UnitFund
from services.funding.domain.venues import Venue

Scope = Sequence[str] | None


class Facts(Protocol):
    def require_unit(self, unit_id: str, scope: Scope) -> dict[str, Any]: ...
    def venue_unit(self, venue_id: str) -> str | None | bool: ...


@dataclasses.dataclass(frozen=True)
class Context:
    facts: Callable[[Tx], Facts]
    scope: Scope = None
    new_id: Callable[[], str] = clocks.new_id


def register_venue(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    ctx.facts(tx).require_unit(cmd["unit_id"], ctx.scope)
    venue = tx.add(Venue(ctx.new_id()))
    assert isinstance(venue, Venue)
    venue.register(cmd["name"], cmd["provider_kind"], cmd["provider_name"], cmd["capacity"],
                   provider_id=cmd["provider_id"], unit_id=cmd["unit_id"],
                   address=cmd["address"])
    return {"id": venue.id}


def on_venue(tx: Tx, venue_id: str, ctx: Context,
             action: Callable[[Venue], dict[str, Any] | None]) -> dict[str, Any]:
    """A venue the caller may see (its unit in scope; a venue of no unit: unscoped only)."""
    unit_id = ctx.facts(tx).venue_unit(venue_id)
    if unit_id is False or (ctx.scope is not None and unit_id not in ctx.scope):
        raise NotFound(f"venue {venue_id} not found")
    venue = tx.get(Venue, venue_id, "venue")
    return action(venue) or {}


def change_venue_capacity(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_venue(tx, cmd["venue_id"], ctx,
                    lambda venue: venue.change_capacity(cmd["capacity"]))


def book_venue(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    booking_id = cmd["booking_id"]

    def action(venue: Venue) -> dict[str, Any]:
        venue.book(booking_id, cmd["activity_id"], cmd["starts_at"], cmd["ends_at"],
                   expected_attendance=cmd["expected_attendance"])
        return {"booking_id": booking_id}

    return on_venue(tx, cmd["venue_id"], ctx, action)


def cancel_booking(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_venue(tx, cmd["venue_id"], ctx,
                    lambda venue: venue.cancel_booking(cmd["booking_id"], cmd["reason"]))


# -- unit funds ------------------------------------------------------------------------------


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
