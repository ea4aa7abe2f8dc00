"""`handlers.Facts` over the read models, inside the command's transaction: the read SQL the
command handlers need (the handlers never touch the cursor)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from services.activities import queries as q
from services.activities import queries_guidance as qg
from services.activities.domain.units import UnitInfo
from services.activities.domain.work_menu import item_usable
from services.activities.queries import Scope


class SqlFacts:
    def __init__(self, cur) -> None:
        self.cur = cur

    # units and members (learnt from org)
    def unit(self, unit_id: str, scope: Scope) -> UnitInfo | None:
        rows = q.known_units(self.cur, scope, [unit_id])
        return q.unit_info(rows[0]) if rows else None

    def require_active_unit(self, field: str, unit_id: str, scope: Scope) -> dict[str, Any]:
        return q.require_active_unit(self.cur, field, unit_id, scope)

    def active_unit_ids(self, unit_ids: Sequence[str], scope: Scope) -> set[str]:
        return q.active_unit_ids(self.cur, unit_ids, scope)

    def active_member_unit_ids(self, unit_ids: Sequence[str]) -> set[str]:
        return q.active_member_unit_ids(self.cur, unit_ids)

    def attending_member_ids(self, member_ids: Sequence[str], on: dt.date) -> set[str]:
        return q.attending_member_ids(self.cur, member_ids, on)

    def committee_people_on(self, person_ids: Sequence[str], unit_id: str,
                            on: dt.date) -> set[str]:
        return q.committee_people_on(self.cur, person_ids, unit_id, on)

    def attendee_roles(self, member_ids: Sequence[str], unit_id: str,
                       on: dt.date) -> dict[str, str]:
        return q.attendee_roles(self.cur, member_ids, unit_id, on)

    # this service's own read models
    def menu_item_usable(self, item_id: str) -> bool:
        found = q.item_menu(self.cur, item_id)
        return found is not None and item_usable(found[1], found[2])

    def require_activity_visible(self, activity_id: str, scope: Scope) -> dict[str, Any]:
        return q.activity_row(self.cur, activity_id, scope)

    def require_unified_visible(self, unified_id: str, scope: Scope) -> dict[str, Any]:
        return q.unified_row(self.cur, unified_id, scope)

    def require_meeting_visible(self, meeting_id: str, scope: Scope) -> dict[str, Any]:
        return q.meeting_row(self.cur, meeting_id, scope)

    def require_visit_visible(self, visit_id: str, scope: Scope) -> dict[str, Any]:
        return qg.visit_row(self.cur, visit_id, scope)

    def require_group_visible(self, group_id: str, scope: Scope) -> dict[str, Any]:
        return qg.group_row(self.cur, group_id, scope)
