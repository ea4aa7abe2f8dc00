"""Funding's credit command handlers on the fakes (in-memory event store and unit of work, fake
read-model facts, a fixed clock, counted ids): no PostgreSQL. A unit recommends a partner's
grant; young entrepreneurs register and their credit applications go through the League's
steps. tests/e2e/test_funding_credit.py and test_funding_applications.py drive the same
handlers through HTTP."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import pytest

from eventkit.clock import FixedClock
from eventkit.errors import InvalidInput, NotFound, RuleViolation
from eventkit.fakes import FakeUnitOfWork, InMemoryEventStore
from eventkit.identifiers import make_resident_id
from services.funding import handlers
from services.funding.contract.events import registry
from services.funding.domain.applications import CreditApplication, status_after

NOW = dt.datetime(2026, 10, 1, 2, 0, tzinfo=dt.UTC)  # 2026-10-01 10:00 in the county
ID_NUMBER = make_resident_id("371202", dt.date(1996, 7, 1), "123")


class FakeFacts:
    """handlers.Facts in dicts: the working committee ROOT and a branch B1; a bank and an
    insurer; one cooperative K1 learnt from org."""

    def __init__(self) -> None:
        self.units = {"ROOT": "working_committee", "B1": "branch"}
        self.partners = {"agbank": ("bank", True), "insurer": ("insurance", True),
                         "oldbank": ("bank", False)}
        self.cooperatives = {"K1": {"id": "K1", "uscc": "93371202MA00000001", "name": "Pear"}}
        self.entrepreneurs: dict[str, str] = {}

    def require_unit(self, unit_id: str, scope: Any) -> dict[str, Any]:
        if unit_id not in self.units or (scope is not None and unit_id not in scope):
            raise NotFound(f"unit {unit_id} not found")
        return {"id": unit_id, "kind": self.units[unit_id]}

    def venue_unit(self, venue_id: str) -> str | None | bool:
        return False

    def require_member(self, member_id: str, scope: Any) -> dict[str, Any]:
        raise NotFound(f"member {member_id} not found")

    def dues_collected(self, unit_id: str, period_from: str, period_to: str) -> int:
        return 0

    def partner(self, partner_id: str) -> tuple[str, bool] | None:
        return self.partners.get(partner_id)

    def known_cooperative(self, coop_id: str) -> dict[str, Any] | None:
        return self.cooperatives.get(coop_id)

    def entrepreneur_by_person(self, id_key: str) -> str | None:
        return self.entrepreneurs.get(id_key)


@pytest.fixture
def world() -> tuple[FakeUnitOfWork, FakeFacts, Any]:
    facts = FakeFacts()
    uow = FakeUnitOfWork(InMemoryEventStore(registry))
    ids = (f"id{n}" for n in itertools.count(1))

    def ctx(scope: list[str] | None = None) -> handlers.Context:
        return handlers.Context(facts=lambda tx: facts, scope=scope, clock=FixedClock(NOW),
                                new_id=lambda: next(ids), person_secret=lambda: b"secret")

    return uow, facts, ctx


def run(uow: FakeUnitOfWork, handler: Any, cmd: dict[str, Any], ctx: handlers.Context,
        command_id: str | None = None) -> dict[str, Any]:
    return uow.run(lambda tx: handler(tx, cmd, ctx), command_id=command_id)


# -- grants ----------------------------------------------------------------------------------


def recommendation(partner_id: str = "agbank") -> dict[str, Any]:
    return {"partner_id": partner_id, "grant_id": "G-1", "unit_id": "B1",
            "recommended_on": dt.date(2026, 9, 30), "note": " 好 "}


def test_a_unit_recommends_a_partners_grant_once(world: Any) -> None:
    uow, _, ctx = world
    assert run(uow, handlers.recommend_grant, recommendation(), ctx()) == {"id": "agbank.G-1"}
    with pytest.raises(RuleViolation, match="already recommended"):
        run(uow, handlers.recommend_grant, recommendation(), ctx())
    assert uow.store.types() == ["GrantRecommended"]


def test_a_grant_of_an_unknown_partner_or_a_unit_out_of_scope_is_refused(world: Any) -> None:
    uow, _, ctx = world
    with pytest.raises(InvalidInput, match="partner_id"):
        run(uow, handlers.recommend_grant, recommendation("nobank"), ctx())
    with pytest.raises(NotFound):
        run(uow, handlers.recommend_grant, recommendation(), ctx(scope=["ROOT"]))
    assert uow.store.types() == []


# -- young entrepreneurs ---------------------------------------------------------------------


def entrepreneur(**overrides: Any) -> dict[str, Any]:
    return {"name": "李青", "id_number": ID_NUMBER, "phone": "13800138000",
            "cooperative_id": "K1", "unit_id": "B1", "registered_on": None, **overrides}


def register(uow: FakeUnitOfWork, facts: FakeFacts, ctx: handlers.Context) -> str:
    result = run(uow, handlers.register_entrepreneur, entrepreneur(), ctx)
    id_key = uow.store.events[-1]["data"]["id_key"]
    facts.entrepreneurs[id_key] = result["id"]  # what the projection would record
    return str(result["id"])


def test_a_young_entrepreneur_is_registered_on_the_clocks_day(world: Any) -> None:
    uow, facts, ctx = world
    assert register(uow, facts, ctx()) == "id1"
    event = uow.store.events[-1]
    assert event["data"]["registered_on"] == "2026-10-01"
    assert ID_NUMBER not in str(event["data"].get("id_key"))


def test_a_person_registers_once_and_only_with_a_known_cooperative(world: Any) -> None:
    uow, facts, ctx = world
    register(uow, facts, ctx())
    with pytest.raises(RuleViolation) as err:
        run(uow, handlers.register_entrepreneur, entrepreneur(), ctx())
    assert err.value.details == {"entrepreneur_id": "id1"}
    with pytest.raises(InvalidInput, match="cooperative_id"):
        run(uow, handlers.register_entrepreneur, entrepreneur(cooperative_id="K9",
                                                              id_number=make_resident_id(
                                                                  "371202", dt.date(1998, 1, 2),
                                                                  "456")), ctx())
    assert len(uow.store.events) == 1


def test_the_age_limits_come_from_the_context(world: Any) -> None:
    uow, facts, ctx = world
    older = make_resident_id("371202", dt.date(1986, 7, 1), "123")  # 40 on the clock's day
    with pytest.raises(InvalidInput, match="under 35"):
        run(uow, handlers.register_entrepreneur, entrepreneur(id_number=older), ctx())
    wider = handlers.Context(facts=lambda tx: facts, clock=FixedClock(NOW),
                             new_id=lambda: "e-old", person_secret=lambda: b"secret",
                             age_limits=(18, 45))
    assert run(uow, handlers.register_entrepreneur, entrepreneur(id_number=older),
               wider) == {"id": "e-old"}


# -- credit applications ---------------------------------------------------------------------


def submit(uow: FakeUnitOfWork, ctx: handlers.Context, entrepreneur_id: str,
           partner_id: str = "agbank") -> dict[str, Any]:
    return run(uow, handlers.submit_application, {
        "entrepreneur_id": entrepreneur_id, "partner_id": partner_id, "amount_fen": 5_000_000,
        "term_months": 36, "purpose": "大棚", "submitted_on": None}, ctx)


def test_an_application_goes_through_the_leagues_steps(world: Any) -> None:
    uow, facts, ctx = world
    entrepreneur_id = register(uow, facts, ctx())
    app = submit(uow, ctx(), entrepreneur_id)
    step = {"application_id": app["id"]}
    run(uow, handlers.precheck_application, {**step, "outcome": "passed", "checked_on": None,
                                             "note": None}, ctx())
    run(uow, handlers.recommend_application, {**step, "unit_id": "ROOT",
                                              "recommended_on": None, "note": None}, ctx())
    assert run(uow, handlers.send_application, {**step, "sent_on": None}, ctx()) == app
    sent = uow.store.events[-1]
    assert sent["data"]["sent_on"] == "2026-10-01"
    assert sent["data"]["cooperative_uscc"] == "93371202MA00000001"


def test_an_application_to_a_partner_that_is_no_active_bank_is_refused(world: Any) -> None:
    uow, facts, ctx = world
    entrepreneur_id = register(uow, facts, ctx())
    for partner_id, problem in (("insurer", "is not a bank"),
                                ("oldbank", "is not an active partner"),
                                ("nobank", "is not an active partner")):
        with pytest.raises(InvalidInput) as err:
            submit(uow, ctx(), entrepreneur_id, partner_id)
        assert err.value.details["errors"] == {"partner_id": [problem]}
    with pytest.raises(InvalidInput, match="entrepreneur_id"):
        submit(uow, ctx(scope=["ROOT"]), entrepreneur_id)
    assert len(uow.store.events) == 1


def test_steps_out_of_order_out_of_scope_or_by_a_branch_are_refused(world: Any) -> None:
    uow, facts, ctx = world
    app = submit(uow, ctx(), register(uow, facts, ctx()))
    step = {"application_id": app["id"]}
    with pytest.raises(RuleViolation) as err:
        run(uow, handlers.send_application, {**step, "sent_on": None}, ctx())
    assert err.value.details["due_step"] == "precheck"
    with pytest.raises(NotFound):
        run(uow, handlers.precheck_application, {**step, "outcome": "passed",
                                                 "checked_on": None, "note": None},
            ctx(scope=["ROOT"]))
    run(uow, handlers.precheck_application, {**step, "outcome": "passed", "checked_on": None,
                                             "note": None}, ctx())
    with pytest.raises(InvalidInput, match="working committee"):
        run(uow, handlers.recommend_application, {**step, "unit_id": "B1",
                                                  "recommended_on": None, "note": None}, ctx())
    with pytest.raises(InvalidInput, match="League unit"):
        run(uow, handlers.recommend_application, {**step, "unit_id": "X",
                                                  "recommended_on": None, "note": None}, ctx())
    with pytest.raises(NotFound):
        run(uow, handlers.send_application, {"application_id": "nope", "sent_on": None}, ctx())


def test_the_read_models_status_is_the_aggregates_after_every_event(world: Any) -> None:
    uow, facts, ctx = world
    app = submit(uow, ctx(), register(uow, facts, ctx()))
    step = {"application_id": app["id"]}
    run(uow, handlers.precheck_application, {**step, "outcome": "passed", "checked_on": None,
                                             "note": None}, ctx())
    history = [(e["type"], e["data"]) for e in uow.store.events
               if e["stream_id"].endswith(app["id"])]
    assert [t for t, _ in history] == ["ApplicationSubmitted", "ApplicationPrechecked"]
    for n in range(1, len(history) + 1):
        replayed = CreditApplication.from_history(app["id"], history[:n])
        assert status_after(*history[n - 1]) == replayed.status
    assert status_after("ApplicationPrechecked", {"outcome": "failed"}) == "declined"


def test_the_handlers_read_through_their_facts_never_sql() -> None:
    """Handlers never touch `tx.cur` (only the docstring names it): what they read comes
    through `handlers.Facts` (queries.SqlFacts in the service), so they run on the fakes."""
    text = Path(handlers.__file__).read_text(encoding="utf-8")
    code = text.split('"""', 2)[2]  # past the module docstring
    assert "tx.cur" not in code and ".execute(" not in code
