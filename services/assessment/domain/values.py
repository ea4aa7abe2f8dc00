"""Small validators shared by the assessment aggregates (pure)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventkit.errors import InvalidInput

SCORE_MIN = 0
SCORE_MAX = 100


def require_id(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        raise InvalidInput.field(field, "must be a non-empty id of at most 64 characters")
    return value


def require_text(value: Any, field: str, max_len: int = 2000) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput.field(field, "must not be empty")
    text = value.strip()
    if len(text) > max_len:
        raise InvalidInput.field(field, f"must be at most {max_len} characters")
    return text


def optional_text(value: Any, field: str, max_len: int = 200) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return require_text(value, field, max_len)


def require_date(value: Any, field: str) -> dt.date:
    # datetime is a subclass of date; a timestamp where a calendar date is meant is a bug.
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidInput.field(field, "must be a date")
    return value


def iso_date(value: Any, field: str) -> str:
    return require_date(value, field).isoformat()


def iso_utc(value: Any, field: str) -> str:
    """An aware datetime as an ISO 8601 string in UTC (the event convention)."""
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise InvalidInput.field(field, "must be a datetime with a time zone")
    return value.astimezone(dt.UTC).isoformat()


def require_int(value: Any, field: str, low: int, high: int) -> int:
    # bool is an int subclass; True as a score is always a mistake.
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput.field(field, f"must be an integer from {low} to {high}")
    return value


def require_score(value: Any, field: str = "score") -> int:
    return require_int(value, field, SCORE_MIN, SCORE_MAX)


def require_year(value: Any, field: str = "year") -> int:
    return require_int(value, field, 2000, 2100)


def parse_date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)
