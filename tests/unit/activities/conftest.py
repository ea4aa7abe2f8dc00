"""The fakes the activities handler tests share (tests/unit/activities/test_act_handlers_*):
fake read-model facts behind `handlers.Facts`, an in-memory unit of work, a fixed clock and
counted ids. No PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from eventkit.clock import FixedClock
from eventkit.errors import InvalidInput, NotFound
from eventkit.fakes import FakeUnitOfWork, InMemoryEventStore
from eventkit.validation import load
from services.activities import handlers
from services.activities.contract.events import registry
from services.activities.domain.units import UnitInfo

# 2024-06-10 10:00 in the county
ACT_NOW = dt.datetime(2024, 6, 10, 2, 0, tzinfo=dt.UTC)


def _visible(kind: str, rows: dict[str, list[str]], object_id: str, scope: Any) -> str:
    units = rows.get(object_id)
    if units is None or (scope is not None and not set(units) & set(scope)):
        raise NotFound(f"{kind} {object_id} not found")
    return object_id


class ActFacts:
    """handlers.Facts in dicts: League units U1 (branch), U2 (working committee) and
    dissolved U3; department D1; members M1, M2 (and committee person P1 of U2); a published
    work-menu item I1 and a withdrawn I2. Objects the handlers create are registered with
    `saw(kind, id, unit_ids)` so the visibility checks find them."""

    def __init__(self) -> None:
        day = dt.date(2020, 1, 1)
        self.units = {
            "U1": UnitInfo(id="U1", kind="branch", name="梨园团支部", created_on=day),
            "U2": UnitInfo(id="U2", kind="working_committee", name="团工委", created_on=day),
            "U3": UnitInfo(id="U3", kind="branch", name="旧团支部", created_on=day,
                           dissolved_on=dt.date(2023, 1, 1)),
        }
        self.departments = {"D1"}
        self.members = {"M1", "M2"}
        self.committee_people = {"U2": {"P1"}}
        self.usable_items = {"I1"}
        self.visible: dict[str, dict[str, list[str]]] = {
            k: {} for k in ("activity", "unified activity", "meeting", "supervision visit",
                            "WeChat group")}

    def saw(self, kind: str, object_id: str, unit_ids: Sequence[str]) -> str:
        self.visible[kind][object_id] = list(unit_ids)
        return object_id

    def _active(self, unit_id: str) -> bool:
        unit = self.units.get(unit_id)
        return unit is not None and unit.dissolved_on is None

    def unit(self, unit_id: str, scope: Any) -> UnitInfo | None:
        if scope is not None and unit_id not in scope:
            return None
        return self.units.get(unit_id)

    def require_active_unit(self, field: str, unit_id: str, scope: Any) -> dict[str, Any]:
        if not self._active(unit_id) or (scope is not None and unit_id not in scope):
            raise InvalidInput.field(field, f"unknown or dissolved unit: {unit_id}")
        return {"id": unit_id}

    def active_unit_ids(self, unit_ids: Sequence[str], scope: Any) -> set[str]:
        return {u for u in unit_ids if self._active(u) and (scope is None or u in scope)}

    def active_member_unit_ids(self, unit_ids: Sequence[str]) -> set[str]:
        return {u for u in unit_ids if u in self.departments}

    def attending_member_ids(self, member_ids: Sequence[str], on: dt.date) -> set[str]:
        return {m for m in member_ids if m in self.members}

    def committee_people_on(self, person_ids: Sequence[str], unit_id: str,
                            on: dt.date) -> set[str]:
        return {p for p in person_ids if p in self.committee_people.get(unit_id, set())}

    def attendee_roles(self, member_ids: Sequence[str], unit_id: str,
                       on: dt.date) -> dict[str, str]:
        return {p: "secretary" for p in member_ids
                if p in self.committee_people.get(unit_id, set())}

    def menu_item_usable(self, item_id: str) -> bool:
        return item_id in self.usable_items

    def require_activity_visible(self, activity_id: str, scope: Any) -> str:
        return _visible("activity", self.visible["activity"], activity_id, scope)

    def require_unified_visible(self, unified_id: str, scope: Any) -> str:
        return _visible("unified activity", self.visible["unified activity"], unified_id, scope)

    def require_meeting_visible(self, meeting_id: str, scope: Any) -> str:
        return _visible("meeting", self.visible["meeting"], meeting_id, scope)

    def require_visit_visible(self, visit_id: str, scope: Any) -> str:
        return _visible("supervision visit", self.visible["supervision visit"], visit_id, scope)

    def require_group_visible(self, group_id: str, scope: Any) -> str:
        return _visible("WeChat group", self.visible["WeChat group"], group_id, scope)


@dataclasses.dataclass
class ActWorld:
    uow: FakeUnitOfWork
    facts: ActFacts
    ids: Any
    at: dt.datetime = ACT_NOW

    def ctx(self, scope: list[str] | None = None) -> handlers.Context:
        return handlers.Context(facts=lambda tx: self.facts, scope=scope,
                                clock=FixedClock(self.at), new_id=lambda: next(self.ids))

    def run(self, handler: Callable[..., dict[str, Any]], cmd: dict[str, Any],
            scope: list[str] | None = None, command_id: str | None = None) -> dict[str, Any]:
        ctx = self.ctx(scope)
        return self.uow.run(lambda tx: handler(tx, cmd, ctx), command_id=command_id)

    def types(self) -> list[str]:
        return self.uow.store.types()

    def data(self, event_type: str) -> dict[str, Any]:
        return [e["data"] for e in self.uow.store.events if e["type"] == event_type][-1]


@pytest.fixture
def act() -> ActWorld:
    return ActWorld(FakeUnitOfWork(InMemoryEventStore(registry)), ActFacts(),
                    (f"id{n}" for n in itertools.count(1)))


@pytest.fixture
def cmd() -> Callable[..., dict[str, Any]]:
    """A command as the service hands it to a handler: the body loaded with the contract's
    schema, plus the ids from the path."""
    def build(schema: Any, body: dict[str, Any], **path: Any) -> dict[str, Any]:
        return {**load(schema(), body), **path}
    return build
