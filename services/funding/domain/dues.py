"""League dues (团费): versioned rules as data, the dues of one member, arrears.

A rule applies from its `effective_from` month until the next rule's; the rule in force in
each month decides that month's dues, so a new rule never changes what was due before it.
The figures of the default 2016 rule come from the brief (DOMAIN.md, "verify before
hard-coding"): they are data, and the service may pass another table.

Months in arrears are the unpaid months with dues above zero *before* `today_month`: the
current month is not late yet. Payments settle months in order: a payment starts at the
first unpaid month, so `paid_up_to` says everything about a member's standing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput, RuleViolation
from services.funding.contract.enums import (  # noqa: F401 - the contract's enums
    DUES_CATEGORIES as CATEGORIES,
)

from .common import (
    add_months,
    month_index,
    month_range,
    parse_month,
    require_date,
    require_fen,
    require_text,
)


@dataclass(frozen=True)
class DuesRule:
    version: str
    effective_from: str  # YYYY-MM
    threshold_fen: int = 200_000  # monthly income after tax
    below_threshold_fen: int = 300
    per_mille: int = 2  # of the income, at or above the threshold, rounded down
    reduced_fen: int = 20
    reduced_categories: frozenset[str] = field(
        default_factory=lambda: frozenset(
            {"student", "farmer_without_salary", "unemployed", "on_relief"}
        )
    )
    exempt_categories: frozenset[str] = field(
        default_factory=lambda: frozenset({"party_member_exempt"})
    )


DEFAULT_DUES_RULES: tuple[DuesRule, ...] = (DuesRule(version="2016", effective_from="2016-01"),)


def rule_in_force(rules: Sequence[DuesRule], month: str) -> DuesRule:
    parse_month("month", month)
    candidates = [r for r in rules if r.effective_from <= month]
    if not candidates:
        raise RuleViolation(f"no dues rule is in force in {month}", {"month": month})
    return max(candidates, key=lambda r: r.effective_from)


def monthly_dues_fen(rule: DuesRule, category: str, income_fen: int | None) -> int:
    """Dues of one month for a member of `category` with `income_fen` after tax."""
    if category in rule.exempt_categories:
        return 0
    if category in rule.reduced_categories:
        return rule.reduced_fen
    if category != "with_income":
        raise InvalidInput.field("category", f"must be one of {', '.join(CATEGORIES)}")
    income = require_fen("income_fen", income_fen, allow_zero=True)
    if income < rule.threshold_fen:
        return rule.below_threshold_fen
    return income * rule.per_mille // 1000


@dataclass(frozen=True)
class DuesStatus:
    """What a read model keeps per member to list arrears."""

    member_id: str
    first_due_month: str
    paid_up_to: str | None
    exempt: bool = False


def arrears_of(status: DuesStatus, today_month: str) -> int:
    if status.exempt:
        return 0
    first_unpaid = (
        status.first_due_month
        if status.paid_up_to is None
        else max(status.first_due_month, add_months(status.paid_up_to, 1))
    )
    return max(month_index(today_month) - month_index(first_unpaid), 0)


def members_in_arrears(
    statuses: Iterable[DuesStatus], today_month: str, threshold: int = 6
) -> list[tuple[str, int]]:
    """(member id, months in arrears) of members `threshold` or more months behind,
    longest arrears first."""
    parse_month("today_month", today_month)
    found = [(s.member_id, arrears_of(s, today_month)) for s in statuses]
    return sorted(
        ((member, n) for member, n in found if n >= threshold), key=lambda x: (-x[1], x[0])
    )


DUES_PAYING_KIND = "league_member"


def ensure_pays_dues(member_kind: str) -> None:
    """Only League members pay dues (young people who are not members pay none)."""
    if member_kind != DUES_PAYING_KIND:
        raise RuleViolation("only League members pay dues", {"kind": member_kind})


def paid_up_to(first_due_month: str | None, paid: Container[str]) -> str | None:
    """The one definition of how far a member is paid up: the last month of the unbroken
    run of paid months from the first due month (the aggregate and the read model use it)."""
    if first_due_month is None or first_due_month not in paid:
        return None
    month = first_due_month
    while add_months(month, 1) in paid:
        month = add_months(month, 1)
    return month


class MemberDues(Aggregate):
    """Dues account of one League member (aggregate id = member id)."""

    stream_prefix = "dues"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.first_due_month: str | None = None
        self.basis: list[tuple[str, str, int | None]] = []  # (from month, category, income)
        self.paid: dict[str, str] = {}  # month -> payment id
        self.payments: dict[str, dict[str, Any]] = {}

    # ------------------------------------------------------------------ queries
    @property
    def paid_up_to(self) -> str | None:
        """Last month of the unbroken run of paid months from the first due month."""
        return paid_up_to(self.first_due_month, self.paid)

    def first_unpaid_month(self) -> str:
        start = self._require_started()
        paid_up_to = self.paid_up_to
        return start if paid_up_to is None else add_months(paid_up_to, 1)

    def basis_for(self, month: str) -> tuple[str, int | None]:
        applicable = [b for b in self.basis if b[0] <= month]
        if not applicable:
            raise RuleViolation(f"{month} is before the member's first due month", {"month": month})
        _, category, income = applicable[-1]
        return category, income

    def breakdown(
        self, months: Sequence[str], rules: Sequence[DuesRule] = DEFAULT_DUES_RULES
    ) -> list[dict[str, Any]]:
        """Dues of each month under the rule and basis in force that month."""
        out = []
        for month in months:
            rule = rule_in_force(rules, month)
            category, income = self.basis_for(month)
            out.append(
                {
                    "month": month,
                    "due_fen": monthly_dues_fen(rule, category, income),
                    "rule_version": rule.version,
                }
            )
        return out

    def amount_due(
        self, months: Sequence[str], rules: Sequence[DuesRule] = DEFAULT_DUES_RULES
    ) -> int:
        return sum(line["due_fen"] for line in self.breakdown(months, rules))

    def months_in_arrears(
        self, today_month: str, rules: Sequence[DuesRule] = DEFAULT_DUES_RULES
    ) -> int:
        parse_month("today_month", today_month)
        start = self._require_started()
        if month_index(today_month) <= month_index(start):
            return 0
        unpaid = [m for m in month_range(start, add_months(today_month, -1)) if m not in self.paid]
        return sum(1 for line in self.breakdown(unpaid, rules) if line["due_fen"] > 0)

    def status(
        self, today_month: str, rules: Sequence[DuesRule] = DEFAULT_DUES_RULES
    ) -> DuesStatus:
        start = self._require_started()
        category, income = self.basis_for(max(today_month, start))
        due_now = monthly_dues_fen(rule_in_force(rules, max(today_month, start)), category, income)
        return DuesStatus(self.id, start, self.paid_up_to, exempt=due_now == 0)

    # ----------------------------------------------------------------- commands
    def start(self, category: str, from_month: str, income_fen: int | None = None) -> None:
        """Dues are owed from `from_month` (joining the League or this platform)."""
        if self.first_due_month is not None:
            raise RuleViolation("dues are already started for this member", {})
        self._record(
            "MemberDuesStarted",
            {
                "member_id": self.id,
                "from_month": parse_month("from_month", from_month),
                **_basis(category, income_fen),
            },
        )

    def change_basis(
        self, category: str, effective_from: str, income_fen: int | None = None
    ) -> None:
        """A new category or income, from a month not yet paid (paid months stand)."""
        start = self._require_started()
        parse_month("effective_from", effective_from)
        last_paid = max(self.paid) if self.paid else None
        if effective_from <= start or (last_paid is not None and effective_from <= last_paid):
            raise RuleViolation(
                "the new basis must start after the first due month and the last paid month",
                {"first_due_month": start, "last_paid_month": last_paid},
            )
        self._record(
            "DuesBasisChanged",
            {"effective_from": effective_from, **_basis(category, income_fen)},
        )

    def pay(
        self,
        payment_id: str,
        months: Sequence[str],
        amount_fen: int,
        paid_on: dt.date,
        rules: Sequence[DuesRule] = DEFAULT_DUES_RULES,
    ) -> None:
        """Pay consecutive months starting at the first unpaid one, for exactly what is due."""
        require_text("payment_id", payment_id)
        if payment_id in self.payments:
            raise RuleViolation(f"payment {payment_id} already exists", {"payment_id": payment_id})
        if isinstance(months, str) or not months:
            raise InvalidInput.field("months", "must list at least one month")
        for month in months:
            parse_month("months", month)
        first = self.first_unpaid_month()
        if list(months) != month_range(months[0], months[-1]):
            raise InvalidInput.field("months", "must be consecutive months in order")
        if months[0] != first:
            raise RuleViolation(
                f"the payment must start at the first unpaid month {first}",
                {"first_unpaid_month": first},
            )
        already = [m for m in months if m in self.paid]
        if already:
            raise RuleViolation(f"{already[0]} is already paid", {"already_paid": already})
        amount = require_fen("amount_fen", amount_fen, allow_zero=True)
        lines = self.breakdown(months, rules)
        due = sum(line["due_fen"] for line in lines)
        if amount != due:
            raise RuleViolation(
                f"{amount} fen paid but {due} fen are due for {months[0]}..{months[-1]}",
                {"due_fen": due, "amount_fen": amount, "breakdown": lines},
            )
        self._record(
            "DuesPaid",
            {
                "payment_id": payment_id,
                "months": list(months),
                "amount_fen": amount,
                "paid_on": require_date("paid_on", paid_on).isoformat(),
                "breakdown": lines,
            },
        )

    def pay_range(
        self,
        payment_id: str,
        from_month: str,
        to_month: str,
        amount_fen: int,
        paid_on: dt.date,
        rules: Sequence[DuesRule] = DEFAULT_DUES_RULES,
    ) -> None:
        self.pay(payment_id, month_range(from_month, to_month), amount_fen, paid_on, rules)

    def reverse_payment(self, payment_id: str, reason: str, reversed_on: dt.date) -> None:
        """A correction: the payment's months become unpaid again."""
        payment = self.payments.get(payment_id)
        if payment is None:
            raise RuleViolation(f"no payment {payment_id}", {"payment_id": payment_id})
        if payment["reversed"]:
            raise RuleViolation(
                f"payment {payment_id} is already reversed", {"payment_id": payment_id}
            )
        self._record(
            "DuesPaymentReversed",
            {
                "payment_id": payment_id,
                "reason": require_text("reason", reason),
                "reversed_on": require_date("reversed_on", reversed_on).isoformat(),
            },
        )

    def _require_started(self) -> str:
        if self.first_due_month is None:
            raise RuleViolation("dues are not started for this member", {"member_id": self.id})
        return self.first_due_month

    # ------------------------------------------------------------- apply events
    def _on_member_dues_started(self, data: dict[str, Any]) -> None:
        self.first_due_month = data["from_month"]
        self.basis = [(data["from_month"], data["category"], data["income_fen"])]

    def _on_dues_basis_changed(self, data: dict[str, Any]) -> None:
        self.basis.append((data["effective_from"], data["category"], data["income_fen"]))
        self.basis.sort(key=lambda b: b[0])

    def _on_dues_paid(self, data: dict[str, Any]) -> None:
        self.payments[data["payment_id"]] = {**data, "reversed": False}
        for month in data["months"]:
            self.paid[month] = data["payment_id"]

    def _on_dues_payment_reversed(self, data: dict[str, Any]) -> None:
        payment = self.payments[data["payment_id"]]
        payment["reversed"] = True
        for month in payment["months"]:
            if self.paid.get(month) == data["payment_id"]:
                del self.paid[month]


def _basis(category: str, income_fen: int | None) -> dict[str, Any]:
    if category not in CATEGORIES:
        raise InvalidInput.field("category", f"must be one of {', '.join(CATEGORIES)}")
    if category == "with_income":
        income: int | None = require_fen("income_fen", income_fen, allow_zero=True)
    else:
        income = None
    return {"category": category, "income_fen": income}
