from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from eventkit.errors import InvalidInput
from services.activities.domain.compliance import (
    ComplianceConfig,
    compliance,
    due_windows,
    owes_window,
    unit_history,
)
from services.activities.domain.meetings import Meeting, MeetingFacts
from services.activities.domain.periods import parse_period, periods_between, windows_overlapping
from services.activities.domain.units import UnitInfo, UnitKinds

CFG = ComplianceConfig()
LONG_AGO = date(2020, 1, 1)

WC = UnitInfo("wc", "working_committee", "County working committee", LONG_AGO)
PC = UnitInfo("pc", "professional_committee", "Fruit committee", LONG_AGO, township="T1")
BR = UnitInfo("br", "branch", "Pear co-op branch", LONG_AGO, professional_committee_id="pc",
              township="T1")
GB = UnitInfo("gb", "general_branch", "Tea general branch", LONG_AGO, township="T2")
GROUP = UnitInfo("grp", "league_group", "A League group", LONG_AGO)


def m(unit, mtype, day, mid=None):
    return MeetingFacts(mid or f"{unit}-{mtype}-{day}", unit, mtype, day)


def statuses(report, unit_id):
    return [(d.meeting_type, d.window, d.status) for d in report.unit(unit_id).duties]


# -- periods and windows -----------------------------------------------------------------


def test_parse_period_month_and_quarter_bounds():
    feb = parse_period("2024-02")
    assert (feb.start, feb.end) == (date(2024, 2, 1), date(2024, 2, 29))
    q4 = parse_period("2023-Q4")
    assert (q4.start, q4.end, q4.label) == (date(2023, 10, 1), date(2023, 12, 31), "2023-Q4")


@pytest.mark.parametrize("bad", ["2024-13", "2024-Q5", "2024-1", "24-01", "2024-q1", "", None,
                                 "0000-01", "9999-Q4"])
def test_bad_period_is_422(bad):
    with pytest.raises(InvalidInput) as err:
        compliance(bad, [], [], CFG, date(2024, 1, 1))
    assert "period" in err.value.details["errors"]


def test_monthly_over_quarter_gives_three_windows_quarterly_over_month_one():
    q1 = parse_period("2024-Q1")
    assert [w.label for w in windows_overlapping(q1, "monthly")] == [
        "2024-01", "2024-02", "2024-03"]
    assert [w.label for w in windows_overlapping(parse_period("2024-02"), "quarterly")] == [
        "2024-Q1"]
    assert [w.label for w in windows_overlapping(q1, "half_yearly")] == ["2024-H1"]


def test_periods_between_crosses_year_and_refuses_mixed_forms():
    labels = [p.label for p in periods_between("2023-11", "2024-02")]
    assert labels == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert [p.label for p in periods_between("2023-Q4", "2024-Q1")] == ["2023-Q4", "2024-Q1"]
    with pytest.raises(InvalidInput):
        periods_between("2024-01", "2024-Q1")
    with pytest.raises(InvalidInput):
        periods_between("2024-03", "2024-01")


# -- duty table ----------------------------------------------------------------------------


def test_duty_table_per_unit_kind_for_a_month():
    report = compliance("2024-03", [WC, PC, BR, GB, GROUP], [], CFG, date(2024, 3, 15))
    assert statuses(report, "wc") == [
        ("working_committee_regular", "2024-03", "due"),
        ("training_new_tech_class", "2024-Q1", "due"),
    ]
    assert statuses(report, "pc") == [
        ("pro_committee_quarterly_suggestion", "2024-Q1", "due"),
        ("pro_committee_monthly_industry_info", "2024-03", "due"),
    ]
    assert statuses(report, "br") == [("branch_monthly_youth_exchange", "2024-03", "due")]
    assert statuses(report, "gb") == [("branch_monthly_youth_exchange", "2024-03", "due")]
    # A League group owes nothing and is left out.
    assert [u.unit_id for u in report.units] == ["wc", "pc", "br", "gb"]  # by name


