"""GET /api/v1/units/{id}/overview: one unit with the dashboard's sections for its subtree."""

from __future__ import annotations

from marshmallow import fields

from eventkit.errors import NotFound
from gateway import views
from gateway.router import Request, route
from gateway.routes.dashboard import CombinedView, PeriodQuery, period


class Overview(CombinedView):
    unit_id = fields.Str(required=True)
    units = fields.Int(required=True, metadata={"description": "units in the subtree"})


@route("GET", "/units/{id}/overview", action="units.read", tag="views",
       summary="A unit and its subtree: the dashboard's sections", query=PeriodQuery,
       response=Overview, responses=(404,))
def overview(req: Request) -> dict:
    unit_id = req.params["id"]
    if not req.in_scope([unit_id]):
        raise NotFound(f"unit {unit_id} not found")
    subtree = req.subtree_of(unit_id)  # org answers NotFound for an unknown unit
    year, month = period(req)
    body = views.combined(req.rpc, req.pool, req.principal, subtree,
                          tuple(views.SECTION_ACTIONS), year, month)
    body.update(unit_id=unit_id, units=len(subtree))
    return body
