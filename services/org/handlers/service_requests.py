"""Service requests to the member departments (issue 12 part 6): submit, then the routed
department accepts, answers and closes. Rules: `domain/service_request.py`, the routing and
the answer deadline by the policy version of the day submitted (`domain/policy.py`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventkit.errors import InvalidInput, NotFound
from eventkit.uow import Tx
from eventkit.validation import require_in_scope
from services.org.domain.policy import policy_on, route_of
from services.org.domain.service_request import ServiceRequest
from services.org.handlers.base import Context


def submit_service_request(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """cmd: ServiceRequestIn with submitted_on a date. A named entrepreneur without an id
    gets a new one (a person org can later erase)."""
    require_in_scope(cmd["unit_id"], ctx.scope, "unit_id")
    facts = ctx.facts(tx)
    policy = policy_on(cmd["submitted_on"], ctx.policies)
    department = route_of(cmd["kind"], policy)
    unit = facts.unit(cmd["unit_id"])
    if unit is None or unit.status != "active":
        raise InvalidInput.field("unit_id", f"unknown or dissolved unit {cmd['unit_id']}")
    coop = cmd["cooperative_id"]
    if coop is not None and (not facts.cooperative_exists(coop) or (
            ctx.scope is not None and coop not in facts.scoped_cooperative_ids(ctx.scope))):
        raise InvalidInput.field("cooperative_id", f"unknown cooperative {coop}")
    entrepreneur_id = cmd["entrepreneur_id"]
    if cmd["entrepreneur_name"] and not entrepreneur_id:
        entrepreneur_id = ctx.new_id()
    request = tx.add(ServiceRequest(ctx.new_id()))
    assert isinstance(request, ServiceRequest)
    request.submit(unit_id=cmd["unit_id"], kind=cmd["kind"], department=department,
                   cooperative_id=coop, entrepreneur_id=entrepreneur_id,
                   entrepreneur_name=cmd["entrepreneur_name"], title=cmd["title"],
                   description=cmd["description"], submitted_on=cmd["submitted_on"],
                   answer_working_days=policy.service_answer_working_days,
                   policy_version=policy.version)
    return {"id": request.id}


def _on_request(tx: Tx, cmd: dict[str, Any], ctx: Context,
                act: Callable[[ServiceRequest], Any]) -> dict[str, Any]:
    """A request the caller sees (asked by a unit in scope, or for a cooperative a unit in
    scope covers; 404 otherwise, as if unknown)."""
    request = tx.get(ServiceRequest, cmd["request_id"], "service request")
    assert isinstance(request, ServiceRequest)
    scope = ctx.scope
    if scope is not None and request.unit_id not in scope and (
            request.cooperative_id is None
            or request.cooperative_id not in ctx.facts(tx).scoped_cooperative_ids(scope)):
        raise NotFound(f"service request {cmd['request_id']} not found")
    act(request)
    return {"id": cmd["request_id"]}


def accept_service_request(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """cmd: request_id, department (the one routed to), on, note."""
    return _on_request(tx, cmd, ctx, lambda r: r.accept(
        department=cmd["department"], on=cmd["on"], note=cmd["note"]))


def answer_service_request(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return _on_request(tx, cmd, ctx, lambda r: r.answer(
        department=cmd["department"], on=cmd["on"], answer=cmd["answer"],
        outcome=cmd["outcome"], activity_id=cmd["activity_id"]))


def close_service_request(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return _on_request(tx, cmd, ctx, lambda r: r.close(
        department=cmd["department"], on=cmd["on"], note=cmd["note"]))
