"""A unit's calendar (RFC 5545): planned activities and the meetings it still owes."""

from __future__ import annotations

from gateway.router import Reply, Request, route


@route("GET", "/units/{id}/calendar.ics", action="activities.read", tag="calendars",
       summary="iCalendar feed of a unit: planned activities and meetings due",
       responses=(404,), content_type="text/calendar", token_in_query=True)
def calendar(req: Request) -> Reply:
    unit_id = req.params["id"]
    text = req.rpc.activities.unit_calendar(unit_id, scope=req.scope())
    return Reply(text, 200, {"Content-Disposition": f'inline; filename="{unit_id}.ics"'},
                 content_type="text/calendar")
