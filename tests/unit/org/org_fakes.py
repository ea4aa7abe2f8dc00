"""Org's handlers on the fakes: an in-memory event store and unit of work, a fixed clock,
counted ids and `FakeFacts`, the read models the handlers read, kept by `World` as the
projections would keep them. No PostgreSQL."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any

from eventkit.clock import FixedClock
from eventkit.fakes import FakeUnitOfWork, InMemoryEventStore
from eventkit.identifiers import make_resident_id
from services.org import handlers
from services.org.contract.events import registry
from services.org.domain.policy import DEFAULT
from services.org.domain.tree_rules import UnitFacts

NOW = dt.datetime(2024, 6, 1, 1, 0, tzinfo=dt.UTC)  # 2024-06-01 09:00 in the county
TODAY = dt.date(2024, 6, 1)
ON = dt.date(2024, 5, 1)
APPROVED = {"survey_recorded": {}, "plan_drafted": {}, "coordination_recorded": {},
            "preparatory_group_formed": {}, "establishment_requested": {},
            "establishment_approved": {}}


class FakeFacts:
    """handlers.Facts in dicts."""

    def __init__(self) -> None:
        self.units: dict[str, UnitFacts] = {}
        self.parents: dict[str, str | None] = {}
        self.steps: dict[str, dict[str, Any]] = {}
        self.county_codes: dict[str, str] = {}
        self.coops: dict[str, str] = {}  # id -> product category
        self.coop_units: dict[str, list[str]] = {}  # unit -> covered cooperatives
        self.by_uscc: dict[str, str] = {}
        self.members: dict[str, dict[str, str]] = {}  # id -> unit_id, kind, status
        self.residents: dict[str, str] = {}
        self.transfers: dict[str, dict[str, Any]] = {}
        self.people: set[str] = set()

    def cooperative_with_uscc(self, uscc: str, other_than: str | None = None) -> str | None:
        found = self.by_uscc.get(uscc)
        return None if found == other_than else found

    def cooperative_exists(self, coop_id: str) -> bool:
        return coop_id in self.coops

    def cooperative_categories(self, coop_ids: Sequence[str]) -> dict[str, str]:
        return {c: self.coops[c] for c in coop_ids if c in self.coops}

    def scoped_cooperative_ids(self, scope: Sequence[str]) -> list[str]:
        return sorted({c for u in scope for c in self.coop_units.get(u, [])})

    def committee_with_county_code(self, county_code: str) -> str | None:
        return self.county_codes.get(county_code)

    def committee_steps(self, committee_id: str) -> dict[str, Any] | None:
        return self.steps.get(committee_id)

    def unit(self, unit_id: str) -> UnitFacts | None:
        return self.units.get(unit_id)

    def ancestor_ids(self, unit_id: str) -> list[str]:
        out, parent = [], self.parents.get(unit_id)
        while parent is not None:
            out.append(parent)
            parent = self.parents.get(parent)
        return out

    def active_children(self, unit_id: str) -> list[str]:
        return sorted(u for u, p in self.parents.items()
                      if p == unit_id and self.units[u].status == "active")

    def active_members(self, unit_id: str) -> list[str]:
        return sorted(m for m, f in self.members.items()
                      if f["unit_id"] == unit_id and f["status"] == "active")

    def active_league_member_ids(self, unit_id: str) -> list[str]:
        return [m for m in self.active_members(unit_id)
                if self.members[m]["kind"] == "league_member"]

    def member_with_resident_id(self, number: str) -> str | None:
        return self.residents.get(number)

    def transfer(self, transfer_id: str) -> dict[str, Any] | None:
        return self.transfers.get(transfer_id)

    def person_known(self, person_id: str) -> bool:
        return person_id in self.members or person_id in self.people


def rid(born: dt.date = dt.date(2000, 6, 15), serial: str = "013") -> str:
    return make_resident_id("341122", born, serial)


class World:
    """The fakes wired together; its helpers run a handler and keep the facts as org's
    projections would."""

    def __init__(self) -> None:
        self.facts = FakeFacts()
        self.uow = FakeUnitOfWork(InMemoryEventStore(registry))
        self._ids = (f"id{n}" for n in itertools.count(1))

    def ctx(self, scope: list[str] | None = None) -> handlers.Context:
        return handlers.Context(facts=lambda tx: self.facts, scope=scope,
                                clock=FixedClock(NOW), new_id=lambda: next(self._ids),
                                policy=DEFAULT, policies=(DEFAULT,))

    def run(self, handler: handlers.Handler, cmd: dict[str, Any],
            scope: list[str] | None = None) -> Any:
        return self.uow.run(lambda tx: handler(tx, cmd, self.ctx(scope)))

    def types(self) -> list[str]:
        return self.uow.store.types()

    def committee(self, approved: bool = True, county_code: str = "341122") -> str:
        cid = self.run(handlers.create_committee, {"name": "县合作社团工委", "county": "砀山县",
                                                   "county_code": county_code, "on": ON})["id"]
        self.facts.county_codes[county_code] = cid
        self.facts.units[cid] = UnitFacts(cid, "working_committee", committee_id=cid)
        self.facts.parents[cid] = None
        self.facts.steps[cid] = dict(APPROVED) if approved else {"survey_recorded": {}}
        return str(cid)

    def unit(self, parent_id: str, kind: str = "branch", scope: list[str] | None = None,
             **over: Any) -> str:
        cmd: dict[str, Any] = {"name": f"{kind} {len(self.facts.units)}", "kind": kind,
                               "parent_id": parent_id, "on": ON, "cooperative_ids": [],
                               "formation_mode": "standalone" if kind in (
                                   "branch", "general_branch") else None, **over}
        unit_id = str(self.run(handlers.create_unit, cmd, scope)["id"])
        parent = self.facts.units[parent_id]
        self.facts.units[unit_id] = UnitFacts(unit_id, kind, committee_id=parent.committee_id)
        self.facts.parents[unit_id] = parent_id
        self.facts.coop_units[unit_id] = list(cmd["cooperative_ids"])
        return unit_id

    def member(self, unit_id: str, born: dt.date = dt.date(2000, 6, 15), serial: str = "013",
               kind: str = "league_member", **over: Any) -> str:
        cmd: dict[str, Any] = {"kind": kind, "name": "李明", "ethnicity": "汉族",
                               "resident_id": rid(born, serial), "unit_id": unit_id,
                               "join_date": dt.date(2016, 5, 4), **over}
        member_id = str(self.run(handlers.register_member, cmd)["id"])
        self.facts.members[member_id] = {"unit_id": unit_id, "kind": kind, "status": "active"}
        self.facts.residents[cmd["resident_id"]] = member_id
        return member_id

    def dissolved(self, unit_id: str) -> None:
        unit = self.facts.units[unit_id]
        self.facts.units[unit_id] = UnitFacts(unit.id, unit.kind, "dissolved", unit.industry,
                                              unit.committee_id)
