"""The fund's journal: line kinds, one dated line per effect, the income sources checked."""

from __future__ import annotations

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


def _source(value: Any) -> str:
    if value not in INCOME_SOURCES:
        raise InvalidInput.field("source", f"must be one of {', '.join(INCOME_SOURCES)}")
    return str(value)
