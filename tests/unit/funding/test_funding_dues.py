from __future__ import annotations

import datetime as dt

import pytest

from eventkit.errors import InvalidInput, RuleViolation
from services.funding.domain.common import month_range
from services.funding.domain.dues import (
    DEFAULT_DUES_RULES,
    DuesRule,
    DuesStatus,
    MemberDues,
    members_in_arrears,
    monthly_dues_fen,
    rule_in_force,
)

RULE = DEFAULT_DUES_RULES[0]
PAID_ON = dt.date(2024, 5, 10)


@pytest.mark.parametrize(
    ("income", "due"),
    [
        (0, 300),
        (199_999, 300),  # just below the threshold: flat 3 yuan
        (200_000, 400),  # at the threshold: 2 per mille
        (200_499, 400),  # 400.998 rounded down
        (200_500, 401),
        (350_099, 700),  # 700.198 rounded down
    ],
)
def test_dues_with_income_boundaries_and_rounding_down(income: int, due: int) -> None:
    assert monthly_dues_fen(RULE, "with_income", income) == due


@pytest.mark.parametrize(
    "category", ["student", "farmer_without_salary", "unemployed", "on_relief"]
)
def test_reduced_categories_pay_twenty_fen_whatever_the_income(category: str) -> None:
    assert monthly_dues_fen(RULE, category, None) == 20
    assert monthly_dues_fen(RULE, category, 900_000) == 20


def test_party_member_exempt_and_bad_input() -> None:
    assert monthly_dues_fen(RULE, "party_member_exempt", 500_000) == 0
    with pytest.raises(InvalidInput, match="category"):
        monthly_dues_fen(RULE, "retired", 1)
    with pytest.raises(InvalidInput, match="income_fen"):
        monthly_dues_fen(RULE, "with_income", None)
    with pytest.raises(InvalidInput, match="income_fen"):
        monthly_dues_fen(RULE, "with_income", 1000.0)  # type: ignore[arg-type]


RULES_2025 = (
    RULE,
    DuesRule(version="2025", effective_from="2025-07", below_threshold_fen=500, reduced_fen=50),
)


def test_rule_in_force_by_month() -> None:
    assert rule_in_force(RULES_2025, "2025-06").version == "2016"
    assert rule_in_force(RULES_2025, "2025-07").version == "2025"
    with pytest.raises(RuleViolation):
        rule_in_force(RULES_2025, "2015-12")


def test_payment_across_a_rule_change_uses_each_months_rule(check) -> None:
    dues = MemberDues("m1")
    dues.start("with_income", "2025-05", income_fen=150_000)
    months = ["2025-05", "2025-06", "2025-07", "2025-08"]
    assert dues.amount_due(months, RULES_2025) == 300 + 300 + 500 + 500
    with pytest.raises(RuleViolation) as err:
        dues.pay("pay1", months, 1_200, PAID_ON, RULES_2025)
    assert err.value.details["due_fen"] == 1_600
    assert len(dues.pending) == 1
    dues.pay("pay1", months, 1_600, PAID_ON, RULES_2025)
    breakdown = dues.pending[-1].data["breakdown"]
    assert [line["rule_version"] for line in breakdown] == ["2016", "2016", "2025", "2025"]
    assert dues.paid_up_to == "2025-08"
    check(dues)


def test_payment_must_start_at_first_unpaid_month_and_be_consecutive(check) -> None:
    dues = MemberDues("m1")
    dues.start("student", "2024-01")
    with pytest.raises(RuleViolation, match="2024-01"):
        dues.pay("p", ["2024-02"], 20, PAID_ON)
    with pytest.raises(InvalidInput, match="consecutive"):
        dues.pay("p", ["2024-01", "2024-03"], 40, PAID_ON)
    with pytest.raises(InvalidInput, match="month"):
        dues.pay("p", ["2024-13"], 20, PAID_ON)
    with pytest.raises(InvalidInput):
        dues.pay("p", [], 0, PAID_ON)
    dues.pay_range("p1", "2024-01", "2024-03", 60, PAID_ON)
    assert dues.paid_up_to == "2024-03"
    with pytest.raises(RuleViolation, match="2024-04"):
        dues.pay("p2", ["2024-03"], 20, PAID_ON)
    with pytest.raises(RuleViolation, match="already exists"):
        dues.pay("p1", ["2024-04"], 20, PAID_ON)
    check(dues)


