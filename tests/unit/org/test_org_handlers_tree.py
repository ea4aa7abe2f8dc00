"""Org's committee and unit handlers on the fakes (tests/unit/org/org_fakes.py): no
PostgreSQL. The same handlers run in the service (tests/e2e/test_org_committees.py,
test_org_units.py, test_org_establishment_gates.py drive them through HTTP)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventkit.errors import InvalidInput, NotFound, RuleViolation
from services.org import handlers
from services.org.domain.committee import Committee
from services.org.domain.member import Member
from services.org.domain.policy import DEFAULT
from services.org.domain.unit import Unit
from tests.unit.org.org_fakes import ON, World


@pytest.fixture
def w() -> World:
    return World()


def _committee(w: World, cid: str) -> Committee:
    return w.uow.run(lambda tx: tx.get(Committee, cid))


def _unit(w: World, unit_id: str) -> Unit:
    return w.uow.run(lambda tx: tx.get(Unit, unit_id))


# -- committees ----------------------------------------------------------------------------


def test_a_committee_is_created_with_its_root_unit_under_one_id(w: World) -> None:
    cid = w.committee()
    assert w.types() == ["CommitteeCreated", "UnitCreated"]
    assert _unit(w, cid).kind == "working_committee"


def test_a_second_committee_for_the_county_is_refused(w: World) -> None:
    cid = w.committee()
    with pytest.raises(RuleViolation) as err:
        w.committee()
    assert err.value.details == {"county_code": "341122", "existing_id": cid}
    assert w.types() == ["CommitteeCreated", "UnitCreated"]


def test_an_establishment_step_runs_the_due_one_only(w: World) -> None:
    cid = w.committee()
    survey = {"on": ON, "cooperatives": 40, "league_members": 120, "young_people": 800,
              "party_organizations": 12, "league_organizations": 3, "report": "县调研报告"}
    w.run(handlers.committee_step, {"committee_id": cid, "step": "survey", "data": survey})
    assert w.types()[-1] == "SurveyRecorded"
    with pytest.raises(RuleViolation) as err:
        w.run(handlers.committee_step, {"committee_id": cid, "step": "survey", "data": survey})
    assert err.value.details["due_step"] == "plan_drafted"
    with pytest.raises(NotFound):
        w.run(handlers.committee_step, {"committee_id": cid, "step": "party", "data": {}})


def test_a_committee_outside_scope_is_not_found(w: World) -> None:
    cid = w.committee()
    with pytest.raises(NotFound):
        w.run(handlers.add_member_unit, {"committee_id": cid, "name": "农业农村局",
                                         "department_type": "agriculture"}, scope=["other"])
    assert w.types() == ["CommitteeCreated", "UnitCreated"]


def test_member_units_are_added_and_removed_an_unknown_one_is_not_found(w: World) -> None:
    cid = w.committee()
    w.run(handlers.add_member_unit, {"committee_id": cid, "name": "农业农村局",
                                     "department_type": "agriculture"})
    (mu_id,) = _committee(w, cid).member_units
    with pytest.raises(NotFound):
        w.run(handlers.remove_member_unit, {"committee_id": cid, "member_unit_id": "nope"})
    w.run(handlers.remove_member_unit, {"committee_id": cid, "member_unit_id": mu_id})
    assert _committee(w, cid).member_units == {}


def test_a_secretary_is_appointed_with_a_new_person_id_and_removed(w: World) -> None:
    cid = w.committee()
    w.run(handlers.appoint, {"committee_id": cid, "post": "secretary", "data": {
        "name": "王芳", "from_county_league_committee": True, "on": ON}})
    secretary = _committee(w, cid).secretary
    assert secretary is not None and secretary["person_id"].startswith("id")
    with pytest.raises(InvalidInput):
        w.run(handlers.remove_leader, {"committee_id": cid, "post": "secretary",
                                       "person_id": "someone-else", "on": ON})
    w.run(handlers.remove_leader, {"committee_id": cid, "post": "secretary",
                                   "person_id": secretary["person_id"], "on": ON})
    assert _committee(w, cid).secretary is None


def test_a_committee_member_from_an_unknown_cooperative_is_refused(w: World) -> None:
    cid = w.committee()
    with pytest.raises(InvalidInput) as err:
        w.run(handlers.appoint, {"committee_id": cid, "post": "committee_member", "data": {
            "name": "赵六", "source": "cooperative_league_secretary", "on": ON,
            "cooperative_id": "k-unknown"}})
    assert "cooperative_id" in err.value.details["errors"]


# -- units ---------------------------------------------------------------------------------


def test_a_branch_is_created_under_the_root(w: World) -> None:
    cid = w.committee()
    unit_id = w.unit(cid)
    assert (_unit(w, unit_id).parent_id, _unit(w, unit_id).committee_id) == (cid, cid)


def test_a_unit_waits_for_the_committees_approval(w: World) -> None:
    cid = w.committee(approved=False)
    with pytest.raises(RuleViolation) as err:
        w.unit(cid)
    assert err.value.details["due_step"] == "plan_drafted"


@pytest.mark.parametrize(("kind", "scope", "field"), [
    ("working_committee", None, "kind"),  # created with its committee
    ("branch", ["elsewhere"], "parent_id"),  # the parent outside scope
])
def test_a_unit_is_refused_on_its_field(w: World, kind: str, scope: list[str] | None,
                                        field: str) -> None:
    cid = w.committee()
    with pytest.raises(InvalidInput) as err:
        w.unit(cid, kind=kind, scope=scope)
    assert field in err.value.details["errors"]


def test_a_unit_covering_an_unknown_cooperative_is_refused(w: World) -> None:
    cid = w.committee()
    with pytest.raises(InvalidInput) as err:
        w.unit(cid, cooperative_ids=["k-unknown"])
    assert "k-unknown" in str(err.value.details["errors"]["cooperative_ids"])


def test_rename_in_scope_and_not_outside(w: World) -> None:
    cid = w.committee()
    unit_id = w.unit(cid)
    w.run(handlers.rename_unit, {"unit_id": unit_id, "name": "新名", "on": ON}, [unit_id])
    assert _unit(w, unit_id).name == "新名"
    with pytest.raises(NotFound):
        w.run(handlers.rename_unit, {"unit_id": unit_id, "name": "x", "on": ON}, [cid])


def test_a_branch_moves_under_a_general_branch_of_its_committee_only(w: World) -> None:
    cid = w.committee()
    general = w.unit(cid, kind="general_branch")
    branch = w.unit(cid)
    w.run(handlers.move_unit, {"unit_id": branch, "parent_id": general, "on": ON})
    assert _unit(w, branch).parent_id == general
    other = w.committee(county_code="341123")
    with pytest.raises(RuleViolation) as err:
        w.run(handlers.move_unit, {"unit_id": branch, "parent_id": other, "on": ON})
    assert err.value.details == {"rule": "other_committee"}


def test_a_merge_moves_the_members_and_children_into_the_target(w: World) -> None:
    cid = w.committee()
    source, target = w.unit(cid), w.unit(cid)
    group = w.unit(source, kind="league_group")
    member_id = w.member(source)
    w.run(handlers.merge_unit, {"unit_id": source, "target_unit_id": target, "on": ON})
    assert _unit(w, source).status == "merged"
    assert _unit(w, group).parent_id == target
    assert w.uow.run(lambda tx: tx.get(Member, member_id)).unit_id == target
    with pytest.raises(RuleViolation):  # a merged unit is not active any more
        w.run(handlers.merge_unit, {"unit_id": source, "target_unit_id": target, "on": ON})


def test_an_empty_branch_is_dissolved_the_root_or_a_full_one_not(w: World) -> None:
    cid = w.committee()
    empty, full = w.unit(cid), w.unit(cid)
    w.member(full)
    w.run(handlers.dissolve_unit, {"unit_id": empty, "reason": "合作社注销", "on": ON})
    assert _unit(w, empty).status == "dissolved"
    with pytest.raises(RuleViolation) as err:
        w.run(handlers.dissolve_unit, {"unit_id": cid, "reason": "x", "on": ON})
    assert err.value.details == {"rule": "root"}
    with pytest.raises(RuleViolation) as err:
        w.run(handlers.dissolve_unit, {"unit_id": full, "reason": "x", "on": ON})
    assert err.value.details["rule"] == "not_empty"


def test_coverage_changes_to_known_cooperatives_only(w: World) -> None:
    cid = w.committee()
    w.facts.coops["k1"] = "tea"
    unit_id = w.unit(cid)
    w.run(handlers.change_unit_coverage, {"unit_id": unit_id, "cooperative_ids": ["k1"],
                                          "on": ON})
    assert _unit(w, unit_id).cooperative_ids == ["k1"]
    with pytest.raises(InvalidInput):
        w.run(handlers.change_unit_coverage, {"unit_id": unit_id, "cooperative_ids": ["k9"],
                                              "on": ON})


def test_a_branch_elects_its_committee_for_the_policys_term_a_group_does_not(w: World
                                                                             ) -> None:
    cid = w.committee()
    branch = w.unit(cid)
    w.run(handlers.elect_unit_committee, {"unit_id": branch, "on": ON, "term_years": None,
                                          "secretary": "张三"})
    assert _unit(w, branch).term_years == DEFAULT.branch_term_years
    group = w.unit(branch, kind="league_group")
    with pytest.raises(InvalidInput):
        w.run(handlers.elect_unit_committee, {"unit_id": group, "on": ON, "term_years": 1,
                                              "secretary": None})


def test_management_changes_and_group_functions_are_a_groups_only(w: World) -> None:
    cid = w.committee()
    branch = w.unit(cid)
    w.run(handlers.change_unit_management, {"unit_id": branch, "management": "township",
                                            "township": "城关镇", "joint_mode": "relying",
                                            "on": ON})
    assert _unit(w, branch).management == "township"
    with pytest.raises(InvalidInput):
        w.run(handlers.change_unit_management, {"unit_id": cid, "management": "township",
                                                "township": "城关镇", "joint_mode": "relying",
                                                "on": ON})
    group = w.unit(branch, kind="league_group")
    w.run(handlers.set_unit_group_functions, {"unit_id": group, "on": ON,
                                              "group_functions": ["marketing"]})
    assert _unit(w, group).group_functions == ["marketing"]
    with pytest.raises(InvalidInput):
        w.run(handlers.set_unit_group_functions, {"unit_id": branch, "on": ON,
                                                  "group_functions": ["marketing"]})


def test_the_handlers_read_through_their_facts_never_sql() -> None:
    """Handlers never touch `tx.cur`: what they read comes through `handlers.Facts`
    (services/org/sql_facts.py in the service), so they run on the fakes."""
    root = Path(handlers.__file__).parent
    sources = {p.name: p.read_text(encoding="utf-8") for p in root.glob("*.py")}
    assert {"base.py", "committees.py", "units.py", "members.py"} <= set(sources)
    for name, text in sources.items():
        assert "tx.cur" not in text and ".execute(" not in text, name
