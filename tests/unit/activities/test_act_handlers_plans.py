"""Activities' unified-activity and work-menu handlers on the fakes (conftest.py): no
PostgreSQL. The same handlers run in the service (tests/e2e/test_activities_core.py)."""

from __future__ import annotations

from typing import Any

import pytest

from eventkit.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from services.activities import handlers
from services.activities.contract import schemas

UNIFIED = {"title": "五四青年节", "kind": "study_tour", "unit_ids": ["U1"],
           "window_start": "2024-06-01", "window_end": "2024-06-30"}


def issue(act: Any, cmd: Any, scope: list[str] | None = None, **over: Any) -> str:
    fields = {**UNIFIED, **over}
    unified_id = str(act.run(handlers.issue_unified_activity,
                             cmd(schemas.UnifiedActivityIn, fields), scope)["id"])
    return act.facts.saw("unified activity", unified_id, fields["unit_ids"])


# -- unified activities --------------------------------------------------------------------


def test_issue_is_dated_by_the_clock(act: Any, cmd: Any) -> None:
    issue(act, cmd, work_menu_item_id="I1")
    assert act.types() == ["UnifiedActivityIssued"]
    assert act.data("UnifiedActivityIssued")["issued_on"] == "2024-06-10"


def test_issuing_to_a_dissolved_unit_is_refused(act: Any, cmd: Any) -> None:
    with pytest.raises(InvalidInput) as err:
        issue(act, cmd, unit_ids=["U1", "U3"])
    assert err.value.details["unknown_unit_ids"] == ["U3"]
    assert act.types() == []


def test_add_units_and_refuse_unknown_ones(act: Any, cmd: Any) -> None:
    unified_id = issue(act, cmd)
    act.run(handlers.add_unified_units,
            cmd(schemas.UnitIdsIn, {"unit_ids": ["U2"]}, unified_id=unified_id))
    assert act.data("UnifiedActivityUnitsAdded")["unit_ids"] == ["U2"]
    with pytest.raises(InvalidInput):
        act.run(handlers.add_unified_units,
                cmd(schemas.UnitIdsIn, {"unit_ids": ["U9"]}, unified_id=unified_id))


def test_excuse_a_part_but_not_a_unit_outside_it(act: Any, cmd: Any) -> None:
    unified_id = issue(act, cmd, unit_ids=["U1", "U2"])
    act.run(handlers.excuse_unified_unit, cmd(schemas.ReasonIn, {"reason": "换届"},
                                              unified_id=unified_id, unit_id="U2"))
    assert act.data("UnifiedActivityUnitExcused")["unit_id"] == "U2"
    with pytest.raises(NotFound):
        act.run(handlers.excuse_unified_unit, cmd(schemas.ReasonIn, {"reason": "x"},
                                                  unified_id=unified_id, unit_id="U3"))


def test_close_needs_a_token_seeing_every_part(act: Any, cmd: Any) -> None:
    unified_id = issue(act, cmd, unit_ids=["U1", "U2"])
    with pytest.raises(Forbidden):
        act.run(handlers.close_unified_activity, {"unified_id": unified_id}, scope=["U1"])
    act.run(handlers.close_unified_activity, {"unified_id": unified_id})
    assert act.data("UnifiedActivityClosed") == {"closed_on": "2024-06-10"}


def test_a_unified_activity_outside_the_scope_is_not_found(act: Any, cmd: Any) -> None:
    unified_id = issue(act, cmd)
    with pytest.raises(NotFound):
        act.run(handlers.close_unified_activity, {"unified_id": unified_id}, scope=["U2"])


# -- work menus ----------------------------------------------------------------------------


def menu(act: Any, cmd: Any, publish: bool = True) -> tuple[str, str]:
    menu_id = act.run(handlers.draft_work_menu,
                      cmd(schemas.WorkMenuIn, {"year": 2024, "title": "2024年工作菜单"}))["id"]
    act.run(handlers.add_work_menu_item, cmd(schemas.WorkMenuItemIn, {
        "title": "青年致富带头人培训", "kind": "study_tour"}, menu_id=menu_id))
    item_id = act.data("WorkMenuItemAdded")["item_id"]
    if publish:
        act.run(handlers.publish_work_menu, {"menu_id": menu_id})
    return menu_id, item_id


def test_draft_add_publish(act: Any, cmd: Any) -> None:
    menu(act, cmd)
    assert act.types() == ["WorkMenuDrafted", "WorkMenuItemAdded", "WorkMenuPublished"]
    assert act.data("WorkMenuPublished")["published_on"] == "2024-06-10"


def test_the_menu_is_the_countys(act: Any, cmd: Any) -> None:
    with pytest.raises(Forbidden):
        act.run(handlers.draft_work_menu,
                cmd(schemas.WorkMenuIn, {"year": 2024, "title": "菜单"}), scope=["U1"])
    menu_id, _ = menu(act, cmd, publish=False)
    with pytest.raises(Forbidden):
        act.run(handlers.publish_work_menu, {"menu_id": menu_id}, scope=["U1"])


def test_withdraw_an_item_but_not_one_off_the_menu(act: Any, cmd: Any) -> None:
    menu_id, item_id = menu(act, cmd)
    act.run(handlers.withdraw_work_menu_item, cmd(schemas.ReasonIn, {"reason": "重复"},
                                                  menu_id=menu_id, item_id=item_id))
    assert act.types()[-1] == "WorkMenuItemWithdrawn"
    with pytest.raises(NotFound):
        act.run(handlers.withdraw_work_menu_item, cmd(schemas.ReasonIn, {"reason": "x"},
                                                      menu_id=menu_id, item_id="nope"))


def test_adopt_then_drop(act: Any, cmd: Any) -> None:
    menu_id, item_id = menu(act, cmd)
    adopt = cmd(schemas.AdoptionIn, {"unit_id": "U1", "item_id": item_id}, menu_id=menu_id)
    act.run(handlers.adopt_work_menu_item, adopt, scope=["U1"])
    assert act.data("WorkMenuItemAdopted")["adopted_on"] == "2024-06-10"
    drop = cmd(schemas.ReasonIn, {"reason": "改选"}, menu_id=menu_id, unit_id="U1",
               item_id=item_id)
    with pytest.raises(NotFound):  # another unit's token does not see the adoption
        act.run(handlers.drop_work_menu_adoption, drop, scope=["U2"])
    act.run(handlers.drop_work_menu_adoption, drop, scope=["U1"])
    assert act.types()[-1] == "WorkMenuAdoptionDropped"


def test_adoption_refusals(act: Any, cmd: Any) -> None:
    menu_id, item_id = menu(act, cmd, publish=False)
    with pytest.raises(RuleViolation):  # not published yet
        act.run(handlers.adopt_work_menu_item, cmd(schemas.AdoptionIn, {
            "unit_id": "U1", "item_id": item_id}, menu_id=menu_id))
    with pytest.raises(InvalidInput) as err:
        act.run(handlers.adopt_work_menu_item, cmd(schemas.AdoptionIn, {
            "unit_id": "U1", "item_id": "nope"}, menu_id=menu_id))
    assert "item_id" in err.value.details["errors"]
    with pytest.raises(InvalidInput):  # a dissolved unit
        act.run(handlers.adopt_work_menu_item, cmd(schemas.AdoptionIn, {
            "unit_id": "U3", "item_id": item_id}, menu_id=menu_id))
