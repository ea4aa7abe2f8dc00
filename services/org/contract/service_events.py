"""Events of the service requests to the member departments (issue 12 part 6).

Stream `service_request-<id>`. Each step is one event: submitted (routed to a department by
its kind), accepted, answered, closed. A young entrepreneur's name is personal (sealed with
the entrepreneur's own key, `entrepreneur_id`).
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from eventkit.personal import Personal
from services.org.contract.enums import SERVICE_DEPARTMENTS, SERVICE_KINDS, SERVICE_OUTCOMES
from services.org.contract.events import registry

_TEXT = validate.Length(min=1)


def _opt_text() -> fields.Str:
    return fields.Str(required=True, allow_none=True, validate=_TEXT)


def _department() -> fields.Str:
    return fields.Str(required=True, validate=validate.OneOf(SERVICE_DEPARTMENTS))


@registry.event("ServiceRequestSubmitted", version=1)
class ServiceRequestSubmitted(Schema):
    """A League unit asked, for a cooperative or a young entrepreneur; routed by `kind` to
    `department`, answer due on `due_on` (`answer_working_days` working days, Mon-Fri)."""

    personal = Personal(fields=("entrepreneur_name",), subject="entrepreneur_id")
    unit_id = fields.Str(required=True, validate=_TEXT)
    kind = fields.Str(required=True, validate=validate.OneOf(SERVICE_KINDS))
    department = _department()
    cooperative_id = _opt_text()
    entrepreneur_id = _opt_text()
    entrepreneur_name = _opt_text()
    title = fields.Str(required=True, validate=_TEXT)
    description = fields.Str(required=True)
    submitted_on = fields.Date(required=True)
    due_on = fields.Date(required=True)
    answer_working_days = fields.Int(required=True, strict=True, validate=validate.Range(min=0))
    policy_version = fields.Str(required=True, validate=_TEXT)


@registry.event("ServiceRequestAccepted", version=1)
class ServiceRequestAccepted(Schema):
    department = _department()
    on = fields.Date(required=True)
    note = _opt_text()


@registry.event("ServiceRequestAnswered", version=1)
class ServiceRequestAnswered(Schema):
    """The department's answer; `late` when given after the due day; `activity_id` links a
    training or technical service the department ran (activities service)."""

    department = _department()
    on = fields.Date(required=True)
    answer = fields.Str(required=True, validate=_TEXT)
    outcome = fields.Str(required=True, validate=validate.OneOf(SERVICE_OUTCOMES))
    activity_id = _opt_text()
    late = fields.Bool(required=True)


@registry.event("ServiceRequestClosed", version=1)
class ServiceRequestClosed(Schema):
    department = _department()
    on = fields.Date(required=True)
    note = _opt_text()
