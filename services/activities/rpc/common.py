"""Helpers shared by the activities service's RPC mixins."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from eventkit import clock, validation
from eventkit.errors import InvalidInput
from eventkit.validation import Scope
from services.activities import queries as q
from services.activities.domain.compliance import (
    ComplianceConfig,
)


def compliance_config() -> ComplianceConfig:
    """Cadences of the two configurable duties (DOMAIN.md: "regular", "periodic")."""
    return ComplianceConfig(
        working_committee_regular=os.environ.get("ACTIVITIES_REGULAR_MEETING_CADENCE",
                                                 "monthly"),
        training_new_tech_class=os.environ.get("ACTIVITIES_TRAINING_CLASS_CADENCE",
                                               "quarterly"),
    )


_new_id = clock.new_id


def _year_span(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    # Duty windows are calendar-aligned and no longer than a year: the years around a
    # period hold every meeting that can count for it.
    return dt.date(first.year, 1, 1), dt.date(last.year, 12, 31)


def _require_body(payload: Any) -> dict:
    return payload if isinstance(payload, dict) else {}


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise InvalidInput.field("date", f"{value!r} is not an ISO date") from exc


def _organizers(cur, organizers: list[str], co_organizers: list[str], scope: Scope
                ) -> set[str]:
    """The active ids an activity may name: League units (in scope) organize; League units
    and the committee's member units (departments) co-organize."""
    league = q.active_unit_ids(cur, organizers + co_organizers, scope)
    departments = q.active_member_unit_ids(cur, organizers + co_organizers)
    wrong = sorted(u for u in organizers if u in departments and u not in league)
    if wrong:
        raise InvalidInput.field("organizer_unit_ids",
                                 "member units (departments) co-organize; a League unit"
                                 " organizes: " + ", ".join(wrong))
    return league | departments


def _require_active_units(cur, field: str, unit_ids: list[str], scope: Scope) -> None:
    validation.unknown_units(field, set(unit_ids) - q.active_unit_ids(cur, unit_ids, scope))
