"""Fixtures: an org-like event store (real org aggregates and schemas, a fresh schema), the
activities read models in another fresh schema, a Tracker between them, and the activities
service's RPC methods wired to both without nameko."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from eventkit import db, migrate
from eventkit.identifiers import make_resident_id
from eventkit.nameko_ext import ServiceContext
from eventkit.store import EventStore
from eventkit.tracking import Tracker
from eventkit.uow import UnitOfWork
from services.activities.contract.events import registry as activities_registry
from services.activities.projections import projector
from services.activities.service import ActivitiesService
from services.activities.tracked import from_org
from services.org.contract.events import registry as org_registry
from services.org.domain.committee import Committee
from services.org.domain.member import Member
from services.org.domain.tree_rules import UnitFacts
from services.org.domain.unit import Unit
from tests.support.schemas import drop_schema

_seq = itertools.count(100)


class OrgWorld:
    """Writes real org events (org's aggregates and schemas) into an org-like store."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.units: dict[str, UnitFacts] = {}

    def read_feed(self, after: int, limit: int) -> list[dict[str, Any]]:
        with self.uow.pool.transaction() as cur:
            return self.uow.store.read_feed(cur, after, limit)

    def unit(self, kind: str, parent: str | None = None, on: dt.date = dt.date(2024, 1, 2),
             name: str | None = None, **kw: Any) -> str:
        unit_id = uuid.uuid4().hex
        if kind in ("branch", "general_branch") and "formation_mode" not in kw:
            kw["formation_mode"] = "standalone"
        if kind == "joint_branch":
            kw.setdefault("formation_mode", "joint")
        if kind == "professional_committee":
            kw.setdefault("industry", "fruit")

        def handle(tx):
            unit = tx.add(Unit(unit_id))
            unit.create(name=name or f"{kind} {unit_id[:5]}", kind=kind,
                        parent=self.units[parent] if parent else None, on=on, **kw)

        self.uow.run(handle)
        self.units[unit_id] = UnitFacts(unit_id, kind, industry=kw.get("industry"))
        return unit_id

    def committee(self) -> str:
        """A committee (whose id the working committee unit shares, as org does)."""
        committee_id = uuid.uuid4().hex

        def handle(tx):
            tx.add(Committee(committee_id)).create("Laiwu working committee", "Laiwu", "371202")

        self.uow.run(handle)
        return committee_id

    def member_unit(self, committee_id: str, department: str = "agriculture") -> str:
        member_unit_id = uuid.uuid4().hex

        def handle(tx):
            tx.get(Committee, committee_id).add_member_unit(
                member_unit_id, f"County {department} bureau {member_unit_id[:4]}", department)

        self.uow.run(handle)
        return member_unit_id

    def remove_member_unit(self, committee_id: str, member_unit_id: str) -> None:
        def handle(tx):
            tx.get(Committee, committee_id).remove_member_unit(member_unit_id)

        self.uow.run(handle)

    def _unit(self, unit_id: str, act) -> None:
        def handle(tx):
            act(tx.get(Unit, unit_id))

        self.uow.run(handle)

    def rename(self, unit_id: str, name: str, on: dt.date) -> None:
        self._unit(unit_id, lambda u: u.rename(name, on))

    def move(self, unit_id: str, parent: str, on: dt.date) -> None:
        self._unit(unit_id, lambda u: u.move(self.units[parent], [], on))

    def dissolve(self, unit_id: str, on: dt.date) -> None:
        self._unit(unit_id, lambda u: u.dissolve("no members left", on, 0, 0))

    def merge(self, unit_id: str, target: str, on: dt.date) -> None:
        self._unit(unit_id, lambda u: u.merge_into(self.units[target], [], on))

    def township(self, unit_id: str, township: str, on: dt.date) -> None:
        self._unit(unit_id, lambda u: u.change_management("township", on, township,
                                                            "village_cooperative"))

    def member(self, unit_id: str, kind: str = "league_member", age: int = 22,
               name: str | None = None) -> str:
        member_id = uuid.uuid4().hex
        born = dt.date(2024 - age, 3, 1) - dt.timedelta(days=next(_seq) % 300)
        rid = make_resident_id("371202", born, f"{next(_seq) % 1000:03d}")

        def handle(tx):
            member = tx.add(Member(member_id))
            member.register(kind=kind, name=name or f"Member {member_id[:4]}", ethnicity="Han",
                            resident_id=rid, unit_id=unit_id, join_date=dt.date(2020, 5, 4),
                            registered_on=dt.date(2024, 1, 10), phone="13812345678")

        self.uow.run(handle)
        return member_id

    def _member(self, member_id: str, act) -> None:
        def handle(tx):
            act(tx.get(Member, member_id))

        self.uow.run(handle)

    def transfer(self, member_id: str, to_unit: str, on: dt.date) -> None:
        transfer_id = uuid.uuid4().hex
        self._member(member_id, lambda m: m.request_transfer(transfer_id, to_unit, on))
        self._member(member_id, lambda m: m.approve_transfer(transfer_id, on))

    def reassign(self, member_id: str, to_unit: str, on: dt.date) -> None:
        self._member(member_id, lambda m: m.reassign(to_unit, on, "unit merged"))

    def leave(self, member_id: str, on: dt.date) -> None:
        self._member(member_id, lambda m: m.leave(on, "moved to the city"))


@pytest.fixture
def org(dsn):
    schema = f"orgx_{uuid.uuid4().hex[:10]}"
    migrate.migrate("kit", dsn, schema)
    pool = db.Pool(dsn, schema, size=4)
    yield OrgWorld(UnitOfWork(pool, EventStore(schema, org_registry), [], "org"))
    pool.close()
    drop_schema(dsn, schema)


def activities_schema(dsn: str) -> tuple[str, db.Pool]:
    schema = f"actx_{uuid.uuid4().hex[:10]}"
    migrate.migrate("activities", dsn, schema)
    return schema, db.Pool(dsn, schema, size=4)


@pytest.fixture
def activities_db(dsn):
    schema, pool = activities_schema(dsn)
    yield schema, pool
    pool.close()
    drop_schema(dsn, schema)


@pytest.fixture
def tracker(org, activities_db):
    _, pool = activities_db
    return Tracker(pool, "activities", "org", from_org, org.read_feed)


@pytest.fixture
def service(activities_db, tracker):
    """The service's RPC methods on the test schemas (no nameko, no broker)."""
    schema, pool = activities_db
    store = EventStore(schema, activities_registry)
    provider = SimpleNamespace(uow=UnitOfWork(pool, store, [projector], "activities"),
                               store=store, pool=pool, service="activities")
    svc = ActivitiesService()
    svc.es = ServiceContext(provider, {"actor": "test:integration", "correlation_id": "it"})
    svc.sync = tracker.catch_up  # type: ignore[attr-defined]
    svc.schema = schema  # type: ignore[attr-defined]
    return svc
