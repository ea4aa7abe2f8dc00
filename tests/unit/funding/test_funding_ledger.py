from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventkit.errors import InvalidInput, NotFound, RuleViolation
from eventkit.identifiers import make_uscc
from services.funding.contract.enums import INCOME_SOURCES
from services.funding.domain.ledger import UnitFund

ENTERPRISE = make_uscc("91", "110105", "MA01BCDE")
COOP = make_uscc("93", "110105", "MA02BCDE")
D = dt.date(2024, 3, 1)


def fund_with(amount: int = 10_000, earmark: str | None = None) -> UnitFund:
    fund = UnitFund("unit-1")
    fund.record_receipt("r0", "R-0", amount, D, source="government_allocation", earmark=earmark)
    return fund


# ------------------------------------------------------------------ pledges
def test_pledge_needs_uscc_for_enterprise_and_cooperative() -> None:
    fund = UnitFund("u")
    for source in ("enterprise_sponsorship", "cooperative_self_funding"):
        with pytest.raises(InvalidInput) as err:
            fund.record_pledge(f"p-{source}", source, "Payer", 100, D, agreement_ref="A-1")
        assert "payer_uscc" in err.value.details["errors"]
    fund.record_pledge(
        "p1",
        "enterprise_sponsorship",
        "Dragon Co",
        100,
        D,
        agreement_ref="A-1",
        payer_uscc=ENTERPRISE,
    )
    fund.record_pledge(
        "p2", "cooperative_self_funding", "Coop", 100, D, agreement_ref="A-2", payer_uscc=COOP
    )
    fund.record_pledge("p3", "aid_unit_support", "Agri bureau", 100, D, agreement_ref="A-3")
    assert [e.type for e in fund.pending] == ["PledgeRecorded"] * 3


def test_pledge_refuses_bad_uscc_amount_and_source() -> None:
    fund = UnitFund("u")
    bad_check = ENTERPRISE[:-1] + ("0" if ENTERPRISE[-1] != "0" else "1")
    with pytest.raises(InvalidInput, match="check character"):
        fund.record_pledge(
            "p", "enterprise_sponsorship", "X", 1, D, agreement_ref="A", payer_uscc=bad_check
        )
    for amount in (0, -5, 1.5, True, "100"):
        with pytest.raises(InvalidInput, match="amount_fen"):
            fund.record_pledge(
                "p",
                "aid_unit_support",
                "X",
                amount,
                D,  # type: ignore[arg-type]
                agreement_ref="A",
            )
    with pytest.raises(InvalidInput, match="source"):
        fund.record_pledge("p", "lottery", "X", 1, D, agreement_ref="A")
    with pytest.raises(InvalidInput, match="agreement_ref"):
        fund.record_pledge("p", "aid_unit_support", "X", 1, D, agreement_ref=" ")
    assert fund.pending == []


def test_receipts_against_pledge_and_outstanding(check) -> None:
    fund = UnitFund("u")
    fund.record_pledge(
        "p1",
        "enterprise_sponsorship",
        "Dragon Co",
        50_000,
        D,
        agreement_ref="A-1",
        payer_uscc=ENTERPRISE,
        earmark="training",
    )
    fund.record_receipt("r1", "R-1", 20_000, D, pledge_id="p1")
    assert fund.entries["r1"]["data"]["source"] == "enterprise_sponsorship"
    assert fund.entries["r1"]["data"]["earmark"] == "training"
    [outstanding] = fund.pledges_outstanding()
    assert outstanding["outstanding_fen"] == 30_000 and outstanding["received_fen"] == 20_000
    before = list(fund.pending)
    with pytest.raises(RuleViolation) as err:
        fund.record_receipt("r2", "R-2", 30_001, D, pledge_id="p1")
    assert err.value.details["remaining_fen"] == 30_000
    assert fund.pending == before
    with pytest.raises(InvalidInput, match="earmark"):
        fund.record_receipt("r2", "R-2", 1, D, pledge_id="p1", earmark="other")
    with pytest.raises(NotFound):
        fund.record_receipt("r2", "R-2", 1, D, pledge_id="nope")
    fund.record_receipt("r2", "R-2", 30_000, D, pledge_id="p1")
    assert fund.pledges_outstanding() == []
    assert fund.balance_by_earmark() == {"training": 50_000}
    check(fund)


