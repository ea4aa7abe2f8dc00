"""Activities' activity handlers on the fakes (conftest.py): no PostgreSQL. The same handlers
run in the service (tests/e2e/test_activities_core.py drives them through HTTP)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from eventkit.errors import InvalidInput, NotFound, RuleViolation
from services.activities import handlers
from services.activities.contract import schemas
from services.activities.domain.activity import organizing_units

ON_THE_DAY = dt.datetime(2024, 6, 15, 2, 30, tzinfo=dt.UTC)  # 10:30 in the county


def body(**over: Any) -> dict[str, Any]:
    return {"organizer_unit_ids": ["U1"], "kind": "study_tour", "title": "参观合作社",
            "starts_at": "2024-06-15T09:00:00+08:00", "ends_at": "2024-06-15T12:00:00+08:00",
            "venue": "梨园村", **over}


def plan(act: Any, cmd: Any, scope: list[str] | None = None, **over: Any) -> str:
    activity_id = str(act.run(handlers.plan_activity, cmd(schemas.ActivityIn, body(**over)),
                              scope)["id"])
    return act.facts.saw("activity", activity_id, ["U1", *over.get("co_organizer_unit_ids", [])])


def test_plan_records_the_activity_with_a_department_co_organizing(act: Any, cmd: Any) -> None:
    activity_id = plan(act, cmd, co_organizer_unit_ids=["D1"], work_menu_item_id="I1")
    assert activity_id == "id1"
    assert act.types() == ["ActivityPlanned"]
    data = act.data("ActivityPlanned")
    assert data["organizer_unit_ids"] == ["U1"] and data["co_organizer_unit_ids"] == ["D1"]


def test_a_department_does_not_organize_and_nothing_is_stored(act: Any, cmd: Any) -> None:
    with pytest.raises(InvalidInput) as err:
        plan(act, cmd, organizer_unit_ids=["D1"])
    assert "organizer_unit_ids" in err.value.details["errors"]
    assert act.types() == []


def test_the_participation_rule_is_the_domains() -> None:
    assert organizing_units(["U1"], ["D1"], league={"U1"}, departments={"D1"}) == {"U1", "D1"}
    with pytest.raises(InvalidInput):
        organizing_units(["D1"], [], league=set(), departments={"D1"})


def test_a_dissolved_or_out_of_scope_organizer_is_unknown(act: Any, cmd: Any) -> None:
    with pytest.raises(InvalidInput) as err:
        plan(act, cmd, organizer_unit_ids=["U3"])
    assert err.value.details["unknown_unit_ids"] == ["U3"]
    with pytest.raises(InvalidInput):
        plan(act, cmd, scope=["U2"])


def test_an_item_of_no_published_menu_is_refused(act: Any, cmd: Any) -> None:
    with pytest.raises(InvalidInput) as err:
        plan(act, cmd, work_menu_item_id="I2")
    assert "work_menu_item_id" in err.value.details["errors"]


def test_edit_changes_the_title_and_hides_outside_the_scope(act: Any, cmd: Any) -> None:
    activity_id = plan(act, cmd)
    edit = cmd(schemas.ActivityEdit, {"title": "参观示范社"}, activity_id=activity_id)
    act.run(handlers.edit_activity, edit)
    assert act.types()[-1] == "ActivityEdited"
    with pytest.raises(NotFound):
        act.run(handlers.edit_activity, edit, scope=["U2"])


def test_hold_records_attendees_and_refuses_unknown_ones(act: Any, cmd: Any) -> None:
    activity_id = plan(act, cmd)
    act.at = ON_THE_DAY
    hold = {"held_on": "2024-06-15", "attendee_member_ids": ["M1", "M2"], "summary": "顺利"}
    with pytest.raises(InvalidInput):
        act.run(handlers.hold_activity,
                cmd(schemas.ActivityHoldIn, {**hold, "attendee_member_ids": ["M9"]},
                    activity_id=activity_id))
    act.run(handlers.hold_activity, cmd(schemas.ActivityHoldIn, hold, activity_id=activity_id))
    assert act.types()[-1] == "ActivityHeld"
    assert act.data("ActivityHeld")["attendee_member_ids"] == ["M1", "M2"]


def test_a_held_on_after_the_clocks_today_is_refused(act: Any, cmd: Any) -> None:
    activity_id = plan(act, cmd)
    hold = {"held_on": "2024-06-15", "attendee_member_ids": ["M1"], "summary": "顺利"}
    with pytest.raises(InvalidInput) as err:  # the clock says 10 June
        act.run(handlers.hold_activity, cmd(schemas.ActivityHoldIn, hold,
                                            activity_id=activity_id))
    assert "held_on" in err.value.details["errors"]


def test_holding_a_linked_activity_marks_its_unified_part_held(act: Any, cmd: Any) -> None:
    unified = cmd(schemas.UnifiedActivityIn, {
        "title": "五四青年节", "kind": "study_tour", "unit_ids": ["U1", "U2"],
        "window_start": "2024-06-01", "window_end": "2024-06-30"})
    unified_id = act.run(handlers.issue_unified_activity, unified)["id"]
    activity_id = plan(act, cmd, unified_activity_id=unified_id)
    assert act.data("UnifiedActivityPartLinked")["unit_id"] == "U1"
    act.at = ON_THE_DAY
    act.run(handlers.hold_activity, cmd(schemas.ActivityHoldIn, {
        "held_on": "2024-06-15", "attendee_member_ids": ["M1"], "summary": "顺利"},
        activity_id=activity_id))
    assert act.types()[-2:] == ["ActivityHeld", "UnifiedActivityPartHeld"]
    assert act.data("UnifiedActivityPartHeld") == {"unit_id": "U1", "activity_id": activity_id,
                                                   "held_on": "2024-06-15"}


def test_an_unknown_unified_activity_is_a_field_error(act: Any, cmd: Any) -> None:
    with pytest.raises(InvalidInput) as err:
        plan(act, cmd, unified_activity_id="nope")
    assert "unified_activity_id" in err.value.details["errors"]
    assert act.types() == []


def test_cancel_then_no_registration(act: Any, cmd: Any) -> None:
    activity_id = plan(act, cmd)
    act.run(handlers.cancel_activity, cmd(schemas.ReasonIn, {"reason": "暴雨"},
                                          activity_id=activity_id))
    assert act.types()[-1] == "ActivityCancelled"
    with pytest.raises(RuleViolation):
        act.run(handlers.register_for_activity, cmd(schemas.MemberRefIn, {"member_id": "M1"},
                                                    activity_id=activity_id))


def test_register_and_withdraw_dated_by_the_clock(act: Any, cmd: Any) -> None:
    activity_id = plan(act, cmd)
    ref = cmd(schemas.MemberRefIn, {"member_id": "M1"}, activity_id=activity_id)
    act.run(handlers.register_for_activity, ref)
    assert act.data("ActivityRegistrationAdded")["at"].startswith("2024-06-10T10:00")
    act.run(handlers.withdraw_registration, ref)
    assert act.types()[-1] == "ActivityRegistrationWithdrawn"
    with pytest.raises(NotFound):  # no longer registered
        act.run(handlers.withdraw_registration, ref)


def test_an_unknown_member_does_not_register(act: Any, cmd: Any) -> None:
    activity_id = plan(act, cmd)
    with pytest.raises(InvalidInput):
        act.run(handlers.register_for_activity, cmd(schemas.MemberRefIn, {"member_id": "M9"},
                                                    activity_id=activity_id))
    assert act.types() == ["ActivityPlanned"]


def test_check_in_opens_on_the_day_only(act: Any, cmd: Any) -> None:
    activity_id = plan(act, cmd)
    ref = cmd(schemas.MemberRefIn, {"member_id": "M2"}, activity_id=activity_id)
    with pytest.raises(RuleViolation):
        act.run(handlers.check_in, ref)
    act.at = ON_THE_DAY
    act.run(handlers.check_in, ref)
    assert act.types()[-1] == "ActivityCheckInRecorded"


def test_a_retried_command_id_answers_its_first_result(act: Any, cmd: Any) -> None:
    first = act.run(handlers.plan_activity, cmd(schemas.ActivityIn, body()), command_id="c1")
    again = act.run(handlers.plan_activity, cmd(schemas.ActivityIn, body()), command_id="c1")
    assert first == again and act.types() == ["ActivityPlanned"]
