"""Field builders the funding contract's schemas share (text, money in fen, months)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from marshmallow import ValidationError, fields, validate

_MONTH_RE = r"^[0-9]{4}-(0[1-9]|1[0-2])\Z"
MONTH = validate.Regexp(_MONTH_RE, error="must be a month as YYYY-MM")
MAX_FEN = 10**13  # 100 billion yuan: anything above is a typo
COUNTY_TZ = ZoneInfo("Asia/Shanghai")


def _not_after_county_today(value: dt.date) -> None:
    # money moved on a date that has not come yet cannot be on the books (it raised a fund's
    # balance at once); a planned income is a pledge, which may be dated ahead
    today = dt.datetime.now(COUNTY_TZ).date()
    if value > today:
        raise ValidationError(f"may not be after today ({today.isoformat()}, county time)")


def _entry_date(description: str | None = None) -> fields.Date:
    meta = {"description": f"{description}; at most today" if description
            else "at most today (county time)"}
    return fields.Date(required=True, validate=_not_after_county_today, metadata=meta)


def _text(max_len: int = 200) -> fields.Str:
    return fields.Str(required=True, validate=validate.Length(min=1, max=max_len))


def _opt_text(max_len: int = 200) -> fields.Str:
    return fields.Str(load_default=None, allow_none=True,
                      validate=validate.Length(min=1, max=max_len))


def _fen(minimum: int = 1) -> fields.Int:
    return fields.Int(required=True, strict=True,
                      validate=validate.Range(min=minimum, max=MAX_FEN))


def _month(required: bool = True) -> fields.Str:
    if required:
        return fields.Str(required=True, validate=MONTH)
    return fields.Str(load_default=None, allow_none=True, validate=MONTH)
