"""Unified activities, work menu, supervision visits and WeChat groups."""

from datetime import date, datetime, timedelta, timezone

import pytest

from eventkit.errors import InvalidInput, RuleViolation
from services.activities.domain.activity import ActivityFacts
from services.activities.domain.channel import WeChatGroup
from services.activities.domain.supervision import FollowUp, SupervisionVisit
from services.activities.domain.unified import (
    UnifiedActivity,
    completion_by_unit,
    overall_completion,
)
from services.activities.domain.work_menu import WorkMenu, adoption_report

CST = timezone(timedelta(hours=8))


def issued(aid="ua1", units=("u1", "u2", "u3")):
    ua = UnifiedActivity(aid)
    ua.issue(title="May Fourth theme day", kind="theme_league_day", unit_ids=list(units),
             window_start=date(2024, 4, 20), window_end=date(2024, 5, 10),
             issued_on=date(2024, 4, 1))
    return ua


def test_unified_parts_and_completion():
    ua = issued()
    ua.link_activity("u1", "act1")
    ua.mark_part_held("u1", "act1", held_on=date(2024, 5, 4))
    ua.link_activity("u2", "act2")
    ua.excuse_unit("u3", reason="dissolved")
    assert ua.parts["u1"].status == "held"
    assert ua.parts["u2"].status == "linked"
    assert ua.completion().to_dict() == {"owed": 2, "held": 1, "rate": 0.5}
    assert not ua.is_late("u1")


def test_unified_rules():
    ua = issued()
    with pytest.raises(RuleViolation):
        ua.link_activity("nobody", "act9")
    ua.link_activity("u1", "act1")
    with pytest.raises(RuleViolation):
        ua.link_activity("u2", "act1")  # one activity serves one unit's part
    with pytest.raises(RuleViolation):
        ua.mark_part_held("u2", "act1", held_on=date(2024, 5, 1))
    with pytest.raises(RuleViolation):
        ua.add_units(["u1"])
    ua.mark_part_held("u1", "act1", held_on=date(2024, 5, 20))
    assert ua.is_late("u1")
    with pytest.raises(RuleViolation):
        ua.excuse_unit("u1", reason="x")
    ua.close(closed_on=date(2024, 6, 1))
    with pytest.raises(RuleViolation):
        ua.link_activity("u2", "act2")


def test_unified_issue_validation():
    with pytest.raises(InvalidInput):
        issued(units=())
    ua = UnifiedActivity("x")
    with pytest.raises(InvalidInput):
        ua.issue(title="t", kind="other", unit_ids=["u1"], window_start=date(2024, 5, 2),
                 window_end=date(2024, 5, 1), issued_on=date(2024, 4, 1))


def test_completion_per_unit_and_overall():
    a, b = issued("a", ("u1", "u2")), issued("b", ("u1", "u3"))
    a.link_activity("u1", "x1")
    a.mark_part_held("u1", "x1", held_on=date(2024, 5, 1))
    b.add_units(["u4"])
    b.excuse_unit("u3", reason="merged")
    rates = completion_by_unit([a, b])
    assert rates["u1"].to_dict() == {"owed": 2, "held": 1, "rate": 0.5}
    assert rates["u2"].rate == 0.0
    assert "u3" not in rates
    assert overall_completion([a, b]).to_dict() == {"owed": 4, "held": 1, "rate": 0.25}
    assert overall_completion([]).rate is None


def menu():
    wm = WorkMenu("2024")
    wm.draft(year=2024, title="2024 work menu")
    wm.add_item("i1", title="E-commerce live stream", kind="e_commerce", suggested_months=[6, 3])
    wm.add_item("i2", title="Grafting contest", kind="skills_competition")
    return wm


def held_fact(aid, units, item, held_on):
    return ActivityFacts(aid, "held", "e_commerce", "t", tuple(units), (),
                         datetime(2024, 1, 1, tzinfo=CST), datetime(2024, 1, 1, 1, tzinfo=CST),
                         held_on=held_on, work_menu_item_id=item)


def test_work_menu_lifecycle_and_report():
    wm = menu()
    assert wm.items["i1"].suggested_months == [3, 6]
    with pytest.raises(RuleViolation):
        wm.adopt("u1", "i1", adopted_on=date(2024, 2, 1))  # not published yet
    wm.publish(published_on=date(2024, 1, 15))
    wm.adopt("u1", "i1", adopted_on=date(2024, 2, 1))
    wm.adopt("u2", "i1", adopted_on=date(2024, 2, 1))
    wm.adopt("u2", "i2", adopted_on=date(2024, 2, 1))
    with pytest.raises(RuleViolation):
        wm.adopt("u1", "i1", adopted_on=date(2024, 2, 2))
    wm.drop_adoption("u2", "i2", reason="no venue")
    wm.withdraw_item("i2", reason="merged into i1")
    with pytest.raises(RuleViolation):
        wm.adopt("u3", "i2", adopted_on=date(2024, 3, 1))
    facts = [
        held_fact("a1", ["u1"], "i1", date(2024, 6, 1)),
        held_fact("a2", ["u2"], "i1", date(2023, 6, 1)),  # wrong year
    ]
    report = adoption_report(wm, ["u1", "u2", "u3"], facts)
    i1 = report.items[0]
    assert i1.adopted_by == ("u1", "u2") and i1.delivered_by == ("u1",)
    assert report.items[1].withdrawn and report.items[1].adopted_by == ()
    assert report.units_not_adopting == ("u3",)
    assert report.adoption_rate == pytest.approx(2 / 3)
    assert report.to_dict()["year"] == 2024


