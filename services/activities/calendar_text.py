"""RFC 5545 text of a calendar, written by the `icalendar` library: CRLF line ends, lines
folded at most 75 octets without splitting a UTF-8 sequence, TEXT values escaped.

What a calendar contains is the domain's (`domain/calendar_feed.py`); this adapter only
writes it down. The gateway serves the text as `text/calendar`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import icalendar
from icalendar.parser import Contentline
from icalendar.prop import vText

from services.activities.domain import calendar_feed as feed
from services.activities.domain._common import to_local
from services.activities.domain.activity import ActivityFacts
from services.activities.domain.compliance import DutyWindow

PRODID = "-//CoopLeague//Activities//ZH"


class _Text(vText):
    r"""TEXT escaped strictly as RFC 5545 3.3.11 says. `vText` reads a backslash before a
    capital N in its input as a line break; our values are plain text, where `\N` is a
    backslash and a letter, written `\\N`."""

    def to_ical(self) -> bytes:
        parts = (vText(part).to_ical() for part in self.split("\\N"))
        return b"\\\\N".join(parts)


def escape_text(value: str) -> str:
    """A TEXT value as written: backslash, `;`, `,` and line breaks escaped."""
    return _Text(value).to_ical().decode("utf-8")


def fold_line(line: str) -> str:
    """A content line as written: folded at most 75 octets, a continuation starts with a
    space (which counts), a UTF-8 sequence never split (Chinese text is 3 octets a char)."""
    return Contentline(line).to_ical().decode("utf-8")


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _timezone(zone: feed.FixedZone) -> icalendar.Timezone:
    standard = icalendar.TimezoneStandard()
    standard.add("dtstart", zone.since)
    standard.add("tzoffsetfrom", zone.offset)
    standard.add("tzoffsetto", zone.offset)
    standard.add("tzname", zone.abbreviation)
    timezone = icalendar.Timezone()
    timezone.add("tzid", zone.tzid)
    timezone.add_component(standard)
    return timezone


def _event(event: feed.CalendarEvent, stamp: datetime,
           zone: feed.FixedZone | None) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", _Text(event.uid))
    component.add("dtstamp", stamp)
    if isinstance(event, feed.TimedEvent):
        for name, value in (("dtstart", event.starts_at), ("dtend", event.ends_at)):
            if zone is None:
                component.add(name, _utc(value))
            else:  # local wall time, named by the VTIMEZONE the calendar carries
                component.add(name, to_local(value).replace(tzinfo=None),
                              parameters={"TZID": zone.tzid})
    else:
        component.add("dtstart", event.first_day)
        component.add("dtend", event.end_exclusive)
        component.add("transp", "TRANSPARENT")
    component.add("summary", _Text(event.summary))
    if isinstance(event, feed.TimedEvent):
        if event.location:
            component.add("location", _Text(event.location))
        component.add("status", event.status)
    if event.description:
        component.add("description", _Text(event.description))
    return component


def calendar_text(calendar: feed.Calendar) -> str:
    """The whole VCALENDAR, properties in the order they are added."""
    document = icalendar.Calendar()
    document.add("prodid", PRODID)
    document.add("version", "2.0")
    document.add("calscale", "GREGORIAN")
    document.add("method", "PUBLISH")
    if calendar.name:
        document.add("x-wr-calname", _Text(calendar.name))
    zone = calendar.zone
    if zone is not None:
        document.add("x-wr-timezone", _Text(zone.tzid))
        if calendar.has_timed_events:
            document.add_component(_timezone(zone))
    stamp = _utc(calendar.stamp)
    for event in calendar.events:
        document.add_component(_event(event, stamp, zone))
    return document.to_ical(sorted=False).decode("utf-8")


def render_calendar(events: Sequence[feed.CalendarEvent], *, dtstamp: datetime,
                    name: str = "", use_tzid: bool = False) -> str:
    """Timed events in UTC 'Z' form by default; with `use_tzid` in county local time with
    TZID=Asia/Shanghai and its VTIMEZONE."""
    return calendar_text(feed.Calendar(tuple(events), stamp=dtstamp, name=name,
                                       zone=feed.SHANGHAI if use_tzid else None))


def unit_calendar(*, unit_id: str, unit_name: str, activities: Iterable[ActivityFacts],
                  duties: Iterable[DutyWindow], now: datetime, use_tzid: bool = False) -> str:
    """A unit's feed as text (the domain decides what it contains)."""
    return calendar_text(feed.unit_calendar(unit_id=unit_id, unit_name=unit_name,
                                            activities=activities, duties=duties, now=now,
                                            local_time=use_tzid))
