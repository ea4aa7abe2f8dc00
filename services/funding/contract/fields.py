"""Field builders the funding contract's schemas share (text, money in fen, months)."""

from __future__ import annotations

from marshmallow import fields, validate

_MONTH_RE = r"^\d{4}-(0[1-9]|1[0-2])$"
MONTH = validate.Regexp(_MONTH_RE, error="must be a month as YYYY-MM")
MAX_FEN = 10**13  # 100 billion yuan: anything above is a typo


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
