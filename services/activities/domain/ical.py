"""RFC 5545 iCalendar text, pure: CRLF line ends, lines folded at 75 octets, TEXT escaped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from ._common import LOCAL_TZ_NAME, require_aware, to_local
from .activity import CANCELLED, ActivityFacts
from .compliance import OVERDUE, DutyWindow
from .meetings import MEETING_TYPE_NAMES

PRODID = "-//CoopLeague//Activities//ZH"
UID_DOMAIN = "coopleague"
CRLF = "\r\n"

# Asia/Shanghai has a single fixed offset since 1991 (no DST): one STANDARD component.
VTIMEZONE_SHANGHAI = (
    "BEGIN:VTIMEZONE",
    f"TZID:{LOCAL_TZ_NAME}",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0800",
    "TZOFFSETTO:+0800",
    "TZNAME:CST",
    "END:STANDARD",
    "END:VTIMEZONE",
)


def escape_text(value: str) -> str:
    """TEXT escaping (RFC 5545 3.3.11): backslash first, then ; , and newlines."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold_line(line: str) -> str:
    """Fold to lines of at most 75 octets (RFC 5545 3.1); a continuation starts with a
    space, which counts. Never splits a UTF-8 sequence (Chinese text is 3 octets a char)."""
    parts: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    parts.append(current)
    return CRLF.join(parts)


def utc_stamp(value: datetime) -> str:
    return require_aware("datetime", value).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _date_value(value: date) -> str:
    return value.strftime("%Y%m%d")


@dataclass(frozen=True)
class TimedEvent:
    uid: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    location: str = ""
    description: str = ""
    status: str = "CONFIRMED"


@dataclass(frozen=True)
class AllDayEvent:
    uid: str
    summary: str
    first_day: date
    last_day: date | None = None  # inclusive; DTEND is the day after (exclusive)
    description: str = ""


CalendarEvent = TimedEvent | AllDayEvent


def _event_lines(
    event: CalendarEvent, dtstamp: str, use_tzid: bool
) -> list[str]:
    lines = ["BEGIN:VEVENT", f"UID:{escape_text(event.uid)}", f"DTSTAMP:{dtstamp}"]
    if isinstance(event, TimedEvent):
        if use_tzid:
            start = to_local(require_aware("starts_at", event.starts_at))
            end = to_local(require_aware("ends_at", event.ends_at))
            lines.append(f"DTSTART;TZID={LOCAL_TZ_NAME}:{start:%Y%m%dT%H%M%S}")
            lines.append(f"DTEND;TZID={LOCAL_TZ_NAME}:{end:%Y%m%dT%H%M%S}")
        else:
            lines.append(f"DTSTART:{utc_stamp(event.starts_at)}")
            lines.append(f"DTEND:{utc_stamp(event.ends_at)}")
    else:
        last = event.last_day or event.first_day
        lines.append(f"DTSTART;VALUE=DATE:{_date_value(event.first_day)}")
        lines.append(f"DTEND;VALUE=DATE:{_date_value(last + timedelta(days=1))}")
        lines.append("TRANSP:TRANSPARENT")
    lines.append(f"SUMMARY:{escape_text(event.summary)}")
    if isinstance(event, TimedEvent):
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        lines.append(f"STATUS:{event.status}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    lines.append("END:VEVENT")
    return lines


def render_calendar(
    events: Sequence[CalendarEvent],
    *,
    dtstamp: datetime,
    name: str = "",
    use_tzid: bool = False,
) -> str:
    """A whole VCALENDAR. Timed events in UTC 'Z' form by default; with `use_tzid` in
    county local time with TZID=Asia/Shanghai and its VTIMEZONE."""
    stamp = utc_stamp(dtstamp)
    lines = ["BEGIN:VCALENDAR", f"PRODID:{PRODID}", "VERSION:2.0", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    if use_tzid:
        lines.append(f"X-WR-TIMEZONE:{LOCAL_TZ_NAME}")
        if any(isinstance(e, TimedEvent) for e in events):
            lines.extend(VTIMEZONE_SHANGHAI)
    for event in events:
        lines.extend(_event_lines(event, stamp, use_tzid))
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + CRLF for line in lines)


def activity_event(fact: ActivityFacts) -> TimedEvent:
    # Cancelled activities stay in the feed as STATUS:CANCELLED so a subscribed phone
    # removes the event instead of keeping a stale copy.
    return TimedEvent(
        uid=f"activity-{fact.activity_id}@{UID_DOMAIN}",
        summary=fact.title,
        starts_at=fact.starts_at,
        ends_at=fact.ends_at,
        location=fact.venue,
        description=fact.summary,
        status="CANCELLED" if fact.status == CANCELLED else "CONFIRMED",
    )


def duty_event(unit_id: str, duty: DutyWindow) -> AllDayEvent:
    """A meeting due, as an all-day event on the window's last day (its deadline)."""
    name = MEETING_TYPE_NAMES.get(duty.meeting_type, duty.meeting_type)
    label = "已逾期" if duty.status == OVERDUE else "待召开"
    return AllDayEvent(
        uid=f"duty-{unit_id}-{duty.meeting_type}-{duty.window}@{UID_DOMAIN}",
        summary=f"{label}：{name}（{duty.window}）",
        first_day=duty.window_end,
        description=(
            f"{name}: due between {duty.window_start.isoformat()} and "
            f"{duty.window_end.isoformat()}"
        ),
    )


def unit_calendar(
    *,
    unit_id: str,
    unit_name: str,
    activities: Iterable[ActivityFacts],
    duties: Iterable[DutyWindow],
    now: datetime,
    use_tzid: bool = False,
) -> str:
    """A unit's feed: activities it organizes or co-organizes, and meetings it still owes
    (due or overdue windows; held ones are left out)."""
    events: list[CalendarEvent] = [
        activity_event(a)
        for a in sorted(activities, key=lambda a: (a.starts_at, a.activity_id))
        if unit_id in a.unit_ids
    ]
    events.extend(duty_event(unit_id, d) for d in duties if d.status != "held")
    return render_calendar(events, dtstamp=now, name=unit_name, use_tzid=use_tzid)