def test_held_overdue_and_due_in_a_quarter():
    meetings = [m("br", "branch_monthly_youth_exchange", date(2024, 1, 20))]
    report = compliance("2024-Q1", [BR], meetings, CFG, date(2024, 3, 10))
    assert statuses(report, "br") == [
        ("branch_monthly_youth_exchange", "2024-01", "held"),
        ("branch_monthly_youth_exchange", "2024-02", "overdue"),
        ("branch_monthly_youth_exchange", "2024-03", "due"),
    ]
    first = report.unit("br").duties[0]
    assert first.meeting_ids == ("br-branch_monthly_youth_exchange-2024-01-20",)
    assert report.overdue_unit_ids == ["br"]


def test_window_ending_yesterday_is_overdue_ending_today_is_due():
    assert statuses(compliance("2024-01", [BR], [], CFG, date(2024, 2, 1)), "br")[0][2] == (
        "overdue")
    assert statuses(compliance("2024-01", [BR], [], CFG, date(2024, 1, 31)), "br")[0][2] == "due"


def test_meeting_on_first_and_last_day_of_month_counts_next_day_does_not():
    first = compliance("2024-02", [BR], [m("br", "branch_monthly_youth_exchange",
                                           date(2024, 2, 1))], CFG, date(2024, 5, 1))
    last = compliance("2024-02", [BR], [m("br", "branch_monthly_youth_exchange",
                                          date(2024, 2, 29))], CFG, date(2024, 5, 1))
    after = compliance("2024-02", [BR], [m("br", "branch_monthly_youth_exchange",
                                           date(2024, 3, 1))], CFG, date(2024, 5, 1))
    assert statuses(first, "br")[0][2] == "held"
    assert statuses(last, "br")[0][2] == "held"
    assert statuses(after, "br")[0][2] == "overdue"


def test_quarter_boundary_for_quarterly_duty():
    in_q1 = [m("pc", "pro_committee_quarterly_suggestion", date(2024, 3, 31))]
    in_q2 = [m("pc", "pro_committee_quarterly_suggestion", date(2024, 4, 1))]
    r1 = compliance("2024-Q1", [PC], in_q1, CFG, date(2024, 6, 1))
    r2 = compliance("2024-Q1", [PC], in_q2, CFG, date(2024, 6, 1))
    assert statuses(r1, "pc")[0] == ("pro_committee_quarterly_suggestion", "2024-Q1", "held")
    assert statuses(r2, "pc")[0] == ("pro_committee_quarterly_suggestion", "2024-Q1", "overdue")
    # A quarterly duty seen from a month inside the quarter shows the whole quarter.
    r3 = compliance("2024-02", [PC], in_q1, CFG, date(2024, 2, 10))
    assert statuses(r3, "pc")[0] == ("pro_committee_quarterly_suggestion", "2024-Q1", "held")


def test_meeting_of_wrong_type_or_other_unit_does_not_count():
    meetings = [
        m("br", "branch_assembly", date(2024, 1, 5)),
        m("gb", "branch_monthly_youth_exchange", date(2024, 1, 5)),
    ]
    report = compliance("2024-01", [BR], meetings, CFG, date(2024, 2, 5))
    assert statuses(report, "br")[0][2] == "overdue"


def test_local_date_23_30_on_last_day_counts_for_that_month():
    cst = timezone(timedelta(hours=8))
    meeting = Meeting("mt1")
    # 2024-01-31 23:30 local is 2024-01-31 15:30 UTC; 2024-02-01 00:30 local is Jan 31 UTC.
    meeting.record(meeting_type="branch_monthly_youth_exchange", unit=BR,
                   held=datetime(2024, 1, 31, 15, 30, tzinfo=UTC),
                   attendee_member_ids=["a"], today=date(2024, 2, 10))
    late = Meeting("mt2")
    late.record(meeting_type="branch_monthly_youth_exchange", unit=BR,
                held=datetime(2024, 2, 1, 0, 30, tzinfo=cst),
                attendee_member_ids=["a"], today=date(2024, 2, 10))
    facts = [meeting.facts(), late.facts()]
    assert facts[0].held_on == date(2024, 1, 31)
    assert facts[1].held_on == date(2024, 2, 1)
    jan = compliance("2024-01", [BR], facts, CFG, date(2024, 3, 1))
    feb = compliance("2024-02", [BR], facts, CFG, date(2024, 3, 1))
    assert jan.unit("br").duties[0].meeting_ids == ("mt1",)
    assert feb.unit("br").duties[0].meeting_ids == ("mt2",)


# -- creation and dissolution ----------------------------------------------------------------