def test_dues_basis_changes_only_for_unpaid_months(check) -> None:
    dues = MemberDues("m1")
    dues.start("student", "2024-01")
    dues.pay_range("p1", "2024-01", "2024-06", 120, PAID_ON)
    with pytest.raises(RuleViolation):
        dues.change_basis("with_income", "2024-06", income_fen=300_000)
    dues.change_basis("with_income", "2024-07", income_fen=300_000)
    assert dues.amount_due(["2024-06", "2024-07"]) == 20 + 600
    dues.pay("p2", ["2024-07"], 600, PAID_ON)
    check(dues)


def test_arrears_count_unpaid_due_months_before_today(check) -> None:
    dues = MemberDues("m1")
    dues.start("with_income", "2024-01", income_fen=100_000)
    dues.pay_range("p1", "2024-01", "2024-03", 900, PAID_ON)
    assert dues.months_in_arrears("2024-09") == 5  # 04..08; September not late yet
    assert dues.months_in_arrears("2024-10") == 6
    assert dues.months_in_arrears("2023-12") == 0
    status = dues.status("2024-10")
    assert status == DuesStatus("m1", "2024-01", "2024-03", exempt=False)
    assert members_in_arrears([status], "2024-10") == [("m1", 6)]
    assert members_in_arrears([status], "2024-09") == []
    check(dues)


def test_members_in_arrears_lists_six_or_more_longest_first() -> None:
    statuses = [
        DuesStatus("never-paid", "2024-01", None),
        DuesStatus("five", "2023-01", "2024-03"),
        DuesStatus("six", "2023-01", "2024-02"),
        DuesStatus("exempt", "2020-01", None, exempt=True),
        DuesStatus("new", "2024-08", None),
    ]
    assert members_in_arrears(statuses, "2024-09") == [("never-paid", 8), ("six", 6)]
    assert members_in_arrears(statuses, "2024-09", threshold=1) == [
        ("never-paid", 8),
        ("six", 6),
        ("five", 5),
        ("new", 1),
    ]


def test_exempt_months_are_never_arrears(check) -> None:
    dues = MemberDues("m1")
    dues.start("party_member_exempt", "2024-01")
    assert dues.months_in_arrears("2025-01") == 0
    assert dues.status("2025-01").exempt
    dues.pay_range("p0", "2024-01", "2024-12", 0, PAID_ON)  # confirming exempt months
    assert dues.paid_up_to == "2024-12"
    check(dues)


def test_reversed_payment_reopens_its_months(check) -> None:
    dues = MemberDues("m1")
    dues.start("student", "2024-01")
    dues.pay_range("p1", "2024-01", "2024-02", 40, PAID_ON)
    dues.pay_range("p2", "2024-03", "2024-04", 40, PAID_ON)
    dues.reverse_payment("p1", "counterfeit note", PAID_ON)
    assert dues.paid_up_to is None
    with pytest.raises(RuleViolation, match="already paid"):
        dues.pay_range("p3", "2024-01", "2024-03", 60, PAID_ON)
    with pytest.raises(RuleViolation, match="already reversed"):
        dues.reverse_payment("p1", "again", PAID_ON)
    dues.pay_range("p3", "2024-01", "2024-02", 40, PAID_ON)
    assert dues.paid_up_to == "2024-04"
    check(dues)


def test_start_twice_and_commands_before_start_are_refused() -> None:
    dues = MemberDues("m1")
    with pytest.raises(RuleViolation, match="not started"):
        dues.pay("p", ["2024-01"], 20, PAID_ON)
    with pytest.raises(InvalidInput, match="income_fen"):
        dues.start("with_income", "2024-01")
    dues.start("student", "2024-01")
    with pytest.raises(RuleViolation, match="already started"):
        dues.start("student", "2024-02")


def test_month_range_inclusive() -> None:
    assert month_range("2023-11", "2024-02") == ["2023-11", "2023-12", "2024-01", "2024-02"]
    with pytest.raises(InvalidInput):
        month_range("2024-02", "2024-01")
