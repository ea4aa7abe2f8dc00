"""Org's cooperative command handlers on the fakes: no PostgreSQL. The same handlers run in
the service (tests/e2e/test_org_cooperatives.py)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from eventkit.errors import NotFound, RuleViolation
from eventkit.fakes import FakeUnitOfWork, InMemoryEventStore
from eventkit.identifiers import make_uscc
from services.org import handlers
from services.org.contract.events import registry
from tests.unit.org.test_org_cooperative import fields

OTHER_USCC = make_uscc("93", "341122", "MA2T0002")


class FakeFacts:
    """The read model's USCC index: what the projection records, kept by the test."""

    def __init__(self) -> None:
        self.by_uscc: dict[str, str] = {}

    def cooperative_with_uscc(self, uscc: str, other_than: str | None = None) -> str | None:
        found = self.by_uscc.get(uscc)
        return None if found == other_than else found


@pytest.fixture
def world() -> tuple[FakeUnitOfWork, FakeFacts, handlers.Context]:
    facts = FakeFacts()
    ids = (f"c{n}" for n in itertools.count(1))
    ctx = handlers.Context(facts=lambda tx: facts, new_id=lambda: next(ids))
    return FakeUnitOfWork(InMemoryEventStore(registry)), facts, ctx


def register(uow: FakeUnitOfWork, facts: FakeFacts, ctx: handlers.Context,
             **over: Any) -> str:
    cmd = fields(**over)
    coop_id = str(uow.run(lambda tx: handlers.register_cooperative(tx, cmd, ctx))["id"])
    facts.by_uscc[cmd["uscc"].upper()] = coop_id
    return coop_id


def test_register_records_one_event(world: Any) -> None:
    uow, facts, ctx = world
    assert register(uow, facts, ctx) == "c1"
    assert uow.store.types() == ["CooperativeRegistered"]


def test_a_second_cooperative_with_the_same_uscc_is_refused(world: Any) -> None:
    uow, facts, ctx = world
    register(uow, facts, ctx)
    with pytest.raises(RuleViolation) as err:
        register(uow, facts, ctx, name="Copy")
    assert err.value.details["existing_id"] == "c1"
    assert uow.store.types() == ["CooperativeRegistered"]


def test_update_to_another_cooperatives_uscc_is_refused_its_own_is_fine(world: Any) -> None:
    uow, facts, ctx = world
    first = register(uow, facts, ctx)
    second = register(uow, facts, ctx, uscc=OTHER_USCC)
    with pytest.raises(RuleViolation):
        uow.run(lambda tx: handlers.update_cooperative(
            tx, {"coop_id": second, "uscc": fields()["uscc"]}, ctx))
    uow.run(lambda tx: handlers.update_cooperative(
        tx, {"coop_id": first, "uscc": fields()["uscc"], "name": "Renamed"}, ctx))
    assert uow.store.types()[-1] == "CooperativeUpdated"


def test_updating_an_unknown_cooperative_is_not_found(world: Any) -> None:
    uow, _, ctx = world
    with pytest.raises(NotFound):
        uow.run(lambda tx: handlers.update_cooperative(tx, {"coop_id": "nope", "name": "x"},
                                                       ctx))
