"""A county on org's service in-process (no nameko, no broker, no gateway): the RPC methods of
`OrgService` on a fresh schema of the test database, and helpers that drive it the way the
gateway would (a committee established, cooperatives, units, members, transfers...)."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from types import SimpleNamespace
from typing import Any

from eventkit import db, migrate
from eventkit.identifiers import make_resident_id, make_uscc
from eventkit.nameko_ext import ServiceContext
from eventkit.store import EventStore
from eventkit.uow import UnitOfWork
from services.org.contract.events import registry
from services.org.projections import projector
from services.org.service import OrgService
from tests.support.org_bodies import unit_body
from tests.support.schemas import drop_schema

_seq = itertools.count(1)
DEPARTMENTS = ("organization", "agriculture", "supply_coop", "economic_management",
               "commerce", "science_technology", "civil_affairs")
ON = "2024-02-01"


class County:
    def __init__(self, dsn: str, pool_size: int = 4) -> None:
        self.dsn = dsn
        self.schema = f"orgcov_{uuid.uuid4().hex[:10]}"
        migrate.migrate("org", dsn, self.schema)
        self.pool = db.Pool(dsn, self.schema, size=pool_size)
        self.store = EventStore(self.schema, registry)
        provider = SimpleNamespace(uow=UnitOfWork(self.pool, self.store, [projector], "org"),
                                   store=self.store, pool=self.pool, service="org")
        self.svc = OrgService()
        self.svc.es = ServiceContext(provider, {"actor": "test:coverage", "correlation_id": "t"})

    def close(self) -> None:
        self.pool.close()
        drop_schema(self.dsn, self.schema)

    def read(self, fn: Any) -> Any:
        with self.pool.transaction() as cur:
            return fn(cur)

    # -- committee -----------------------------------------------------------------------
    def committee(self) -> str:
        """A committee approved (units may be created under its root, the same id)."""
        svc = self.svc
        code = f"{370000 + next(_seq) % 9999:06d}"
        cid = svc.create_committee({"name": f"工委 {uuid.uuid4().hex[:6]}", "county": "Laiwu",
                                    "county_code": code, "on": "2023-11-01"})["id"]
        for i, dep in enumerate(DEPARTMENTS):
            c = svc.add_member_unit(cid, {"name": f"县{dep}局", "department_type": dep})
            unit_id = next(u["id"] for u in c["member_units"] if u["name"] == f"县{dep}局")
            svc.appoint(cid, "deputy_secretary", {
                "name": f"副书记{i}", "member_unit_id": unit_id, "office": "办公室",
                "is_office_head": True, "on": "2023-12-01"})
        svc.appoint(cid, "secretary", {"name": "张伟", "from_county_league_committee": True,
                                       "on": "2023-12-01"})
        svc.appoint(cid, "committee_member", {"name": "孙丽", "source": "township_league_secretary",
                                              "township": "大庄镇", "on": "2023-12-01"})
        steps = [
            ("survey", {"cooperatives": 4, "league_members": 30, "young_people": 100,
                        "party_organizations": 1, "league_organizations": 1, "report": "调研"}),
            ("plan", {"summary": "三级组织", "levels": ["working_committee", "branch"]}),
            ("coordination", {"org_dept_consent": True,
                              "supporting_departments": ["agriculture"]}),
            ("preparatory-group", {"members": [{"name": "张伟", "office": "团县委"}]}),
            ("establishment-request", {}),
            ("approval", {"document_number": "团县委〔2023〕7号"}),
        ]
        for step, body in steps:
            svc.committee_step(cid, step, {"on": "2023-12-01", **body})
        return cid

    # -- cooperatives --------------------------------------------------------------------
    def coop(self, industry: str = "fruit", product: str = "apple", **overrides: Any) -> str:
        body_id = uuid.uuid4().hex[:8].upper().replace("I", "1").replace("O", "0")
        body_id = "".join(c if c in "0123456789ABCDEFGHJKLMNPQRTUWXY" else "0" for c in body_id)
        body = {"name": f"合作社 {body_id}", "uscc": make_uscc("93", "371202", body_id),
                "chair": "王芳", "township": "大庄镇", "industry_category": industry,
                "product": product, "business_mode": "种植", "members": 40,
                "farmer_members": 38, "young_people_under_35": 12, "league_members": 4,
                **overrides}
        return str(self.svc.register_cooperative(body)["id"])

    def update_coop(self, coop_id: str, **changes: Any) -> None:
        self.svc.update_cooperative(coop_id, changes)

    # -- units ---------------------------------------------------------------------------
    def unit(self, parent_id: str, kind: str = "branch", coops: tuple[str, ...] = (),
             **overrides: Any) -> str:
        body = unit_body(parent_id, kind, ON, cooperative_ids=list(coops), **overrides)
        return str(self.svc.create_unit(body)["id"])

    def cover(self, unit_id: str, coops: list[str]) -> None:
        self.svc.change_unit_coverage(unit_id, {"cooperative_ids": coops, "on": ON})

    def move(self, unit_id: str, parent_id: str) -> None:
        self.svc.move_unit(unit_id, {"parent_id": parent_id, "on": ON})

    def merge(self, unit_id: str, target_id: str) -> None:
        self.svc.merge_unit(unit_id, {"target_unit_id": target_id, "on": ON})

    def dissolve(self, unit_id: str) -> None:
        self.svc.dissolve_unit(unit_id, {"reason": "no members left", "on": ON})

    # -- members -------------------------------------------------------------------------
    def member(self, unit_id: str, kind: str = "league_member", age: int = 22,
               days: int = 40) -> str:
        today = dt.date.today()
        born = today.replace(year=today.year - age) - dt.timedelta(days=days)
        number = make_resident_id(f"{370000 + next(_seq) % 9999:06d}", born,
                                  f"{next(_seq) % 1000:03d}")
        join = born.replace(year=born.year + 15) if kind == "league_member" else born
        return str(self.svc.register_member({
            "kind": kind, "name": f"成员 {uuid.uuid4().hex[:4]}", "ethnicity": "汉族",
            "resident_id": number, "unit_id": unit_id,
            "join_date": min(join, today).isoformat()})["id"])

    def transfer(self, member_id: str, to_unit_id: str) -> None:
        t = self.svc.request_transfer({"member_id": member_id, "to_unit_id": to_unit_id})
        self.svc.approve_transfer(t["id"], {})

    def leave(self, member_id: str) -> None:
        self.svc.member_leave(member_id, {"reason": "moved to the city"})

    def age_out(self, as_of: dt.date) -> list[str]:
        return list(self.svc.run_age_out(as_of.isoformat())["aged_out"])

    # -- what the service answers -------------------------------------------------------
    def answers(self) -> dict[str, tuple[list[str], bool]]:
        """Every cooperative's (covering_unit_ids, has_league_org) by the list pages, checked
        against each cooperative's view."""
        listed, cursor = [], None
        while True:
            page = self.svc.list_cooperatives({}, limit=7, cursor=cursor)
            listed += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                break
        out = {c["id"]: (c["covering_unit_ids"], c["has_league_org"]) for c in listed}
        for coop_id, answer in out.items():
            view = self.svc.get_cooperative(coop_id)
            assert (view["covering_unit_ids"], view["has_league_org"]) == answer, coop_id
        return out

    def filtered(self, value: bool) -> list[str]:
        page = self.svc.list_cooperatives({"has_league_org": value}, limit=200)
        return [c["id"] for c in page["items"]]

    def rows(self) -> list[tuple]:
        return self.read(lambda cur: (cur.execute(
            "SELECT id, covering_units, covering_league_members FROM cooperatives"
            " ORDER BY id"), cur.fetchall())[1])
