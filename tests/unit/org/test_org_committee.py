from __future__ import annotations

import datetime as dt

import pytest
from org_testkit import check_events

from eventkit.errors import InvalidInput, NotFound, RuleViolation
from services.org.domain.committee import (
    WORKFLOW,
    Committee,
    check_accepts_units,
    leadership_problems_of,
)

D = dt.date(2024, 3, 1)
AGENDA = [
    {"kind": "establishment_document_read"},
    {"kind": "work_report", "title": "Preparations and plans"},
    {
        "kind": "bank_credit_signing",
        "bank": "County Rural Commercial Bank",
        "credit_amount_fen": 5_000_000_000,
    },
    {"kind": "superior_leader_speeches"},
]
UNIT_TYPES = [
    "organization",
    "agriculture",
    "supply_coop",
    "economic_management",
    "commerce",
    "science_technology",
    "civil_affairs",
    "tax",
    "finance",
    "bank",
]


def new_committee() -> Committee:
    c = Committee("c1")
    c.create("Rural Cooperatives League Working Committee", "Some County", "341122")
    for i, t in enumerate(UNIT_TYPES):
        c.add_member_unit(f"mu{i}", f"Unit {i}", t)
    return c


def staff(c: Committee, deputies: int = 7, secretary: bool = True, members: int = 1) -> None:
    if secretary:
        c.appoint_secretary("p-sec", "Wang", True, D)
    for i in range(deputies):
        c.appoint_deputy_secretary(f"p{i}", f"Deputy {i}", f"mu{i}", "Office", True, D)
    for i in range(members):
        c.appoint_committee_member(f"p-m{i}", f"Member {i}", "township_league_secretary", D,
                                   township="大庄镇")


def run_until(c: Committee, last: str) -> None:
    steps = {
        "survey_recorded": lambda: c.record_survey(D, 40, 120, 800, 12, 3, "County report"),
        "plan_drafted": lambda: c.draft_plan(
            D, "Plan", ["working_committee", "professional_committee", "branch"]
        ),
        "coordination_recorded": lambda: c.record_coordination(
            D, True, ["organization", "agriculture"], D, ["Li", "Zhao"]
        ),
        "preparatory_group_formed": lambda: c.form_preparatory_group(
            D, [{"name": "Li", "office": "Youth office", "member_unit_id": "mu0"}]
        ),
        "establishment_requested": lambda: c.request_establishment(D),
        "establishment_approved": lambda: c.approve_establishment(D, "County League [2024] 7"),
        "founding_conference_held": lambda: c.hold_founding_conference(
            D + dt.timedelta(days=10), AGENDA, ["Member unit leaders"]
        ),
    }
    for step in WORKFLOW:
        steps[step]()
        if step == last:
            return


def test_full_workflow_records_every_step_in_order_and_replays() -> None:
    c = new_committee()
    staff(c, deputies=9)
    c.appoint_committee_member("p-cm", "Sun", "college_graduate_village_official", D)
    run_until(c, "founding_conference_held")
    assert c.due_step is None
    assert c.established
    types = check_events(c)
    assert types[-7:] == [
        "SurveyRecorded",
        "PlanDrafted",
        "CoordinationRecorded",
        "PreparatoryGroupFormed",
        "EstablishmentRequested",
        "EstablishmentApproved",
        "FoundingConferenceHeld",
    ]
    held = c.steps["founding_conference_held"]
    assert held["agenda_items"][2]["bank"] == "County Rural Commercial Bank"
    assert held["agenda_items"][2]["credit_amount_fen"] == 5_000_000_000


@pytest.mark.parametrize("done", [None, *WORKFLOW[:-1]])
def test_every_step_but_the_due_one_is_refused_with_the_due_step(done: str | None) -> None:
    c = new_committee()
    staff(c)
    if done:
        run_until(c, done)
    due = WORKFLOW[WORKFLOW.index(done) + 1] if done else WORKFLOW[0]
    assert c.due_step == due
    for step in WORKFLOW:
        if step == due:
            continue
        probe = new_committee()
        staff(probe)
        if done:
            run_until(probe, done)
        with pytest.raises(RuleViolation) as err:
            _attempt(probe, step)
        assert err.value.details["due_step"] == due
        assert err.value.details["attempted_step"] == step


