from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest
from org_testkit import check_events

from eventkit.errors import InvalidInput, NotFound, RuleViolation
from eventkit.identifiers import make_uscc
from services.org.domain.cooperative import (
    Cooperative,
    figure_warnings,
    league_building_recommendation,
)
from services.org.domain.policy import DEFAULT

USCC = make_uscc("93", "341122", "MA2T0001")


def fields(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "Green Tea Cooperative",
        "uscc": USCC,
        "chair": "Zhang San",
        "township": "Town A",
        "industry_category": "tea",
        "product": "green tea",
        "business_mode": "production_and_marketing",
        "members": 120,
        "farmer_members": 110,
        "young_people_under_35": 30,
        "league_members": 6,
        "party_org_present": True,
        "league_org_present": False,
        "supply_coop_relation": "served",
    }
    base.update(over)
    return base


def registered(**over: Any) -> Cooperative:
    coop = Cooperative("k1")
    coop.register(**fields(**over))
    return coop


def test_register_records_all_fields_and_replays() -> None:
    coop = registered(uscc=USCC.lower())
    assert coop.uscc == USCC  # normalised to upper case
    assert coop.fields()["supply_coop_relation"] == "served"
    assert check_events(coop) == ["CooperativeRegistered"]


def test_register_twice_is_refused() -> None:
    coop = registered()
    with pytest.raises(RuleViolation):
        coop.register(**fields())


@pytest.mark.parametrize(
    "bad",
    [
        USCC[:-1] + ("0" if USCC[-1] != "0" else "1"),  # wrong check character
        USCC[:17],  # too short
        USCC[:5] + "I" + USCC[6:],  # letter outside the alphabet
        make_uscc("91", "341122", "MA2T0001"),  # valid code but a company, not a cooperative
    ],
)
def test_uscc_must_be_valid_and_a_farmer_cooperative_code(bad: str) -> None:
    with pytest.raises(InvalidInput) as err:
        registered(uscc=bad)
    assert "uscc" in err.value.details["errors"]


def test_farmer_cooperative_law_figures() -> None:
    with pytest.raises(InvalidInput) as err:
        registered(members=4, farmer_members=4)
    assert "members" in err.value.details["errors"]
    registered(members=5, farmer_members=5)
    with pytest.raises(InvalidInput) as err:
        registered(members=10, farmer_members=11)
    assert "farmer_members" in err.value.details["errors"]
    with pytest.raises(InvalidInput):
        registered(members=-1)
    with pytest.raises(InvalidInput):
        registered(supply_coop_relation="owned")
    with pytest.raises(InvalidInput):
        registered(league_org_present="yes")


def test_farmer_share_below_80_percent_is_a_warning_not_an_error() -> None:
    assert not any("80%" in w for w in registered(members=100, farmer_members=80).warnings)
    coop = registered(members=100, farmer_members=79)
    assert any("80%" in w for w in coop.warnings)
    assert figure_warnings(coop.fields()) == coop.warnings


def test_update_records_only_changes_and_rechecks_figures() -> None:
    coop = registered()
    assert coop.update(name="Green Tea Cooperative", members=120) is False
    assert coop.update(name="Tea Co-op", league_members=2) is True
    assert coop.pending[-1].data == {"name": "Tea Co-op", "league_members": 2}
    with pytest.raises(InvalidInput):
        coop.update(members=4)
    with pytest.raises(InvalidInput):
        coop.update(farmer_members=121)
    with pytest.raises(InvalidInput) as err:
        coop.update(colour="green")
    assert "colour" in err.value.details["errors"]
    with pytest.raises(NotFound):
        Cooperative("none").update(name="x")
    assert coop.name == "Tea Co-op" and coop.members == 120
    assert check_events(coop) == ["CooperativeRegistered", "CooperativeUpdated"]


def facts(members: int, league: int, youth: int, present: bool = False) -> Any:
    return SimpleNamespace(
        members=members,
        league_members=league,
        young_people_under_35=youth,
        league_org_present=present,
    )


@pytest.mark.parametrize(
    ("members", "league", "youth", "present", "mode"),
    [
        (500, 10, 40, True, "existing"),
        (100, 3, 10, False, "standalone_direct"),
        (99, 3, 10, False, "standalone_direct"),  # issue 12: the constitution's floor of 3
        (99, 20, 40, False, "standalone_direct"),  # the case: was told to build jointly
        (500, 2, 40, False, "joint_township"),  # large but fewer than 3 League members
        (20, 1, 5, False, "joint_township"),
        (20, 0, 5, False, "youth_organization"),
        (20, 0, 4, False, "none"),  # fewer than 5 young people: not "many" (default)
        (20, 0, 0, False, "none"),
    ],
)
def test_league_building_recommendation(
    members: int, league: int, youth: int, present: bool, mode: str
) -> None:
    rec = league_building_recommendation(facts(members, league, youth, present))
    assert rec["mode"] == mode
    assert rec["reason"]


def test_recommendation_takes_the_aggregate_and_the_policy_numbers() -> None:
    coop = registered(members=60, farmer_members=60, league_members=4)
    assert league_building_recommendation(coop)["mode"] == "standalone_direct"
    strict = replace(DEFAULT, branch_min_league_members=5, youth_group_min_young_people=3)
    assert league_building_recommendation(coop, strict)["mode"] == "joint_township"
    rec = league_building_recommendation(facts(20, 0, 3), strict)
    assert rec["mode"] == "youth_organization" and rec["label"].startswith("成立学习小组")
    joint = league_building_recommendation(facts(20, 2, 3))
    assert joint["label"].startswith("联合建团") and "village_cooperative" in joint["joint_modes"]
