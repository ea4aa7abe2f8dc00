"""The fund of one organization unit: income, allocations, expenses, reversals.

Accounting basis (decided here, used by `balance()` and `settlement()`):

* *Available* money is income received, minus expenses paid outside any allocation, minus
  what is committed to activities by allocations and not yet released. An allocation is an
  expense-side commitment: it leaves the available balance when made. An expense drawn
  from an allocation (`allocation_id`) spends committed money, so it does not lower the
  available balance a second time. Releasing an allocation returns its unspent remainder.
* Money is pooled per earmark; `None` is the general pool. Earmarked money is spent only for
  its earmark and general money only for general purposes, so "never below zero" holds for
  every pool and therefore overall.
* Corrections are `EntryReversed` entries naming the original; they count on the date of
  the reversal (a receipt reversed next year lowers next year's income). An entry is
  reversed at most once and a reversal is never reversed (record a new entry instead).
* A receipt number is unique among the fund's receipts that are not reversed: after a
  mistyped receipt is reversed, the same paper receipt may be entered again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput, NotFound, RuleViolation
from eventkit.identifiers import uscc_problem
from services.funding.contract.enums import (  # noqa: F401 - the contract's enums
    INCOME_SOURCES,
)
from services.funding.domain.journal import (  # noqa: F401 - importable from here too
    _ALLOCATED,
    _INCOME,
    _RELEASED,
    _SPENT,
    _SPENT_COMMITTED,
    USCC_REQUIRED_SOURCES,
    _Line,
    _source,
    journal_line,
    reversal_line,
)

from .common import optional_text, require_date, require_fen, require_text


class UnitFund(Aggregate):
    """One per organization unit (aggregate id = unit id)."""

    stream_prefix = "fund"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.entries: dict[str, dict[str, Any]] = {}  # entry id -> {"type", "data"}
        self.reversed_by: dict[str, str] = {}  # original entry id -> reversing entry id
        self.pledge_received: dict[str, int] = {}
        self.allocation_drawn: dict[str, int] = {}
        self.allocation_released: dict[str, int] = {}
        self.active_receipt_numbers: dict[str, str] = {}  # receipt number -> entry id
        self._available: dict[str | None, int] = {}
        self._journal: list[_Line] = []
        self._line_by_entry: dict[str, _Line] = {}

    # ------------------------------------------------------------------ queries
    def balance(self) -> int:
        """Available money over all pools (see the module docstring)."""
        return sum(self._available.values())

    def balance_by_earmark(self) -> dict[str | None, int]:
        """Available money per earmark; the general pool is under the key None."""
        return dict(self._available)

    def cash_balance(self) -> int:
        """Money actually held: income minus every expense paid (commitments not deducted)."""
        return sum(line.cash for line in self._journal)

    def allocation_remaining(self, allocation_id: str) -> int:
        entry = self._entry_of_type(allocation_id, "FundsAllocated", "allocation_id")
        if allocation_id in self.reversed_by:
            return 0
        return (
            entry["amount_fen"]
            - self.allocation_drawn.get(allocation_id, 0)
            - self.allocation_released.get(allocation_id, 0)
        )

    def pledges_outstanding(self) -> list[dict[str, Any]]:
        """Pledges (not reversed) of which some money has not been received yet."""
        out = []
        for entry_id, entry in self.entries.items():
            if entry["type"] != "PledgeRecorded" or entry_id in self.reversed_by:
                continue
            data = entry["data"]
            received = self.pledge_received.get(entry_id, 0)
            if received < data["amount_fen"]:
                out.append(
                    {
                        "pledge_id": entry_id,
                        "source": data["source"],
                        "payer_name": data["payer_name"],
                        "payer_uscc": data["payer_uscc"],
                        "agreement_ref": data["agreement_ref"],
                        "earmark": data["earmark"],
                        "pledged_on": data["pledged_on"],
                        "amount_fen": data["amount_fen"],
                        "received_fen": received,
                        "outstanding_fen": data["amount_fen"] - received,
                    }
                )
        return out

    def settlement(self, year: int) -> dict[str, Any]:
        """Yearly settlement on the available basis: opening + income - expense == closing.

        `expense_fen` = `spent_fen` (expenses outside allocations) + `allocated_fen`
        (allocations made minus remainders released, in the year). `expenses_paid_fen` is
        for information: every expense paid in the year, including those drawn from
        allocations (already counted when allocated).
        """
        start, end = dt.date(year, 1, 1).isoformat(), dt.date(year, 12, 31).isoformat()
        opening = sum(line.available for line in self._journal if line.on < start)
        in_year = [line for line in self._journal if start <= line.on <= end]
        income_by_source = {source: 0 for source in INCOME_SOURCES}
        spent = allocated = paid = 0
        for line in in_year:
            if line.kind == _INCOME:
                income_by_source[str(line.source)] += line.available
            elif line.kind == _SPENT:
                spent -= line.available
            elif line.kind in (_ALLOCATED, _RELEASED):
                allocated -= line.available
            if line.kind in (_SPENT, _SPENT_COMMITTED):
                paid -= line.cash
        income = sum(income_by_source.values())
        expense = spent + allocated
        closing = opening + income - expense
        open_commitments = sum(
            line.cash - line.available for line in self._journal if line.on <= end
        )
        return {
            "year": year,
            "opening_fen": opening,
            "income_by_source": income_by_source,
            "income_fen": income,
            "spent_fen": spent,
            "allocated_fen": allocated,
            "expense_fen": expense,
            "closing_fen": closing,
            "expenses_paid_fen": paid,
            "open_commitments_fen": open_commitments,
        }

    # ----------------------------------------------------------------- commands
    def record_pledge(
        self,
        entry_id: str,
        source: str,
        payer_name: str,
        amount_fen: int,
        pledged_on: dt.date,
        *,
        agreement_ref: str,
        payer_uscc: str | None = None,
        earmark: str | None = None,
    ) -> None:
        self._new_entry_id(entry_id)
        source = _source(source)
        uscc = optional_text("payer_uscc", payer_uscc)
        if uscc is None and source in USCC_REQUIRED_SOURCES:
            raise InvalidInput.field("payer_uscc", "is required for an enterprise or cooperative")
        if uscc is not None and (problem := uscc_problem(uscc)) is not None:
            raise InvalidInput.field("payer_uscc", problem)
        self._record(
            "PledgeRecorded",
            {
                "entry_id": entry_id,
                "source": source,
                "payer_name": require_text("payer_name", payer_name),
                "payer_uscc": uscc,
                "agreement_ref": require_text("agreement_ref", agreement_ref),
                "amount_fen": require_fen("amount_fen", amount_fen),
                "earmark": optional_text("earmark", earmark),
                "pledged_on": require_date("pledged_on", pledged_on).isoformat(),
            },
        )

    def record_receipt(
        self,
        entry_id: str,
        receipt_number: str,
        amount_fen: int,
        received_on: dt.date,
        *,
        pledge_id: str | None = None,
        source: str | None = None,
        earmark: str | None = None,
        payer_name: str | None = None,
    ) -> None:
        """Money received: against a pledge (source, earmark, payer from it) or standalone."""
        self._new_entry_id(entry_id)
        number = require_text("receipt_number", receipt_number)
        amount = require_fen("amount_fen", amount_fen)
        earmark = optional_text("earmark", earmark)
        if number in self.active_receipt_numbers:
            raise RuleViolation(
                f"receipt number {number} is already recorded in this fund",
                {"receipt_number": number, "entry_id": self.active_receipt_numbers[number]},
            )
        if pledge_id is not None:
            pledge = self._entry_of_type(pledge_id, "PledgeRecorded", "pledge_id")
            if pledge_id in self.reversed_by:
                raise RuleViolation("the pledge was reversed", {"pledge_id": pledge_id})
            if source is not None and source != pledge["source"]:
                raise InvalidInput.field("source", "differs from the pledge's source")
            if earmark is not None and earmark != pledge["earmark"]:
                raise InvalidInput.field("earmark", "differs from the pledge's earmark")
            remaining = pledge["amount_fen"] - self.pledge_received.get(pledge_id, 0)
            if amount > remaining:
                raise RuleViolation(
                    f"the receipt exceeds what remains of pledge {pledge_id}",
                    {"pledge_id": pledge_id, "remaining_fen": remaining, "amount_fen": amount},
                )
            source, earmark = pledge["source"], pledge["earmark"]
            payer = optional_text("payer_name", payer_name) or pledge["payer_name"]
        else:
            source = _source(source)
            payer = optional_text("payer_name", payer_name)
        self._record(
            "ReceiptRecorded",
            {
                "entry_id": entry_id,
                "receipt_number": number,
                "source": source,
                "amount_fen": amount,
                "earmark": earmark,
                "received_on": require_date("received_on", received_on).isoformat(),
                "pledge_id": pledge_id,
                "payer_name": payer,
            },
        )

    def allocate(
        self,
        entry_id: str,
        activity_id: str,
        amount_fen: int,
        allocated_on: dt.date,
        *,
        earmark: str | None = None,
        note: str | None = None,
    ) -> None:
        """Commit money of one pool (an earmark or general) to an activity."""
        self._new_entry_id(entry_id)
        amount = require_fen("amount_fen", amount_fen)
        earmark = optional_text("earmark", earmark)
        self._require_available(earmark, amount)
        self._record(
            "FundsAllocated",
            {
                "entry_id": entry_id,
                "activity_id": require_text("activity_id", activity_id),
                "amount_fen": amount,
                "earmark": earmark,
                "allocated_on": require_date("allocated_on", allocated_on).isoformat(),
                "note": optional_text("note", note),
            },
        )

    def record_expense(
        self,
        entry_id: str,
        approved_by: str,
        invoice_number: str,
        amount_fen: int,
        spent_on: dt.date,
        *,
        earmark: str | None = None,
        allocation_id: str | None = None,
        description: str | None = None,
    ) -> None:
        """An expense paid from a pool, or drawn from an allocation (then in its earmark)."""
        self._new_entry_id(entry_id)
        amount = require_fen("amount_fen", amount_fen)
        earmark = optional_text("earmark", earmark)
        if allocation_id is not None:
            allocation = self._entry_of_type(allocation_id, "FundsAllocated", "allocation_id")
            if earmark is not None and earmark != allocation["earmark"]:
                raise InvalidInput.field("earmark", "differs from the allocation's earmark")
            earmark = allocation["earmark"]
            remaining = self.allocation_remaining(allocation_id)
            if amount > remaining:
                raise RuleViolation(
                    f"the expense exceeds what remains of allocation {allocation_id}",
                    {
                        "allocation_id": allocation_id,
                        "remaining_fen": remaining,
                        "amount_fen": amount,
                    },
                )
        else:
            self._require_available(earmark, amount)
        self._record(
            "ExpenseRecorded",
            {
                "entry_id": entry_id,
                "approved_by": require_text("approved_by", approved_by),
                "invoice_number": require_text("invoice_number", invoice_number),
                "amount_fen": amount,
                "earmark": earmark,
                "spent_on": require_date("spent_on", spent_on).isoformat(),
                "allocation_id": allocation_id,
                "description": optional_text("description", description),
            },
        )

    def release_allocation(self, entry_id: str, allocation_id: str, released_on: dt.date) -> None:
        """Return the unspent remainder of an allocation to its pool."""
        self._new_entry_id(entry_id)
        allocation = self._entry_of_type(allocation_id, "FundsAllocated", "allocation_id")
        remaining = self.allocation_remaining(allocation_id)
        if remaining <= 0:
            raise RuleViolation(
                f"allocation {allocation_id} has nothing left to release",
                {"allocation_id": allocation_id, "remaining_fen": remaining},
            )
        self._record(
            "AllocationReleased",
            {
                "entry_id": entry_id,
                "allocation_id": allocation_id,
                "amount_fen": remaining,
                "earmark": allocation["earmark"],
                "released_on": require_date("released_on", released_on).isoformat(),
            },
        )

    def reverse(
        self, entry_id: str, reverses_entry_id: str, reason: str, reversed_on: dt.date
    ) -> None:
        """A correction: cancel an earlier entry's effect by a reversing entry."""
        self._new_entry_id(entry_id)
        original = self.entries.get(reverses_entry_id)
        if original is None:
            raise NotFound(f"no entry {reverses_entry_id} in this fund")
        if original["type"] == "EntryReversed":
            raise RuleViolation(
                "a reversal cannot be reversed; record a new entry instead",
                {"entry_id": reverses_entry_id},
            )
        if reverses_entry_id in self.reversed_by:
            raise RuleViolation(
                f"entry {reverses_entry_id} is already reversed",
                {"entry_id": reverses_entry_id, "reversed_by": self.reversed_by[reverses_entry_id]},
            )
        self._check_reversible(reverses_entry_id, original["type"], original["data"])
        self._record(
            "EntryReversed",
            {
                "entry_id": entry_id,
                "reverses_entry_id": reverses_entry_id,
                "reason": require_text("reason", reason),
                "reversed_on": require_date("reversed_on", reversed_on).isoformat(),
            },
        )

    # ------------------------------------------------------------------ helpers
    def _new_entry_id(self, entry_id: str) -> None:
        require_text("entry_id", entry_id)
        if entry_id in self.entries:
            raise RuleViolation(f"entry {entry_id} already exists", {"entry_id": entry_id})

    def _entry_of_type(self, entry_id: str, event_type: str, field: str) -> dict[str, Any]:
        entry = self.entries.get(entry_id)
        if entry is None or entry["type"] != event_type:
            raise NotFound(f"{field} {entry_id} not found in this fund", {field: entry_id})
        data: dict[str, Any] = entry["data"]
        return data

    def _require_available(self, earmark: str | None, amount: int) -> None:
        available = self._available.get(earmark, 0)
        if amount > available:
            pool = "general funds" if earmark is None else f"earmark {earmark!r}"
            raise RuleViolation(
                f"not enough money available in {pool}: {available} fen, {amount} fen needed",
                {"earmark": earmark, "available_fen": available, "amount_fen": amount},
            )

    def _check_reversible(self, entry_id: str, event_type: str, data: dict[str, Any]) -> None:
        if event_type == "PledgeRecorded":
            if self.pledge_received.get(entry_id, 0) > 0:
                raise RuleViolation(
                    "reverse the receipts against this pledge first",
                    {"pledge_id": entry_id, "received_fen": self.pledge_received[entry_id]},
                )
        elif event_type == "ReceiptRecorded":
            self._require_available(data["earmark"], data["amount_fen"])
        elif event_type == "FundsAllocated":
            drawn = self.allocation_drawn.get(entry_id, 0)
            released = self.allocation_released.get(entry_id, 0)
            if drawn or released:
                raise RuleViolation(
                    "reverse the expenses drawn from this allocation and its release first",
                    {"allocation_id": entry_id, "drawn_fen": drawn, "released_fen": released},
                )
        elif event_type == "AllocationReleased":
            self._require_available(data["earmark"], data["amount_fen"])

    def _post(self, line: _Line, entry_id: str) -> None:
        self._journal.append(line)
        self._line_by_entry[entry_id] = line
        pool = self._available.get(line.earmark, 0) + line.available
        self._available[line.earmark] = pool

    def _post_entry(self, event_type: str, data: dict[str, Any]) -> None:
        line = journal_line(event_type, data)
        assert line is not None, event_type
        self._post(line, data["entry_id"])

    def _keep(self, event_type: str, data: dict[str, Any]) -> None:
        self.entries[data["entry_id"]] = {"type": event_type, "data": data}

    # ------------------------------------------------------------- apply events
    def _on_pledge_recorded(self, data: dict[str, Any]) -> None:
        self._keep("PledgeRecorded", data)

    def _on_receipt_recorded(self, data: dict[str, Any]) -> None:
        self._keep("ReceiptRecorded", data)
        self.active_receipt_numbers[data["receipt_number"]] = data["entry_id"]
        if data["pledge_id"] is not None:
            pledge_id = data["pledge_id"]
            self.pledge_received[pledge_id] = (
                self.pledge_received.get(pledge_id, 0) + data["amount_fen"]
            )
        self._post_entry("ReceiptRecorded", data)

    def _on_funds_allocated(self, data: dict[str, Any]) -> None:
        self._keep("FundsAllocated", data)
        self._post_entry("FundsAllocated", data)

    def _on_expense_recorded(self, data: dict[str, Any]) -> None:
        self._keep("ExpenseRecorded", data)
        allocation_id = data["allocation_id"]
        if allocation_id is not None:
            self.allocation_drawn[allocation_id] = (
                self.allocation_drawn.get(allocation_id, 0) + data["amount_fen"]
            )
        self._post_entry("ExpenseRecorded", data)

    def _on_allocation_released(self, data: dict[str, Any]) -> None:
        self._keep("AllocationReleased", data)
        allocation_id = data["allocation_id"]
        self.allocation_released[allocation_id] = (
            self.allocation_released.get(allocation_id, 0) + data["amount_fen"]
        )
        self._post_entry("AllocationReleased", data)

    def _on_entry_reversed(self, data: dict[str, Any]) -> None:
        self._keep("EntryReversed", data)
        original_id = data["reverses_entry_id"]
        self.reversed_by[original_id] = data["entry_id"]
        original = self.entries[original_id]
        odata = original["data"]
        kind = original["type"]
        if kind == "ReceiptRecorded":
            if self.active_receipt_numbers.get(odata["receipt_number"]) == original_id:
                del self.active_receipt_numbers[odata["receipt_number"]]
            if odata["pledge_id"] is not None:
                self.pledge_received[odata["pledge_id"]] -= odata["amount_fen"]
        elif kind == "ExpenseRecorded" and odata["allocation_id"] is not None:
            self.allocation_drawn[odata["allocation_id"]] -= odata["amount_fen"]
        elif kind == "AllocationReleased":
            self.allocation_released[odata["allocation_id"]] -= odata["amount_fen"]
        line = self._line_by_entry.get(original_id)
        if line is not None:  # a pledge moves no money: nothing to negate
            self._post(reversal_line(line, data["reversed_on"]), data["entry_id"])
