"""Meetings: recording, amending the minutes, retracting."""

from __future__ import annotations

import datetime as dt

from eventkit import clock
from eventkit.errors import InvalidInput
from eventkit.uow import Tx
from services.activities.domain.meetings import Absence, Meeting

from .context import Answer, Command, Context


def record_meeting(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    facts = ctx.facts(tx)
    unit = facts.unit(cmd["unit_id"], ctx.scope)
    if unit is None:
        raise InvalidInput.field("unit_id", f"unknown unit: {cmd['unit_id']}")
    held = cmd["held_at"] if cmd["held_at"] is not None else cmd["held_on"]
    held_on = clock.county_date(held) if isinstance(held, dt.datetime) else held
    attendees = cmd["attendee_member_ids"]
    members = attendees + [a["member_id"] for a in cmd["absentees"]]
    meeting = tx.add(Meeting(ctx.new_id()))
    assert isinstance(meeting, Meeting)
    meeting.record(
        meeting_type=cmd["meeting_type"], unit=unit, held=held, attendee_member_ids=attendees,
        absentees=[Absence(a["member_id"], a["reason"]) for a in cmd["absentees"]],
        topics=cmd["topics"], resolutions=cmd["resolutions"], minutes=cmd["minutes"],
        today=ctx.clock.today(),
        known_member_ids=facts.attending_member_ids(members, held_on) | set(
            facts.committee_people_on(members, cmd["unit_id"], held_on)),
        unit_kinds=ctx.compliance.unit_kinds,
        attendee_roles=facts.attendee_roles(attendees, cmd["unit_id"], held_on))
    return {"id": meeting.id}


def _meeting(tx: Tx, meeting_id: str, ctx: Context) -> Meeting:
    ctx.facts(tx).require_meeting_visible(meeting_id, ctx.scope)
    return tx.get(Meeting, meeting_id, "meeting")


def amend_meeting(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    fields = dict(cmd)
    meeting_id = fields.pop("meeting_id")
    _meeting(tx, meeting_id, ctx).amend_minutes(**fields)
    return {"id": meeting_id}


def retract_meeting(tx: Tx, cmd: Command, ctx: Context) -> Answer:
    _meeting(tx, cmd["meeting_id"], ctx).retract(reason=cmd["reason"])
    return {"id": cmd["meeting_id"]}