def _attempt(c: Committee, step: str) -> None:
    calls = {
        "survey_recorded": lambda: c.record_survey(D, 1, 1, 1, 1, 1, "r"),
        "plan_drafted": lambda: c.draft_plan(D, "p", ["working_committee"]),
        "coordination_recorded": lambda: c.record_coordination(D, True, ["agriculture"]),
        "preparatory_group_formed": lambda: c.form_preparatory_group(
            D, [{"name": "a", "office": "b"}]
        ),
        "establishment_requested": lambda: c.request_establishment(D),
        "establishment_approved": lambda: c.approve_establishment(D, "doc"),
        "founding_conference_held": lambda: c.hold_founding_conference(D, AGENDA, ["x"]),
    }
    calls[step]()


def test_after_the_founding_conference_no_step_is_due() -> None:
    c = new_committee()
    staff(c)
    run_until(c, "founding_conference_held")
    with pytest.raises(RuleViolation) as err:
        c.record_survey(D, 1, 1, 1, 1, 1, "again")
    assert err.value.details["due_step"] is None


def test_step_dates_may_not_go_backwards() -> None:
    c = new_committee()
    c.record_survey(D, 1, 1, 1, 1, 1, "r")
    with pytest.raises(InvalidInput):
        c.draft_plan(D - dt.timedelta(days=1), "p", ["working_committee"])
    assert c.due_step == "plan_drafted"


def test_commands_on_a_committee_never_created_are_not_found() -> None:
    with pytest.raises(NotFound):
        Committee("nope").record_survey(D, 1, 1, 1, 1, 1, "r")


@pytest.mark.parametrize("code", ["34112", "3411222", "34112A", 341122])
def test_county_code_must_be_six_digits(code: object) -> None:
    with pytest.raises(InvalidInput) as err:
        Committee("c").create("n", "county", code)  # type: ignore[arg-type]
    assert "county_code" in err.value.details["errors"]


def test_coordination_needs_org_department_consent_and_a_meeting_needs_attendees() -> None:
    c = new_committee()
    run_until(c, "plan_drafted")
    with pytest.raises(InvalidInput) as err:
        c.record_coordination(D, False, ["agriculture"])
    assert "org_dept_consent" in err.value.details["errors"]
    with pytest.raises(InvalidInput):
        c.record_coordination(D, True, ["agriculture"], meeting_date=D)
    with pytest.raises(InvalidInput):
        c.record_coordination(D, True, ["agriculture"], meeting_attendees=["a"])
    with pytest.raises(InvalidInput):
        c.record_coordination(D, True, ["not_a_department"])
    c.record_coordination(D, True, ["agriculture"])  # the meeting is optional
    assert c.steps["coordination_recorded"]["meeting_date"] is None
    check_events(c)


def test_preparatory_group_members_must_name_known_member_units() -> None:
    c = new_committee()
    run_until(c, "coordination_recorded")
    with pytest.raises(InvalidInput):
        c.form_preparatory_group(D, [{"name": "a", "office": "b", "member_unit_id": "zz"}])
    with pytest.raises(InvalidInput):
        c.form_preparatory_group(D, [])


def test_approval_is_refused_with_reasons_while_leadership_breaks_the_rules() -> None:
    c = new_committee()
    staff(c, deputies=6, secretary=False)
    run_until(c, "establishment_requested")
    with pytest.raises(RuleViolation) as err:
        c.approve_establishment(D, "doc")
    reasons = err.value.details["reasons"]
    assert len(reasons) == 2
    assert any("secretary" in r and "0 appointed" in r for r in reasons)
    assert any("deputy" in r and "6 appointed" in r for r in reasons)
    assert c.due_step == "establishment_approved"
    c.appoint_secretary("s", "Wang", True, D)
    c.appoint_deputy_secretary("p6", "Deputy 6", "mu6", "Office", True, D)
    assert c.leadership_problems() == []
    c.approve_establishment(D, "doc")
    assert c.steps["establishment_approved"]["document_number"] == "doc"
    check_events(c)


