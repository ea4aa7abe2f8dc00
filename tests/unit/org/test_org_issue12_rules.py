"""Issue 12: product categories, the versioned org policy, constituted branches."""

from __future__ import annotations

import datetime as dt

import pytest

from eventkit.errors import InvalidInput, RuleViolation
from services.org.domain.policy import DEFAULT, OrgPolicy, policy_on, with_overrides
from services.org.domain.products import category_of, cooperative_category, similar_products
from services.org.domain.tree_rules import UnitFacts, check_industries


def test_similar_products_are_a_category_match_not_the_same_text() -> None:
    assert similar_products("苹果", "梨")
    assert similar_products("apple", "Fruit ")
    assert similar_products("fruit", "水果")
    assert not similar_products("苹果", "大姜")
    assert similar_products("紫薯", " 紫薯")  # unknown: matches itself only
    assert not similar_products("紫薯", "苹果")
    assert category_of(None) is None


def test_a_cooperatives_category_comes_from_its_product_first() -> None:
    assert cooperative_category("梨", "种植业") == "fruit"
    assert cooperative_category("紫薯", "vegetable") == "vegetable"


def test_a_fruit_committee_takes_an_apple_and_a_pear_cooperative_but_not_ginger() -> None:
    check_industries("professional_committee", "水果", None, ["fruit", "fruit"])
    pc = UnitFacts("pc", "professional_committee", industry="苹果")
    check_industries("branch", None, pc, [cooperative_category("梨", "x") or ""])
    with pytest.raises(RuleViolation):
        check_industries("branch", None, pc, [cooperative_category("大姜", "x") or ""])


def test_policy_versions_apply_from_their_day_and_are_appended() -> None:
    versions = with_overrides([{"version": "2026-1", "effective_from": "2026-01-01",
                                "youth_group_min_young_people": 8}])
    assert policy_on(dt.date(2025, 12, 31), versions) == DEFAULT
    assert policy_on(dt.date(2026, 1, 1), versions).youth_group_min_young_people == 8
    assert policy_on(dt.date(2026, 1, 1), versions).branch_min_league_members == 3
    with pytest.raises(InvalidInput):
        with_overrides([{"effective_from": "1999-01-01", "version": "x"}])
    with pytest.raises(InvalidInput):
        with_overrides([{"no_such_number": 1}])


def test_branch_terms_are_one_or_two_years() -> None:
    assert DEFAULT.branch_term_years == 2
    OrgPolicy(branch_term_years=1)
    with pytest.raises(InvalidInput):
        OrgPolicy(branch_term_years=3)
