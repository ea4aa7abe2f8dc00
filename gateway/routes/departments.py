"""GET /api/v1/departments/{department}/view: what a member department follows.

The sections per department are `gateway.views.DEPARTMENT_SECTIONS` (docs/gateway.md); the
caller sees those of them that the policy lets them read, in their own unit scope.
"""

from __future__ import annotations

from marshmallow import fields

from gateway import auth, views
from gateway.router import Request, route
from gateway.routes.dashboard import CombinedView, PeriodQuery, period


class DepartmentView(CombinedView):
    department = fields.Str(required=True)
    follows = fields.List(fields.Str(), required=True,
                          metadata={"description": "the sections this department follows"})


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
    return body