@pytest.mark.parametrize(("n", "ok"), [(6, False), (7, True), (8, True), (9, True)])
def test_seven_to_nine_deputy_secretaries(n: int, ok: bool) -> None:
    c = new_committee()
    staff(c, deputies=n)
    assert (c.leadership_problems() == []) is ok


def test_a_tenth_deputy_secretary_is_refused() -> None:
    c = new_committee()
    staff(c, deputies=9)
    with pytest.raises(RuleViolation) as err:
        c.appoint_deputy_secretary("p9", "Deputy 9", "mu9", "Office", True, D)
    assert err.value.details["max_deputy_secretaries"] == 9
    assert len(c.deputy_secretaries) == 9


def test_deputies_come_from_different_member_units_and_head_an_office() -> None:
    c = new_committee()
    c.appoint_deputy_secretary("a", "A", "mu0", "Office", True, D)
    with pytest.raises(RuleViolation) as err:
        c.appoint_deputy_secretary("b", "B", "mu0", "Other office", True, D)
    assert err.value.details == {"member_unit_id": "mu0", "held_by": "a"}
    with pytest.raises(InvalidInput):
        c.appoint_deputy_secretary("b", "B", "mu1", "Office", False, D)
    with pytest.raises(InvalidInput):
        c.appoint_deputy_secretary("b", "B", "unknown", "Office", True, D)
    with pytest.raises(RuleViolation):
        c.appoint_deputy_secretary("a", "A", "mu1", "Office", True, D)
    with pytest.raises(RuleViolation):
        c.remove_member_unit("mu0")  # its deputy would be left from a non-member unit
    c.remove_deputy_secretary("a", D)
    c.remove_member_unit("mu0")
    assert "mu0" not in c.member_units
    check_events(c)


def test_exactly_one_secretary_from_the_county_league_committee() -> None:
    c = new_committee()
    with pytest.raises(InvalidInput):
        c.appoint_secretary("s", "Wang", False, D)
    c.appoint_secretary("s", "Wang", True, D)
    with pytest.raises(RuleViolation) as err:
        c.appoint_secretary("t", "Zhou", True, D)
    assert err.value.details["secretary_id"] == "s"
    with pytest.raises(InvalidInput):
        c.remove_secretary("t", D)
    c.remove_secretary("s", D)
    assert c.secretary is None
    c.appoint_secretary("t", "Zhou", True, D)
    assert c.secretary is not None and c.secretary["person_id"] == "t"
    check_events(c)


def test_committee_members_come_from_eligible_sources() -> None:
    c = new_committee()
    with pytest.raises(InvalidInput):
        c.appoint_committee_member("x", "X", "retired_cadre", D)
    with pytest.raises(InvalidInput):  # which cooperative's League leader?
        c.appoint_committee_member("x", "X", "large_cooperative_league_leader", D)
    with pytest.raises(InvalidInput):
        c.appoint_committee_member("x", "X", "township_league_secretary", D)
    c.appoint_committee_member("x", "X", "large_cooperative_league_leader", D, cooperative_id="k1")
    c.appoint_committee_member("y", "Y", "township_league_secretary", D, township="Town A")
    c.appoint_committee_member("z", "Z", "college_graduate_village_official", D)
    with pytest.raises(RuleViolation):
        c.appoint_committee_member("z", "Z", "college_graduate_village_official", D)
    c.remove_committee_member("y", D)
    assert sorted(c.committee_members) == ["x", "z"]
    check_events(c)


def test_member_units_have_department_types_and_unique_ids_and_names() -> None:
    c = Committee("c")
    c.create("n", "county", "341122")
    with pytest.raises(InvalidInput):
        c.add_member_unit("m", "Police", "police")
    c.add_member_unit("m", "Bank", "bank")
    with pytest.raises(RuleViolation):
        c.add_member_unit("m", "Other", "other")
    with pytest.raises(RuleViolation):
        c.add_member_unit("n", "Bank", "other")
    assert c.member_units == {"m": {"name": "Bank", "department_type": "bank"}}
    check_events(c)


