"""Org's member, transfer, year, erasure and service-request handlers on the fakes
(tests/unit/org/org_fakes.py): no PostgreSQL. The same handlers run in the service
(tests/e2e/test_org_members.py, test_org_members_year.py, test_personal_erasure.py,
test_service_requests.py drive them through HTTP)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from eventkit.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from services.org import handlers
from services.org.domain.member import Member
from services.org.domain.person import PersonRecord
from services.org.domain.policy import DEFAULT, route_of
from services.org.domain.service_request import ServiceRequest
from tests.unit.org.org_fakes import ON, TODAY, World, rid


@pytest.fixture
def w() -> World:
    return World()


@pytest.fixture
def branch(w: World) -> str:
    return w.unit(w.committee())


def _member(w: World, member_id: str) -> Member:
    return w.uow.run(lambda tx: tx.get(Member, member_id))


# -- members -------------------------------------------------------------------------------


def test_a_member_is_registered_today_by_the_contexts_clock(w: World, branch: str) -> None:
    member = _member(w, w.member(branch))
    assert (member.unit_id, member.registered_on) == (branch, TODAY)


def test_a_second_member_with_the_same_resident_id_is_refused_naming_only_the_id(
        w: World, branch: str) -> None:
    first = w.member(branch)
    with pytest.raises(RuleViolation) as err:
        w.member(branch, resident_id=" " + rid().lower() + " ")
    assert err.value.details == {"rule": "duplicate", "existing_id": first}
    assert rid() not in str(err.value)


def test_a_member_joins_no_dissolved_unit_nor_one_outside_scope(w: World, branch: str
                                                                ) -> None:
    w.dissolved(branch)
    with pytest.raises(RuleViolation) as err:
        w.member(branch)
    assert err.value.details["rule"] == "unit_not_active"
    other = w.unit(w.facts.units[branch].committee_id)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput) as err2:
        w.run(handlers.register_member, {"unit_id": other}, scope=[branch])
    assert "unit_id" in err2.value.details["errors"]


def test_roles_are_assigned_and_ended_an_unknown_role_is_not_found(w: World, branch: str
                                                                  ) -> None:
    member_id = w.member(branch)
    w.run(handlers.assign_role, {"member_id": member_id, "role": "branch_secretary",
                                 "unit_id": None, "start": ON, "end": None})
    (role_id,) = _member(w, member_id).roles
    assert _member(w, member_id).roles[role_id]["unit_id"] == branch
    with pytest.raises(NotFound):
        w.run(handlers.end_role, {"member_id": member_id, "role_id": "nope", "end": TODAY})
    w.run(handlers.end_role, {"member_id": member_id, "role_id": role_id, "end": TODAY})
    assert _member(w, member_id).roles[role_id]["end"] == TODAY.isoformat()


def test_a_member_outside_scope_is_not_found_and_in_scope_leaves(w: World, branch: str
                                                                ) -> None:
    member_id = w.member(branch)
    cmd = {"member_id": member_id, "on": ON, "reason": "外出务工"}
    with pytest.raises(NotFound):
        w.run(handlers.member_leave, cmd, scope=["elsewhere"])
    w.run(handlers.member_leave, cmd, scope=[branch])
    assert _member(w, member_id).status == "left"


# -- transfers -----------------------------------------------------------------------------


def _transfer(w: World, branch: str) -> tuple[str, str, str]:
    target = w.unit(w.facts.units[branch].committee_id)  # type: ignore[arg-type]
    member_id = w.member(branch)
    transfer_id = w.run(handlers.request_transfer, {"member_id": member_id,
                                                    "to_unit_id": target, "on": ON})["id"]
    w.facts.transfers[transfer_id] = {"member_id": member_id, "from_unit_id": branch,
                                      "to_unit_id": target}
    return member_id, target, transfer_id


def test_a_transfer_is_asked_by_the_sender_and_approved_by_the_receiver(w: World, branch: str
                                                                       ) -> None:
    member_id, target, transfer_id = _transfer(w, branch)
    with pytest.raises(NotFound):  # the sending unit does not decide
        w.run(handlers.approve_transfer, {"transfer_id": transfer_id, "on": ON}, [branch])
    w.run(handlers.approve_transfer, {"transfer_id": transfer_id, "on": ON}, [target])
    assert _member(w, member_id).unit_id == target


def test_a_transfer_to_a_dissolved_unit_or_another_committee_is_refused(w: World, branch: str
                                                                        ) -> None:
    member_id = w.member(branch)
    other = w.committee(county_code="341123")
    with pytest.raises(RuleViolation) as err:
        w.run(handlers.request_transfer, {"member_id": member_id, "to_unit_id": other,
                                          "on": ON})
    assert err.value.details == {"rule": "other_committee"}
    target = w.unit(w.facts.units[branch].committee_id)  # type: ignore[arg-type]
    w.dissolved(target)
    with pytest.raises(RuleViolation):
        w.run(handlers.request_transfer, {"member_id": member_id, "to_unit_id": target,
                                          "on": ON})


def test_a_rejected_transfer_leaves_the_member_where_they_were(w: World, branch: str) -> None:
    member_id, target, transfer_id = _transfer(w, branch)
    w.run(handlers.reject_transfer, {"transfer_id": transfer_id, "on": ON, "reason": "不符"})
    assert (_member(w, member_id).unit_id, _member(w, member_id).pending_transfer) == (
        branch, None)
    with pytest.raises(NotFound):
        w.run(handlers.reject_transfer, {"transfer_id": "nope", "on": ON, "reason": "x"})


# -- the member's year ---------------------------------------------------------------------


def test_a_branch_evaluates_every_active_league_member(w: World, branch: str) -> None:
    first, second = w.member(branch), w.member(branch, serial="033")
    grades = {first: "excellent", second: "qualified"}
    with pytest.raises(RuleViolation) as err:  # 2 of 2 excellent: over the policy's 30%
        w.run(handlers.record_evaluation, {"unit_id": branch, "year": 2024, "on": ON,
                                           "grades": {first: "excellent",
                                                      second: "excellent"}})
    assert err.value.details["rule"] == "excellent_quota"
    w.run(handlers.record_evaluation, {"unit_id": branch, "year": 2024, "on": ON,
                                       "grades": {**grades, first: "qualified"}})
    assert w.types()[-1] == "MemberEvaluationRecorded"


def test_only_a_branch_evaluates(w: World, branch: str) -> None:
    group = w.unit(branch, kind="league_group")
    with pytest.raises(InvalidInput) as err:
        w.run(handlers.record_evaluation, {"unit_id": group, "year": 2024, "on": ON,
                                           "grades": {}})
    assert "unit_id" in err.value.details["errors"]


def test_the_self_lapse_run_opens_the_due_and_the_branch_decides(w: World, branch: str
                                                                 ) -> None:
    due, paying = w.member(branch), w.member(branch, serial="033")
    started = w.run(handlers.start_self_lapse, {
        "member_ids": [due, paying], "as_of": TODAY,
        "last_dues": {paying: "2024-05"}, "last_life": {paying: "2024-05-20"}})["started"]
    assert started == [due]
    with pytest.raises(RuleViolation) as err:
        w.run(handlers.decide_self_lapse, {"member_id": paying, "decision": "lapsed",
                                           "on": TODAY, "note": None})
    assert err.value.details == {"rule": "no_self_lapse_procedure"}
    w.run(handlers.decide_self_lapse, {"member_id": due, "decision": "lapsed", "on": TODAY,
                                       "note": "半年未交团费"})
    assert _member(w, due).status == "left"


def test_the_over_age_run_ages_out_at_28_once(w: World, branch: str) -> None:
    older = w.member(branch, born=dt.date(1996, 6, 10))
    younger = w.member(branch, serial="033")
    on = dt.date(2024, 7, 1)
    assert w.run(handlers.age_out_member, {"member_id": older, "on": on})["aged_out"]
    assert not w.run(handlers.age_out_member, {"member_id": older, "on": on})["aged_out"]
    assert not w.run(handlers.age_out_member, {"member_id": younger, "on": on})["aged_out"]
    assert w.types().count("MemberAgedOut") == 1


# -- people --------------------------------------------------------------------------------


def test_a_known_person_is_erased_once_an_unknown_one_is_not_found(w: World, branch: str
                                                                   ) -> None:
    member_id = w.member(branch)
    cmd: dict[str, Any] = {"person_id": member_id, "reason": "本人申请", "basis": "request"}
    assert w.run(handlers.erase_person, cmd) == {"person_id": member_id, "erased": True,
                                                  "on": TODAY.isoformat()}
    assert w.run(handlers.erase_person, cmd)["erased"] is False
    with pytest.raises(NotFound):
        w.run(handlers.erase_person, {**cmd, "person_id": "nobody"})


def test_the_retention_run_erases_with_its_reason_and_day(w: World) -> None:
    w.run(handlers.erase_for_retention, {"person_id": "p1", "reason": "保存期满", "on": TODAY})
    record = w.uow.run(lambda tx: tx.get(PersonRecord, "p1"))
    assert record.erased_on == TODAY.isoformat()
    with pytest.raises(InvalidInput):
        w.run(handlers.erase_for_retention, {"person_id": "p2", "reason": " ", "on": TODAY})


# -- service requests ----------------------------------------------------------------------


def _request(w: World, unit_id: str, scope: list[str] | None = None, **over: Any) -> str:
    cmd = {"unit_id": unit_id, "kind": "tax_relief", "cooperative_id": None,
           "entrepreneur_id": None, "entrepreneur_name": "陈青", "title": "减免增值税",
           "description": "", "submitted_on": ON, **over}
    return str(w.run(handlers.submit_service_request, cmd, scope)["id"])


def test_a_request_is_routed_and_its_entrepreneur_gets_an_id(w: World, branch: str) -> None:
    request = w.uow.run(lambda tx: tx.get(ServiceRequest, _request(w, branch)))
    assert request.department == route_of("tax_relief", DEFAULT)
    assert w.uow.store.events[-1]["data"]["entrepreneur_id"].startswith("id")


def test_a_request_names_an_active_unit_and_a_cooperative_in_scope(w: World, branch: str
                                                                   ) -> None:
    w.facts.coops["k1"] = "tea"
    with pytest.raises(InvalidInput) as err:  # k1 is not covered by a unit in scope
        _request(w, branch, scope=[branch], cooperative_id="k1")
    assert "cooperative_id" in err.value.details["errors"]
    w.dissolved(branch)
    with pytest.raises(InvalidInput) as err:
        _request(w, branch)
    assert "unit_id" in err.value.details["errors"]


def test_only_the_routed_department_accepts_answers_and_closes(w: World, branch: str) -> None:
    request_id = _request(w, branch)
    department = w.uow.run(lambda tx: tx.get(ServiceRequest, request_id)).department
    with pytest.raises(Forbidden):
        w.run(handlers.accept_service_request, {"request_id": request_id, "on": TODAY,
                                                "department": "nobody", "note": None})
    step = {"request_id": request_id, "on": TODAY, "department": department}
    w.run(handlers.accept_service_request, {**step, "note": None})
    w.run(handlers.answer_service_request, {**step, "answer": "已办理", "outcome": "supported",
                                            "activity_id": None})
    w.run(handlers.close_service_request, {**step, "note": None})
    assert w.types()[-3:] == ["ServiceRequestAccepted", "ServiceRequestAnswered",
                              "ServiceRequestClosed"]
    with pytest.raises(RuleViolation):
        w.run(handlers.close_service_request, {**step, "note": None})


def test_a_request_outside_scope_is_not_found_one_for_a_covered_cooperative_is_seen(
        w: World, branch: str) -> None:
    w.facts.coops["k1"] = "tea"
    other = w.unit(w.facts.units[branch].committee_id, cooperative_ids=["k1"])  # type: ignore[arg-type]
    request_id = _request(w, branch, cooperative_id="k1")
    department = w.uow.run(lambda tx: tx.get(ServiceRequest, request_id)).department
    step = {"request_id": request_id, "on": TODAY, "department": department, "note": None}
    with pytest.raises(NotFound):
        w.run(handlers.accept_service_request, step, scope=["elsewhere"])
    w.run(handlers.accept_service_request, step, scope=[other])  # covers k1
    assert w.types()[-1] == "ServiceRequestAccepted"
