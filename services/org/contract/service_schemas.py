"""Schemas of the service requests to the member departments (issue 12 part 6)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.org.contract.enums import (
    SERVICE_DEPARTMENTS,
    SERVICE_KINDS,
    SERVICE_OUTCOMES,
    SERVICE_REQUEST_STATUSES,
)
from services.org.contract.fields import _ID, _on, _opt_name

KIND = validate.OneOf(SERVICE_KINDS)
DEPARTMENT = validate.OneOf(SERVICE_DEPARTMENTS)
STATUS = validate.OneOf(SERVICE_REQUEST_STATUSES)
OUTCOME = validate.OneOf(SERVICE_OUTCOMES)


def _note() -> fields.Str:
    return fields.Str(load_default=None, allow_none=True,
                      validate=validate.Length(min=1, max=2000))


class ServiceRequestIn(Schema):
    """A League unit asks on behalf of a cooperative or a young entrepreneur (one at least)."""

    unit_id = fields.Str(required=True, validate=_ID,
                         metadata={"description": "the League unit that asks"})
    kind = fields.Str(required=True, validate=KIND, metadata={
        "description": "policy_support 政策扶持 / funding_support 资金支持 / tax_relief "
                       "税收减免 / simpler_procedures 简化手续 / training 技能培训 / "
                       "technical_help 科技服务"})
    cooperative_id = fields.Str(load_default=None, allow_none=True, validate=_ID)
    entrepreneur_id = fields.Str(load_default=None, allow_none=True, validate=_ID, metadata={
        "description": "a young entrepreneur's id (any stable id; default: a new one when a "
                       "name is given)"})
    entrepreneur_name = _opt_name(100)
    title = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    description = fields.Str(load_default="", validate=validate.Length(max=5000))
    submitted_on = fields.Date(load_default=None, allow_none=True,
                               metadata={"description": "default today; not in the future"})


class ServiceStepIn(Schema):
    on = _on()
    note = _note()


class ServiceAnswerIn(Schema):
    on = _on()
    answer = fields.Str(required=True, validate=validate.Length(min=1, max=5000))
    outcome = fields.Str(required=True, validate=OUTCOME, metadata={
        "description": "supported 予以支持 / partly_supported 部分支持 / not_supported 不予支持"})
    activity_id = fields.Str(load_default=None, allow_none=True, validate=_ID, metadata={
        "description": "the training or technical service run for it (activities)"})


class ServiceRequestFilter(Schema):
    status = fields.Str(validate=STATUS)
    kind = fields.Str(validate=KIND)
    department = fields.Str(validate=DEPARTMENT)
    unit_id = fields.Str(validate=_ID)
    cooperative_id = fields.Str(validate=_ID)
    overdue = fields.Bool()


class ServiceRequestOut(Schema):
    id = fields.Str(required=True)
    unit_id = fields.Str(required=True)
    kind = fields.Str(required=True)
    kind_label = fields.Str(required=True)
    department = fields.Str(required=True)
    department_label = fields.Str(required=True)
    cooperative_id = fields.Str(allow_none=True, required=True)
    cooperative_name = fields.Str(allow_none=True, required=True)
    entrepreneur_id = fields.Str(allow_none=True, required=True)
    entrepreneur_name = fields.Str(allow_none=True, required=True)
    title = fields.Str(required=True)
    description = fields.Str(required=True)
    status = fields.Str(required=True)
    status_label = fields.Str(required=True)
    submitted_on = fields.Str(required=True)
    due_on = fields.Str(required=True)
    overdue = fields.Bool(required=True)
    accepted_on = fields.Str(allow_none=True, required=True)
    answered_on = fields.Str(allow_none=True, required=True)
    answer = fields.Str(allow_none=True, required=True)
    outcome = fields.Str(allow_none=True, required=True)
    outcome_label = fields.Str(allow_none=True, required=True)
    answered_late = fields.Bool(allow_none=True, required=True)
    activity_id = fields.Str(allow_none=True, required=True)
    closed_on = fields.Str(allow_none=True, required=True)
    close_note = fields.Str(allow_none=True, required=True)
    policy_version = fields.Str(required=True)
    version = fields.Int(required=True)


class OverdueItemOut(Schema):
    id = fields.Str(required=True)
    title = fields.Str(required=True)
    kind = fields.Str(required=True)
    status = fields.Str(required=True)
    unit_id = fields.Str(required=True)
    cooperative_id = fields.Str(allow_none=True, required=True)
    submitted_on = fields.Str(required=True)
    due_on = fields.Str(required=True)
    working_days_overdue = fields.Int(required=True)


class OverdueDepartmentOut(Schema):
    department = fields.Str(required=True)
    department_label = fields.Str(required=True)
    count = fields.Int(required=True)
    items = fields.List(fields.Nested(OverdueItemOut), required=True)


class OverdueOut(Schema):
    as_of = fields.Str(required=True)
    answer_working_days = fields.Int(required=True)
    working_days = fields.Str(required=True)
    total = fields.Int(required=True)
    departments = fields.List(fields.Nested(OverdueDepartmentOut), required=True)


class OverdueQuery(Schema):
    as_of = fields.Date(load_default=None, allow_none=True,
                        metadata={"description": "the day to judge on (default today)"})
    department = fields.Str(validate=DEPARTMENT)


class RoutingOut(Schema):
    policy_version = fields.Str(required=True)
    answer_working_days = fields.Int(required=True)
    working_days = fields.Str(required=True)
    routing = fields.List(fields.Dict(), required=True,
                          metadata={"description": "kind -> department, with labels"})


class ServiceSummaryOut(Schema):
    """Service requests of a cooperative or of a department: counts and the latest ones."""

    total = fields.Int(required=True)
    by_status = fields.Dict(keys=fields.Str(), values=fields.Int(), required=True)
    overdue = fields.Int(required=True)
    latest = fields.List(fields.Nested(ServiceRequestOut), required=True)
