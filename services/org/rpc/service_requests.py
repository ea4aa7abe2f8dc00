"""Service requests to the member departments (issue 12 part 6): submit, accept, answer,
close; lists, the overdue list per department, summaries for the cooperative and the
department views. Rules: `services/org/domain/service_request.py`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventkit import pagination
from eventkit.errors import InvalidInput, NotFound
from eventkit.nameko_ext import command
from eventkit.validation import load
from services.org import handlers
from services.org import service_queries as sq
from services.org.contract import service_schemas as schemas
from services.org.contract.enums import SERVICE_DEPARTMENTS
from services.org.domain.policy import policy_on
from services.org.domain.service_request import (
    DEPARTMENT_LABELS,
    KIND_LABELS,
    WORKING_DAYS_NOTE,
)
from services.org.settings import versions


def _as_of(value: Any, today: dt.date) -> dt.date:
    if value is None:
        return today
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise InvalidInput.field("as_of", "must be a date (YYYY-MM-DD)") from exc


def _department(value: Any) -> str:
    if value not in SERVICE_DEPARTMENTS:
        raise InvalidInput.field("department", "not a member department that answers requests")
    return str(value)


class ServiceRequestsRpc:
    es: Any

    @command
    def submit_service_request(self, payload: dict, command_id: str | None = None,
                               scope: list[str] | None = None) -> dict:
        cmd = load(schemas.ServiceRequestIn, payload)
        cmd["submitted_on"] = self._day(cmd["submitted_on"], "submitted_on")
        result = self._run(handlers.submit_service_request, cmd, command_id, scope)
        return self.get_service_request(result["id"], scope)

    def _step(self, handler: Any, request_id: str, department: str, cmd: dict,
              command_id: str | None, scope: list[str] | None) -> dict:
        cmd = {**cmd, "on": self._day(cmd["on"]), "request_id": request_id,
               "department": department}
        self._run(handler, cmd, command_id, scope)
        return self.get_service_request(request_id, scope)

    @command
    def accept_service_request(self, request_id: str, department: str, payload: dict,
                               command_id: str | None = None,
                               scope: list[str] | None = None) -> dict:
        return self._step(handlers.accept_service_request, request_id, department,
                          load(schemas.ServiceStepIn, payload), command_id, scope)

    @command
    def answer_service_request(self, request_id: str, department: str, payload: dict,
                               command_id: str | None = None,
                               scope: list[str] | None = None) -> dict:
        return self._step(handlers.answer_service_request, request_id, department,
                          load(schemas.ServiceAnswerIn, payload), command_id, scope)

    @command
    def close_service_request(self, request_id: str, department: str, payload: dict,
                              command_id: str | None = None,
                              scope: list[str] | None = None) -> dict:
        return self._step(handlers.close_service_request, request_id, department,
                          load(schemas.ServiceStepIn, payload), command_id, scope)

    @command
    def get_service_request(self, request_id: str, scope: list[str] | None = None) -> dict:
        found = self.es.read(lambda cur: sq.load(cur, request_id, scope, self.clock.today()))
        if found is None:
            raise NotFound(f"service request {request_id} not found")
        return found  # type: ignore[no-any-return]

    @command
    def list_service_requests(self, filters: dict | None = None, limit: int = 50,
                              cursor: str | None = None,
                              scope: list[str] | None = None) -> dict:
        wanted = load(schemas.ServiceRequestFilter, filters or {})
        limit = pagination.clamp_limit(limit)
        return self.es.read(  # type: ignore[no-any-return]
            lambda cur: sq.list_page(cur, wanted, limit, cursor, scope, self.clock.today()))

    @command
    def service_requests_overdue(self, as_of: str | None = None, department: str | None = None,
                                 scope: list[str] | None = None) -> dict:
        day = _as_of(as_of, self.clock.today())
        if department is not None:
            _department(department)
        policy = policy_on(day, versions())
        departments = self.es.read(lambda cur: sq.overdue(cur, day, department, scope))
        return {"as_of": day.isoformat(), "working_days": WORKING_DAYS_NOTE,
                "answer_working_days": policy.service_answer_working_days,
                "total": sum(d["count"] for d in departments), "departments": departments}

    @command
    def service_routing(self, as_of: str | None = None) -> dict:
        policy = policy_on(_as_of(as_of, self.clock.today()), versions())
        return {"policy_version": policy.version, "working_days": WORKING_DAYS_NOTE,
                "answer_working_days": policy.service_answer_working_days,
                "routing": [{"kind": k, "kind_label": KIND_LABELS[k], "department": d,
                             "department_label": DEPARTMENT_LABELS[d]}
                            for k, d in policy.service_routing]}

    @command
    def service_summary(self, column: str, value: str, scope: list[str] | None = None,
                        as_of: str | None = None) -> dict:
        """A cooperative's (`cooperative_id`) or a department's (`department`) requests."""
        day = _as_of(as_of, self.clock.today())
        return self.es.read(  # type: ignore[no-any-return]
            lambda cur: sq.summary(cur, column, value, scope, day))
