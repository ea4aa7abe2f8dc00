"""Helpers shared by the funding service's RPC mixins."""

from __future__ import annotations

from eventkit import clock, logs
from services.funding.domain.dues import (
    DuesStatus,
    monthly_dues_fen,
    rule_in_force,
)

log = logs.get("funding")


_new_id = clock.new_id


def _status(row: dict, rules, month: str) -> DuesStatus:
    due_month = max(month, row["first_due_month"])
    due = monthly_dues_fen(rule_in_force(rules, due_month), row["category"], row["income_fen"])
    return DuesStatus(row["member_id"], row["first_due_month"], row["paid_up_to"],
                      exempt=due == 0)