def test_receipt_number_unique_until_reversed(check) -> None:
    fund = fund_with(1_000)
    with pytest.raises(RuleViolation, match="R-0"):
        fund.record_receipt("r1", "R-0", 5, D, source="aid_unit_support")
    fund.reverse("x1", "r0", "typo in amount", D)
    fund.record_receipt("r1", "R-0", 1_100, D, source="government_allocation")
    assert fund.balance() == 1_100
    check(fund)


def test_standalone_receipt_needs_a_source() -> None:
    fund = UnitFund("u")
    with pytest.raises(InvalidInput, match="source"):
        fund.record_receipt("r", "R", 1, D)


# ------------------------------------------------------- never below zero
def test_expense_beyond_balance_is_refused_and_records_nothing(check) -> None:
    fund = fund_with(10_000)
    fund.record_expense("e1", "Secretary Li", "INV-1", 9_000, D)
    before = list(fund.pending)
    with pytest.raises(RuleViolation) as err:
        fund.record_expense("e2", "Secretary Li", "INV-2", 1_001, D)
    assert err.value.details == {"earmark": None, "available_fen": 1_000, "amount_fen": 1_001}
    assert fund.pending == before and fund.balance() == 1_000
    fund.record_expense("e2", "Secretary Li", "INV-2", 1_000, D)
    assert fund.balance() == 0
    check(fund)


def test_earmarks_are_separate_pools(check) -> None:
    fund = fund_with(1_000)
    fund.record_receipt("r1", "R-1", 5_000, D, source="aid_unit_support", earmark="festival")
    assert fund.balance() == 6_000
    assert fund.balance_by_earmark() == {None: 1_000, "festival": 5_000}
    with pytest.raises(RuleViolation) as err:
        fund.record_expense("e1", "Li", "INV", 1_001, D)  # general money only
    assert err.value.details["available_fen"] == 1_000
    with pytest.raises(RuleViolation) as err:
        fund.record_expense("e1", "Li", "INV", 5_001, D, earmark="festival")
    assert err.value.details["earmark"] == "festival"
    with pytest.raises(RuleViolation):
        fund.allocate("a1", "act-1", 1, D, earmark="unknown-earmark")
    fund.record_expense("e1", "Li", "INV", 5_000, D, earmark="festival")
    assert fund.balance_by_earmark() == {None: 1_000, "festival": 0}
    check(fund)


def test_allocation_commits_money_and_expenses_draw_from_it(check) -> None:
    fund = fund_with(10_000)
    fund.allocate("a1", "act-1", 6_000, D)
    assert fund.balance() == 4_000 and fund.cash_balance() == 10_000
    with pytest.raises(RuleViolation):
        fund.allocate("a2", "act-2", 4_001, D)
    fund.record_expense("e1", "Li", "INV-1", 2_500, D, allocation_id="a1")
    assert fund.balance() == 4_000  # already committed
    assert fund.cash_balance() == 7_500
    assert fund.allocation_remaining("a1") == 3_500
    with pytest.raises(RuleViolation) as err:
        fund.record_expense("e2", "Li", "INV-2", 3_501, D, allocation_id="a1")
    assert err.value.details["remaining_fen"] == 3_500
    fund.release_allocation("rel1", "a1", D)
    assert fund.balance() == 7_500 and fund.allocation_remaining("a1") == 0
    with pytest.raises(RuleViolation, match="nothing left"):
        fund.release_allocation("rel2", "a1", D)
    with pytest.raises(RuleViolation):
        fund.record_expense("e2", "Li", "INV-2", 1, D, allocation_id="a1")
    check(fund)


