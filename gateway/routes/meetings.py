"""Meetings recorded, the regular-meeting duties of every unit (compliance) and a unit's
history of duties."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from gateway.router import Reply, Request, route
from gateway.routes.activities import DateRangeQuery, created, page_args
from services.activities.contract.schemas import (
    MEETING_TYPE,
    PERIOD,
    ComplianceOut,
    MeetingAmendIn,
    MeetingIn,
    MeetingOut,
    ReasonIn,
    UnitHistoryOut,
)


class MeetingListQuery(DateRangeQuery):
    unit_id = fields.Str(validate=validate.Length(max=100))
    meeting_type = fields.Str(validate=MEETING_TYPE)
    status = fields.Str(validate=validate.OneOf(("recorded", "retracted")))


class ComplianceQuery(Schema):
    period = fields.Str(required=True, validate=PERIOD,
                        metadata={"description": "YYYY-MM or YYYY-Qn"})


class HistoryQuery(Schema):
    from_period = fields.Str(data_key="from", validate=PERIOD,
                             metadata={"description": "default: a year before `to`"})
    to_period = fields.Str(data_key="to", validate=PERIOD,
                           metadata={"description": "default: this month"})


@route("POST", "/meetings", action="meetings.write", tag="meetings",
       summary="Record a meeting held", body=MeetingIn, response=MeetingOut, status=201,
       responses=(409, 422))
def record(req: Request) -> Reply:
    return created(req.rpc.activities.record_meeting(req.body, req.command_id,
                                                     scope=req.scope()), "meetings")


@route("GET", "/meetings", action="meetings.read", tag="meetings",
       summary="List meetings (by local date)", query=MeetingListQuery, response=MeetingOut,
       many=True)
def list_(req: Request) -> dict:
    filters, limit, cursor = page_args(req)
    return req.rpc.activities.list_meetings(filters, limit, cursor, scope=req.scope())


@route("GET", "/meetings/compliance", action="meetings.read", tag="meetings",
       summary="Per unit, each regular-meeting duty of the period: due, held or overdue;"
               " counts by professional committee and township",
       query=ComplianceQuery, response=ComplianceOut)
def compliance(req: Request) -> dict:
    return req.rpc.activities.meeting_compliance(req.query["period"], scope=req.scope())


@route("GET", "/meetings/{id}", action="meetings.read", tag="meetings",
       summary="One meeting", response=MeetingOut, responses=(404,))
def get(req: Request) -> dict:
    return req.rpc.activities.get_meeting(req.params["id"], scope=req.scope())


@route("PATCH", "/meetings/{id}", action="meetings.write", tag="meetings",
       summary="Amend the minutes (and resolutions)", body=MeetingAmendIn, response=MeetingOut,
       responses=(404, 409, 422))
def amend(req: Request) -> dict:
    return req.rpc.activities.amend_meeting(req.params["id"], req.body, req.command_id,
                                            scope=req.scope())


@route("POST", "/meetings/{id}/retract", action="meetings.write", tag="meetings",
       summary="Retract a record made in error (stops counting for compliance)",
       body=ReasonIn, response=MeetingOut, responses=(404, 409, 422))
def retract(req: Request) -> dict:
    return req.rpc.activities.retract_meeting(req.params["id"], req.body, req.command_id,
                                              scope=req.scope())


@route("GET", "/units/{id}/meeting-duties", action="meetings.read", tag="meetings",
       summary="A unit's history of meeting duties, period by period", query=HistoryQuery,
       response=UnitHistoryOut, responses=(404,))
def history(req: Request) -> dict:
    return req.rpc.activities.unit_compliance_history(
        req.params["id"], req.query.get("from_period"), req.query.get("to_period"),
        scope=req.scope())
