"""Meetings due versus held (duties.py): windows, creation and dissolution, as-of date."""

from __future__ import annotations

import datetime as dt

from services.assessment.domain.duties import (
    BRANCH_MONTHLY_YOUTH_EXCHANGE,
    PRO_COMMITTEE_QUARTERLY_SUGGESTION,
    TRAINING_NEW_TECH_CLASS,
    WORKING_COMMITTEE_REGULAR,
    HeldMeeting,
    UnitLife,
    meeting_facts,
    windows,
)
from services.assessment.domain.evidence import (
    MEETING_DUE,
    MEETING_HELD,
    collect_facts,
    gather_evidence,
)

D = dt.date
YEAR_END = D(2024, 12, 31)


def counts(units, meetings, as_of=YEAR_END):
    facts = collect_facts(meeting_facts(units, meetings, 2024, as_of))
    ev = gather_evidence(facts, [u.unit_id for u in units], D(2024, 1, 1), YEAR_END)
    return ev.meetings_due, ev.meetings_held


def test_windows_are_calendar_months_and_quarters() -> None:
    months = windows(2024, "monthly")
    assert len(months) == 12
    assert (months[1].start, months[1].end, months[1].label) == (D(2024, 2, 1), D(2024, 2, 29),
                                                                 "2024-02")
    quarters = windows(2024, "quarterly")
    assert [q.label for q in quarters] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    assert quarters[3].end == YEAR_END


def test_a_branch_owes_twelve_monthly_meetings_and_two_in_one_month_fulfil_one() -> None:
    branch = UnitLife("B1", "branch", D(2020, 1, 1))
    meetings = [HeldMeeting("B1", BRANCH_MONTHLY_YOUTH_EXCHANGE, D(2024, 3, 2)),
                HeldMeeting("B1", BRANCH_MONTHLY_YOUTH_EXCHANGE, D(2024, 3, 30)),
                HeldMeeting("B1", BRANCH_MONTHLY_YOUTH_EXCHANGE, D(2024, 4, 1))]
    assert counts([branch], meetings) == (12, 2)


def test_other_meeting_types_and_other_units_do_not_count() -> None:
    branch = UnitLife("B1", "branch", D(2020, 1, 1))
    meetings = [HeldMeeting("B1", "branch_assembly", D(2024, 3, 2)),
                HeldMeeting("B2", BRANCH_MONTHLY_YOUTH_EXCHANGE, D(2024, 3, 2))]
    assert counts([branch], meetings) == (12, 0)


def test_working_committee_owes_regular_meeting_monthly_and_class_quarterly() -> None:
    wc = UnitLife("WC", "working_committee", D(2020, 1, 1))
    meetings = [HeldMeeting("WC", WORKING_COMMITTEE_REGULAR, D(2024, 1, 10)),
                HeldMeeting("WC", TRAINING_NEW_TECH_CLASS, D(2024, 5, 10))]
    assert counts([wc], meetings) == (12 + 4, 2)


def test_unit_created_mid_window_owes_that_window_and_dissolved_owes_none_after() -> None:
    pro = UnitLife("P1", "professional_committee", D(2024, 2, 15), ended_on=D(2024, 7, 31))
    # quarterly suggestion meeting: Q1 (created in it) and Q2 owed; Q3 ends after dissolution
    facts = collect_facts(meeting_facts(
        [pro], [HeldMeeting("P1", PRO_COMMITTEE_QUARTERLY_SUGGESTION, D(2024, 4, 2))], 2024,
        YEAR_END))
    quarterly = sorted(k for k in facts if "suggestion" in k)
    assert quarterly == [
        "due:P1:pro_committee_quarterly_suggestion:2024-Q1",
        "due:P1:pro_committee_quarterly_suggestion:2024-Q2",
        "held:P1:pro_committee_quarterly_suggestion:2024-Q2",
    ]
    # monthly industry meeting: February to June (a dissolution on 31 July owes no July)
    monthly = [k for k in facts if k.startswith("due:") and "industry" in k]
    assert len(monthly) == 5


def test_as_of_counts_ended_windows_and_running_ones_only_when_already_held() -> None:
    branch = UnitLife("B1", "branch", D(2020, 1, 1))
    held_in_june = [HeldMeeting("B1", BRANCH_MONTHLY_YOUTH_EXCHANGE, D(2024, 6, 3))]
    # as of 15 June: January-May ended (5 due), June running but held: due and held
    assert counts([branch], held_in_june, as_of=D(2024, 6, 15)) == (6, 1)
    # nothing held in June yet: June is not due so far
    assert counts([branch], [], as_of=D(2024, 6, 15)) == (5, 0)
    # a meeting dated after as_of does not count
    late = [HeldMeeting("B1", BRANCH_MONTHLY_YOUTH_EXCHANGE, D(2024, 6, 20))]
    assert counts([branch], late, as_of=D(2024, 6, 15)) == (5, 0)


def test_held_never_exceeds_due_and_facts_have_deterministic_ids() -> None:
    branch = UnitLife("B1", "branch", D(2024, 1, 1))
    meetings = [HeldMeeting("B1", BRANCH_MONTHLY_YOUTH_EXCHANGE, D(2024, m, 5))
                for m in range(1, 13) for _ in range(3)]
    first = meeting_facts([branch], meetings, 2024, YEAR_END)
    again = meeting_facts([branch], list(reversed(meetings)), 2024, YEAR_END)
    assert first == again
    kinds = [f.kind for _, f in first]
    assert kinds.count(MEETING_DUE) == kinds.count(MEETING_HELD) == 12


def test_a_group_or_youth_organization_owes_no_regular_meeting() -> None:
    units = [UnitLife("G1", "league_group", D(2020, 1, 1)),
             UnitLife("Y1", "youth_organization", D(2020, 1, 1))]
    assert counts(units, []) == (0, 0)
