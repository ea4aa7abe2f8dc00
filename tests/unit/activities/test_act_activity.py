from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from eventkit.errors import InvalidInput, RuleViolation
from services.activities.contract.enums import ACTIVITY_KINDS
from services.activities.domain.activity import Activity

CST = timezone(timedelta(hours=8))
START = datetime(2024, 5, 10, 9, 0, tzinfo=CST)
END = datetime(2024, 5, 10, 17, 0, tzinfo=CST)
MEMBERS = {"m1", "m2", "m3"}


def planned(**overrides):
    act = Activity("a1")
    args = dict(
        organizer_unit_ids=["u1"],
        co_organizer_unit_ids=["u2"],
        kind="skills_training",
        title="Pear pruning class",
        starts_at=START,
        ends_at=END,
        venue="Village hall",
        audience="young growers",
        expected_attendance=40,
        budget_fen=150_000,
    )
    args.update(overrides)
    act.plan(**args)
    return act


def test_plan_records_local_iso_times_and_fields():
    act = planned(starts_at=datetime(2024, 5, 10, 1, 0, tzinfo=UTC))
    event = act.pending[0]
    assert event.type == "ActivityPlanned"
    assert event.data["starts_at"] == "2024-05-10T09:00:00+08:00"
    assert event.data["budget_fen"] == 150_000
    assert act.status == "planned"
    assert act.stream_id == "activity-a1"


def test_kinds_are_snake_case_and_include_issue_list():
    assert "theme_league_day" in ACTIVITY_KINDS and "e_commerce" in ACTIVITY_KINDS
    assert len(ACTIVITY_KINDS) == 17
    assert all(k == k.lower() and " " not in k for k in ACTIVITY_KINDS)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"kind": "party"}, "kind"),
        ({"budget_fen": -1}, "budget_fen"),
        ({"budget_fen": True}, "budget_fen"),
        ({"expected_attendance": -3}, "expected_attendance"),
        ({"ends_at": START}, "ends_at"),
        ({"starts_at": datetime(2024, 5, 10, 9, 0)}, "starts_at"),
        ({"title": "   "}, "title"),
        ({"organizer_unit_ids": []}, "organizer_unit_ids"),
        ({"organizer_unit_ids": ["u1", "u1"]}, "organizer_unit_ids"),
        ({"co_organizer_unit_ids": ["u1"]}, "co_organizer_unit_ids"),
    ],
)
def test_plan_refuses_bad_input(overrides, field):
    with pytest.raises(InvalidInput) as err:
        planned(**overrides)
    assert field in err.value.details["errors"]


def test_plan_refuses_unknown_or_dissolved_units_when_given():
    with pytest.raises(InvalidInput) as err:
        planned(active_unit_ids={"u1"})
    assert err.value.details["unknown_unit_ids"] == ["u2"]


def test_plan_twice_is_a_rule_violation():
    act = planned()
    with pytest.raises(RuleViolation):
        act.plan(organizer_unit_ids=["u1"], kind="other", title="x", starts_at=START,
                 ends_at=END, venue="v")


def test_edit_records_only_changes_and_refuses_noop():
    act = planned()
    act.edit(title="Pear pruning class", venue="Co-op yard", budget_fen=150_000)
    assert act.pending[-1].type == "ActivityEdited"
    assert act.pending[-1].data == {"venue": "Co-op yard"}
    with pytest.raises(InvalidInput):
        act.edit(venue="Co-op yard")


def test_edit_reschedule_checks_times_against_current_values():
    act = planned()
    with pytest.raises(InvalidInput):
        act.edit(starts_at=END + timedelta(hours=1))
    act.edit(starts_at=START + timedelta(days=1), ends_at=END + timedelta(days=1))
    assert act.starts_at == START + timedelta(days=1)


def test_edit_after_cancel_refused():
    act = planned()
    act.cancel(reason="storm warning")
    with pytest.raises(RuleViolation) as err:
        act.edit(title="new")
    assert err.value.details["current_status"] == "cancelled"


def test_registration_only_before_start():
    act = planned()
    act.register("m1", now=START - timedelta(minutes=1), active_member_ids=MEMBERS)
    assert act.registered_member_ids == ["m1"]
    with pytest.raises(RuleViolation):
        act.register("m2", now=START, active_member_ids=MEMBERS)
    with pytest.raises(RuleViolation):
        act.register("m1", now=START - timedelta(days=1), active_member_ids=MEMBERS)


def test_registration_of_unknown_member_is_422():
    act = planned()
    with pytest.raises(InvalidInput) as err:
        act.register("ghost", now=START - timedelta(days=1), active_member_ids=MEMBERS)
    assert err.value.details["unknown_member_ids"] == ["ghost"]


