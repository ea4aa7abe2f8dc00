"""GET /api/v1/departments/{department}/view: what a member department follows.

The sections per department are `gateway.views.DEPARTMENT_SECTIONS` (docs/gateway.md); the
caller sees those of them that the policy lets them read, in their own unit scope.
"""

from __future__ import annotations

from marshmallow import fields

from gateway import auth, policy, views
from gateway.router import Request, route
from gateway.routes.dashboard import CombinedView, PeriodQuery, period
from gateway.routes.trainings import TRAINING_KINDS
from services.activities.contract.schemas import ActivityOut
from services.org.contract.enums import SERVICE_DEPARTMENTS
from services.org.contract.service_schemas import ServiceSummaryOut


class DepartmentView(CombinedView):
    department = fields.Str(required=True)
    follows = fields.List(fields.Str(), required=True,
                          metadata={"description": "the sections this department follows"})
    service_requests = fields.Nested(ServiceSummaryOut, allow_none=True, metadata={
        "description": "the service requests routed to this department (issue 12 part 6): "
                       "counts by status, overdue, the latest with their answers"})
    trainings = fields.List(fields.Nested(ActivityOut), metadata={
        "description": "science_technology: the county's trainings and technical services "
                       "(activities of the training kinds), newest first"})


@route("GET", "/departments/{department}/view", action="departments.read", tag="views",
       summary="A member department's view", query=PeriodQuery, response=DepartmentView,
       params={"department": {"type": "string", "enum": list(auth.DEPARTMENTS)}})
def department_view(req: Request) -> dict:
    department = req.params["department"]
    if department not in views.DEPARTMENT_SECTIONS:
        from eventkit.errors import NotFound

        raise NotFound(f"no department {department}")
    wanted = views.DEPARTMENT_SECTIONS[department]
    year, month = period(req)
    body = views.combined(req.rpc, req.pool, req.principal, req.scope(), wanted, year, month)
    body.update(department=department, follows=list(wanted))
    if department in SERVICE_DEPARTMENTS and policy.allowed(req.principal,
                                                            "service_requests.read"):
        body["service_requests"] = req.rpc.org.service_summary("department", department,
                                                               req.scope())
    if department == "science_technology" and policy.allowed(req.principal, "activities.read"):
        items: list[dict] = []
        for kind in TRAINING_KINDS:
            items += req.rpc.activities.list_activities({"kind": kind}, 20, None,
                                                        scope=req.scope())["items"]
        body["trainings"] = sorted(items, key=lambda a: a["starts_at"], reverse=True)[:20]
    return body
