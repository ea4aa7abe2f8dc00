from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventkit.errors import InvalidInput, RuleViolation
from services.funding.domain.ledger import UnitFund
from services.funding.domain.remittance import (
    RemittanceRule,
    UnitRemittances,
    compute_remittance,
    rebate_receipt,
)

V1 = RemittanceRule(version="js-2016", effective_from="2016-01", retained_bp=3_000, rebate_bp=2_000)
V2 = RemittanceRule(version="js-2024", effective_from="2024-07", retained_bp=5_000, rebate_bp=1_000)
RULES = (V1, V2)


def test_parts_with_rounding_down_for_the_unit() -> None:
    r = compute_remittance("rm1", "u1", "2024-01", "2024-06", 12_345, RULES)
    assert r.retained_fen == 3_703  # 3703.5 rounded down
    assert r.rebate_fen == 2_469  # 2469.0
    assert r.remitted_fen == 12_345 - 3_703
    assert r.kept_above_fen == r.remitted_fen - r.rebate_fen == 6_173
    assert r.rule_version == "js-2016" and (r.retained_bp, r.rebate_bp) == (3_000, 2_000)


@given(
    collected=st.integers(0, 10**9),
    retained=st.integers(0, 10_000),
    rebate_share=st.floats(0, 1),
)
def test_parts_always_add_up_exactly(collected: int, retained: int, rebate_share: float) -> None:
    rule = RemittanceRule("v", "2020-01", retained, int((10_000 - retained) * rebate_share))
    r = compute_remittance("rm", "u", "2020-01", "2020-12", collected, [rule])
    assert r.retained_fen + r.kept_above_fen + r.rebate_fen == collected
    assert r.retained_fen + r.remitted_fen == collected
    assert min(r.retained_fen, r.rebate_fen, r.kept_above_fen) >= 0
    assert r.retained_fen <= collected * retained / 10_000 < r.retained_fen + 1


def test_new_rule_never_rewrites_past_remittances(check) -> None:
    ledger = UnitRemittances("u1")
    ledger.record(compute_remittance("rm1", "u1", "2024-01", "2024-06", 10_000, RULES))
    ledger.record(compute_remittance("rm2", "u1", "2024-07", "2024-12", 10_000, RULES))
    first, second = (e.data for e in ledger.pending)
    assert (first["rule_version"], first["rebate_fen"]) == ("js-2016", 2_000)
    assert (second["rule_version"], second["rebate_fen"]) == ("js-2024", 1_000)
    replayed = check(ledger)
    # The stored figures, not today's rules, are what a replay shows.
    assert replayed.remittances["rm1"]["rebate_bp"] == 2_000


def test_period_crossing_a_rule_change_or_before_any_rule_is_refused() -> None:
    with pytest.raises(RuleViolation) as err:
        compute_remittance("rm", "u1", "2024-05", "2024-08", 1, RULES)
    assert err.value.details == {"split_at": "2024-07"}
    with pytest.raises(RuleViolation):
        compute_remittance("rm", "u1", "2015-01", "2015-03", 1, RULES)


def test_bad_rules_and_amounts() -> None:
    with pytest.raises(InvalidInput):
        RemittanceRule("bad", "2024-01", retained_bp=6_000, rebate_bp=4_001)
    with pytest.raises(InvalidInput):
        RemittanceRule("bad", "2024-01", retained_bp=-1, rebate_bp=0)
    with pytest.raises(InvalidInput):
        compute_remittance("rm", "u1", "2024-01", "2024-01", -1, RULES)


def test_overlapping_periods_are_refused() -> None:
    ledger = UnitRemittances("u1")
    ledger.record(compute_remittance("rm1", "u1", "2024-01", "2024-06", 100, RULES))
    with pytest.raises(RuleViolation) as err:
        ledger.record(compute_remittance("rm2", "u1", "2024-06", "2024-06", 100, RULES))
    assert err.value.details["clashing_remittance_id"] == "rm1"
    with pytest.raises(InvalidInput):
        ledger.record(compute_remittance("rm3", "u2", "2024-07", "2024-07", 100, RULES))
    assert len(ledger.pending) == 1


def test_rebate_becomes_dues_rebate_income(check) -> None:
    r = compute_remittance("rm1", "u1", "2024-01", "2024-06", 10_000, RULES)
    kwargs = rebate_receipt(r, "entry-1", "RB-2024H1", dt.date(2024, 7, 15))
    assert kwargs is not None
    fund = UnitFund("u1")
    fund.record_receipt(**kwargs)
    assert fund.balance() == 2_000
    assert fund.settlement(2024)["income_by_source"]["dues_rebate"] == 2_000
    check(fund)
    zero = compute_remittance("rm2", "u1", "2024-01", "2024-06", 4, RULES)  # 0.8 fen
    assert zero.rebate_fen == 0
    assert rebate_receipt(zero, "e", "n", dt.date(2024, 7, 1)) is None
