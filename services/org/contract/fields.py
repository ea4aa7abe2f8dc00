"""Field builders the org contract's schemas share (names, dates, counts)."""

from __future__ import annotations

from marshmallow import fields, validate

# ---- shared pieces ---------------------------------------------------------------------

def _name(max_len: int = 200) -> fields.Str:
    return fields.Str(required=True, validate=validate.Length(min=1, max=max_len))


def _opt_name(max_len: int = 200) -> fields.Str:
    return fields.Str(load_default=None, allow_none=True,
                      validate=validate.Length(min=1, max=max_len))


def _on(required: bool = False) -> fields.Date:
    if required:
        return fields.Date(required=True)
    return fields.Date(load_default=None, allow_none=True,
                       metadata={"description": "the date it took effect; default today"})


def _count() -> fields.Int:
    return fields.Int(required=True, strict=True, validate=validate.Range(min=0, max=10_000_000))


_ID = validate.Length(min=1, max=64)

TRANSFER_STATUSES = ("pending", "approved", "rejected", "cancelled")
