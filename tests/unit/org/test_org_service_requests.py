"""Service requests to the member departments (issue 12 part 6): the pure rules."""

from __future__ import annotations

import datetime as dt

import pytest

from eventkit.errors import Forbidden, InvalidInput, RuleViolation
from services.org.contract.events import registry
from services.org.domain.policy import (
    DEFAULT,
    VERSIONS,
    policy_on,
    route_of,
    with_overrides,
)
from services.org.domain.service_request import (
    ServiceRequest,
    add_working_days,
    days_overdue,
    is_overdue,
    working_days_between,
)

MONDAY = dt.date(2026, 3, 2)


def submitted(kind: str = "tax_relief", on: dt.date = MONDAY) -> ServiceRequest:
    request = ServiceRequest("r1")
    request.submit(unit_id="u1", kind=kind, department=route_of(kind, DEFAULT),
                   cooperative_id="c1", entrepreneur_id=None, entrepreneur_name=None,
                   title="减免增值税", description="", submitted_on=on,
                   answer_working_days=DEFAULT.service_answer_working_days,
                   policy_version=DEFAULT.version)
    return request


def test_fifteen_working_days_skip_the_weekends():
    assert add_working_days(MONDAY, 15) == dt.date(2026, 3, 23)  # three weeks, Monday
    assert add_working_days(dt.date(2026, 3, 6), 1) == dt.date(2026, 3, 9)  # Friday -> Monday
    assert add_working_days(dt.date(2026, 3, 7), 1) == dt.date(2026, 3, 9)  # Saturday
    assert working_days_between(MONDAY, dt.date(2026, 3, 9)) == 5
    assert working_days_between(dt.date(2026, 3, 9), MONDAY) == 0


def test_the_default_routing_follows_the_seed():
    assert route_of("tax_relief", DEFAULT) == "tax"
    assert route_of("policy_support", DEFAULT) == "agriculture"
    assert route_of("funding_support", DEFAULT) == "finance"
    assert route_of("simpler_procedures", DEFAULT) == "commerce"
    assert route_of("training", DEFAULT) == "science_technology"
    assert route_of("technical_help", DEFAULT) == "science_technology"
    with pytest.raises(InvalidInput):
        route_of("free_lunch", DEFAULT)


def test_a_new_policy_version_reroutes_from_its_day_on():
    versions = with_overrides([{"version": "2026-1", "effective_from": "2026-01-01",
                                "service_routing": {"policy_support": "economic_management"},
                                "service_answer_working_days": 10}])
    old, new = policy_on(dt.date(2025, 12, 31), versions), policy_on(MONDAY, versions)
    assert route_of("policy_support", old) == "agriculture"
    assert route_of("policy_support", new) == "economic_management"
    assert route_of("tax_relief", new) == "tax"  # the rest of the table carries over
    assert new.service_answer_working_days == 10
    assert VERSIONS == (DEFAULT,)
    with pytest.raises(InvalidInput):
        with_overrides([{"version": "x", "effective_from": "2026-01-01",
                         "service_routing": {"tax_relief": "league_committee"}}])


def test_the_steps_run_in_order_by_the_routed_department_only():
    request = submitted()
    assert request.department == "tax" and request.due_on == "2026-03-23"
    with pytest.raises(Forbidden):
        request.accept(department="agriculture", on=MONDAY)
    with pytest.raises(RuleViolation) as out_of_order:
        request.answer(department="tax", on=MONDAY, answer="同意", outcome="supported")
    assert out_of_order.value.details["due_step"] == "accept"
    with pytest.raises(RuleViolation):
        request.close(department="tax", on=MONDAY)
    with pytest.raises(InvalidInput):
        request.accept(department="tax", on=MONDAY - dt.timedelta(days=1))
    request.accept(department="tax", on=MONDAY)
    with pytest.raises(InvalidInput):
        request.answer(department="tax", on=MONDAY, answer="x", outcome="maybe")
    request.answer(department="tax", on=dt.date(2026, 3, 24), answer="符合小微企业减免条件",
                   outcome="supported")
    request.close(department="tax", on=dt.date(2026, 3, 25))
    types = [e.type for e in request.pending]
    assert types == ["ServiceRequestSubmitted", "ServiceRequestAccepted",
                     "ServiceRequestAnswered", "ServiceRequestClosed"]
    assert request.pending[2].data["late"] is True  # answered a day after the due day
    for event in request.pending:
        registry.validate(event.type, event.data)
    with pytest.raises(RuleViolation) as closed:
        request.close(department="tax", on=dt.date(2026, 3, 25))
    assert closed.value.details["due_step"] is None


def test_a_request_names_a_cooperative_or_a_young_entrepreneur():
    request = ServiceRequest("r2")
    common = dict(unit_id="u1", kind="training", department="science_technology",
                  title="果树修剪培训", description="", submitted_on=MONDAY,
                  answer_working_days=15, policy_version="2024-1")
    with pytest.raises(InvalidInput):
        request.submit(cooperative_id=None, entrepreneur_id=None, entrepreneur_name=None,
                       **common)
    request.submit(cooperative_id=None, entrepreneur_id="p1", entrepreneur_name="李强", **common)
    assert request.pending[0].data["entrepreneur_name"] == "李强"


def test_overdue_means_not_answered_after_the_due_day():
    due = dt.date(2026, 3, 23)
    assert not is_overdue("submitted", due, due)
    assert is_overdue("submitted", due, due + dt.timedelta(days=1))
    assert is_overdue("accepted", due, due + dt.timedelta(days=1))
    assert not is_overdue("answered", due, due + dt.timedelta(days=30))
    assert days_overdue(due, dt.date(2026, 3, 30)) == 5


def test_working_days_counted_in_constant_time_agree_with_a_walk():
    start = dt.date(2026, 2, 26)
    for offset in range(0, 40):
        end = start + dt.timedelta(days=offset)
        walked = sum(1 for i in range(1, offset + 1)
                     if (start + dt.timedelta(days=i)).weekday() < 5)
        assert working_days_between(start, end) == walked, end
    assert working_days_between(dt.date(2025, 3, 24), dt.date(9999, 12, 31)) > 2_000_000
