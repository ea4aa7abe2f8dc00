"""Venues: registration, capacity and bookings."""

from __future__ import annotations

from eventkit import pagination
from eventkit.errors import NotFound
from eventkit.nameko_ext import command
from eventkit.validation import load
from services.funding import handlers, queries
from services.funding.contract import schemas
from services.funding.rpc.common import Commands


class VenuesRpc(Commands):

    # ======================================================================== venues
    @command
    def register_venue(self, payload: dict, command_id: str | None = None,
                       scope: list[str] | None = None) -> dict:
        result = self._run(handlers.register_venue, load(schemas.VenueIn, payload),
                           command_id, scope)
        return self.get_venue(result["id"])

    def _venue_in_scope(self, cur, venue_id: str, scope: list[str] | None) -> dict:
        cur.execute("SELECT id, name, provider_kind, provider_name, provider_id, capacity,"
                    " unit_id, address, registered_at, version FROM venues WHERE id = %s",
                    (venue_id,))
        venue = queries.one(cur)
        if venue is None or (scope is not None and venue["unit_id"] not in scope):
            raise NotFound(f"venue {venue_id} not found")
        return venue

    @command
    def get_venue(self, venue_id: str, scope: list[str] | None = None) -> dict:
        def query(cur) -> dict:
            venue = self._venue_in_scope(cur, venue_id, scope)
            cur.execute("SELECT booking_id, venue_id, activity_id, starts_at, ends_at,"
                        " expected_attendance, cancelled, cancel_reason FROM venue_bookings"
                        " WHERE venue_id = %s ORDER BY starts_at LIMIT 500", (venue_id,))
            venue["bookings"] = queries.rows(cur)
            return venue

        return self.es.read(query)

    @command
    def list_venues(self, filters: dict | None = None, limit: int = 50,
                    cursor: str | None = None, scope: list[str] | None = None) -> dict:
        filters = filters or {}
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor) or ""

        def query(cur) -> dict:
            where, args = ["id > %s"], [after]
            for key in ("unit_id", "provider_kind"):
                if filters.get(key):
                    where.append(f"{key} = %s")
                    args.append(filters[key])
            if filters.get("min_capacity"):
                where.append("capacity >= %s")
                args.append(int(filters["min_capacity"]))
            extra, extra_args = queries.scope_clause("unit_id", scope)
            sql = ("SELECT id, name, provider_kind, provider_name, provider_id, capacity,"
                   " unit_id, address, registered_at, version FROM venues WHERE "
                   + " AND ".join(where) + extra + " ORDER BY id")
            return pagination.fetch(cur, sql, [*args, *extra_args], limit, lambda r: r["id"])

        return self.es.read(query)

    @command
    def change_venue_capacity(self, venue_id: str, payload: dict,
                              command_id: str | None = None,
                              scope: list[str] | None = None) -> dict:
        cmd = {**load(schemas.VenueUpdate, payload), "venue_id": venue_id}
        self._run(handlers.change_venue_capacity, cmd, command_id, scope)
        return self.get_venue(venue_id, scope)

    @command
    def book_venue(self, venue_id: str, payload: dict, command_id: str | None = None,
                   scope: list[str] | None = None) -> dict:
        cmd = {**load(schemas.BookingIn, payload), "venue_id": venue_id}
        result = self._run(handlers.book_venue, cmd, command_id, scope)
        return self._booking(result["booking_id"])

    def _booking(self, booking_id: str) -> dict:
        def query(cur) -> dict:
            cur.execute("SELECT booking_id, venue_id, activity_id, starts_at, ends_at,"
                        " expected_attendance, cancelled, cancel_reason FROM venue_bookings"
                        " WHERE booking_id = %s", (booking_id,))
            booking = queries.one(cur)
            if booking is None:
                raise NotFound(f"booking {booking_id} not found")
            return booking

        return self.es.read(query)

    @command
    def cancel_booking(self, venue_id: str, booking_id: str, payload: dict,
                       command_id: str | None = None, scope: list[str] | None = None) -> dict:
        cmd = {**load(schemas.CancelIn, payload), "venue_id": venue_id,
               "booking_id": booking_id}
        self._run(handlers.cancel_booking, cmd, command_id, scope)
        return self._booking(booking_id)
