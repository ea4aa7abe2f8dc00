"""Service requests to the member departments (issue 12 part 6): submit, accept, answer,
close; lists, the overdue list per department, summaries for the cooperative and the
department views. Rules: `services/org/domain/service_request.py`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventkit import pagination
from eventkit.errors import InvalidInput, NotFound
from eventkit.nameko_ext import command
from eventkit.uow import Tx
from eventkit.validation import load, require_in_scope
from services.org import queries as q
from services.org import service_queries as sq
from services.org.contract import service_schemas as schemas
from services.org.contract.enums import SERVICE_DEPARTMENTS
from services.org.domain.policy import policy_on, route_of
from services.org.domain.service_request import (
    DEPARTMENT_LABELS,
    KIND_LABELS,
    WORKING_DAYS_NOTE,
    ServiceRequest,
)
from services.org.rpc.common import _new_id
from services.org.settings import versions


def _as_of(value: Any) -> dt.date:
    if value is None:
        return q.today()
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
        data = load(schemas.ServiceRequestIn(), payload)
        submitted_on = q.day(data["submitted_on"], "submitted_on")
        policy = policy_on(submitted_on, versions())
        department = route_of(data["kind"], policy)
        require_in_scope(data["unit_id"], scope, "unit_id")
        entrepreneur_id = data["entrepreneur_id"]
        if data["entrepreneur_name"] and not entrepreneur_id:
            entrepreneur_id = _new_id()

        def handle(tx: Tx) -> dict:
            if not sq.unit_is_active(tx.cur, data["unit_id"]):
                raise InvalidInput.field("unit_id", f"unknown or dissolved unit {data['unit_id']}")
            coop = data["cooperative_id"]
            if coop is not None and (not sq.cooperative_exists(tx.cur, coop) or (
                    scope is not None and coop not in q.scoped_cooperative_ids(tx.cur, scope))):
                raise InvalidInput.field("cooperative_id", f"unknown cooperative {coop}")
            request = tx.add(ServiceRequest(_new_id()))
            assert isinstance(request, ServiceRequest)
            request.submit(unit_id=data["unit_id"], kind=data["kind"], department=department,
                           cooperative_id=coop, entrepreneur_id=entrepreneur_id,
                           entrepreneur_name=data["entrepreneur_name"], title=data["title"],
                           description=data["description"], submitted_on=submitted_on,
                           answer_working_days=policy.service_answer_working_days,
                           policy_version=policy.version)
            return {"id": request.id}

        result = self.es.run(handle, command_id)
        return self.get_service_request(result["id"], scope)

    def _step(self, request_id: str, command_id: str | None,
              scope: list[str] | None, act: Any) -> dict:
        self.get_service_request(request_id, scope)  # 404 outside scope

        def handle(tx: Tx) -> dict:
            request = tx.get(ServiceRequest, request_id, "service request")
            assert isinstance(request, ServiceRequest)
            act(request)
            return {"id": request_id}

        self.es.run(handle, command_id)
        return self.get_service_request(request_id, scope)

    @command
    def accept_service_request(self, request_id: str, department: str, payload: dict,
                               command_id: str | None = None,
                               scope: list[str] | None = None) -> dict:
        data = load(schemas.ServiceStepIn(), payload)
        on = q.day(data["on"])
        return self._step(request_id, command_id, scope,
                          lambda r: r.accept(department=department, on=on, note=data["note"]))

    @command
    def answer_service_request(self, request_id: str, department: str, payload: dict,
                               command_id: str | None = None,
                               scope: list[str] | None = None) -> dict:
        data = load(schemas.ServiceAnswerIn(), payload)
        on = q.day(data["on"])
        return self._step(request_id, command_id, scope,
                          lambda r: r.answer(department=department, on=on,
                                             answer=data["answer"], outcome=data["outcome"],
                                             activity_id=data["activity_id"]))

    @command
    def close_service_request(self, request_id: str, department: str, payload: dict,
                              command_id: str | None = None,
                              scope: list[str] | None = None) -> dict:
        data = load(schemas.ServiceStepIn(), payload)
        on = q.day(data["on"])
        return self._step(request_id, command_id, scope,
                          lambda r: r.close(department=department, on=on, note=data["note"]))

    @command
    def get_service_request(self, request_id: str, scope: list[str] | None = None) -> dict:
        found = self.es.read(lambda cur: sq.load(cur, request_id, scope, q.today()))
        if found is None:
            raise NotFound(f"service request {request_id} not found")
        return found  # type: ignore[no-any-return]

    @command
    def list_service_requests(self, filters: dict | None = None, limit: int = 50,
                              cursor: str | None = None,
                              scope: list[str] | None = None) -> dict:
        wanted = load(schemas.ServiceRequestFilter(), filters or {})
        limit = pagination.clamp_limit(limit)
        return self.es.read(  # type: ignore[no-any-return]
            lambda cur: sq.list_page(cur, wanted, limit, cursor, scope, q.today()))

    @command
    def service_requests_overdue(self, as_of: str | None = None, department: str | None = None,
                                 scope: list[str] | None = None) -> dict:
        day = _as_of(as_of)
        if department is not None:
            _department(department)
        policy = policy_on(day, versions())
        departments = self.es.read(lambda cur: sq.overdue(cur, day, department, scope))
        return {"as_of": day.isoformat(), "working_days": WORKING_DAYS_NOTE,
                "answer_working_days": policy.service_answer_working_days,
                "total": sum(d["count"] for d in departments), "departments": departments}

    @command
    def service_routing(self, as_of: str | None = None) -> dict:
        policy = policy_on(_as_of(as_of), versions())
        return {"policy_version": policy.version, "working_days": WORKING_DAYS_NOTE,
                "answer_working_days": policy.service_answer_working_days,
                "routing": [{"kind": k, "kind_label": KIND_LABELS[k], "department": d,
                             "department_label": DEPARTMENT_LABELS[d]}
                            for k, d in policy.service_routing]}

    @command
    def service_summary(self, column: str, value: str, scope: list[str] | None = None,
                        as_of: str | None = None) -> dict:
        """A cooperative's (`cooperative_id`) or a department's (`department`) requests."""
        day = _as_of(as_of)
        return self.es.read(  # type: ignore[no-any-return]
            lambda cur: sq.summary(cur, column, value, scope, day))