def test_unit_created_mid_period_owes_from_the_first_window_beginning_after_creation():
    new = UnitInfo("new", "branch", "New branch", date(2024, 2, 29))
    report = compliance("2024-Q1", [new], [], CFG, date(2024, 4, 2))
    # Issue 12: not January, not February (it began before the creation): March first.
    assert statuses(report, "new") == [
        ("branch_monthly_youth_exchange", "2024-03", "overdue"),
    ]


def test_unit_created_on_the_first_day_owes_that_window():
    new = UnitInfo("new", "branch", "New branch", date(2024, 2, 1))
    assert owes_window(new, parse_period("2024-02"))
    assert not owes_window(new, parse_period("2024-01"))


def test_working_committee_duties_start_at_its_founding_conference():
    unfounded = UnitInfo("wc2", "working_committee", "WC", LONG_AGO, founding_required=True)
    assert compliance("2024-03", [unfounded], [], CFG, date(2024, 4, 2)).units == ()
    founded = UnitInfo("wc2", "working_committee", "WC", LONG_AGO, founding_required=True,
                       founded_on=date(2024, 2, 15))
    report = compliance("2024-Q1", [founded], [], CFG, date(2024, 4, 2))
    assert statuses(report, "wc2") == [
        ("working_committee_regular", "2024-03", "overdue"),
    ]


def test_unit_created_after_period_is_left_out():
    new = UnitInfo("new", "branch", "New branch", date(2024, 4, 1))
    report = compliance("2024-Q1", [new, BR], [], CFG, date(2024, 4, 2))
    assert [u.unit_id for u in report.units] == ["br"]


def test_unit_created_mid_quarter_owes_from_the_next_quarter():
    pc2 = UnitInfo("pc2", "professional_committee", "Veg committee", date(2024, 3, 20))
    assert compliance("2024-03", [pc2], [], CFG, date(2024, 3, 25)).units == ()
    report = compliance("2024-04", [pc2], [], CFG, date(2024, 4, 25))
    assert statuses(report, "pc2") == [
        ("pro_committee_quarterly_suggestion", "2024-Q2", "due"),
        ("pro_committee_monthly_industry_info", "2024-04", "due"),
    ]


def test_dissolved_unit_owes_nothing_in_or_after_dissolution_window():
    gone = UnitInfo("gone", "branch", "Gone branch", LONG_AGO, dissolved_on=date(2024, 2, 10))
    report = compliance("2024-Q1", [gone], [], CFG, date(2024, 4, 2))
    assert statuses(report, "gone") == [("branch_monthly_youth_exchange", "2024-01", "overdue")]
    assert compliance("2024-Q2", [gone], [], CFG, date(2024, 7, 1)).units == ()


def test_dissolved_on_first_day_or_last_day_of_a_window():
    on_last = UnitInfo("a", "branch", "A", LONG_AGO, dissolved_on=date(2024, 1, 31))
    on_next = UnitInfo("b", "branch", "B", LONG_AGO, dissolved_on=date(2024, 2, 1))
    jan = parse_period("2024-01")
    assert not owes_window(on_last, jan)
    assert owes_window(on_next, jan)
    assert not owes_window(on_next, parse_period("2024-02"))


def test_created_and_dissolved_in_the_same_window_owes_nothing():
    brief = UnitInfo("x", "branch", "X", date(2024, 3, 2), dissolved_on=date(2024, 3, 20))
    assert compliance("2024-03", [brief], [], CFG, date(2024, 4, 1)).units == ()


# -- configuration --------------------------------------------------------------------------


def test_configurable_cadences_for_regular_meeting_and_class():
    cfg = ComplianceConfig(working_committee_regular="quarterly",
                           training_new_tech_class="half_yearly")
    report = compliance("2024-Q1", [WC], [], cfg, date(2024, 2, 1))
    assert statuses(report, "wc") == [
        ("working_committee_regular", "2024-Q1", "due"),
        ("training_new_tech_class", "2024-H1", "due"),
    ]
    default = compliance("2024-Q1", [WC], [], CFG, date(2024, 2, 1))
    assert [s[1] for s in statuses(default, "wc")] == ["2024-01", "2024-02", "2024-03", "2024-Q1"]


def test_bad_cadence_is_422():
    with pytest.raises(InvalidInput):
        ComplianceConfig(working_committee_regular="fortnightly")


