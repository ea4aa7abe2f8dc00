"""Helpers shared by the funding service's RPC mixins: `Commands._run`, which runs a command
handler (services/funding/handlers.py) in one unit of work, and the dues status of a row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventkit import clock as clocks
from eventkit import config, logs
from eventkit.uow import Tx
from services.funding import handlers, queries, settings
from services.funding.domain.applications import ENTREPRENEUR_MAX_AGE, ENTREPRENEUR_MIN_AGE
from services.funding.domain.dues import (
    DuesStatus,
    monthly_dues_fen,
    rule_in_force,
)

log = logs.get("funding")

Handler = Callable[[Tx, dict[str, Any], handlers.Context], dict[str, Any]]


def age_limits() -> tuple[int, int]:
    """(minimum age, age from which a person is no longer a young entrepreneur):
    `CREDIT_ENTREPRENEUR_MIN_AGE` (default 18) and `CREDIT_ENTREPRENEUR_MAX_AGE` (35)."""
    return (config.env_int("CREDIT_ENTREPRENEUR_MIN_AGE", ENTREPRENEUR_MIN_AGE),
            config.env_int("CREDIT_ENTREPRENEUR_MAX_AGE", ENTREPRENEUR_MAX_AGE))


def _sql_facts(tx: Tx) -> handlers.Facts:
    return queries.SqlFacts(tx.cur)


class Commands:
    """What every RPC mixin of the service shares: the clock and `_run`."""

    es: Any
    clock: clocks.Clock = clocks.SYSTEM_CLOCK

    def _run(self, handler: Handler, cmd: dict[str, Any], command_id: str | None,
             scope: list[str] | None) -> dict[str, Any]:
        ctx = handlers.Context(facts=_sql_facts, scope=scope, clock=self.clock,
                               age_limits=age_limits(), person_secret=settings.person_secret)
        return self.es.run(lambda tx: handler(tx, cmd, ctx), command_id)  # type: ignore


def _status(row: dict, rules, month: str) -> DuesStatus:
    due_month = max(month, row["first_due_month"])
    due = monthly_dues_fen(rule_in_force(rules, due_month), row["category"], row["income_fen"])
    return DuesStatus(row["member_id"], row["first_due_month"], row["paid_up_to"],
                      exempt=due == 0)
