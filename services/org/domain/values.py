"""Small pure helpers shared by the org aggregates: input checks and date conversions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from eventkit.errors import InvalidInput, NotFound


def text(name: str, value: object, *, max_len: int = 200) -> str:
    """A required, stripped, non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput.field(name, "is required")
    value = value.strip()
    if len(value) > max_len:
        raise InvalidInput.field(name, f"must be at most {max_len} characters")
    return value


def optional_text(name: str, value: object, *, max_len: int = 200) -> str | None:
    if value is None:
        return None
    return text(name, value, max_len=max_len)


def count(name: str, value: object) -> int:
    # bool is an int subclass; True as a head count is a caller bug, not 1.
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidInput.field(name, "must be a whole number, 0 or more")
    return value


def flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput.field(name, "must be true or false")
    return value


def choice(name: str, value: object, allowed: Iterable[str]) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        raise InvalidInput.field(name, f"must be one of: {', '.join(allowed)}")
    assert isinstance(value, str)
    return value


def day(name: str, value: object) -> dt.date:
    # datetime is a date subclass; a time of day has no place in a calendar fact.
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidInput.field(name, "must be a date")
    return value


def iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def parse(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value is not None else None


def parse_req(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def require_created(exists: bool, what: str, aggregate_id: str) -> None:
    if not exists:
        raise NotFound(f"{what} {aggregate_id} not found", {"id": aggregate_id})


def add_years(born: dt.date, years: int) -> dt.date:
    """The `years`-th birthday; someone born on 29 February has it on 1 March in common years.

    1 March matches `age_on`: the day count of a year is complete only once 28 February
    has passed, which is the reading of Chinese civil practice for age thresholds.
    """
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February in a common year
        return dt.date(born.year + years, 3, 1)


def age_on(born: dt.date, on: dt.date) -> int:
    """Completed years of age on `on`."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` months later (or earlier); the month's last day when shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return min(day.replace(year=year, month=month, day=1) + dt.timedelta(days=day.day - 1),
               nxt - dt.timedelta(days=1))
