"""Helpers shared by the activities service's RPC mixins."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any

from eventkit import clock as clocks
from eventkit.errors import InvalidInput
from eventkit.uow import Tx
from eventkit.validation import Scope
from services.activities import handlers
from services.activities.domain.compliance import (
    ComplianceConfig,
)
from services.activities.queries_facts import SqlFacts

Handler = Callable[[Tx, dict[str, Any], handlers.Context], dict[str, Any]]


def compliance_config() -> ComplianceConfig:
    """Cadences of the two configurable duties (DOMAIN.md: "regular", "periodic")."""
    return ComplianceConfig(
        working_committee_regular=os.environ.get("ACTIVITIES_REGULAR_MEETING_CADENCE",
                                                 "monthly"),
        training_new_tech_class=os.environ.get("ACTIVITIES_TRAINING_CLASS_CADENCE",
                                               "quarterly"),
    )


def _sql_facts(tx: Tx) -> handlers.Facts:
    return SqlFacts(tx.cur)


class Commands:
    """What every mixin shares: the event sourcing dependency, the clock, and `_run`, which
    runs a handler in the unit of work with its `handlers.Context`."""

    es: Any
    clock: clocks.Clock = clocks.SYSTEM_CLOCK

    def _run(self, handler: Handler, cmd: dict[str, Any], command_id: str | None,
             scope: Scope) -> dict[str, Any]:
        ctx = handlers.Context(facts=_sql_facts, scope=scope, clock=self.clock,
                               compliance=compliance_config())
        return self.es.run(lambda tx: handler(tx, cmd, ctx), command_id)  # type: ignore


def _year_span(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    # Duty windows are calendar-aligned and no longer than a year: the years around a
    # period hold every meeting that can count for it.
    return dt.date(first.year, 1, 1), dt.date(last.year, 12, 31)


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise InvalidInput.field("date", f"{value!r} is not an ISO date") from exc