# ---------------------------------------------------------------- reversals
def test_an_entry_is_reversed_once_and_a_reversal_never(check) -> None:
    fund = fund_with(10_000)
    fund.record_expense("e1", "Li", "INV-1", 4_000, D)
    fund.reverse("x1", "e1", "wrong invoice", D)
    assert fund.balance() == 10_000
    with pytest.raises(RuleViolation) as err:
        fund.reverse("x2", "e1", "again", D)
    assert err.value.details["reversed_by"] == "x1"
    with pytest.raises(RuleViolation, match="reversal cannot be reversed"):
        fund.reverse("x2", "x1", "undo", D)
    with pytest.raises(NotFound):
        fund.reverse("x2", "nope", "?", D)
    with pytest.raises(RuleViolation, match="already exists"):
        fund.reverse("x1", "r0", "duplicate id", D)
    check(fund)


def test_reversal_that_would_go_negative_is_refused(check) -> None:
    fund = fund_with(10_000)
    fund.record_expense("e1", "Li", "INV-1", 4_000, D)
    before = list(fund.pending)
    with pytest.raises(RuleViolation) as err:
        fund.reverse("x1", "r0", "bounced", D)
    assert err.value.details["available_fen"] == 6_000
    assert fund.pending == before


def test_reversal_order_rules_for_pledges_and_allocations(check) -> None:
    fund = fund_with(10_000)
    fund.record_pledge("p1", "aid_unit_support", "Bureau", 500, D, agreement_ref="A")
    fund.record_receipt("r1", "R-1", 200, D, pledge_id="p1")
    with pytest.raises(RuleViolation, match="receipts"):
        fund.reverse("x1", "p1", "cancelled", D)
    fund.reverse("x1", "r1", "wrong", D)
    assert fund.pledges_outstanding()[0]["outstanding_fen"] == 500
    fund.reverse("x2", "p1", "cancelled", D)
    assert fund.pledges_outstanding() == []
    with pytest.raises(RuleViolation, match="reversed"):
        fund.record_receipt("r2", "R-2", 1, D, pledge_id="p1")

    fund.allocate("a1", "act", 3_000, D)
    fund.record_expense("e1", "Li", "INV", 1_000, D, allocation_id="a1")
    with pytest.raises(RuleViolation, match="expenses drawn"):
        fund.reverse("x3", "a1", "cancelled", D)
    fund.reverse("x3", "e1", "wrong", D)
    assert fund.allocation_remaining("a1") == 3_000
    fund.reverse("x4", "a1", "activity cancelled", D)
    assert fund.balance() == 10_000 and fund.allocation_remaining("a1") == 0
    check(fund)


def test_reversing_a_release_recommits_only_if_money_is_there(check) -> None:
    fund = fund_with(1_000)
    fund.allocate("a1", "act", 600, D)
    fund.release_allocation("rel", "a1", D)
    fund.record_expense("e1", "Li", "INV", 500, D)
    with pytest.raises(RuleViolation):
        fund.reverse("x1", "rel", "released by mistake", D)  # 500 available, 600 needed
    fund.reverse("x1", "e1", "wrong", D)
    fund.reverse("x2", "rel", "released by mistake", D)
    assert fund.balance() == 400 and fund.allocation_remaining("a1") == 600
    check(fund)


