"""Activities' meeting and supervision-visit handlers on the fakes (conftest.py): no
PostgreSQL. The same handlers run in the service (tests/e2e/test_activities_meetings.py,
tests/e2e/test_activities_guidance.py). The WeChat groups' are in test_act_handlers.py."""

from __future__ import annotations

from typing import Any

import pytest

from eventkit.errors import InvalidInput, NotFound, RuleViolation
from services.activities import handlers
from services.activities.contract import schemas
from services.activities.domain.compliance import ComplianceConfig
from services.activities.domain.units import UnitKinds

MEETING = {"meeting_type": "branch_monthly_youth_exchange", "unit_id": "U1",
           "held_on": "2024-06-08", "attendee_member_ids": ["M1"],
           "absentees": [{"member_id": "M2", "reason": "出差"}], "topics": ["春耕"]}


def record(act: Any, cmd: Any, scope: list[str] | None = None, **over: Any) -> str:
    fields = {**MEETING, **over}
    meeting_id = str(act.run(handlers.record_meeting, cmd(schemas.MeetingIn, fields),
                             scope)["id"])
    return act.facts.saw("meeting", meeting_id, [fields["unit_id"]])


# -- meetings ------------------------------------------------------------------------------


def test_record_a_branch_meeting(act: Any, cmd: Any) -> None:
    record(act, cmd)
    assert act.types() == ["MeetingRecorded"]
    data = act.data("MeetingRecorded")
    assert data["unit_id"] == "U1" and data["held_on"] == "2024-06-08"


def test_committee_people_attend_the_working_committee_in_their_post(act: Any,
                                                                     cmd: Any) -> None:
    record(act, cmd, meeting_type="working_committee_regular", unit_id="U2",
           attendee_member_ids=["P1", "M1"], absentees=[])
    attendance = act.data("MeetingRecorded")["attendance"]
    assert {"member_id": "P1", "role": "secretary"} in attendance


def test_meeting_refusals_store_nothing(act: Any, cmd: Any) -> None:
    with pytest.raises(InvalidInput) as err:  # outside the scope: the unit is unknown
        record(act, cmd, scope=["U2"])
    assert "unit_id" in err.value.details["errors"]
    with pytest.raises(InvalidInput):  # a stranger attending
        record(act, cmd, attendee_member_ids=["M9"])
    with pytest.raises(InvalidInput):  # a branch holds no working-committee meeting
        record(act, cmd, meeting_type="working_committee_regular")
    with pytest.raises(InvalidInput):  # after the clock's today
        record(act, cmd, held_on="2024-06-11")
    assert act.types() == []


def test_the_unit_kinds_come_from_the_context(act: Any, cmd: Any) -> None:
    ctx = handlers.Context(facts=lambda tx: act.facts, clock=act.ctx().clock,
                           new_id=lambda: "m1", compliance=ComplianceConfig(
                               unit_kinds=UnitKinds(branch=frozenset({"league_group"}))))
    command = cmd(schemas.MeetingIn, MEETING)
    with pytest.raises(InvalidInput):  # U1 (a branch) no longer counts as one
        act.uow.run(lambda tx: handlers.record_meeting(tx, command, ctx))


def test_amend_then_retract(act: Any, cmd: Any) -> None:
    meeting_id = record(act, cmd)
    act.run(handlers.amend_meeting, cmd(schemas.MeetingAmendIn, {"minutes": "补记"},
                                        meeting_id=meeting_id))
    act.run(handlers.retract_meeting, cmd(schemas.ReasonIn, {"reason": "录错"},
                                          meeting_id=meeting_id))
    assert act.types()[1:] == ["MeetingMinutesAmended", "MeetingRecordRetracted"]
    with pytest.raises(RuleViolation):
        act.run(handlers.amend_meeting, cmd(schemas.MeetingAmendIn, {"minutes": "再改"},
                                            meeting_id=meeting_id))


def test_a_meeting_outside_the_scope_is_not_found(act: Any, cmd: Any) -> None:
    meeting_id = record(act, cmd)
    with pytest.raises(NotFound):
        act.run(handlers.retract_meeting, cmd(schemas.ReasonIn, {"reason": "x"},
                                              meeting_id=meeting_id), scope=["U2"])


# -- supervision visits --------------------------------------------------------------------


def visit(act: Any, cmd: Any, scope: list[str] | None = None, **over: Any) -> str:
    fields = {"visitor": "县团委 王", "unit_id": "U1", "visited_on": "2024-06-05",
              "findings": ["台账不全"], "actions": [{"description": "补齐台账",
                                                "due_on": "2024-06-30"}], **over}
    visit_id = str(act.run(handlers.record_supervision_visit,
                           cmd(schemas.SupervisionVisitIn, fields), scope)["id"])
    return act.facts.saw("supervision visit", visit_id, [fields["unit_id"]])


def test_record_a_visit_with_its_follow_up(act: Any, cmd: Any) -> None:
    visit_id = visit(act, cmd)
    assert visit_id == "id1"
    data = act.data("SupervisionVisitRecorded")
    assert [a["action_id"] for a in data["actions"]] == ["id2"]


def test_a_visit_to_an_unknown_or_future_unit_is_refused(act: Any, cmd: Any) -> None:
    with pytest.raises(InvalidInput) as err:
        visit(act, cmd, unit_id="U9")
    assert "unit_id" in err.value.details["errors"]
    with pytest.raises(InvalidInput):
        visit(act, cmd, visited_on="2024-06-11")
    assert act.types() == []


def test_add_and_close_actions(act: Any, cmd: Any) -> None:
    visit_id = visit(act, cmd)
    act.run(handlers.add_supervision_action, cmd(schemas.FollowUpIn, {"description": "整改"},
                                                 visit_id=visit_id))
    assert act.data("SupervisionActionAdded")["action_id"] == "id3"
    act.run(handlers.close_supervision_action, cmd(schemas.CloseActionIn, {"note": "已整改"},
                                                   visit_id=visit_id, action_id="id3"))
    assert act.data("SupervisionActionClosed")["closed_on"] == "2024-06-10"
    with pytest.raises(NotFound):
        act.run(handlers.close_supervision_action, cmd(schemas.CloseActionIn, {"note": "x"},
                                                       visit_id=visit_id, action_id="nope"))


def test_a_visit_outside_the_scope_is_not_found(act: Any, cmd: Any) -> None:
    visit_id = visit(act, cmd)
    with pytest.raises(NotFound):
        act.run(handlers.add_supervision_action, cmd(schemas.FollowUpIn, {"description": "x"},
                                                     visit_id=visit_id), scope=["U2"])