def test_withdraw_registration():
    act = planned()
    act.register("m1", now=START - timedelta(days=2), active_member_ids=MEMBERS)
    act.withdraw_registration("m1", now=START - timedelta(days=1))
    assert act.registered_member_ids == []
    with pytest.raises(RuleViolation):
        act.withdraw_registration("m1", now=START - timedelta(days=1))


def test_check_in_only_on_event_day_local():
    act = planned()
    # 2024-05-09T16:30Z is 00:30 local on the 10th: the event day.
    act.check_in("m1", now=datetime(2024, 5, 9, 16, 30, tzinfo=UTC),
                 active_member_ids=MEMBERS)
    assert act.checked_in_member_ids == ["m1"]
    with pytest.raises(RuleViolation) as err:
        # 15:59Z on the 9th is 23:59 local on the 9th: the day before.
        act.check_in("m2", now=datetime(2024, 5, 9, 15, 59, tzinfo=UTC),
                     active_member_ids=MEMBERS)
    assert err.value.details["opens_on"] == "2024-05-10"
    with pytest.raises(RuleViolation):
        act.check_in("m2", now=END + timedelta(days=1), active_member_ids=MEMBERS)
    with pytest.raises(RuleViolation):
        act.check_in("m1", now=END, active_member_ids=MEMBERS)


def test_check_in_allowed_while_held_on_the_day_but_not_when_cancelled():
    act = planned()
    act.hold(held_on=date(2024, 5, 10), attendee_member_ids=["m1"], summary="ok",
             active_member_ids=MEMBERS, today=date(2024, 5, 10))
    act.check_in("m2", now=END, active_member_ids=MEMBERS)
    other = planned()
    other.cancel(reason="rain")
    with pytest.raises(RuleViolation):
        other.check_in("m1", now=START, active_member_ids=MEMBERS)


def test_check_in_unknown_member_422():
    act = planned()
    with pytest.raises(InvalidInput):
        act.check_in("x", now=START, active_member_ids=MEMBERS)


def test_hold_records_attendance_and_figures():
    act = planned()
    act.hold(held_on=date(2024, 5, 10), attendee_member_ids=["m1", "m2"], summary="done",
             outcome_figures={"seedlings": 300}, active_member_ids=MEMBERS,
             today=date(2024, 5, 11))
    assert act.status == "held"
    assert act.held_on == date(2024, 5, 10)
    assert act.outcome_figures == {"seedlings": 300}
    with pytest.raises(RuleViolation):
        act.cancel(reason="too late")


def test_hold_lists_every_unknown_or_dissolved_unit_member():
    act = planned()
    with pytest.raises(InvalidInput) as err:
        act.hold(held_on=date(2024, 5, 10), attendee_member_ids=["m1", "zz", "gone"],
                 summary="x", active_member_ids=MEMBERS, today=date(2024, 5, 10))
    assert err.value.status == 422
    assert err.value.details["unknown_member_ids"] == ["gone", "zz"]
    assert "attendee_member_ids" in err.value.details["errors"]
    assert act.status == "planned" and len(act.pending) == 1


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"held_on": date(2024, 5, 12)}, "held_on"),
        ({"outcome_figures": {"x": -1}}, "outcome_figures.x"),
        ({"outcome_figures": {"x": 1.5}}, "outcome_figures.x"),
        ({"attendee_member_ids": ["m1", "m1"]}, "attendee_member_ids"),
        ({"summary": ""}, "summary"),
    ],
)
def test_hold_refuses_bad_input(kwargs, field):
    args = dict(held_on=date(2024, 5, 10), attendee_member_ids=["m1"], summary="s",
                active_member_ids=MEMBERS, today=date(2024, 5, 11))
    args.update(kwargs)
    with pytest.raises(InvalidInput) as err:
        planned().hold(**args)
    assert field in err.value.details["errors"]


def test_cancel_needs_reason_and_only_once():
    act = planned()
    with pytest.raises(InvalidInput):
        act.cancel(reason=" ")
    act.cancel(reason="typhoon")
    assert act.status == "cancelled" and act.cancel_reason == "typhoon"
    with pytest.raises(RuleViolation):
        act.cancel(reason="again")
    with pytest.raises(RuleViolation):
        act.hold(held_on=date(2024, 5, 10), attendee_member_ids=[], summary="x",
                 active_member_ids=MEMBERS, today=date(2024, 5, 11))


def test_commands_on_unplanned_activity_refused():
    act = Activity("nope")
    with pytest.raises(RuleViolation):
        act.cancel(reason="x")
    with pytest.raises(RuleViolation):
        act.facts()


def test_facts_snapshot():
    act = planned(work_menu_item_id="item-1")
    facts = act.facts()
    assert facts.unit_ids == ("u1", "u2")
    assert facts.work_menu_item_id == "item-1"
    assert facts.starts_at == START