def test_unit_kind_mapping_is_configurable():
    cfg = ComplianceConfig(unit_kinds=UnitKinds(branch=frozenset({"youth_branch"})))
    odd = UnitInfo("y", "youth_branch", "Y", LONG_AGO)
    report = compliance("2024-01", [odd, BR], [], cfg, date(2024, 1, 2))
    assert [u.unit_id for u in report.units] == ["y"]


# -- counts ---------------------------------------------------------------------------------


def test_counts_by_professional_committee_and_township():
    br2 = UnitInfo("br2", "branch", "Apple branch", LONG_AGO, professional_committee_id="pc",
                   township="T2")
    meetings = [
        m("br", "branch_monthly_youth_exchange", date(2024, 1, 3)),
        m("pc", "pro_committee_monthly_industry_info", date(2024, 1, 3)),
    ]
    report = compliance("2024-01", [WC, PC, BR, br2, GB], meetings, CFG, date(2024, 2, 5))
    pc_counts = report.by_professional_committee["pc"].to_dict()
    # pc itself (industry info held, quarterly suggestion due), br held, br2 overdue.
    assert pc_counts == {"due": 1, "held": 2, "overdue": 1, "units": 3, "units_overdue": 1}
    assert report.by_professional_committee["unassigned"].units == 2  # wc and gb
    assert report.by_township["T2"].to_dict() == {
        "due": 0, "held": 0, "overdue": 2, "units": 2, "units_overdue": 2}
    assert report.by_township["unassigned"].units == 1
    assert report.totals.units == 5
    assert report.totals.overdue == 1 + 1 + 1  # wc regular, br2, gb
    as_dict = report.to_dict()
    assert as_dict["period"] == "2024-01"
    assert sorted(as_dict["overdue_unit_ids"]) == ["br2", "gb", "wc"]


def test_due_windows_for_calendar_excludes_held():
    meetings = [m("pc", "pro_committee_monthly_industry_info", date(2024, 1, 3))]
    report = compliance("2024-01", [PC], meetings, CFG, date(2024, 1, 5))
    assert [d.meeting_type for d in due_windows(report, "pc")] == [
        "pro_committee_quarterly_suggestion"]
    assert due_windows(report, "unknown") == []


# -- history -----------------------------------------------------------------------------------


def test_unit_history_counts_a_quarterly_window_once():
    meetings = [
        m("pc", "pro_committee_monthly_industry_info", date(2024, 1, 9)),
        m("pc", "pro_committee_quarterly_suggestion", date(2024, 2, 9)),
        m("other", "pro_committee_monthly_industry_info", date(2024, 2, 9)),
    ]
    history = unit_history(PC, meetings, CFG, "2024-01", "2024-03", date(2024, 3, 15))
    assert [label for label, _ in history.periods] == ["2024-01", "2024-02", "2024-03"]
    assert history.totals.held == 2  # January info + the Q1 suggestion once
    assert history.totals.overdue == 1  # February info
    assert history.totals.due == 1  # March info
    assert history.to_dict()["periods"][1]["duties"][0]["status"] == "held"


def test_unit_history_of_new_unit_starts_with_the_first_period_after_creation():
    new = UnitInfo("n", "branch", "N", date(2024, 3, 5))
    history = unit_history(new, [], CFG, "2024-01", "2024-04", date(2024, 4, 10))
    assert [len(d) for _, d in history.periods] == [0, 0, 0, 1]
    assert history.totals.overdue == 0 and history.totals.due == 1


def test_regular_meeting_counts_only_with_the_secretary_or_a_deputy_present():
    """Issue 12: the working committee's regular meeting is held only when chaired."""
    unchaired = MeetingFacts("m1", "wc", "working_committee_regular", date(2024, 2, 5),
                             chaired=False)
    report = compliance("2024-02", [WC], [unchaired], CFG, date(2024, 3, 10))
    assert ("working_committee_regular", "2024-02", "overdue") in statuses(report, "wc")
    chaired = MeetingFacts("m2", "wc", "working_committee_regular", date(2024, 2, 6))
    report = compliance("2024-02", [WC], [unchaired, chaired], CFG, date(2024, 3, 10))
    regular = [d for d in report.unit("wc").duties
               if d.meeting_type == "working_committee_regular"]
    assert regular[0].status == "held" and regular[0].meeting_ids == ("m2",)
