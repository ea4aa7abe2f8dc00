"""Event schemas of the activities service (marshmallow 4), one per event type.

Every event the domain aggregates record validates here (tests/unit/activities check it).
Times are ISO 8601 with offset (county local +08:00), dates ISO, money int fen.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from eventkit.personal import Personal
from eventkit.registry import EventRegistry
from services.activities.contract.enums import ACTIVITY_KINDS, ATTENDEE_ROLES, MEETING_TYPES

registry = EventRegistry("activities")

_Id = fields.Str
_NON_NEG = validate.Range(min=0)


def _ids(required: bool = True) -> fields.List:
    return fields.List(_Id(validate=validate.Length(min=1)), required=required)


def _text(required: bool = True) -> fields.Str:
    return fields.Str(required=required)


def _nullable_id() -> fields.Str:
    return fields.Str(allow_none=True, load_default=None)


# -- activity ------------------------------------------------------------------------


@registry.event("ActivityPlanned", version=1)
class ActivityPlanned(Schema):
    organizer_unit_ids = fields.List(_Id(), required=True, validate=validate.Length(min=1))
    co_organizer_unit_ids = _ids()
    kind = fields.Str(required=True, validate=validate.OneOf(ACTIVITY_KINDS))
    title = _text()
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    venue = _text()
    audience = _text()
    expected_attendance = fields.Int(required=True, strict=True, validate=_NON_NEG)
    budget_fen = fields.Int(required=True, strict=True, validate=_NON_NEG)
    work_menu_item_id = _nullable_id()
    unified_activity_id = _nullable_id()


@registry.event("ActivityEdited", version=1)
class ActivityEdited(Schema):
    organizer_unit_ids = fields.List(_Id(), validate=validate.Length(min=1))
    co_organizer_unit_ids = fields.List(_Id())
    kind = fields.Str(validate=validate.OneOf(ACTIVITY_KINDS))
    title = fields.Str()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    venue = fields.Str()
    audience = fields.Str()
    expected_attendance = fields.Int(strict=True, validate=_NON_NEG)
    budget_fen = fields.Int(strict=True, validate=_NON_NEG)
    work_menu_item_id = fields.Str()


class _MemberAt(Schema):
    member_id = fields.Str(required=True)
    at = fields.DateTime(required=True)


@registry.event("ActivityRegistrationAdded", version=1)
class ActivityRegistrationAdded(_MemberAt):
    pass


@registry.event("ActivityRegistrationWithdrawn", version=1)
class ActivityRegistrationWithdrawn(_MemberAt):
    pass


@registry.event("ActivityCheckInRecorded", version=1)
class ActivityCheckInRecorded(_MemberAt):
    pass


@registry.event("ActivityHeld", version=1)
class ActivityHeld(Schema):
    held_on = fields.Date(required=True)
    attendee_member_ids = _ids()
    summary = _text()
    outcome_figures = fields.Dict(
        keys=fields.Str(), values=fields.Int(strict=True, validate=_NON_NEG), required=True
    )


@registry.event("ActivityCancelled", version=1)
class ActivityCancelled(Schema):
    reason = _text()


# -- unified activity ----------------------------------------------------------------


@registry.event("UnifiedActivityIssued", version=1)
class UnifiedActivityIssued(Schema):
    title = _text()
    kind = fields.Str(required=True, validate=validate.OneOf(ACTIVITY_KINDS))
    description = _text()
    unit_ids = fields.List(_Id(), required=True, validate=validate.Length(min=1))
    window_start = fields.Date(required=True)
    window_end = fields.Date(required=True)
    issued_on = fields.Date(required=True)
    work_menu_item_id = _nullable_id()


@registry.event("UnifiedActivityUnitsAdded", version=1)
class UnifiedActivityUnitsAdded(Schema):
    unit_ids = fields.List(_Id(), required=True, validate=validate.Length(min=1))


@registry.event("UnifiedActivityUnitExcused", version=1)
class UnifiedActivityUnitExcused(Schema):
    unit_id = fields.Str(required=True)
    reason = _text()


@registry.event("UnifiedActivityPartLinked", version=1)
class UnifiedActivityPartLinked(Schema):
    unit_id = fields.Str(required=True)
    activity_id = fields.Str(required=True)


@registry.event("UnifiedActivityPartHeld", version=1)
class UnifiedActivityPartHeld(Schema):
    unit_id = fields.Str(required=True)
    activity_id = fields.Str(required=True)
    held_on = fields.Date(required=True)


@registry.event("UnifiedActivityClosed", version=1)
class UnifiedActivityClosed(Schema):
    closed_on = fields.Date(required=True)


# -- work menu -----------------------------------------------------------------------


@registry.event("WorkMenuDrafted", version=1)
class WorkMenuDrafted(Schema):
    year = fields.Int(required=True, strict=True, validate=validate.Range(min=2000, max=2100))
    title = _text()


@registry.event("WorkMenuItemAdded", version=1)
class WorkMenuItemAdded(Schema):
    item_id = fields.Str(required=True)
    title = _text()
    kind = fields.Str(required=True, validate=validate.OneOf(ACTIVITY_KINDS))
    description = _text()
    suggested_months = fields.List(
        fields.Int(strict=True, validate=validate.Range(min=1, max=12)), required=True
    )


@registry.event("WorkMenuItemWithdrawn", version=1)
class WorkMenuItemWithdrawn(Schema):
    item_id = fields.Str(required=True)
    reason = _text()


@registry.event("WorkMenuPublished", version=1)
class WorkMenuPublished(Schema):
    published_on = fields.Date(required=True)


@registry.event("WorkMenuItemAdopted", version=1)
class WorkMenuItemAdopted(Schema):
    unit_id = fields.Str(required=True)
    item_id = fields.Str(required=True)
    adopted_on = fields.Date(required=True)


@registry.event("WorkMenuAdoptionDropped", version=1)
class WorkMenuAdoptionDropped(Schema):
    unit_id = fields.Str(required=True)
    item_id = fields.Str(required=True)
    reason = _text()


# -- supervision ---------------------------------------------------------------------


class _Action(Schema):
    action_id = fields.Str(required=True)
    description = _text()
    due_on = fields.Date(allow_none=True, load_default=None)


@registry.event("SupervisionVisitRecorded", version=1)
class SupervisionVisitRecorded(Schema):
    visitor = _text()
    unit_id = fields.Str(required=True)
    visited_on = fields.Date(required=True)
    findings = fields.List(fields.Str(), required=True)
    actions = fields.List(fields.Nested(_Action), required=True)


@registry.event("SupervisionActionAdded", version=1)
class SupervisionActionAdded(_Action):
    pass


@registry.event("SupervisionActionClosed", version=1)
class SupervisionActionClosed(Schema):
    action_id = fields.Str(required=True)
    closed_on = fields.Date(required=True)
    note = _text()


# -- WeChat group --------------------------------------------------------------------


@registry.event("WeChatGroupRegistered", version=1)
class WeChatGroupRegistered(Schema):
    personal = Personal(("admin_name",), subject="admin_member_id", not_personal=("name",))
    unit_id = fields.Str(required=True)
    name = _text()
    admin_name = _text()
    admin_member_id = _nullable_id()
    member_count = fields.Int(required=True, strict=True, validate=_NON_NEG)
    as_of = fields.Date(required=True)


@registry.event("WeChatGroupRenamed", version=1)
class WeChatGroupRenamed(Schema):
    personal = Personal(not_personal=("name",))  # the group's name
    name = _text()


@registry.event("WeChatGroupAdminChanged", version=1)
class WeChatGroupAdminChanged(Schema):
    personal = Personal(("admin_name",), subject="admin_member_id")
    admin_name = _text()
    admin_member_id = _nullable_id()


@registry.event("WeChatGroupMemberCountReported", version=1)
class WeChatGroupMemberCountReported(Schema):
    member_count = fields.Int(required=True, strict=True, validate=_NON_NEG)
    as_of = fields.Date(required=True)


@registry.event("WeChatGroupClosed", version=1)
class WeChatGroupClosed(Schema):
    closed_on = fields.Date(required=True)
    reason = _text()


# -- meetings ------------------------------------------------------------------------


class _Absence(Schema):
    member_id = fields.Str(required=True)
    reason = _text()


@registry.event("MeetingRecorded", version=1)
class MeetingRecorded(Schema):
    meeting_type = fields.Str(required=True, validate=validate.OneOf(MEETING_TYPES))
    unit_id = fields.Str(required=True)
    held_on = fields.Date(required=True)
    held_at = fields.DateTime(allow_none=True, load_default=None)
    attendee_member_ids = fields.List(_Id(), required=True, validate=validate.Length(min=1))
    absentees = fields.List(fields.Nested(_Absence), required=True)
    topics = fields.List(fields.Str(), required=True)
    resolutions = fields.List(fields.Str(), required=True)
    minutes = _text()


class _Attendance(Schema):
    member_id = _Id(required=True)
    role = fields.Str(required=True, validate=validate.OneOf(ATTENDEE_ROLES))


@registry.event("MeetingRecorded", version=2)
class MeetingRecordedV2(MeetingRecorded):
    """Issue 12: each attendee with their role on the day (the committee's people attend
    the working committee's regular meeting; it counts only with the secretary or a deputy)."""

    attendance = fields.List(fields.Nested(_Attendance), required=True)


@registry.upcaster("MeetingRecorded", from_version=1)
def _meeting_recorded_v1(data: dict) -> dict:
    # before issue 12 only org members could attend: every attendee was a member
    return {**data, "attendance": [{"member_id": m, "role": "member"}
                                   for m in data["attendee_member_ids"]]}


@registry.event("MeetingMinutesAmended", version=1)
class MeetingMinutesAmended(Schema):
    minutes = _text()
    resolutions = fields.List(fields.Str())


@registry.event("MeetingRecordRetracted", version=1)
class MeetingRecordRetracted(Schema):
    reason = _text()
