"""The fund's journal: line kinds, one dated line per effect, the income sources checked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eventkit.errors import InvalidInput
from services.funding.contract.enums import (  # noqa: F401 - the contract's enums
    INCOME_SOURCES,
)

# Sources whose payer is an enterprise or a cooperative: a USCC identifies them.
USCC_REQUIRED_SOURCES = frozenset({"enterprise_sponsorship", "cooperative_self_funding"})

# Journal line kinds.
_INCOME = "income"
_SPENT = "spent"  # expense outside any allocation
_SPENT_COMMITTED = "spent_committed"  # expense drawn from an allocation
_ALLOCATED = "allocated"
_RELEASED = "released"


@dataclass(frozen=True)
class _Line:
    """One effect on the fund, dated; reversals add negated lines."""

    on: str
    kind: str
    earmark: str | None
    available: int
    cash: int
    source: str | None = None


JournalLine = _Line  # the name the read model uses


def _source(value: Any) -> str:
    if value not in INCOME_SOURCES:
        raise InvalidInput.field("source", f"must be one of {', '.join(INCOME_SOURCES)}")
    return str(value)


def journal_line(event_type: str, data: Mapping[str, Any]) -> _Line | None:
    """The one definition of an entry's effect on its fund: the aggregate posts it, the
    read model's fund_lines row holds it. None: the entry moves no money (a pledge, or a
    reversal, whose line is `reversal_line` of its original's)."""
    if event_type not in ("ReceiptRecorded", "FundsAllocated", "ExpenseRecorded",
                          "AllocationReleased"):
        return None
    amount = int(data["amount_fen"])
    if event_type == "ReceiptRecorded":
        return _Line(data["received_on"], _INCOME, data["earmark"], amount, amount,
                     data["source"])
    if event_type == "FundsAllocated":
        return _Line(data["allocated_on"], _ALLOCATED, data["earmark"], -amount, 0)
    if event_type == "ExpenseRecorded":
        if data["allocation_id"] is None:
            return _Line(data["spent_on"], _SPENT, data["earmark"], -amount, -amount)
        return _Line(data["spent_on"], _SPENT_COMMITTED, data["earmark"], 0, -amount)
    return _Line(data["released_on"], _RELEASED, data["earmark"], amount, 0)


def reversal_line(line: _Line, reversed_on: str) -> _Line:
    """A reversal cancels its original's line: the same kind, pool and source, negated."""
    return _Line(reversed_on, line.kind, line.earmark, -line.available, -line.cash,
                 line.source)
