from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from org_testkit import check_events

from eventkit.errors import InvalidInput, NotFound, RuleViolation
from services.org.domain import tree_rules as rules
from services.org.domain.tree_rules import UnitFacts, similar_industry, size_warnings
from services.org.domain.unit import Unit

D = dt.date(2024, 5, 1)
WC = UnitFacts("wc", "working_committee")
TEA = UnitFacts("pc-tea", "professional_committee", industry="tea")
BRANCH = UnitFacts("b1", "branch")
GENERAL = UnitFacts("g1", "general_branch")
JOINT = UnitFacts("j1", "joint_branch")
GROUP = UnitFacts("grp", "league_group")


def unit(uid: str = "u", **kw: Any) -> Unit:
    args: dict[str, Any] = {
        "name": "Unit",
        "kind": "branch",
        "parent": WC,
        "on": D,
        "formation_mode": "standalone",
    }
    args.update(kw)
    u = Unit(uid)
    u.create(**args)
    return u


def test_working_committee_is_the_root() -> None:
    wc = unit("wc", kind="working_committee", parent=None, formation_mode=None)
    assert wc.parent_id is None
    with pytest.raises(RuleViolation) as err:
        unit("wc2", kind="working_committee", parent=WC, formation_mode=None)
    assert err.value.details["rule"] == "parent_kind"
    with pytest.raises(RuleViolation) as err:
        unit(parent=None)
    assert err.value.details["rule"] == "parent_required"
    check_events(wc)


@pytest.mark.parametrize(
    ("parent", "ok"),
    [(BRANCH, True), (GENERAL, True), (JOINT, True), (WC, False), (TEA, False), (GROUP, False)],
)
def test_a_league_group_only_under_a_branch(parent: UnitFacts, ok: bool) -> None:
    def make() -> Unit:
        return unit(
            kind="league_group",
            parent=parent,
            formation_mode=None,
            group_functions=["marketing", "technology_extension"],
        )

    if ok:
        assert make().group_functions == ["marketing", "technology_extension"]
    else:
        with pytest.raises(RuleViolation) as err:
            make()
        assert err.value.details["rule"] == "parent_kind"


@pytest.mark.parametrize(("parent", "ok"), [(WC, True), (TEA, False), (BRANCH, False)])
def test_a_professional_committee_only_under_the_working_committee(
    parent: UnitFacts, ok: bool
) -> None:
    def make() -> Unit:
        return unit(
            kind="professional_committee", parent=parent, formation_mode=None, industry="tea"
        )

    if ok:
        assert make().industry == "tea"
    else:
        with pytest.raises(RuleViolation):
            make()


def test_a_professional_committee_serves_one_industry() -> None:
    with pytest.raises(InvalidInput):
        unit(kind="professional_committee", formation_mode=None)
    pc = unit(
        kind="professional_committee",
        formation_mode=None,
        industry="tea",
        cooperative_ids=["k1", "k2"],
        cooperative_industries=["tea", " Tea "],
    )
    assert pc.cooperative_ids == ["k1", "k2"]
    with pytest.raises(RuleViolation) as err:
        unit(
            kind="professional_committee",
            formation_mode=None,
            industry="tea",
            cooperative_ids=["k1", "k3"],
            cooperative_industries=["tea", "pigs"],
        )
    assert err.value.details["other_industries"] == ["pigs"]
    with pytest.raises(RuleViolation):  # changing coverage is checked the same way
        pc.change_coverage(["k3"], ["pigs"], WC, D)
    assert pc.change_coverage(["k1"], ["tea"], WC, D) is True
    assert pc.cooperative_ids == ["k1"]
    check_events(pc)


def test_a_branch_under_a_professional_committee_covers_its_industry() -> None:
    unit(parent=TEA, cooperative_ids=["k1"], cooperative_industries=["tea"])
    with pytest.raises(RuleViolation):
        unit(parent=TEA, cooperative_ids=["k9"], cooperative_industries=["fruit"])
    assert unit(parent=WC, cooperative_industries=["fruit", "tea"]).parent_id == "wc"


def test_similar_industry_means_same_category() -> None:
    assert similar_industry("Tea", " tea")
    assert not similar_industry("tea", "fruit")
    assert not similar_industry(None, "tea")


