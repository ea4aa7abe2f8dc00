"""The rule book: dues and remittance rule versions, append-only, never rewriting the past."""

from __future__ import annotations

import pytest

from eventkit.errors import InvalidInput, RuleViolation
from services.funding.domain.dues import monthly_dues_fen, rule_in_force
from services.funding.domain.remittance import compute_remittance
from services.funding.domain.rulebook import RULE_BOOK_ID, RuleBook

RULE = {"threshold_fen": 300_000, "below_threshold_fen": 400, "per_mille": 3,
        "reduced_fen": 50, "reduced_categories": ["student", "unemployed"],
        "exempt_categories": ["party_member_exempt"]}


def test_the_2016_rule_is_always_there(check) -> None:
    book = RuleBook(RULE_BOOK_ID)
    assert [r.version for r in book.dues_rules()] == ["2016"]
    assert book.remittance_rules() == ()


def test_a_new_dues_rule_applies_from_its_month_only(check) -> None:
    book = RuleBook(RULE_BOOK_ID)
    book.add_dues_rule("2027", "2027-01", "2026-11", **RULE)
    book = check(book)
    rules = book.dues_rules()
    assert rule_in_force(rules, "2026-12").version == "2016"
    assert rule_in_force(rules, "2027-01").version == "2027"
    assert monthly_dues_fen(rule_in_force(rules, "2026-12"), "student", None) == 20
    assert monthly_dues_fen(rule_in_force(rules, "2027-01"), "student", None) == 50
    assert monthly_dues_fen(rule_in_force(rules, "2027-01"), "with_income", 500_000) == 1500


@pytest.mark.parametrize("version, month, today, match", [
    ("2016", "2030-01", "2026-11", "exists"),
    ("2016b", "2016-01", "2015-01", "already starts in 2016-01"),
    ("2026b", "2026-10", "2026-11", "past month"),
])
def test_dues_rules_never_start_in_the_past_nor_twice_in_a_month(version, month, today,
                                                              match) -> None:
    book = RuleBook(RULE_BOOK_ID)
    with pytest.raises(RuleViolation, match=match):
        book.add_dues_rule(version, month, today, **RULE)
    assert book.pending == []


def test_dues_rule_categories_are_checked() -> None:
    book = RuleBook(RULE_BOOK_ID)
    with pytest.raises(InvalidInput):
        book.add_dues_rule("x", "2027-01", "2026-11", **{**RULE, "reduced_categories":
                                                         ["with_income"]})
    with pytest.raises(InvalidInput):
        book.add_dues_rule("x", "2027-01", "2026-11", **{**RULE, "exempt_categories":
                                                         ["student"]})
    assert book.pending == []


def test_remittance_rules_version_and_past_rebates_stand(check) -> None:
    book = RuleBook(RULE_BOOK_ID)
    book.add_remittance_rule("p1", "2024-01", 3000, 2000)
    before = compute_remittance("r1", "u1", "2024-01", "2024-06", 10_001, book.remittance_rules())
    book.add_remittance_rule("p2", "2025-01", 4000, 1000)
    again = compute_remittance("r1", "u1", "2024-01", "2024-06", 10_001, book.remittance_rules())
    assert again == before and before.rebate_fen == 2000 and before.rule_version == "p1"
    later = compute_remittance("r2", "u1", "2025-01", "2025-06", 10_000, book.remittance_rules())
    assert (later.rule_version, later.rebate_fen, later.retained_fen) == ("p2", 1000, 4000)
    with pytest.raises(RuleViolation, match="already starts in 2025-01"):
        book.add_remittance_rule("p9", "2025-01", 1, 1)
    book.add_remittance_rule("p0", "2024-04", 5000, 0)  # a late decision for a later period
    book = check(book)
    assert [r.version for r in book.remittance_rules()] == ["p1", "p2", "p0"]
    early = compute_remittance("r1", "u1", "2024-01", "2024-03", 10_001,
                               book.remittance_rules())
    assert (early.rule_version, early.rebate_fen) == ("p1", 2000)  # before p0 starts
    with pytest.raises(RuleViolation, match="split the period"):
        compute_remittance("r3", "u1", "2024-01", "2024-06", 1, book.remittance_rules())
    with pytest.raises(RuleViolation, match="exists"):
        book.add_remittance_rule("p2", "2026-01", 1, 1)
    with pytest.raises(InvalidInput):
        book.add_remittance_rule("p3", "2026-01", 6000, 5000)
