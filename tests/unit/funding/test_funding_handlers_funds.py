"""Funding's unit fund command handlers on the fakes, the ones test_funding_handlers.py leaves
out: pledges, releases, expenses and reversals (in-memory event store and unit of work, fake
read-model facts, counted ids): no PostgreSQL. tests/e2e/test_funding_funds.py drives the
same handlers through HTTP."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from eventkit.errors import InvalidInput, NotFound, RuleViolation
from eventkit.fakes import FakeUnitOfWork, InMemoryEventStore
from services.funding import handlers
from services.funding.contract.events import registry
from services.funding.domain.journal import JournalLine, journal_line, reversal_line
from services.funding.domain.ledger import UnitFund
from tests.unit.funding.test_funding_handlers import FakeFacts, receipt, run

DAY = dt.date(2024, 5, 3)


@pytest.fixture
def world() -> tuple[FakeUnitOfWork, Any]:
    facts = FakeFacts()
    uow = FakeUnitOfWork(InMemoryEventStore(registry))
    ids = (f"e{n}" for n in itertools.count(1))

    def ctx(scope: list[str] | None = None) -> handlers.Context:
        return handlers.Context(facts=lambda tx: facts, scope=scope, new_id=lambda: next(ids))

    return uow, ctx


def pledge(**overrides: Any) -> dict[str, Any]:
    return {"unit_id": "U1", "source": "enterprise_sponsorship", "payer_name": "Pear Ltd",
            "amount_fen": 100_000, "pledged_on": DAY, "agreement_ref": "A-1",
            "payer_uscc": None, "earmark": None, **overrides}


def allocate(uow: FakeUnitOfWork, ctx: handlers.Context, amount_fen: int) -> str:
    return str(run(uow, handlers.allocate_funds, {
        "unit_id": "U1", "activity_id": "A1", "amount_fen": amount_fen, "allocated_on": DAY,
        "earmark": None, "note": None}, ctx)["entry_id"])


def test_a_pledge_of_a_sponsor_needs_its_uscc(world: Any) -> None:
    uow, ctx = world
    with pytest.raises(InvalidInput, match="payer_uscc"):
        run(uow, handlers.record_pledge, pledge(), ctx())
    assert run(uow, handlers.record_pledge, pledge(source="government_allocation"),
               ctx()) == {"entry_id": "e2"}
    assert uow.store.types() == ["PledgeRecorded"]


def test_an_expense_from_an_allocation_then_its_remainder_released(world: Any) -> None:
    uow, ctx = world
    run(uow, handlers.record_receipt, receipt(50_000), ctx())
    allocation_id = allocate(uow, ctx(), 30_000)
    expense = {"unit_id": "U1", "approved_by": "Wang", "invoice_number": "F-1",
               "amount_fen": 10_000, "spent_on": DAY, "earmark": None,
               "allocation_id": allocation_id, "description": None}
    run(uow, handlers.record_expense, expense, ctx())
    with pytest.raises(RuleViolation, match="exceeds what remains"):
        run(uow, handlers.record_expense, {**expense, "amount_fen": 25_000,
                                           "invoice_number": "F-2"}, ctx())
    run(uow, handlers.release_allocation, {"unit_id": "U1", "allocation_id": allocation_id,
                                           "released_on": DAY}, ctx())
    with pytest.raises(RuleViolation, match="nothing left to release"):
        run(uow, handlers.release_allocation, {"unit_id": "U1",
                                               "allocation_id": allocation_id,
                                               "released_on": DAY}, ctx())
    assert uow.store.types() == ["ReceiptRecorded", "FundsAllocated", "ExpenseRecorded",
                                 "AllocationReleased"]
    assert uow.store.events[-1]["data"]["amount_fen"] == 20_000


def test_an_entry_is_reversed_once(world: Any) -> None:
    uow, ctx = world
    entry_id = run(uow, handlers.record_receipt, receipt(50_000), ctx())["entry_id"]
    reversal = {"unit_id": "U1", "reverses_entry_id": entry_id, "reason": "wrong unit",
                "reversed_on": DAY}
    run(uow, handlers.reverse_entry, reversal, ctx())
    with pytest.raises(RuleViolation, match="already reversed"):
        run(uow, handlers.reverse_entry, reversal, ctx())
    with pytest.raises(NotFound):
        run(uow, handlers.reverse_entry, {**reversal, "reverses_entry_id": "nope"}, ctx())
    assert uow.store.types() == ["ReceiptRecorded", "EntryReversed"]


def test_the_read_models_fund_lines_are_the_aggregates_journal(world: Any) -> None:
    """projections.py writes journal_line / reversal_line: the lines the aggregate posts."""
    uow, ctx = world
    run(uow, handlers.record_pledge, pledge(source="government_allocation"), ctx())
    run(uow, handlers.record_receipt, receipt(50_000), ctx())
    allocation_id = allocate(uow, ctx(), 30_000)
    run(uow, handlers.reverse_entry, {"unit_id": "U1", "reverses_entry_id": allocation_id,
                                      "reason": "wrong unit", "reversed_on": DAY}, ctx())
    history = [(e["type"], e["data"]) for e in uow.store.events]
    lines: dict[str, JournalLine] = {}
    for event_type, data in history:
        line = (journal_line(event_type, data) if event_type != "EntryReversed" else
                reversal_line(lines[data["reverses_entry_id"]], data["reversed_on"]))
        if line is not None:
            lines[data["entry_id"]] = line
    fund = UnitFund.from_history("U1", history)
    assert fund._journal == list(lines.values())
    assert [line.available for line in lines.values()] == [50_000, -30_000, 30_000]