def test_work_menu_validation():
    wm = WorkMenu("m")
    with pytest.raises(InvalidInput):
        wm.draft(year=1999, title="x")
    wm = menu()
    with pytest.raises(InvalidInput):
        wm.add_item("i3", title="x", kind="other", suggested_months=[13])
    with pytest.raises(RuleViolation):
        wm.add_item("i1", title="x", kind="other")
    empty = WorkMenu("e")
    empty.draft(year=2024, title="x")
    with pytest.raises(RuleViolation):
        empty.publish(published_on=date(2024, 1, 1))


def test_supervision_visit_and_actions():
    visit = SupervisionVisit("v1")
    visit.record(visitor="Secretary Li", unit_id="br", visited_on=date(2024, 3, 5),
                 findings=["minutes missing for January"], today=date(2024, 3, 5),
                 actions=[FollowUp("f1", "write up January minutes", date(2024, 3, 31))])
    visit.add_action(FollowUp("f2", "set up WeChat group"))
    assert [a.action_id for a in visit.open_actions] == ["f1", "f2"]
    assert [a.action_id for a in visit.overdue_actions(date(2024, 4, 1))] == ["f1"]
    with pytest.raises(InvalidInput):
        visit.close_action("f1", closed_on=date(2024, 3, 1), note="x", today=date(2024, 4, 1))
    with pytest.raises(InvalidInput):
        visit.close_action("f1", closed_on=date(2024, 4, 2), note="x", today=date(2024, 4, 1))
    visit.close_action("f1", closed_on=date(2024, 3, 20), note="done", today=date(2024, 4, 1))
    with pytest.raises(RuleViolation):
        visit.close_action("f1", closed_on=date(2024, 3, 21), note="x", today=date(2024, 4, 1))
    assert not visit.fully_closed
    visit.close_action("f2", closed_on=date(2024, 3, 22), note="ok", today=date(2024, 4, 1))
    assert visit.fully_closed
    with pytest.raises(RuleViolation):
        visit.add_action(FollowUp("f1", "dup"))


def test_supervision_validation():
    visit = SupervisionVisit("v2")
    with pytest.raises(InvalidInput):
        visit.record(visitor="x", unit_id="u", visited_on=date(2024, 3, 6), findings=[],
                     today=date(2024, 3, 5))
    with pytest.raises(InvalidInput):
        visit.record(visitor="x", unit_id="u", visited_on=date(2024, 3, 5), findings=[],
                     today=date(2024, 3, 5),
                     actions=[FollowUp("a", "d", date(2024, 3, 1))])
    with pytest.raises(InvalidInput):
        visit.record(visitor="x", unit_id="u", visited_on=date(2024, 3, 5), findings=[],
                     today=date(2024, 3, 5), actions=[FollowUp("a", "d"), FollowUp("a", "e")])


def test_wechat_group():
    group = WeChatGroup("g1")
    group.register(unit_id="br", name="梨园青年群", admin_name="小王", member_count=120,
                   as_of=date(2024, 1, 1))
    group.report_member_count(member_count=150, as_of=date(2024, 3, 1))
    with pytest.raises(RuleViolation):
        group.report_member_count(member_count=140, as_of=date(2024, 2, 1))
    with pytest.raises(InvalidInput):
        group.report_member_count(member_count=-1, as_of=date(2024, 4, 1))
    group.rename(name="梨园青年之家")
    with pytest.raises(InvalidInput):
        group.rename(name="梨园青年之家")
    group.change_admin(admin_name="小李", admin_member_id="m9")
    assert (group.member_count, group.name, group.admin_member_id) == (150, "梨园青年之家", "m9")
    group.close(closed_on=date(2024, 5, 1), reason="merged")
    with pytest.raises(RuleViolation):
        group.rename(name="x")


def test_a_menu_item_is_usable_only_from_a_published_menu_and_not_withdrawn():
    from services.activities.domain.work_menu import item_usable

    assert item_usable("published", False) is True
    assert item_usable("published", True) is False
    assert item_usable("draft", False) is False


def test_a_units_calendar_shows_this_and_last_quarter():
    import datetime as dt

    from services.activities.domain.periods import this_and_last_quarter

    assert this_and_last_quarter(dt.date(2026, 2, 10)) == ("2025-Q4", "2026-Q1")
    assert this_and_last_quarter(dt.date(2026, 12, 1)) == ("2026-Q3", "2026-Q4")
