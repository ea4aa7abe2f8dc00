"""What every activities handler is given: the read-model facts port and the context."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from eventkit import clock as clocks
from eventkit.uow import Tx
from services.activities.domain.compliance import DEFAULT_CONFIG, ComplianceConfig
from services.activities.domain.units import UnitInfo

Scope = Sequence[str] | None


class Facts(Protocol):
    """The read-model facts the handlers need (units and members learnt from org, and this
    service's own read models): `queries_facts.SqlFacts` in the service, a fake in the
    handler tests. The `require_*_visible` ones answer NotFound outside the scope."""

    # units and members
    def unit(self, unit_id: str, scope: Scope) -> UnitInfo | None: ...
    def require_active_unit(self, field: str, unit_id: str, scope: Scope) -> Any: ...
    def active_unit_ids(self, unit_ids: Sequence[str], scope: Scope) -> set[str]: ...
    def active_member_unit_ids(self, unit_ids: Sequence[str]) -> set[str]: ...
    def attending_member_ids(self, member_ids: Sequence[str], on: dt.date) -> set[str]: ...
    def committee_people_on(self, person_ids: Sequence[str], unit_id: str,
                            on: dt.date) -> set[str]: ...
    def attendee_roles(self, member_ids: Sequence[str], unit_id: str,
                       on: dt.date) -> dict[str, str]: ...
    # this service's objects
    def menu_item_usable(self, item_id: str) -> bool: ...
    def require_activity_visible(self, activity_id: str, scope: Scope) -> Any: ...
    def require_unified_visible(self, unified_id: str, scope: Scope) -> Any: ...
    def require_meeting_visible(self, meeting_id: str, scope: Scope) -> Any: ...
    def require_visit_visible(self, visit_id: str, scope: Scope) -> Any: ...
    def require_group_visible(self, group_id: str, scope: Scope) -> Any: ...


@dataclasses.dataclass(frozen=True)
class Context:
    facts: Callable[[Tx], Facts]
    scope: Scope = None
    clock: clocks.Clock = clocks.SYSTEM_CLOCK
    new_id: Callable[[], str] = clocks.new_id
    compliance: ComplianceConfig = DEFAULT_CONFIG


Command = dict[str, Any]
Answer = dict[str, Any]
