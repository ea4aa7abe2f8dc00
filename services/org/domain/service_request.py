"""Service requests to the member departments (issue 12 part 6, pure).

A cooperative or a young entrepreneur asks, through its League unit, for one of the seed's
services (政策扶持, 资金支持, 税收减免, 简化手续, 技能培训, 科技服务). The request is routed by
its kind to one member department (`policy.route_of`, configurable and versioned), which
accepts it, answers it and closes it, strictly in this order, each step an event, each step
by that department alone. The answer is due `service_answer_working_days` (default 15)
working days after submission; working days are Monday to Friday (holidays not modelled).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import Forbidden, InvalidInput, RuleViolation
from services.org.contract.enums import SERVICE_KINDS, SERVICE_OUTCOMES
from services.org.contract.labels import LABELS

# zh-CN labels shown beside the codes: the contract's (contract/labels.py has both languages)
KIND_LABELS = {code: zh for code, (zh, _en) in LABELS["service_kinds"].items()}
STATUS_LABELS = {code: zh for code, (zh, _en) in LABELS["service_request_statuses"].items()}
OUTCOME_LABELS = {"supported": "予以支持", "partly_supported": "部分支持",
                  "not_supported": "不予支持"}
DEPARTMENT_LABELS = {"organization": "县委组织部", "agriculture": "农业局",
                     "supply_coop": "供销社", "economic_management": "经管站",
                     "commerce": "工商局", "science_technology": "科技局",
                     "civil_affairs": "民政局", "tax": "税务局", "finance": "财政局",
                     "bank": "金融机构"}
WORKING_DAYS_NOTE = "工作日按周一至周五计算（未计法定节假日及调休）"

# the step each status waits for
NEXT_STEP = {"submitted": "accept", "accepted": "answer", "answered": "close", "closed": None}
OPEN_STATUSES = frozenset({"submitted", "accepted"})  # waiting for the answer


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The day `days` working days (Mon-Fri) after `start` (start itself not counted)."""
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def _weekdays_through(day: dt.date) -> int:
    """Mon-Fri days from 0001-01-01 (a Monday) through `day`: constant time, whatever the
    distance (an `as_of` far away must not cost a loop per day)."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days (Mon-Fri) after `start` up to and including `end` (0 if end <= start)."""
    return max(0, _weekdays_through(end) - _weekdays_through(start))


def is_overdue(status: str, due_on: dt.date, as_of: dt.date) -> bool:
    """Not yet answered and the due day has passed."""
    return status in OPEN_STATUSES and as_of > due_on


def days_overdue(due_on: dt.date, as_of: dt.date) -> int:
    """Working days past the due day."""
    return working_days_between(due_on, as_of)


class ServiceRequest(Aggregate):
    stream_prefix = "service_request"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.status = ""
        self.department = ""
        self.kind = ""
        self.unit_id = ""
        self.cooperative_id: str | None = None
        self.submitted_on = ""
        self.accepted_on: str | None = None
        self.answered_on: str | None = None
        self.due_on = ""

    # -- commands ----------------------------------------------------------------------
    def submit(self, *, unit_id: str, kind: str, department: str, cooperative_id: str | None,
               entrepreneur_id: str | None, entrepreneur_name: str | None, title: str,
               description: str, submitted_on: dt.date, answer_working_days: int,
               policy_version: str) -> None:
        if self.exists:
            raise RuleViolation("this service request exists already", {"rule": "exists"})
        if kind not in SERVICE_KINDS:
            raise InvalidInput.field("kind", "must be one of " + ", ".join(SERVICE_KINDS))
        if cooperative_id is None and entrepreneur_name is None:
            raise InvalidInput.field("cooperative_id",
                                     "name the cooperative or the young entrepreneur who asks")
        if entrepreneur_id is not None and entrepreneur_name is None:
            raise InvalidInput.field("entrepreneur_name",
                                     "give the young entrepreneur's name with the id")
        due = add_working_days(submitted_on, answer_working_days)
        self._record("ServiceRequestSubmitted", {
            "unit_id": unit_id, "kind": kind, "department": department,
            "cooperative_id": cooperative_id, "entrepreneur_id": entrepreneur_id,
            "entrepreneur_name": entrepreneur_name, "title": title, "description": description,
            "submitted_on": submitted_on.isoformat(), "due_on": due.isoformat(),
            "answer_working_days": answer_working_days, "policy_version": policy_version,
        })

    def accept(self, *, department: str, on: dt.date, note: str | None = None) -> None:
        self._check_step("accept", department, on, self.submitted_on)
        self._record("ServiceRequestAccepted", {"department": department, "on": on.isoformat(),
                                                "note": note})

    def answer(self, *, department: str, on: dt.date, answer: str, outcome: str,
               activity_id: str | None = None) -> None:
        self._check_step("answer", department, on, self.accepted_on or self.submitted_on)
        if outcome not in SERVICE_OUTCOMES:
            raise InvalidInput.field("outcome", "must be one of " + ", ".join(SERVICE_OUTCOMES))
        late = on > dt.date.fromisoformat(self.due_on)
        self._record("ServiceRequestAnswered", {
            "department": department, "on": on.isoformat(), "answer": answer,
            "outcome": outcome, "activity_id": activity_id, "late": late})

    def close(self, *, department: str, on: dt.date, note: str | None = None) -> None:
        self._check_step("close", department, on, self.answered_on or self.submitted_on)
        self._record("ServiceRequestClosed", {"department": department, "on": on.isoformat(),
                                              "note": note})

    def _check_step(self, step: str, department: str, on: dt.date, after: str) -> None:
        if not self.exists:
            raise InvalidInput("no such service request")
        if department != self.department:
            raise Forbidden(f"this request is routed to {self.department}; only that "
                            f"department may {step} it",
                            {"rule": "routed_department", "department": self.department})
        due_step = NEXT_STEP.get(self.status)
        if due_step != step:
            raise RuleViolation(
                f"cannot {step} a request that is {self.status}"
                + (f"; the due step is {due_step}" if due_step else "; it is closed"),
                {"rule": "step_order", "status": self.status, "due_step": due_step})
        if on < dt.date.fromisoformat(after):
            raise InvalidInput.field("on", f"may not be before {after}")

    # -- state -------------------------------------------------------------------------
    def _on_service_request_submitted(self, data: dict[str, Any]) -> None:
        self.status = "submitted"
        self.department = data["department"]
        self.kind = data["kind"]
        self.unit_id = data["unit_id"]
        self.cooperative_id = data["cooperative_id"]
        self.submitted_on = data["submitted_on"]
        self.due_on = data["due_on"]

    def _on_service_request_accepted(self, data: dict[str, Any]) -> None:
        self.status = "accepted"
        self.accepted_on = data["on"]

    def _on_service_request_answered(self, data: dict[str, Any]) -> None:
        self.status = "answered"
        self.answered_on = data["on"]

    def _on_service_request_closed(self, data: dict[str, Any]) -> None:
        self.status = "closed"
