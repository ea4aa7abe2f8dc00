"""Activity venues (活动阵地) and their bookings.

Bookings are half-open intervals [starts_at, ends_at): one booking may start at the very
moment the previous one ends. Times are stored as UTC ISO strings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput, NotFound, RuleViolation
from services.funding.contract.enums import (  # noqa: F401 - the contract's enums
    PROVIDER_KINDS,
)

from .common import optional_text, require_aware, require_text, utc_iso


class Venue(Aggregate):
    stream_prefix = "venue"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.name = ""
        self.provider_kind = ""
        self.provider_name = ""
        self.provider_id: str | None = None
        self.capacity = 0
        self.unit_id: str | None = None
        self.bookings: dict[str, dict[str, Any]] = {}

    def active_bookings(self) -> list[dict[str, Any]]:
        return sorted(
            (b for b in self.bookings.values() if not b["cancelled"]),
            key=lambda b: b["starts_at"],
        )

    # ----------------------------------------------------------------- commands
    def register(
        self,
        name: str,
        provider_kind: str,
        provider_name: str,
        capacity: int,
        *,
        provider_id: str | None = None,
        unit_id: str | None = None,
        address: str | None = None,
    ) -> None:
        """`provider_id`: the cooperative's or unit's id when the platform knows it."""
        if self.exists:
            raise RuleViolation("the venue is already registered", {"venue_id": self.id})
        if provider_kind not in PROVIDER_KINDS:
            raise InvalidInput.field("provider_kind", f"must be one of {', '.join(PROVIDER_KINDS)}")
        self._record(
            "VenueRegistered",
            {
                "venue_id": self.id,
                "name": require_text("name", name),
                "provider_kind": provider_kind,
                "provider_name": require_text("provider_name", provider_name),
                "provider_id": optional_text("provider_id", provider_id),
                "capacity": _capacity(capacity),
                "unit_id": optional_text("unit_id", unit_id),
                "address": optional_text("address", address),
            },
        )

    def change_capacity(self, capacity: int) -> None:
        self._require_registered()
        self._record("VenueCapacityChanged", {"capacity": _capacity(capacity)})

    def book(
        self,
        booking_id: str,
        activity_id: str,
        starts_at: dt.datetime,
        ends_at: dt.datetime,
        *,
        expected_attendance: int | None = None,
    ) -> None:
        self._require_registered()
        require_text("booking_id", booking_id)
        if booking_id in self.bookings:
            raise RuleViolation(f"booking {booking_id} already exists", {"booking_id": booking_id})
        start = require_aware("starts_at", starts_at)
        end = require_aware("ends_at", ends_at)
        if end <= start:
            raise InvalidInput.field("ends_at", "must be after starts_at")
        if expected_attendance is not None:
            if isinstance(expected_attendance, bool) or not isinstance(expected_attendance, int):
                raise InvalidInput.field("expected_attendance", "must be an integer")
            if expected_attendance > self.capacity:
                raise RuleViolation(
                    f"expected attendance {expected_attendance} exceeds the capacity "
                    f"{self.capacity}",
                    {"capacity": self.capacity, "expected_attendance": expected_attendance},
                )
        for other in self.active_bookings():
            other_start = dt.datetime.fromisoformat(other["starts_at"])
            other_end = dt.datetime.fromisoformat(other["ends_at"])
            if start < other_end and other_start < end:
                raise RuleViolation(
                    f"the venue is already booked by booking {other['booking_id']} "
                    f"(activity {other['activity_id']}) from {other['starts_at']} "
                    f"to {other['ends_at']}",
                    {
                        "clashing_booking_id": other["booking_id"],
                        "clashing_activity_id": other["activity_id"],
                        "starts_at": other["starts_at"],
                        "ends_at": other["ends_at"],
                    },
                )
        self._record(
            "VenueBooked",
            {
                "booking_id": booking_id,
                "activity_id": require_text("activity_id", activity_id),
                "starts_at": utc_iso(start),
                "ends_at": utc_iso(end),
                "expected_attendance": expected_attendance,
            },
        )

    def cancel_booking(self, booking_id: str, reason: str | None = None) -> None:
        booking = self.bookings.get(booking_id)
        if booking is None:
            raise NotFound(f"no booking {booking_id} for this venue", {"booking_id": booking_id})
        if booking["cancelled"]:
            raise RuleViolation(
                f"booking {booking_id} is already cancelled", {"booking_id": booking_id}
            )
        self._record(
            "VenueBookingCancelled",
            {"booking_id": booking_id, "reason": optional_text("reason", reason)},
        )

    def _require_registered(self) -> None:
        if not self.exists:
            raise NotFound(f"no venue {self.id}", {"venue_id": self.id})

    # ------------------------------------------------------------- apply events
    def _on_venue_registered(self, data: dict[str, Any]) -> None:
        self.name = data["name"]
        self.provider_kind = data["provider_kind"]
        self.provider_name = data["provider_name"]
        self.provider_id = data["provider_id"]
        self.capacity = data["capacity"]
        self.unit_id = data["unit_id"]

    def _on_venue_capacity_changed(self, data: dict[str, Any]) -> None:
        self.capacity = data["capacity"]

    def _on_venue_booked(self, data: dict[str, Any]) -> None:
        self.bookings[data["booking_id"]] = {**data, "cancelled": False}

    def _on_venue_booking_cancelled(self, data: dict[str, Any]) -> None:
        self.bookings[data["booking_id"]]["cancelled"] = True


def _capacity(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidInput.field("capacity", "must be a positive integer")
    return value