# -------------------------------------------------------------- settlement
def test_settlement_adds_up_and_carries_over(check) -> None:
    fund = UnitFund("u")
    y1, y2 = dt.date(2023, 6, 1), dt.date(2024, 2, 1)
    fund.record_receipt("r1", "R-1", 10_000, y1, source="dues_rebate")
    fund.record_receipt("r2", "R-2", 5_000, y1, source="enterprise_sponsorship")
    fund.record_expense("e1", "Li", "INV-1", 2_000, y1)
    fund.allocate("a1", "act", 3_000, y1)
    fund.record_expense("e2", "Li", "INV-2", 1_000, y2, allocation_id="a1")
    fund.release_allocation("rel", "a1", y2)
    fund.reverse("x1", "r2", "sponsor cancelled", y2)

    s23 = fund.settlement(2023)
    assert s23["opening_fen"] == 0
    assert s23["income_by_source"]["dues_rebate"] == 10_000
    assert s23["income_by_source"]["enterprise_sponsorship"] == 5_000
    assert s23["expense_fen"] == 5_000 and s23["allocated_fen"] == 3_000
    assert s23["closing_fen"] == 10_000 and s23["open_commitments_fen"] == 3_000

    s24 = fund.settlement(2024)
    assert s24["opening_fen"] == s23["closing_fen"]
    assert s24["income_by_source"]["enterprise_sponsorship"] == -5_000
    assert s24["allocated_fen"] == -2_000  # the released remainder
    assert s24["expenses_paid_fen"] == 1_000
    assert s24["opening_fen"] + s24["income_fen"] - s24["expense_fen"] == s24["closing_fen"]
    assert s24["closing_fen"] == fund.balance() == 7_000
    assert s24["open_commitments_fen"] == 0
    assert fund.cash_balance() == 7_000
    check(fund)


# ----------------------------------------------------------- property test
EARMARKS = [None, "training", "festival"]
operation = st.one_of(
    st.tuples(
        st.just("receipt"),
        st.sampled_from(INCOME_SOURCES),
        st.integers(1, 5_000),
        st.sampled_from(EARMARKS),
    ),
    st.tuples(st.just("expense"), st.integers(1, 5_000), st.sampled_from(EARMARKS)),
    st.tuples(st.just("allocate"), st.integers(1, 5_000), st.sampled_from(EARMARKS)),
    st.tuples(st.just("draw"), st.integers(0, 30), st.integers(1, 3_000)),
    st.tuples(st.just("release"), st.integers(0, 30)),
    st.tuples(st.just("reverse"), st.integers(0, 60)),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=st.lists(st.tuples(operation, st.integers(0, 3 * 365)), max_size=40))
def test_property_balances_never_negative_and_settlements_add_up(check, ops) -> None:
    fund = UnitFund("u")
    ids: list[str] = []
    allocations: list[str] = []
    for n, (op, day) in enumerate(ops):
        on = dt.date(2022, 1, 1) + dt.timedelta(days=day)
        entry_id = f"e{n}"
        try:
            if op[0] == "receipt":
                fund.record_receipt(entry_id, f"R{n}", op[2], on, source=op[1], earmark=op[3])
            elif op[0] == "expense":
                fund.record_expense(entry_id, "Li", f"I{n}", op[1], on, earmark=op[2])
            elif op[0] == "allocate":
                fund.allocate(entry_id, "act", op[1], on, earmark=op[2])
                allocations.append(entry_id)
            elif op[0] == "draw" and allocations:
                target = allocations[op[1] % len(allocations)]
                fund.record_expense(entry_id, "Li", f"I{n}", op[2], on, allocation_id=target)
            elif op[0] == "release" and allocations:
                fund.release_allocation(entry_id, allocations[op[1] % len(allocations)], on)
            elif op[0] == "reverse" and ids:
                fund.reverse(entry_id, ids[op[1] % len(ids)], "fix", on)
            else:
                continue
            ids.append(entry_id)
        except RuleViolation:
            pass
        assert all(v >= 0 for v in fund.balance_by_earmark().values())
        assert fund.balance() == sum(fund.balance_by_earmark().values())
    previous_closing = 0
    for year in (2022, 2023, 2024):
        s = fund.settlement(year)
        assert s["opening_fen"] == previous_closing
        assert s["income_fen"] == sum(s["income_by_source"].values())
        assert s["opening_fen"] + s["income_fen"] - s["expense_fen"] == s["closing_fen"]
        previous_closing = s["closing_fen"]
    assert previous_closing == fund.balance()
    assert fund.settlement(2024)["open_commitments_fen"] == fund.cash_balance() - fund.balance()
    check(fund)
