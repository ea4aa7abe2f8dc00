"""GET /api/v1/dashboard: the county at a glance, from all four services in one answer."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from gateway import views
from gateway.router import Request, route


class PeriodQuery(Schema):
    year = fields.Int(validate=validate.Range(min=2000, max=2100),
                      metadata={"description": "default: this year (county time)"})
    month = fields.Int(validate=validate.Range(min=1, max=12),
                       metadata={"description": "default: this month (county time)"})


class Period(Schema):
    year = fields.Int(required=True)
    month = fields.Int(required=True)


class MissingPart(Schema):
    service = fields.Str(required=True, validate=validate.OneOf(list(views.SECTIONS)))
    sections = fields.List(fields.Str(), required=True)
    reason = fields.Str(required=True, validate=validate.OneOf(["timeout", "error"]))
    detail = fields.Str(required=True)


class CombinedView(Schema):
    period = fields.Nested(Period, required=True)
    generated_at = fields.Str(required=True)
    # `partial` is also a Schema attribute: declared under another name
    partial_ = fields.Bool(data_key="partial", required=True,
                           metadata={"description": "true when a service did not answer in time"})
    sections = fields.Dict(keys=fields.Str(validate=validate.OneOf(list(views.SECTION_ACTIONS))),
                           values=fields.Raw(allow_none=True), required=True)
    missing = fields.List(fields.Nested(MissingPart), required=True)
    withheld = fields.List(fields.Str(), required=True,
                           metadata={"description": "sections the caller may not read"})


class Dashboard(CombinedView):
    scope_unit = fields.Str(allow_none=True, required=True,
                            metadata={"description": "the token's unit, null for the county"})


def period(req: Request) -> tuple[int, int]:
    today = views.today()
    return req.query.get("year") or today.year, req.query.get("month") or today.month


@route("GET", "/dashboard", action="dashboard.read", tag="views",
       summary="The county at a glance (partial, never a 500, when a service is slow)",
       query=PeriodQuery, response=Dashboard)
def dashboard(req: Request) -> dict:
    year, month = period(req)
    body = views.combined(req.rpc, req.pool, req.principal, req.scope(),
                          tuple(views.SECTION_ACTIONS), year, month)
    body["scope_unit"] = req.principal.unit
    return body
