"""What a unit's calendar contains, as pure data: its events (uids, summaries, times,
statuses) and the facts of the county's time zone. The RFC 5545 text is written outside the
domain, by `services/activities/calendar_text.py` (the `icalendar` library)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ._common import LOCAL_TZ_NAME, require_aware
from .activity import CANCELLED, ActivityFacts
from .compliance import OVERDUE, DutyWindow
from .meetings import MEETING_TYPE_NAMES

UID_DOMAIN = "coopleague"
CONFIRMED = "CONFIRMED"
CANCELLED_EVENT = "CANCELLED"


@dataclass(frozen=True)
class FixedZone:
    """A time zone with one offset for every date the platform handles."""

    tzid: str
    offset: timedelta
    abbreviation: str
    since: datetime  # local wall time from which the offset holds


# Asia/Shanghai has a single fixed offset since 1991 (no DST): one STANDARD observance.
SHANGHAI = FixedZone(LOCAL_TZ_NAME, timedelta(hours=8), "CST", datetime(1970, 1, 1))


@dataclass(frozen=True)
class TimedEvent:
    uid: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    location: str = ""
    description: str = ""
    status: str = CONFIRMED

    def __post_init__(self) -> None:
        require_aware("starts_at", self.starts_at)
        require_aware("ends_at", self.ends_at)


@dataclass(frozen=True)
class AllDayEvent:
    uid: str
    summary: str
    first_day: date
    last_day: date | None = None  # inclusive
    description: str = ""

    @property
    def end_exclusive(self) -> date:
        """The day after the last one: an all-day event's end is exclusive (RFC 5545)."""
        return (self.last_day or self.first_day) + timedelta(days=1)


CalendarEvent = TimedEvent | AllDayEvent


@dataclass(frozen=True)
class Calendar:
    """A whole calendar. Timed events are given in UTC unless `zone` is set: then in that
    zone's local time, the zone described in the calendar."""

    events: tuple[CalendarEvent, ...]
    stamp: datetime  # when it was produced (each event's DTSTAMP)
    name: str = ""
    zone: FixedZone | None = None

    def __post_init__(self) -> None:
        require_aware("datetime", self.stamp)

    @property
    def has_timed_events(self) -> bool:
        return any(isinstance(e, TimedEvent) for e in self.events)


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
        status=CANCELLED_EVENT if fact.status == CANCELLED else CONFIRMED,
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
    local_time: bool = False,
) -> Calendar:
    """A unit's feed: activities it organizes or co-organizes, and meetings it still owes
    (due or overdue windows; held ones are left out)."""
    events: list[CalendarEvent] = [
        activity_event(a)
        for a in sorted(activities, key=lambda a: (a.starts_at, a.activity_id))
        if unit_id in a.unit_ids
    ]
    events.extend(duty_event(unit_id, d) for d in duties if d.status != "held")
    return Calendar(tuple(events), stamp=now, name=unit_name,
                    zone=SHANGHAI if local_time else None)
