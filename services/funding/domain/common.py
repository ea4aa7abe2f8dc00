"""Small pure helpers shared by the funding domain: money, dates, months, text."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from eventkit.errors import InvalidInput

_MONTH = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])\Z")


def require_fen(name: str, value: Any, *, allow_zero: bool = False) -> int:
    """An amount of money in integer fen; bool and float are refused (money is exact)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput.field(name, "must be an integer number of fen")
    if value < 0 or (value == 0 and not allow_zero):
        raise InvalidInput.field(name, "must be zero or more" if allow_zero else "must be > 0")
    return value


def require_text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput.field(name, "is required")
    return value.strip()


def optional_text(name: str, value: Any) -> str | None:
    """None or a non-empty stripped string (an empty string means none)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput.field(name, "must be a string")
    return value.strip() or None


def require_date(name: str, value: Any) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidInput.field(name, "must be a date")
    return value


def require_aware(name: str, value: Any) -> dt.datetime:
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        raise InvalidInput.field(name, "must be a timezone-aware datetime")
    return value


def utc_iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat()


def parse_month(name: str, value: Any) -> str:
    """A calendar month as 'YYYY-MM' (returned unchanged when valid)."""
    if not isinstance(value, str) or not _MONTH.match(value):
        raise InvalidInput.field(name, "must be a month as YYYY-MM")
    return value


def month_index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month_from_index(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def add_months(month: str, n: int) -> str:
    return month_from_index(month_index(month) + n)


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_range(from_month: str, to_month: str) -> list[str]:
    """Every month from `from_month` to `to_month`, both included."""
    parse_month("from_month", from_month)
    parse_month("to_month", to_month)
    start, end = month_index(from_month), month_index(to_month)
    if end < start:
        raise InvalidInput.field("to_month", "must not be before from_month")
    return [month_from_index(i) for i in range(start, end + 1)]