def test_founding_conference_needs_the_fixed_programme_and_a_bank_for_a_signing() -> None:
    c = new_committee()
    staff(c)
    run_until(c, "establishment_approved")
    with pytest.raises(InvalidInput) as err:
        c.hold_founding_conference(D, [{"kind": "work_report"}], ["x"])
    assert "establishment_document_read" in err.value.detail
    with pytest.raises(InvalidInput):
        c.hold_founding_conference(D, [*AGENDA, {"kind": "bank_credit_signing"}], ["x"])
    with pytest.raises(InvalidInput):
        c.hold_founding_conference(D, AGENDA, [])
    assert c.due_step == "founding_conference_held"


def test_leadership_problems_of_is_pure_and_names_each_problem() -> None:
    assert leadership_problems_of(1, [f"u{i}" for i in range(7)], {f"u{i}" for i in range(7)}) == []
    problems = leadership_problems_of(2, ["u0"] * 7, {"u0"})
    assert problems[0].startswith("exactly one secretary")
    assert sum("more than one deputy" in p for p in problems) == 6
    assert leadership_problems_of(1, [f"u{i}" for i in range(7)], {"u0"})[0].endswith(
        "which is not a member unit"
    )
    assert (
        len(leadership_problems_of(1, [f"u{i}" for i in range(10)], {f"u{i}" for i in range(10)}))
        == 1
    )


# ---- issue 12: establishment gates --------------------------------------------------------


def test_approval_needs_a_committee_member_from_the_seeds_sources() -> None:
    c = new_committee()
    staff(c, members=0)
    run_until(c, "establishment_requested")
    with pytest.raises(RuleViolation) as err:
        c.approve_establishment(D, "doc")
    assert any("committee member" in r for r in err.value.details["reasons"])
    assert c.leadership_problems() == []  # the counts are right; only 委员 are missing
    c.appoint_committee_member("p-v", "孙", "college_graduate_village_official", D)
    assert c.approval_problems() == []
    c.approve_establishment(D, "doc")
    assert c.established


def test_units_are_attached_only_after_approval_and_the_409_names_the_due_step() -> None:
    with pytest.raises(RuleViolation) as err:
        check_accepts_units("plan_drafted", established=False)
    assert err.value.details == {"rule": "committee_not_approved", "due_step": "plan_drafted"}
    check_accepts_units("founding_conference_held", established=True)
    check_accepts_units(None, established=True)


def test_a_leadership_breaking_the_rules_after_establishment_is_an_open_problem() -> None:
    c = new_committee()
    staff(c, deputies=7)
    run_until(c, "establishment_approved")
    before = len(c.pending)
    later = D + dt.timedelta(days=30)
    c.remove_deputy_secretary("p0", later)
    assert c.open_problem == {"since": later.isoformat(),
                              "problems": ["7-9 deputy secretaries are required, 6 appointed"]}
    c.remove_secretary("p-sec", later + dt.timedelta(days=1))
    assert c.open_problem is not None and c.open_problem["since"] == later.isoformat()
    assert len(c.open_problem["problems"]) == 2
    c.appoint_secretary("p-new", "赵", True, later + dt.timedelta(days=2))
    c.appoint_deputy_secretary("p7", "Deputy 7", "mu7", "Office", True,
                               later + dt.timedelta(days=3))
    assert c.open_problem is None
    types = check_events(c)[before:]
    assert types == ["DeputySecretaryRemoved", "LeadershipProblemOpened", "SecretaryRemoved",
                     "LeadershipProblemOpened", "SecretaryAppointed", "LeadershipProblemOpened",
                     "DeputySecretaryAppointed", "LeadershipProblemResolved"]


def test_leadership_changes_before_establishment_open_no_problem() -> None:
    c = new_committee()
    staff(c, deputies=6)
    c.remove_secretary("p-sec", D)
    assert c.open_problem is None
    assert "LeadershipProblemOpened" not in check_events(c)
