"""Request and response schemas of the activities service (shared with the gateway's OpenAPI).

Requests are validated twice with the same schema: by the gateway (422 before any RPC) and by
the service (`eventkit.validation.load`), so an RPC caller other than the gateway gets the
same answer. Times carry an offset (`AwareDateTime`); dates are county-local ISO dates.
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.activities.contract.enums import ACTIVITY_KINDS, MEETING_TYPES

_ID = validate.Length(min=1, max=100)
_TEXT = validate.Length(min=1, max=200)
_NON_NEG = validate.Range(min=0, max=2_000_000_000)


def _id(**kw) -> fields.Str:
    return fields.Str(validate=_ID, **kw)


def _ids(**kw) -> fields.List:
    return fields.List(fields.Str(validate=_ID), validate=validate.Length(max=5000), **kw)


def _text(max_len: int = 200, **kw) -> fields.Str:
    return fields.Str(validate=validate.Length(min=1, max=max_len), **kw)


def _count(**kw) -> fields.Int:
    return fields.Int(strict=True, validate=_NON_NEG, **kw)


def _texts(max_len: int = 500, **kw) -> fields.List:
    return fields.List(fields.Str(validate=validate.Length(min=1, max=max_len)),
                       validate=validate.Length(max=200), **kw)


KIND = validate.OneOf(ACTIVITY_KINDS)
MEETING_TYPE = validate.OneOf(MEETING_TYPES)
PERIOD = validate.Regexp(r"^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])\Z",
                         error="must be YYYY-MM or YYYY-Qn")
MONTH = validate.Regexp(r"^[0-9]{4}-(0[1-9]|1[0-2])\Z", error="must be YYYY-MM")


# -- activities ----------------------------------------------------------------------------


class ActivityIn(Schema):
    organizer_unit_ids = _ids(required=True, metadata={"description": "at least one unit"})
    co_organizer_unit_ids = _ids(load_default=list,
                                 metadata={"description": "co-organizing member units"})
    kind = fields.Str(required=True, validate=KIND)
    title = _text(required=True)
    starts_at = fields.AwareDateTime(required=True,
                                     metadata={"description": "ISO 8601 with offset"})
    ends_at = fields.AwareDateTime(required=True)
    venue = _text(required=True)
    audience = fields.Str(load_default="", validate=validate.Length(max=500))
    expected_attendance = _count(load_default=0)
    budget_fen = _count(load_default=0, metadata={"description": "integer fen"})
    work_menu_item_id = _id(load_default=None, allow_none=True)
    unified_activity_id = _id(load_default=None, allow_none=True,
                              metadata={"description": "links the activity to its "
                                                       "organizer's part of a unified activity"})


class ActivityEdit(Schema):
    organizer_unit_ids = _ids()
    co_organizer_unit_ids = _ids()
    kind = fields.Str(validate=KIND)
    title = _text()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    venue = _text()
    audience = fields.Str(validate=validate.Length(max=500))
    expected_attendance = _count()
    budget_fen = _count()
    work_menu_item_id = _id()


class ActivityHoldIn(Schema):
    held_on = fields.Date(required=True, metadata={"description": "county-local date"})
    attendee_member_ids = _ids(required=True)
    summary = _text(5000, required=True)
    outcome_figures = fields.Dict(keys=fields.Str(validate=_TEXT), values=_count(),
                                  load_default=dict,
                                  metadata={"description": "named integer figures"})


class ReasonIn(Schema):
    reason = _text(1000, required=True)


class MemberRefIn(Schema):
    member_id = _id(required=True)


class ActivityOut(Schema):
    id = fields.Str(required=True)
    status = fields.Str(required=True)
    kind = fields.Str(required=True)
    title = fields.Str(required=True)
    organizer_unit_ids = fields.List(fields.Str(), required=True)
    co_organizer_unit_ids = fields.List(fields.Str(), required=True)
    starts_at = fields.Str(required=True)
    ends_at = fields.Str(required=True)
    venue = fields.Str()
    audience = fields.Str()
    expected_attendance = fields.Int()
    budget_fen = fields.Int()
    work_menu_item_id = fields.Str(allow_none=True)
    unified_activity_id = fields.Str(allow_none=True)
    registered_member_ids = fields.List(fields.Str())
    checked_in_member_ids = fields.List(fields.Str())
    held_on = fields.Str(allow_none=True)
    attendee_member_ids = fields.List(fields.Str())
    attendance = fields.Int()
    summary = fields.Str(allow_none=True)
    outcome_figures = fields.Dict(keys=fields.Str(), values=fields.Int())
    cancel_reason = fields.Str(allow_none=True)
    planned_at = fields.Str()
    updated_at = fields.Str()
    version = fields.Int()


class Tally(Schema):
    held = fields.Int(required=True)
    participants = fields.Int(required=True)
    reached = fields.Int(required=True, metadata={"description": "unique people reached"})


class ActivityStatsOut(Schema):
    date_from = fields.Str(data_key="from", required=True)
    date_to = fields.Str(data_key="to", required=True)
    totals = fields.Nested(Tally, required=True)
    by_unit = fields.Dict(keys=fields.Str(), values=fields.Nested(Tally), required=True)
    by_kind = fields.Dict(keys=fields.Str(), values=fields.Nested(Tally), required=True)
    by_line = fields.Dict(keys=fields.Str(), values=fields.Nested(Tally), required=True,
                          metadata={"description": "per line of work (vocabulary "
                                    "lines_of_work; kinds without a line under `other`)"})
    by_month = fields.Dict(keys=fields.Str(), values=fields.Nested(Tally), required=True)


# -- unified activities --------------------------------------------------------------------


class UnifiedActivityIn(Schema):
    title = _text(required=True)
    kind = fields.Str(required=True, validate=KIND)
    description = fields.Str(load_default="", validate=validate.Length(max=5000))
    unit_ids = _ids(required=True)
    window_start = fields.Date(required=True)
    window_end = fields.Date(required=True)
    work_menu_item_id = _id(load_default=None, allow_none=True)


class UnitIdsIn(Schema):
    unit_ids = _ids(required=True)


class CompletionOut(Schema):
    owed = fields.Int(required=True)
    held = fields.Int(required=True)
    rate = fields.Float(required=True, allow_none=True)


class UnifiedPartOut(Schema):
    unit_id = fields.Str(required=True)
    status = fields.Str(required=True)
    activity_ids = fields.List(fields.Str(), required=True)
    held_on = fields.Str(allow_none=True)
    late = fields.Bool()
    excuse = fields.Str(allow_none=True)


class UnifiedActivityOut(Schema):
    id = fields.Str(required=True)
    title = fields.Str(required=True)
    kind = fields.Str(required=True)
    description = fields.Str()
    window_start = fields.Str(required=True)
    window_end = fields.Str(required=True)
    issued_on = fields.Str()
    work_menu_item_id = fields.Str(allow_none=True)
    status = fields.Str(required=True)
    closed_on = fields.Str(allow_none=True)
    version = fields.Int()
    parts = fields.List(fields.Nested(UnifiedPartOut))
    completion = fields.Nested(CompletionOut)


class UnifiedCompletionOut(Schema):
    year = fields.Int(allow_none=True)
    overall = fields.Nested(CompletionOut, required=True)
    by_unit = fields.Dict(keys=fields.Str(), values=fields.Nested(CompletionOut), required=True)


# -- work menus ----------------------------------------------------------------------------


class WorkMenuIn(Schema):
    year = fields.Int(required=True, strict=True, validate=validate.Range(min=2000, max=2100))
    title = _text(required=True)


class WorkMenuItemIn(Schema):
    title = _text(required=True)
    kind = fields.Str(required=True, validate=KIND)
    description = fields.Str(load_default="", validate=validate.Length(max=5000))
    suggested_months = fields.List(fields.Int(strict=True, validate=validate.Range(min=1, max=12)),
                                   load_default=list, validate=validate.Length(max=12))


class AdoptionIn(Schema):
    unit_id = _id(required=True)
    item_id = _id(required=True)


class WorkMenuItemOut(Schema):
    item_id = fields.Str(required=True)
    title = fields.Str(required=True)
    kind = fields.Str(required=True)
    description = fields.Str()
    suggested_months = fields.List(fields.Int())
    withdrawn = fields.Bool()
    withdraw_reason = fields.Str(allow_none=True)


class AdoptionOut(Schema):
    unit_id = fields.Str(required=True)
    item_id = fields.Str(required=True)
    adopted_on = fields.Str(required=True)


class WorkMenuOut(Schema):
    id = fields.Str(required=True)
    year = fields.Int(required=True)
    title = fields.Str(required=True)
    status = fields.Str(required=True)
    published_on = fields.Str(allow_none=True)
    version = fields.Int()
    items = fields.List(fields.Nested(WorkMenuItemOut))
    adoptions = fields.List(fields.Nested(AdoptionOut))


class ItemAdoptionOut(Schema):
    item_id = fields.Str(required=True)
    title = fields.Str(required=True)
    withdrawn = fields.Bool(required=True)
    adopted_by = fields.List(fields.Str(), required=True)
    delivered_by = fields.List(fields.Str(), required=True)


class AdoptionReportOut(Schema):
    menu_id = fields.Str(required=True)
    year = fields.Int(required=True)
    items = fields.List(fields.Nested(ItemAdoptionOut), required=True)
    units_adopting = fields.List(fields.Str(), required=True)
    units_not_adopting = fields.List(fields.Str(), required=True)
    adoption_rate = fields.Float(allow_none=True, required=True)


# -- supervision ---------------------------------------------------------------------------


class FollowUpIn(Schema):
    description = _text(2000, required=True)
    due_on = fields.Date(load_default=None, allow_none=True)


class SupervisionVisitIn(Schema):
    visitor = _text(required=True)
    unit_id = _id(required=True)
    visited_on = fields.Date(required=True)
    findings = _texts(5000, load_default=list)
    actions = fields.List(fields.Nested(FollowUpIn), load_default=list,
                          validate=validate.Length(max=100))


class CloseActionIn(Schema):
    note = _text(2000, required=True)
    closed_on = fields.Date(load_default=None, allow_none=True,
                            metadata={"description": "default: today (county-local)"})


class SupervisionActionOut(Schema):
    action_id = fields.Str(required=True)
    description = fields.Str(required=True)
    due_on = fields.Str(allow_none=True)
    closed_on = fields.Str(allow_none=True)
    note = fields.Str(allow_none=True)
    overdue = fields.Bool()


class SupervisionVisitOut(Schema):
    id = fields.Str(required=True)
    visitor = fields.Str(required=True)
    unit_id = fields.Str(required=True)
    visited_on = fields.Str(required=True)
    findings = fields.List(fields.Str())
    actions = fields.List(fields.Nested(SupervisionActionOut))
    open_actions = fields.Int()
    fully_closed = fields.Bool()
    version = fields.Int()


# -- WeChat groups -------------------------------------------------------------------------


class WeChatGroupIn(Schema):
    unit_id = _id(required=True)
    name = _text(100, required=True)
    admin_name = _text(100, required=True)
    admin_member_id = _id(load_default=None, allow_none=True)
    member_count = _count(required=True)
    as_of = fields.Date(load_default=None, allow_none=True,
                        metadata={"description": "default: today (county-local)"})


class WeChatGroupEdit(Schema):
    name = _text(100)
    admin_name = _text(100)
    admin_member_id = _id(allow_none=True)


class MemberCountIn(Schema):
    member_count = _count(required=True)
    as_of = fields.Date(load_default=None, allow_none=True)


class CloseGroupIn(Schema):
    reason = _text(required=True)
    closed_on = fields.Date(load_default=None, allow_none=True)


class WeChatGroupOut(Schema):
    id = fields.Str(required=True)
    unit_id = fields.Str(required=True)
    name = fields.Str(required=True)
    admin_name = fields.Str(required=True)
    admin_member_id = fields.Str(allow_none=True)
    member_count = fields.Int(required=True)
    member_count_as_of = fields.Str()
    status = fields.Str(required=True)
    closed_on = fields.Str(allow_none=True)
    close_reason = fields.Str(allow_none=True)
    registered_at = fields.Str()
    updated_at = fields.Str()
    version = fields.Int()


# -- meetings ------------------------------------------------------------------------------


class AbsenceIn(Schema):
    member_id = _id(required=True)
    reason = _text(required=True)


class MeetingIn(Schema):
    meeting_type = fields.Str(required=True, validate=MEETING_TYPE)
    unit_id = _id(required=True)
    held_on = fields.Date(load_default=None, allow_none=True,
                          metadata={"description": "county-local date (or give held_at)"})
    held_at = fields.AwareDateTime(load_default=None, allow_none=True,
                                   metadata={"description": "start time with offset"})
    attendee_member_ids = _ids(required=True)
    absentees = fields.List(fields.Nested(AbsenceIn), load_default=list,
                            validate=validate.Length(max=5000))
    topics = _texts(load_default=list)
    resolutions = _texts(2000, load_default=list)
    minutes = fields.Str(load_default="", validate=validate.Length(max=50000))

    @validates_schema
    def _one_time(self, data, **kwargs) -> None:
        if (data.get("held_on") is None) == (data.get("held_at") is None):
            raise ValidationError("give exactly one of held_on and held_at", "held_on")


class MeetingAmendIn(Schema):
    minutes = fields.Str(required=True, validate=validate.Length(max=50000))
    resolutions = _texts(2000)


class AbsenceOut(Schema):
    member_id = fields.Str(required=True)
    reason = fields.Str(required=True)


class AttendanceOut(Schema):
    member_id = fields.Str(required=True)
    role = fields.Str(required=True, metadata={"description": "vocabulary meeting_attendee_roles"})


class MeetingOut(Schema):
    id = fields.Str(required=True)
    meeting_type = fields.Str(required=True)
    unit_id = fields.Str(required=True)
    held_on = fields.Str(required=True)
    held_at = fields.Str(allow_none=True)
    attendee_member_ids = fields.List(fields.Str())
    absentees = fields.List(fields.Nested(AbsenceOut))
    topics = fields.List(fields.Str())
    resolutions = fields.List(fields.Str())
    minutes = fields.Str()
    status = fields.Str(required=True)
    retract_reason = fields.Str(allow_none=True)
    recorded_at = fields.Str()
    updated_at = fields.Str()
    version = fields.Int()
    attendance = fields.List(fields.Nested(AttendanceOut),
                             metadata={"description": "each attendee with their role that day"})
    chaired = fields.Bool(metadata={"description": "the secretary or a deputy secretary "
                                                   "attended (a regular meeting counts only then)"})


class DutyOut(Schema):
    meeting_type = fields.Str(required=True)
    cadence = fields.Str(required=True)
    window = fields.Str(required=True)
    window_start = fields.Str(required=True)
    window_end = fields.Str(required=True)
    status = fields.Str(required=True, metadata={"description": "due / held / overdue"})
    meeting_ids = fields.List(fields.Str(), required=True)


class StatusCountsOut(Schema):
    due = fields.Int(required=True)
    held = fields.Int(required=True)
    overdue = fields.Int(required=True)
    units = fields.Int(required=True)
    units_overdue = fields.Int(required=True)


class UnitComplianceOut(Schema):
    unit_id = fields.Str(required=True)
    name = fields.Str(required=True)
    kind = fields.Str(required=True)
    professional_committee_id = fields.Str(allow_none=True)
    township = fields.Str(allow_none=True)
    overdue = fields.Bool(required=True)
    duties = fields.List(fields.Nested(DutyOut), required=True)


class ComplianceOut(Schema):
    period = fields.Str(required=True)
    period_start = fields.Str(required=True)
    period_end = fields.Str(required=True)
    today = fields.Str(required=True)
    totals = fields.Nested(StatusCountsOut, required=True)
    overdue_unit_ids = fields.List(fields.Str(), required=True)
    by_professional_committee = fields.Dict(keys=fields.Str(),
                                            values=fields.Nested(StatusCountsOut), required=True)
    by_township = fields.Dict(keys=fields.Str(), values=fields.Nested(StatusCountsOut),
                              required=True)
    units = fields.List(fields.Nested(UnitComplianceOut), required=True)


class HistoryPeriodOut(Schema):
    period = fields.Str(required=True)
    duties = fields.List(fields.Nested(DutyOut), required=True)


class UnitHistoryOut(Schema):
    unit_id = fields.Str(required=True)
    totals = fields.Nested(StatusCountsOut, required=True)
    periods = fields.List(fields.Nested(HistoryPeriodOut), required=True)
