"""Every recorded event validates against its schema; replay rebuilds the same state."""

from datetime import date, datetime, timedelta, timezone

import pytest

from eventkit.errors import InvalidInput
from services.activities.contract.events import registry
from services.activities.domain.activity import Activity
from services.activities.domain.channel import WeChatGroup
from services.activities.domain.meetings import Meeting
from services.activities.domain.supervision import FollowUp, SupervisionVisit
from services.activities.domain.unified import UnifiedActivity
from services.activities.domain.units import UnitInfo

CST = timezone(timedelta(hours=8))
START = datetime(2024, 5, 10, 9, 0, tzinfo=CST)
MEMBERS = {"m1", "m2"}


def held_activity():
    act = Activity("a1")
    act.plan(organizer_unit_ids=["u1"], co_organizer_unit_ids=["u2"], kind="charity",
             title="Clinic day", starts_at=START, ends_at=START + timedelta(hours=3),
             venue="Square", budget_fen=0, work_menu_item_id="i1", unified_activity_id="ua")
    act.edit(title="Free clinic day", starts_at=START + timedelta(hours=1),
             ends_at=START + timedelta(hours=4), organizer_unit_ids=["u1", "u3"],
             expected_attendance=30, budget_fen=5000, kind="volunteering", venue="Hall",
             audience="elderly", co_organizer_unit_ids=[], work_menu_item_id="i2")
    act.register("m1", now=START - timedelta(days=1), active_member_ids=MEMBERS)
    act.register("m2", now=START - timedelta(days=1), active_member_ids=MEMBERS)
    act.withdraw_registration("m2", now=START - timedelta(hours=1))
    act.check_in("m1", now=START + timedelta(hours=1), active_member_ids=MEMBERS)
    act.hold(held_on=date(2024, 5, 10), attendee_member_ids=["m1", "m2"], summary="ok",
             outcome_figures={"patients": 80}, active_member_ids=MEMBERS,
             today=date(2024, 5, 10))
    return act


def cancelled_activity():
    act = Activity("a2")
    act.plan(organizer_unit_ids=["u1"], kind="other", title="x", starts_at=START,
             ends_at=START + timedelta(hours=1), venue="v")
    act.cancel(reason="rain")
    return act


def unified():
    ua = UnifiedActivity("ua")
    ua.issue(title="t", kind="theme_education", unit_ids=["u1", "u2"], description="d",
             window_start=date(2024, 5, 1), window_end=date(2024, 5, 31),
             issued_on=date(2024, 4, 1), work_menu_item_id="i1")
    ua.add_units(["u3"])
    ua.excuse_unit("u3", reason="dissolved")
    ua.link_activity("u1", "a1")
    ua.mark_part_held("u1", "a1", held_on=date(2024, 5, 10))
    ua.close(closed_on=date(2024, 6, 1))
    return ua


def work_menu():
    from services.activities.domain.work_menu import WorkMenu

    wm = WorkMenu("wm")
    wm.draft(year=2024, title="menu")
    wm.add_item("i1", title="a", kind="e_commerce", suggested_months=[5])
    wm.add_item("i2", title="b", kind="marketing", description="desc")
    wm.publish(published_on=date(2024, 1, 2))
    wm.adopt("u1", "i1", adopted_on=date(2024, 1, 3))
    wm.adopt("u1", "i2", adopted_on=date(2024, 1, 3))
    wm.drop_adoption("u1", "i2", reason="r")
    wm.withdraw_item("i2", reason="r")
    return wm


def visit():
    v = SupervisionVisit("v")
    v.record(visitor="Li", unit_id="u1", visited_on=date(2024, 3, 1), findings=["f"],
             today=date(2024, 3, 1), actions=[FollowUp("f1", "do", date(2024, 4, 1))])
    v.add_action(FollowUp("f2", "do more"))
    v.close_action("f1", closed_on=date(2024, 3, 2), note="done", today=date(2024, 3, 3))
    return v


def group():
    g = WeChatGroup("g")
    g.register(unit_id="u1", name="群", admin_name="王", member_count=3, as_of=date(2024, 1, 1))
    g.rename(name="新群")
    g.change_admin(admin_name="李")
    g.report_member_count(member_count=9, as_of=date(2024, 2, 1))
    g.close(closed_on=date(2024, 3, 1), reason="r")
    return g


def meeting():
    unit = UnitInfo("u1", "branch", "B", date(2020, 1, 1))
    mt = Meeting("mt")
    mt.record(meeting_type="branch_monthly_youth_exchange", unit=unit,
              held=datetime(2024, 1, 31, 23, 30, tzinfo=CST), attendee_member_ids=["m1"],
              absentees={"m2": "sick"}, topics=["t"], resolutions=["r"], minutes="m",
              today=date(2024, 2, 1))
    mt.amend_minutes(minutes="m2", resolutions=["r2"])
    mt.retract(reason="wrong unit")
    return mt


SCENARIOS = [held_activity, cancelled_activity, unified, work_menu, visit, group, meeting]


def state(agg):
    return {k: v for k, v in vars(agg).items() if k not in ("pending", "version")}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_event_validates(scenario):
    agg = scenario()
    assert agg.pending
    for event in agg.pending:
        # MeetingRecorded is at version 2 since issue 12 (attendance with roles)
        assert registry.validate(event.type, event.data) == registry.current_version(event.type)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_replay_equals_state(scenario):
    agg = scenario()
    history = [(e.type, e.data) for e in agg.pending]
    rebuilt = type(agg).from_history(agg.id, history)
    assert rebuilt.version == len(history)
    assert state(rebuilt) == state(agg)


def test_scenarios_cover_every_registered_event_type():
    emitted = {e.type for scenario in SCENARIOS for e in scenario().pending}
    assert emitted == set(registry.types())


def test_schema_refuses_bad_data():
    data = dict(held_activity().pending[0].data)
    data["budget_fen"] = -5
    with pytest.raises(InvalidInput):
        registry.validate("ActivityPlanned", data)
    with pytest.raises(InvalidInput):
        registry.validate("ActivityCancelled", {"reason": "x", "extra": 1})
