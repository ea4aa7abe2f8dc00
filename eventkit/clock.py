"""The county clock: the one definition of county-local time, today, now and new ids.

County local time is Asia/Shanghai. China has had no daylight saving time since 1991, so a
fixed +08:00 offset is exact for every date the platform handles, and it keeps pure code
free of tzdata file reads (zoneinfo would open files: I/O). Domain code imports only the
constants and `county_date`; it takes `today`/`now` as parameters. The service layer asks a
`Clock` (injectable: tests pass a `FixedClock`) and `new_id` for ids.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Protocol

COUNTY_TZ = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
COUNTY_TZ_NAME = "Asia/Shanghai"


def county_date(moment: dt.datetime) -> dt.date:
    """The county-local calendar day of an aware instant (naive counts as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(COUNTY_TZ).date()


def county_day(value: str) -> dt.date:
    """A county-local date from an ISO date or an ISO date-time (naive counts as UTC)."""
    if len(value) == 10:
        return dt.date.fromisoformat(value)
    return county_date(dt.datetime.fromisoformat(value))


def now() -> dt.datetime:
    """The current instant, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """The county's local date (dates of meetings and facts are county dates)."""
    return county_date(now())


def new_id() -> str:
    """A new aggregate or object id (uuid4 hex), generated at the service edge."""
    return uuid.uuid4().hex


class Clock(Protocol):
    def now(self) -> dt.datetime: ...

    def today(self) -> dt.date: ...


class SystemClock:
    """The real clock; handlers receive it (or a FixedClock in tests) instead of reading
    the time themselves."""

    def now(self) -> dt.datetime:
        return now()

    def today(self) -> dt.date:
        return today()


class FixedClock:
    """A clock that says what it is told: for handler tests on the fakes."""

    def __init__(self, at: dt.datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("a fixed clock needs an aware instant")
        self.at = at

    def now(self) -> dt.datetime:
        return self.at

    def today(self) -> dt.date:
        return county_date(self.at)


SYSTEM_CLOCK = SystemClock()
