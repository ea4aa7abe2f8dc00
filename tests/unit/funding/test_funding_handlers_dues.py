"""Funding's dues and remittance command handlers on the fakes (in-memory event store and unit
of work, fake read-model facts, a fixed clock, counted ids): no PostgreSQL.
tests/e2e/test_funding_dues.py drives the same handlers through HTTP."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from eventkit.clock import FixedClock
from eventkit.errors import NotFound, RuleViolation
from eventkit.fakes import FakeUnitOfWork, InMemoryEventStore
from services.funding import handlers
from services.funding.contract.events import registry
from services.funding.domain.dues import MemberDues, paid_up_to

NOW = dt.datetime(2024, 5, 10, 2, 0, tzinfo=dt.UTC)  # 2024-05-10 10:00 in the county


class FakeFacts:
    """handlers.Facts in dicts: units U1, U2; a League member M1 and a young person Y1 in U1,
    a member M2 in U2."""

    def __init__(self) -> None:
        self.units = {"U1": "branch", "U2": "branch"}
        self.members = {"M1": ("league_member", "U1"), "Y1": ("young_person", "U1"),
                        "M2": ("league_member", "U2")}
        self.collected: dict[tuple[str, str, str], int] = {}

    def require_unit(self, unit_id: str, scope: Any) -> dict[str, Any]:
        if unit_id not in self.units or (scope is not None and unit_id not in scope):
            raise NotFound(f"unit {unit_id} not found")
        return {"id": unit_id, "kind": self.units[unit_id]}

    def venue_unit(self, venue_id: str) -> str | None | bool:
        return False

    def require_member(self, member_id: str, scope: Any) -> dict[str, Any]:
        if member_id not in self.members:
            raise NotFound(f"member {member_id} not found")
        kind, unit_id = self.members[member_id]
        if scope is not None and unit_id not in scope:
            raise NotFound(f"member {member_id} not found")
        return {"id": member_id, "name": member_id, "kind": kind, "unit_id": unit_id,
                "status": "active"}

    def dues_collected(self, unit_id: str, period_from: str, period_to: str) -> int:
        return self.collected.get((unit_id, period_from, period_to), 0)

    def partner(self, partner_id: str) -> tuple[str, bool] | None:
        return None

    def known_cooperative(self, coop_id: str) -> dict[str, Any] | None:
        return None

    def entrepreneur_by_person(self, id_key: str) -> str | None:
        return None


@pytest.fixture
def world() -> tuple[FakeUnitOfWork, FakeFacts, Any]:
    facts = FakeFacts()
    uow = FakeUnitOfWork(InMemoryEventStore(registry))
    ids = (f"id{n}" for n in itertools.count(1))

    def ctx(scope: list[str] | None = None) -> handlers.Context:
        return handlers.Context(facts=lambda tx: facts, scope=scope, clock=FixedClock(NOW),
                                new_id=lambda: next(ids))

    return uow, facts, ctx


def run(uow: FakeUnitOfWork, handler: Any, cmd: dict[str, Any], ctx: handlers.Context,
        command_id: str | None = None) -> dict[str, Any]:
    return uow.run(lambda tx: handler(tx, cmd, ctx), command_id=command_id)


DUES_RULE = {"version": "2024", "threshold_fen": 200_000, "below_threshold_fen": 500,
             "per_mille": 2, "reduced_fen": 50, "reduced_categories": ["student"],
             "exempt_categories": ["party_member_exempt"]}


# -- the rule book ---------------------------------------------------------------------------


def test_a_dues_rule_from_this_month_on_is_added(world: Any) -> None:
    uow, _, ctx = world
    assert run(uow, handlers.add_dues_rule, {**DUES_RULE, "effective_from": "2024-05"},
               ctx()) == {}
    assert uow.store.types() == ["DuesRuleAdded"]


def test_a_dues_rule_starting_in_a_past_month_of_the_clock_is_refused(world: Any) -> None:
    uow, _, ctx = world
    with pytest.raises(RuleViolation) as err:
        run(uow, handlers.add_dues_rule, {**DUES_RULE, "effective_from": "2024-04"}, ctx())
    assert err.value.details == {"today_month": "2024-05"}
    assert uow.store.types() == []


def test_a_remittance_rule_is_added_once_per_version(world: Any) -> None:
    uow, _, ctx = world
    rule = {"version": "r1", "effective_from": "2024-01", "retained_bp": 5000,
            "rebate_bp": 2000}
    run(uow, handlers.add_remittance_rule, rule, ctx())
    with pytest.raises(RuleViolation):
        run(uow, handlers.add_remittance_rule, {**rule, "effective_from": "2024-07"}, ctx())
    assert uow.store.types() == ["RemittanceRuleAdded"]


# -- member dues accounts --------------------------------------------------------------------


def start(uow: FakeUnitOfWork, ctx: handlers.Context, member_id: str = "M1") -> None:
    run(uow, handlers.start_dues, {"member_id": member_id, "category": "student",
                                   "income_fen": None, "from_month": "2024-01"}, ctx)


def test_a_league_member_starts_dues_and_pays_months(world: Any) -> None:
    uow, _, ctx = world
    start(uow, ctx())
    paid = run(uow, handlers.pay_dues, {"member_id": "M1", "from_month": "2024-01",
                                        "to_month": "2024-03", "amount_fen": 60,
                                        "paid_on": dt.date(2024, 5, 9)}, ctx())
    assert paid == {"payment_id": "id1"}
    assert uow.store.types() == ["MemberDuesStarted", "DuesPaid"]


def test_only_league_members_pay_dues(world: Any) -> None:
    uow, _, ctx = world
    with pytest.raises(RuleViolation, match="only League members pay dues"):
        start(uow, ctx(), member_id="Y1")
    assert uow.store.types() == []


def test_a_member_outside_scope_is_not_found(world: Any) -> None:
    uow, _, ctx = world
    with pytest.raises(NotFound):
        start(uow, ctx(scope=["U1"]), member_id="M2")


def test_paying_without_an_account_or_the_wrong_amount_is_refused(world: Any) -> None:
    uow, _, ctx = world
    pay = {"member_id": "M1", "from_month": "2024-01", "to_month": "2024-01",
           "amount_fen": 20, "paid_on": dt.date(2024, 5, 9)}
    with pytest.raises(NotFound, match="no dues account"):
        run(uow, handlers.pay_dues, pay, ctx())
    start(uow, ctx())
    with pytest.raises(RuleViolation):
        run(uow, handlers.pay_dues, {**pay, "amount_fen": 999}, ctx())
    assert uow.store.types() == ["MemberDuesStarted"]


def test_a_basis_change_and_a_reversal(world: Any) -> None:
    uow, _, ctx = world
    start(uow, ctx())
    paid = run(uow, handlers.pay_dues, {"member_id": "M1", "from_month": "2024-01",
                                        "to_month": "2024-01", "amount_fen": 20,
                                        "paid_on": dt.date(2024, 5, 9)}, ctx())
    run(uow, handlers.change_dues_basis, {"member_id": "M1", "category": "with_income",
                                          "income_fen": 300_000,
                                          "effective_from": "2024-06"}, ctx())
    run(uow, handlers.reverse_dues_payment, {"member_id": "M1", **paid, "reason": "typo",
                                             "reversed_on": dt.date(2024, 5, 10)}, ctx())
    with pytest.raises(RuleViolation):
        run(uow, handlers.reverse_dues_payment, {"member_id": "M1", **paid, "reason": "again",
                                                 "reversed_on": dt.date(2024, 5, 10)}, ctx())
    assert uow.store.types()[-2:] == ["DuesBasisChanged", "DuesPaymentReversed"]


# -- remittances -----------------------------------------------------------------------------


def remit(collected_fen: int | None) -> dict[str, Any]:
    return {"unit_id": "U1", "period_from": "2024-01", "period_to": "2024-03",
            "collected_fen": collected_fen, "received_on": dt.date(2024, 5, 9)}


def test_a_remittance_of_the_dues_collected_brings_its_rebate_into_the_fund(world: Any) -> None:
    uow, facts, ctx = world
    run(uow, handlers.add_remittance_rule, {"version": "r1", "effective_from": "2024-01",
                                            "retained_bp": 5000, "rebate_bp": 2000}, ctx())
    facts.collected[("U1", "2024-01", "2024-03")] = 10_000
    result = run(uow, handlers.record_remittance, remit(None), ctx())
    assert result == {"remittance_id": "id1", "rebate_entry_id": "id2"}
    assert uow.store.types()[-2:] == ["DuesRemitted", "ReceiptRecorded"]
    receipt = uow.store.events[-1]["data"]
    assert receipt["amount_fen"] == 2_000
    assert receipt["receipt_number"] == "dues-rebate 2024-01..2024-03"


def test_a_remittance_without_a_rule_in_force_is_refused_and_stores_nothing(world: Any) -> None:
    uow, _, ctx = world
    with pytest.raises(RuleViolation, match="no remittance rule"):
        run(uow, handlers.record_remittance, remit(5_000), ctx())
    assert uow.store.types() == []


def test_the_read_models_paid_up_to_is_the_aggregates(world: Any) -> None:
    """projections.py writes domain.dues.paid_up_to from the paid months it holds."""
    uow, _, ctx = world
    start(uow, ctx())
    paid = [run(uow, handlers.pay_dues, {"member_id": "M1", "from_month": first,
                                         "to_month": last, "amount_fen": amount,
                                         "paid_on": dt.date(2024, 5, 9)}, ctx())
            for first, last, amount in (("2024-01", "2024-02", 40), ("2024-03", "2024-03", 20))]
    run(uow, handlers.reverse_dues_payment, {"member_id": "M1", **paid[1], "reason": "typo",
                                             "reversed_on": dt.date(2024, 5, 10)}, ctx())
    account = MemberDues.from_history("M1", [(e["type"], e["data"]) for e in uow.store.events])
    assert account.paid_up_to == paid_up_to("2024-01", {"2024-01", "2024-02"}) == "2024-02"
    assert paid_up_to("2024-01", {"2024-02", "2024-03"}) is None
