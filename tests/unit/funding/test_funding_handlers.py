"""Funding's venue command handlers on the fakes (in-memory event store and unit of work,
fake read-model facts, counted ids): no PostgreSQL. tests/e2e/test_funding_venues.py drives
the same handlers through HTTP."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from eventkit.errors import NotFound, RuleViolation
from eventkit.fakes import FakeUnitOfWork, InMemoryEventStore
from services.funding import handlers
from services.funding.contract.events import registry

AT = dt.datetime(2024, 5, 1, 1, 0, tzinfo=dt.UTC)


class FakeFacts:
    def __init__(self) -> None:
        self.units = {"U1", "U2"}
        self.venues: dict[str, str | None] = {}

    def require_unit(self, unit_id: str, scope: Any) -> dict[str, Any]:
        if unit_id not in self.units or (scope is not None and unit_id not in scope):
            raise NotFound(f"unit {unit_id} not found")
        return {"id": unit_id}

    def venue_unit(self, venue_id: str) -> str | None | bool:
        return self.venues.get(venue_id, False)


@pytest.fixture
def world() -> tuple[FakeUnitOfWork, FakeFacts, Any]:
    facts = FakeFacts()
    uow = FakeUnitOfWork(InMemoryEventStore(registry))
    ids = (f"v{n}" for n in itertools.count(1))

    def ctx(scope: list[str] | None = None) -> handlers.Context:
        return handlers.Context(facts=lambda tx: facts, scope=scope, new_id=lambda: next(ids))

    return uow, facts, ctx


def run(uow: FakeUnitOfWork, handler: Any, cmd: dict[str, Any], ctx: handlers.Context,
        command_id: str | None = None) -> dict[str, Any]:
    return uow.run(lambda tx: handler(tx, cmd, ctx), command_id=command_id)


def register(uow: FakeUnitOfWork, facts: FakeFacts, ctx: handlers.Context,
             unit_id: str = "U1") -> str:
    venue_id = run(uow, handlers.register_venue, {
        "name": "村委会礼堂", "provider_kind": "cooperative", "provider_name": "Pear Coop",
        "capacity": 80, "provider_id": None, "unit_id": unit_id, "address": None}, ctx)["id"]
    facts.venues[venue_id] = unit_id  # what the projection would record
    return str(venue_id)


def booking(booking_id: str, venue_id: str, hours: tuple[int, int]) -> dict[str, Any]:
    return {"venue_id": venue_id, "booking_id": booking_id, "activity_id": "A1",
            "starts_at": AT + dt.timedelta(hours=hours[0]),
            "ends_at": AT + dt.timedelta(hours=hours[1]), "expected_attendance": 40}


def test_register_then_book(world: Any) -> None:
    uow, facts, ctx = world
    venue_id = register(uow, facts, ctx())
    assert run(uow, handlers.book_venue, booking("b1", venue_id, (0, 2)), ctx()) == {
        "booking_id": "b1"}
    assert uow.store.types() == ["VenueRegistered", "VenueBooked"]


def test_a_clashing_booking_is_refused_and_stores_nothing(world: Any) -> None:
    uow, facts, ctx = world
    venue_id = register(uow, facts, ctx())
    run(uow, handlers.book_venue, booking("b1", venue_id, (0, 2)), ctx())
    with pytest.raises(RuleViolation) as err:
        run(uow, handlers.book_venue, booking("b2", venue_id, (1, 3)), ctx())
    assert err.value.details["clashing_booking_id"] == "b1"
    assert uow.store.types() == ["VenueRegistered", "VenueBooked"]


def test_a_venue_of_another_unit_is_not_found_for_a_scoped_caller(world: Any) -> None:
    uow, facts, ctx = world
    venue_id = register(uow, facts, ctx(), unit_id="U2")
    with pytest.raises(NotFound):
        run(uow, handlers.change_venue_capacity, {"venue_id": venue_id, "capacity": 10},
            ctx(scope=["U1"]))
    with pytest.raises(NotFound):
        register(uow, facts, ctx(scope=["U1"]), unit_id="U2")


def test_cancelling_frees_the_slot(world: Any) -> None:
    uow, facts, ctx = world
    venue_id = register(uow, facts, ctx())
    run(uow, handlers.book_venue, booking("b1", venue_id, (0, 2)), ctx())
    run(uow, handlers.cancel_booking, {"venue_id": venue_id, "booking_id": "b1",
                                       "reason": "rain"}, ctx())
    run(uow, handlers.book_venue, booking("b2", venue_id, (0, 2)), ctx())
    assert uow.store.types()[-2:] == ["VenueBookingCancelled", "VenueBooked"]


# -- unit funds ------------------------------------------------------------------------------


def receipt(amount_fen: int, number: str = "R-1") -> dict[str, Any]:
    return {"unit_id": "U1", "receipt_number": number, "amount_fen": amount_fen,
            "received_on": dt.date(2024, 5, 2), "pledge_id": None,
            "source": "government_allocation", "earmark": None, "payer_name": "County"}


def test_a_receipt_then_an_allocation_within_the_money(world: Any) -> None:
    uow, _, ctx = world
    first = run(uow, handlers.record_receipt, receipt(50_000), ctx())
    assert first == {"entry_id": "v1"}
    run(uow, handlers.allocate_funds, {"unit_id": "U1", "activity_id": "A1",
                                       "amount_fen": 30_000, "allocated_on": dt.date(2024, 5, 3),
                                       "earmark": None, "note": None}, ctx())
    assert uow.store.types() == ["ReceiptRecorded", "FundsAllocated"]


def test_allocating_more_than_there_is_is_refused_and_stores_nothing(world: Any) -> None:
    uow, _, ctx = world
    run(uow, handlers.record_receipt, receipt(10_000), ctx())
    with pytest.raises(RuleViolation):
        run(uow, handlers.allocate_funds, {"unit_id": "U1", "activity_id": "A1",
                                           "amount_fen": 30_000,
                                           "allocated_on": dt.date(2024, 5, 3),
                                           "earmark": None, "note": None}, ctx())
    assert uow.store.types() == ["ReceiptRecorded"]


def test_the_fund_of_a_unit_outside_scope_is_not_found(world: Any) -> None:
    uow, _, ctx = world
    with pytest.raises(NotFound):
        run(uow, handlers.record_receipt, receipt(10_000), ctx(scope=["U2"]))
