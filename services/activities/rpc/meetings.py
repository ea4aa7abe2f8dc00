"""Meetings and their compliance, calendar feeds, and the dashboard."""

from __future__ import annotations

import datetime as dt

from eventkit import pagination
from eventkit.errors import InvalidInput
from eventkit.nameko_ext import command
from eventkit.validation import Scope, load
from services.activities import handlers
from services.activities import queries as q
from services.activities import queries_life as ql
from services.activities.calendar_text import unit_calendar as render_unit_calendar
from services.activities.contract import schemas
from services.activities.domain.compliance import (
    compliance,
    due_windows,
    unit_history,
)
from services.activities.domain.periods import parse_period, this_and_last_quarter
from services.activities.rpc.common import Commands, _year_span, compliance_config


class MeetingsRpc(Commands):
    # -- meetings --------------------------------------------------------------------------
    @command
    def last_attendance(self, member_ids: list[str]) -> dict[str, str]:
        """The last day each member took part in organizational life: a recorded meeting or
        a held activity (issue 12: 自行脱团 needs it)."""
        return self.es.read(lambda cur: ql.last_attendance(cur, member_ids))

    @command
    def record_meeting(self, payload: dict, command_id: str | None = None,
                       scope: Scope = None) -> dict:
        result = self._run(handlers.record_meeting, load(schemas.MeetingIn, payload),
                           command_id, scope)
        return self.get_meeting(result["id"])

    @command
    def amend_meeting(self, meeting_id: str, payload: dict, command_id: str | None = None,
                      scope: Scope = None) -> dict:
        cmd = {**load(schemas.MeetingAmendIn, payload), "meeting_id": meeting_id}
        self._run(handlers.amend_meeting, cmd, command_id, scope)
        return self.get_meeting(meeting_id)

    @command
    def retract_meeting(self, meeting_id: str, payload: dict, command_id: str | None = None,
                        scope: Scope = None) -> dict:
        cmd = {**load(schemas.ReasonIn, payload), "meeting_id": meeting_id}
        self._run(handlers.retract_meeting, cmd, command_id, scope)
        return self.get_meeting(meeting_id)

    @command
    def get_meeting(self, meeting_id: str, scope: Scope = None) -> dict:
        return self.es.read(lambda cur: q.meeting_dict(q.meeting_row(cur, meeting_id, scope)))

    @command
    def list_meetings(self, filters: dict | None = None, limit: int = 50,
                      cursor: str | None = None, scope: Scope = None) -> dict:
        limit = pagination.clamp_limit(limit)
        return self.es.read(lambda cur: q.list_meetings(cur, filters or {}, limit, cursor, scope))

    def _compliance(self, cur, period: str, scope: Scope, today: dt.date):
        span = parse_period(period)
        units = [q.unit_info(r) for r in q.known_units(cur, scope)]
        first, last = _year_span(span.start, span.end)
        meetings = q.meeting_facts(cur, [u.id for u in units], first, last)
        return compliance(period, units, meetings, compliance_config(), today)

    @command
    def meeting_compliance(self, period: str, scope: Scope = None) -> dict:
        """Per unit, each duty window of `period` (YYYY-MM or YYYY-Qn): due, held, overdue."""
        today = self.clock.today()
        return self.es.read(lambda cur: self._compliance(cur, period, scope, today).to_dict())

    @command
    def unit_compliance_history(self, unit_id: str, from_period: str | None = None,
                                to_period: str | None = None, scope: Scope = None) -> dict:
        today = self.clock.today()
        to_period = to_period or f"{today:%Y-%m}"
        if from_period is None:
            end = parse_period(to_period)
            if "-Q" in end.label:
                from_period = f"{end.start.year - 1}-Q{(end.start.month - 1) // 3 + 1}"
            else:
                start = dt.date(end.start.year - 1, end.start.month, 1)
                from_period = f"{start:%Y-%m}"

        def query(cur) -> dict:
            unit = q.unit_info(q.known_unit(cur, unit_id, scope))
            first, last = parse_period(str(from_period)), parse_period(str(to_period))
            start, end = _year_span(first.start, last.end)
            meetings = q.meeting_facts(cur, [unit.id], start, end)
            return unit_history(unit, meetings, compliance_config(), str(from_period),
                                str(to_period), today).to_dict()

        return self.es.read(query)

    # -- calendars -------------------------------------------------------------------------
    @command
    def unit_calendar(self, unit_id: str, scope: Scope = None) -> str:
        """iCalendar of a unit: its activities (planned, and cancelled ones so phones drop
        them) from 180 days back, and the meetings it still owes this and last quarter."""
        now = self.clock.now()
        today = self.clock.today()

        def query(cur) -> str:
            row = q.known_unit(cur, unit_id, scope)
            since = now - dt.timedelta(days=180)
            facts = [q.activity_facts(a) for a in q.calendar_activities(cur, unit_id, since)]
            duties = []
            for period in this_and_last_quarter(today):
                report = self._compliance(cur, period, [unit_id], today)
                duties.extend(due_windows(report, unit_id))
            return render_unit_calendar(unit_id=unit_id, unit_name=row["name"],
                                        activities=facts, duties=duties, now=now,
                                        use_tzid=True)

        return self.es.read(query)

    # -- dashboard -------------------------------------------------------------------------
    @command
    def dashboard_summary(self, scope: Scope = None, year: int | None = None,
                          month: str | None = None) -> dict:
        """Meeting compliance of `month` (YYYY-MM) and the activities of `year`."""
        today = self.clock.today()
        year = int(year or today.year)
        month = month or f"{today:%Y-%m}"
        if "-Q" in month:
            raise InvalidInput.field("month", "must be YYYY-MM")

        def query(cur) -> dict:
            report = self._compliance(cur, month, scope, today)
            totals = report.totals
            return {
                "meetings_compliance": {"period": report.period, "due": totals.due,
                                        "held": totals.held, "overdue": totals.overdue},
                "activities": ql.activity_year_counts(cur, year, scope),
            }

        return self.es.read(query)
