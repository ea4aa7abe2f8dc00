from __future__ import annotations

import pytest

from eventkit.aggregate import handler_name
from eventkit.errors import InvalidInput
from services.funding.contract.events import registry
from services.funding.domain.applications import CreditApplication, YoungEntrepreneur
from services.funding.domain.credit import CreditGrant, PendingLoanEvents
from services.funding.domain.dues import MemberDues
from services.funding.domain.ledger import UnitFund
from services.funding.domain.remittance import UnitRemittances
from services.funding.domain.rulebook import RuleBook
from services.funding.domain.venues import Venue

AGGREGATES = (UnitFund, Venue, MemberDues, UnitRemittances, CreditGrant, PendingLoanEvents,
              RuleBook, YoungEntrepreneur, CreditApplication)


def test_every_registered_event_has_exactly_one_handler_and_vice_versa() -> None:
    handlers = {name: cls for cls in AGGREGATES for name in vars(cls) if name.startswith("_on_")}
    registered = {handler_name(t): t for t in registry.types()}
    assert set(registered) == set(handlers)


def test_stream_prefixes_are_distinct() -> None:
    prefixes = [cls.stream_prefix for cls in AGGREGATES]
    assert len(set(prefixes)) == len(prefixes) and all(prefixes)


@pytest.mark.parametrize(
    ("event_type", "data"),
    [
        (
            "ExpenseRecorded",
            {
                "entry_id": "e",
                "approved_by": "Li",
                "invoice_number": "I",
                "amount_fen": -1,
                "earmark": None,
                "spent_on": "2024-01-01",
                "allocation_id": None,
                "description": None,
            },
        ),
        (
            "ExpenseRecorded",
            {
                "entry_id": "e",
                "approved_by": "Li",
                "invoice_number": "I",
                "amount_fen": 1.5,
                "earmark": None,
                "spent_on": "2024-01-01",
                "allocation_id": None,
                "description": None,
            },
        ),
        (
            "VenueBooked",
            {
                "booking_id": "b",
                "activity_id": "a",
                "starts_at": "2024-01-01T10:00:00",
                "ends_at": "2024-01-01T11:00:00+00:00",
                "expected_attendance": None,
            },
        ),
        (
            "MemberDuesStarted",
            {"member_id": "m", "from_month": "2024-13", "category": "student", "income_fen": None},
        ),
        (
            "LoanRepaid",
            {
                "message_id": "m",
                "loan_id": "L",
                "amount_fen": 1,
                "repaid_at": "2024-01-01",
                "settled": True,
                "extra": 1,
            },
        ),
    ],
)
def test_schemas_refuse_bad_event_data(event_type: str, data: dict) -> None:
    with pytest.raises(InvalidInput):
        registry.validate(event_type, data)