@pytest.mark.parametrize("status", ["dissolved", "merged"])
def test_a_unit_no_longer_active_takes_no_children(status: str) -> None:
    gone = UnitFacts("b1", "branch", status)
    with pytest.raises(RuleViolation) as err:
        unit(kind="league_group", parent=gone, formation_mode=None)
    assert err.value.details["rule"] == "unit_not_active"
    with pytest.raises(RuleViolation):
        rules.check_accepts_children(gone)
    rules.check_accepts_children(BRANCH)


def test_formation_mode_management_and_group_functions_shape() -> None:
    with pytest.raises(InvalidInput):
        unit(formation_mode=None)  # a branch says how it was formed
    with pytest.raises(InvalidInput):
        unit(kind="joint_branch", formation_mode="standalone")
    with pytest.raises(InvalidInput):
        unit(formation_mode="joint")  # that is a joint_branch
    with pytest.raises(InvalidInput):
        unit(kind="professional_committee", formation_mode="joint", industry="tea")
    with pytest.raises(InvalidInput):
        unit(management="township", township="Town A")  # joint mode missing
    with pytest.raises(InvalidInput):
        unit(joint_mode="relying")  # only for township management
    with pytest.raises(InvalidInput):
        unit(group_functions=["marketing"])  # only a League group has functions
    with pytest.raises(InvalidInput):
        unit(kind="league_group", parent=BRANCH, formation_mode=None, group_functions=["x"])
    j = unit(
        kind="joint_branch",
        formation_mode="joint",
        management="township",
        township="Town A",
        joint_mode="village_cooperative",
    )
    assert (j.management, j.township, j.joint_mode) == ("township", "Town A", "village_cooperative")
    j.change_management("direct", D)
    assert (j.management, j.joint_mode) == ("direct", None)
    check_events(j)


def test_rename_move_and_replay() -> None:
    u = unit(parent=GENERAL)
    assert u.rename("Unit", D) is False
    assert u.rename("Tea Branch", D) is True
    u.move(TEA, ["wc"], D, cooperative_industries=["tea"])
    assert u.parent_id == "pc-tea"
    with pytest.raises(InvalidInput):
        u.move(TEA, ["wc"], D)  # already there
    with pytest.raises(InvalidInput):
        u.rename("Old", D - dt.timedelta(days=1))  # before the unit existed
    assert check_events(u) == ["UnitCreated", "UnitRenamed", "UnitMoved"]
    assert u.pending[-1].data == {
        "from_parent_id": "g1",
        "to_parent_id": "pc-tea",
        "on": D.isoformat(),
        "professional_committee_id": "pc-tea",
    }
    assert u.professional_committee_id == "pc-tea"


def test_no_cycles_on_move() -> None:
    g = unit("g", kind="general_branch")
    with pytest.raises(RuleViolation) as err:
        g.move(UnitFacts("g", "general_branch"), ["wc"], D)
    assert err.value.details["rule"] == "cycle"
    # b is a child of g; moving g under b would make g its own ancestor
    with pytest.raises(RuleViolation) as err:
        g.move(UnitFacts("b", "branch"), ["g", "wc"], D)
    assert err.value.details["rule"] == "cycle"  # checked before the kinds
    with pytest.raises(RuleViolation) as err:
        rules.check_no_cycle("g", "grand-child", ["child", "g", "wc"])
    assert err.value.details["rule"] == "cycle"
    rules.check_no_cycle("g", "other", ["wc"])
    assert g.parent_id == "wc"


def test_a_group_moves_between_branches_but_not_into_its_own_subtree() -> None:
    grp = unit("grp", kind="league_group", parent=BRANCH, formation_mode=None)
    grp.move(JOINT, ["wc"], D)
    assert grp.parent_id == "j1"
    with pytest.raises(RuleViolation):
        grp.move(UnitFacts("gone", "branch", "dissolved"), ["wc"], D)


