"""Shared pure helpers: county local time and input checks.

County local time is Asia/Shanghai. China has had no daylight saving time since 1991, so a
fixed +08:00 offset is exact for every date the platform handles, and it keeps the domain
free of tzdata file reads (zoneinfo would open files: I/O).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from eventkit.clock import COUNTY_TZ, COUNTY_TZ_NAME
from eventkit.errors import InvalidInput

# the kernel's county clock is the one definition; the names stay for this domain's modules
LOCAL_TZ = COUNTY_TZ
LOCAL_TZ_NAME = COUNTY_TZ_NAME


def require_aware(name: str, value: Any) -> datetime:
    if not isinstance(value, datetime):
        raise InvalidInput.field(name, "must be a date and time")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput.field(name, "must carry a time zone offset")
    return value


def require_date(name: str, value: Any) -> date:
    # datetime is a subclass of date: refuse it so a time is never silently truncated.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidInput.field(name, "must be a date")
    return value


def to_local(value: datetime) -> datetime:
    return value.astimezone(LOCAL_TZ)


def local_date(value: datetime) -> date:
    """The county-local calendar day of an aware instant."""
    return to_local(value).date()


def iso_local(value: datetime) -> str:
    """ISO 8601 in county local time with its +08:00 offset."""
    return to_local(value).isoformat()


def parse_datetime(value: str) -> datetime:
    return datetime.fromisoformat(value)


def parse_date(value: str) -> date:
    return date.fromisoformat(value)


def clean_text(name: str, value: Any, *, max_len: int = 200, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise InvalidInput.field(name, "must be text")
    text = value.strip()
    if required and not text:
        raise InvalidInput.field(name, "must not be empty")
    if len(text) > max_len:
        raise InvalidInput.field(name, f"must be at most {max_len} characters")
    return text


def clean_text_list(name: str, values: Any, *, max_len: int = 500) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise InvalidInput.field(name, "must be a list of texts")
    out = []
    for item in values:
        if not isinstance(item, str) or not item.strip():
            raise InvalidInput.field(name, "items must be non-empty texts")
        if len(item.strip()) > max_len:
            raise InvalidInput.field(name, f"items must be at most {max_len} characters")
        out.append(item.strip())
    return out


def clean_id(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput.field(name, "must be a non-empty id")
    return value.strip()


def clean_optional_id(name: str, value: Any) -> str | None:
    return None if value is None else clean_id(name, value)


def clean_ids(name: str, values: Any, *, allow_empty: bool = True) -> list[str]:
    """A list of distinct ids, order kept (duplicates are refused, not merged)."""
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise InvalidInput.field(name, "must be a list of ids")
    out: list[str] = []
    for value in values:
        ident = clean_id(name, value)
        if ident in out:
            raise InvalidInput.field(name, f"lists {ident} twice")
        out.append(ident)
    if not out and not allow_empty:
        raise InvalidInput.field(name, "must list at least one id")
    return out


def non_negative_int(name: str, value: Any) -> int:
    # bool is an int subclass; True as an attendance figure is a caller bug.
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput.field(name, "must be an integer")
    if value < 0:
        raise InvalidInput.field(name, "must not be negative")
    return value


def int_figures(name: str, values: Any) -> dict[str, int]:
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise InvalidInput.field(name, "must be an object of integer figures")
    out: dict[str, int] = {}
    for key, value in values.items():
        if not isinstance(key, str) or not key.strip():
            raise InvalidInput.field(name, "figure names must be non-empty texts")
        out[key.strip()] = non_negative_int(f"{name}.{key.strip()}", value)
    return out


def unknown_members_error(field: str, unknown: Iterable[str]) -> InvalidInput:
    missing = sorted(set(unknown))
    message = "unknown members or members of a dissolved unit: " + ", ".join(missing)
    return InvalidInput(
        f"{field}: {message}", {"errors": {field: [message]}, "unknown_member_ids": missing}
    )
