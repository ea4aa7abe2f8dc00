"""Activities' WeChat group command handlers on the fakes: no PostgreSQL. The same handlers
run in the service (tests/e2e/test_activities_guidance.py)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from eventkit.clock import FixedClock
from eventkit.errors import InvalidInput, NotFound
from eventkit.fakes import FakeUnitOfWork, InMemoryEventStore
from services.activities import handlers
from services.activities.contract.events import registry

NOW = dt.datetime(2024, 6, 30, 17, 0, tzinfo=dt.UTC)  # 1 July in the county


class FakeFacts:
    def __init__(self) -> None:
        self.units = {"U1": "active", "U2": "dissolved"}
        self.groups: dict[str, str] = {}

    def require_active_unit(self, field: str, unit_id: str, scope: Any) -> dict[str, Any]:
        if self.units.get(unit_id) != "active" or (scope is not None and unit_id not in scope):
            raise InvalidInput.field(field, f"unknown or dissolved unit: {unit_id}")
        return {"id": unit_id}

    def require_group_visible(self, group_id: str, scope: Any) -> dict[str, Any]:
        unit_id = self.groups.get(group_id)
        if unit_id is None or (scope is not None and unit_id not in scope):
            raise NotFound(f"WeChat group {group_id} not found")
        return {"id": group_id}


@pytest.fixture
def world() -> tuple[FakeUnitOfWork, FakeFacts, Any]:
    facts = FakeFacts()
    ids = (f"g{n}" for n in itertools.count(1))

    def ctx(scope: list[str] | None = None) -> handlers.Context:
        return handlers.Context(facts=lambda tx: facts, scope=scope, clock=FixedClock(NOW),
                                new_id=lambda: next(ids))

    return FakeUnitOfWork(InMemoryEventStore(registry)), facts, ctx


def register(uow: FakeUnitOfWork, facts: FakeFacts, ctx: handlers.Context,
             unit_id: str = "U1") -> str:
    cmd = {"unit_id": unit_id, "name": "梨园青年群", "admin_name": "Li", "admin_member_id": None,
           "member_count": 35, "as_of": None}
    group_id = str(uow.run(lambda tx: handlers.register_wechat_group(tx, cmd, ctx))["id"])
    facts.groups[group_id] = unit_id
    return group_id


def test_register_dates_the_count_by_the_county_clock(world: Any) -> None:
    uow, facts, ctx = world
    register(uow, facts, ctx())
    [event] = uow.store.events
    assert event["type"] == "WeChatGroupRegistered"
    assert event["data"]["as_of"] == "2024-07-01"


def test_a_dissolved_unit_cannot_have_a_group(world: Any) -> None:
    uow, facts, ctx = world
    with pytest.raises(InvalidInput) as err:
        register(uow, facts, ctx(), unit_id="U2")
    assert "unit_id" in err.value.details["errors"]
    assert uow.store.events == []


def test_count_then_close(world: Any) -> None:
    uow, facts, ctx = world
    group_id = register(uow, facts, ctx())
    uow.run(lambda tx: handlers.report_wechat_member_count(
        tx, {"group_id": group_id, "member_count": 40, "as_of": None}, ctx()))
    uow.run(lambda tx: handlers.close_wechat_group(
        tx, {"group_id": group_id, "closed_on": None, "reason": "merged"}, ctx()))
    assert uow.store.types()[1:] == ["WeChatGroupMemberCountReported", "WeChatGroupClosed"]


def test_a_group_outside_scope_is_not_found(world: Any) -> None:
    uow, facts, ctx = world
    group_id = register(uow, facts, ctx())
    with pytest.raises(NotFound):
        uow.run(lambda tx: handlers.edit_wechat_group(
            tx, {"group_id": group_id, "name": "x"}, ctx(scope=["U9"])))