def test_merge_records_on_the_source_and_freezes_it() -> None:
    b = unit("b")
    with pytest.raises(RuleViolation) as err:
        b.merge_into(UnitFacts("b", "branch"), ["wc"], D)
    assert err.value.details["rule"] == "merge_self"
    with pytest.raises(RuleViolation) as err:
        b.merge_into(GROUP, ["b1", "wc"], D)
    assert err.value.details["rule"] == "merge_kind"
    with pytest.raises(RuleViolation) as err:
        b.merge_into(UnitFacts("x", "branch", "dissolved"), ["wc"], D)
    assert err.value.details["rule"] == "unit_not_active"
    with pytest.raises(RuleViolation) as err:  # the target sits under b
        b.merge_into(UnitFacts("sub", "general_branch"), ["b", "wc"], D)
    assert err.value.details["rule"] == "cycle"
    b.merge_into(JOINT, ["wc"], D)
    assert (b.status, b.merged_into, b.ended_on) == ("merged", "j1", D)
    with pytest.raises(RuleViolation):
        b.rename("again", D)
    assert b.facts().status == "merged"
    assert check_events(b) == ["UnitCreated", "UnitMergedInto"]


def test_dissolve_needs_a_reason_and_an_empty_unit() -> None:
    b = unit("b")
    with pytest.raises(InvalidInput):
        b.dissolve(" ", D, 0, 0)
    with pytest.raises(RuleViolation) as err:
        b.dissolve("cooperative closed", D, 1, 2)
    assert err.value.details["reasons"] == ["1 active child units", "2 active members"]
    b.dissolve("cooperative closed", D, 0, 0)
    assert (b.status, b.dissolution_reason) == ("dissolved", "cooperative closed")
    with pytest.raises(RuleViolation):
        b.dissolve("again", D, 0, 0)
    with pytest.raises(RuleViolation):
        rules.check_placement("league_group", b.facts())
    assert check_events(b) == ["UnitCreated", "UnitDissolved"]


def test_group_functions_can_be_set_on_a_group_only() -> None:
    grp = unit("grp", kind="league_group", parent=BRANCH, formation_mode=None)
    grp.set_group_functions(["daily_management", "daily_management", "marketing"], D)
    assert grp.group_functions == ["daily_management", "marketing"]
    with pytest.raises(InvalidInput):
        unit().set_group_functions(["marketing"], D)
    check_events(grp)


def test_commands_on_a_missing_unit_are_not_found() -> None:
    with pytest.raises(NotFound):
        Unit("nope").rename("x", D)


@pytest.mark.parametrize(
    ("kind", "count", "warns"),
    [
        ("branch", 0, 1),
        ("branch", 2, 1),
        ("branch", 3, 0),
        ("branch", 50, 0),
        ("branch", 51, 1),
        ("joint_branch", 2, 1),
        ("joint_branch", 51, 1),
        ("general_branch", 29, 1),
        ("general_branch", 30, 0),
        ("general_branch", 80, 0),
        ("league_group", 1, 0),
        ("working_committee", 0, 0),
    ],
)
def test_size_warnings(kind: str, count: int, warns: int) -> None:
    assert len(size_warnings(kind, count)) == warns


def test_size_warning_messages_name_the_rule() -> None:
    assert "at least 3" in size_warnings("branch", 2)[0]
    assert "more than 50" in size_warnings("branch", 51)[0]
    assert "at least 30" in size_warnings("general_branch", 29)[0]
    assert unit().size_warnings(2) == size_warnings("branch", 2)


# ---- issue 12: branch committee terms ---------------------------------------------------


def test_a_branch_elects_its_committee_for_one_or_two_years() -> None:
    from services.org.domain.unit import election_overdue

    b = unit()
    assert election_overdue("branch", D, None, None, 2, dt.date(2026, 4, 30)) is None
    assert election_overdue("branch", D, None, None, 2, dt.date(2026, 5, 1)) == dt.date(2026, 5, 1)
    b.elect_committee(dt.date(2025, 5, 1), 1, "王芳")
    assert b.last_election_on == dt.date(2025, 5, 1) and b.term_years == 1
    assert election_overdue("branch", D, b.last_election_on, 1, 2, dt.date(2026, 5, 2)) \
        == dt.date(2026, 5, 1)
    for bad in (0, 3, True):
        with pytest.raises(InvalidInput):
            b.elect_committee(dt.date(2025, 6, 1), bad, None)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        b.elect_committee(dt.date(2025, 4, 1), 2, None)  # before the last election
    with pytest.raises(InvalidInput):
        unit(kind="league_group", parent=BRANCH, formation_mode=None).elect_committee(D, 2)
    assert election_overdue("league_group", D, None, None, 2, dt.date(2030, 1, 1)) is None
    assert check_events(b)[-1] == "BranchCommitteeElected"
