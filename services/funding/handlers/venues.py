"""Venue commands: registration, capacity, bookings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventkit.errors import NotFound
from eventkit.uow import Tx
from services.funding.domain.venues import Venue
from services.funding.handlers.common import Context


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
    booking_id = cmd.get("booking_id") or ctx.new_id()

    def action(venue: Venue) -> dict[str, Any]:
        venue.book(booking_id, cmd["activity_id"], cmd["starts_at"], cmd["ends_at"],
                   expected_attendance=cmd["expected_attendance"])
        return {"booking_id": booking_id}

    return on_venue(tx, cmd["venue_id"], ctx, action)


def cancel_booking(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return on_venue(tx, cmd["venue_id"], ctx,
                    lambda venue: venue.cancel_booking(cmd["booking_id"], cmd["reason"]))
